// `webstack:edge:DockerEdge`: the edge on one Docker engine (dev, test) — the frontend and
// backend containers on the edge network (the backend on the data network too, and in the Redis
// cluster layout on that network at a fixed address), and an nginx container publishing 80/443
// with the rendered nginx.conf and a certificate from the stack's private CA. Names carry the
// stack prefix so dev and test can share a Docker host.
import * as pulumi from "@pulumi/pulumi";
import * as docker from "@pulumi/docker";
import { nginxVersionOfImage } from "../catalog/nginx";
import { HEALTHCHECK_TIMINGS, JSON_FILE_LOGS, RESTART_POLICY } from "../container-defaults";
import {
  AppRole,
  containerEnvironment,
  HEALTH_PATHS,
  healthCheckCommand,
  secretFilePath,
} from "./app-containers";
import { DockerEdgePlacement, EdgeArgs, EdgeOutputs } from "./contract";
import { HEALTHZ_PATH, renderNginxConf } from "./nginx-conf";
import { DOCKER_UPSTREAM_HOSTS, dockerSiteSpec } from "./site-spec";
import { SelfSignedTls } from "./tls";

export type DockerEdgeArgs = EdgeArgs & DockerEdgePlacement;

/** Where the CA certificate lands next to the server certificate, for `docker cp`. */
export const CA_CERTIFICATE_PATH = "/etc/nginx/tls/ca.crt";
/** Where the backend finds the uploads volume, when there is one. */
export const UPLOADS_PATH = "/var/lib/webstack/uploads";

/** The Nginx container's name, which also resolves on the edge network (the health probe's host). */
export const nginxContainerName = (namePrefix: string) => `${namePrefix}-nginx`;

type Settings = Readonly<Record<string, pulumi.Input<string>>>;

export class DockerEdge extends pulumi.ComponentResource implements EdgeOutputs {
  readonly certificateNotAfter: pulumi.Output<string>;
  /** The private CA's certificate (PEM), for developers' trust stores. */
  readonly caCertificatePem: pulumi.Output<string>;
  readonly nginxConf: pulumi.Output<string>;

  constructor(name: string, args: DockerEdgeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("webstack:edge:DockerEdge", name, {}, opts);
    // The renderer writes for the Nginx version the image's tag names (HTTP/2 syntax differs).
    const nginxVersion = nginxVersionOfImage(args.nginxImage);
    if (nginxVersion === undefined) {
      throw new pulumi.ResourceError(
        `nginxImage must name its Nginx version in its tag (got "${args.nginxImage}")`,
        this,
      );
    }
    const { redisNetwork } = args;
    if (redisNetwork !== undefined && redisNetwork.name === args.dataNetworkName) {
      throw new pulumi.ResourceError(
        "redisNetwork must be the Redis cluster network, not dataNetworkName: the backend is on that one already",
        this,
      );
    }
    const spec = dockerSiteSpec(args.site, nginxVersion);
    const conf = renderNginxConf(spec);
    const { paths } = spec;
    const parent = { parent: this };

    const certificate = new SelfSignedTls(`${name}-tls`, args, parent);

    const image = (role: string, reference: string) =>
      new docker.RemoteImage(
        `${name}-${role}-image`,
        { name: reference, keepLocally: true },
        parent,
      );
    const healthcheck = (tests: string[]) => ({ tests, ...HEALTHCHECK_TIMINGS });
    const common = { restart: RESTART_POLICY, ...JSON_FILE_LOGS };

    const app = (
      role: AppRole,
      networks: docker.types.input.ContainerNetworksAdvanced[] = [],
      plain: Settings = {},
      secrets: Settings = {},
      volumes: docker.types.input.ContainerVolume[] = [],
    ) => {
      const port = role === "frontend" ? args.site.frontendPort : args.site.backendPort;
      const envs = pulumi
        .all(plain as Record<string, pulumi.Input<string>>)
        .apply((values) =>
          Object.entries(containerEnvironment(port, values, Object.keys(secrets))).map(
            ([key, value]) => `${key}=${value}`,
          ),
        );
      return new docker.Container(
        `${name}-${role}`,
        {
          name: `${args.namePrefix}-${role}`,
          image: image(role, role === "frontend" ? args.frontendImage : args.backendImage).imageId,
          ...common,
          envs,
          healthcheck: healthcheck(healthCheckCommand(port, HEALTH_PATHS[role])),
          // On the edge network under the alias Nginx proxies to.
          networksAdvanced: [
            { name: args.edgeNetworkName, aliases: [DOCKER_UPSTREAM_HOSTS[role]] },
            ...networks,
          ],
          ...(volumes.length > 0 ? { volumes } : {}),
          uploads: Object.entries(secrets).map(([secret, value]) => ({
            file: secretFilePath(secret),
            content: pulumi.secret(value),
            // Readable by whatever user the image runs as, like Docker's own secrets.
            permissions: "0444",
          })),
        },
        parent,
      );
    };

    const frontend = app("frontend");
    const uploads = args.uploadsVolumeName;
    const backend = app(
      "backend",
      [
        { name: args.dataNetworkName },
        ...(redisNetwork ? [{ name: redisNetwork.name, ipv4Address: redisNetwork.address }] : []),
      ],
      // The backend's one contract for uploaded files: a directory here, a bucket on AWS.
      { ...args.backend?.environment, ...(uploads ? { UPLOADS_DIR: UPLOADS_PATH } : {}) },
      args.backend?.secrets,
      uploads ? [{ volumeName: uploads, containerPath: UPLOADS_PATH }] : [],
    );

    new docker.Container(
      `${name}-nginx`,
      {
        name: nginxContainerName(args.namePrefix),
        image: image("nginx", args.nginxImage).imageId,
        ...common,
        ports: [80, 443].map((port) => ({
          internal: port,
          external: port,
          ip: args.bindAddress,
          protocol: "tcp",
        })),
        networksAdvanced: [{ name: args.edgeNetworkName }],
        uploads: [
          { file: "/etc/nginx/nginx.conf", content: conf, permissions: "0644" },
          { file: paths.certificate, content: certificate.certificatePem, permissions: "0644" },
          {
            file: paths.key,
            content: pulumi.secret(certificate.privateKeyPem),
            permissions: "0600",
          },
          { file: CA_CERTIFICATE_PATH, content: certificate.caCertificatePem, permissions: "0644" },
        ],
        // The official image (Debian and Alpine) ships curl; /healthz never touches an app.
        healthcheck: healthcheck([
          "CMD",
          "curl",
          "-fsS",
          "-o",
          "/dev/null",
          `http://127.0.0.1${HEALTHZ_PATH}`,
        ]),
        // Nginx resolves the upstream aliases once, at start: a replaced app container gets a
        // new address, so its id in a label replaces this container too and Nginx re-resolves.
        labels: [
          {
            label: "webstack.edge.upstreams",
            value: pulumi.interpolate`${frontend.id},${backend.id}`,
          },
        ],
        // A config Nginx refuses leaves the container unhealthy: fail the deployment, not later.
        wait: true,
        waitTimeout: 120,
      },
      { parent: this, dependsOn: [frontend, backend] },
    );

    this.certificateNotAfter = certificate.notAfter;
    this.caCertificatePem = certificate.caCertificatePem;
    this.nginxConf = pulumi.output(conf);
    this.registerOutputs({
      certificateNotAfter: this.certificateNotAfter,
      caCertificatePem: this.caCertificatePem,
      nginxConf: this.nginxConf,
    });
  }
}
