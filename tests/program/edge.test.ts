// Program level: the real program for each stack under the mock runtime registers the edge we
// promise — on Docker an nginx container publishing only 80/443 with the rendered config and a
// certificate for the stack's domains, on AWS one internet-facing ALB with a TLS 1.2/1.3 HTTPS
// listener, a redirect-only HTTP listener and app hosts whose user data carries that same
// config — and no private key or backend secret is ever readable in what the engine records.
import * as pulumi from "@pulumi/pulumi";
import type { WebstackConfig } from "../../components/config";
import { TIER_FLOORS } from "../../components/catalog/tiers";
import { AwsEdge } from "../../components/edge/aws";
import {
  BOOT_ENV_PATH,
  BOOT_SCRIPT_PATH,
  NGINX_CONF_PATH,
  USER_DATA_LIMIT_BYTES,
} from "../../components/edge/cloud-init";
import { DockerEdge } from "../../components/edge/docker";
import type { Environment } from "../../components/environment";
import { siteSettingsFromConfig } from "../../components/environment/edge-site";
import { readCloudInitFiles } from "../../policies/cloud-init";
import { policies } from "../../policies/policies";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { RecordedResource, redactSecrets, WebstackMocks } from "../../tools/mock-runtime/mocks";
import { runStack, StackRun } from "../../tools/mock-runtime/run-stack";
import { violations } from "../support/policy";
import {
  computedOf,
  CONTAINER_HOUSE_SETTINGS,
  idOf,
  inputsOf,
  named,
  ofType,
  stackConfig,
  synth,
  uploadOf,
  uploadsOf,
  withSection,
} from "../support/program";
import { dockerRun, fetchedSecrets, runBootScript } from "../unit/edge-boot-run";
import { children, Directive, only, parseNginxConf } from "../unit/edge-conf-parse";

const CONTAINER = "docker:index/container:Container";
const LISTENER = "aws:lb/listener:Listener";
const DOMAINS: Record<string, string[]> = {
  dev: ["localhost"],
  test: ["test.labelmedix.com"],
  staging: ["staging.labelmedix.com"],
  prod: ["labelmedix.com", "www.labelmedix.com"],
};

const runs: Record<string, StackRun> = {};
beforeAll(async () => {
  for (const stack of ["dev", "test", "staging", "prod"]) runs[stack] = await synth(stack);
});

type Input = Record<string, unknown>;

/** Resources the edge registered (the data tier adds containers and parameters of its own). */
const edgeOfType = (run: StackRun, type: string) =>
  ofType(run, type).filter((r) => r.urn.includes("webstack:edge:"));

function http(conf: string): readonly Directive[] {
  return only(parseNginxConf(conf), "http").children ?? [];
}

function tlsServer(conf: string): readonly Directive[] {
  const server = children(http(conf), "server").find((s) =>
    (s.children ?? []).some((d) => d.name === "listen" && d.args.includes("ssl")),
  );
  if (!server) throw new Error("no server listens with ssl");
  return server.children ?? [];
}

/** TLS protocols, and whether every location of the TLS server sends a year of HSTS. */
function tlsFacts(conf: string) {
  const server = tlsServer(conf);
  const hsts = (block: readonly Directive[]) =>
    block.some(
      (d) =>
        d.name === "add_header" &&
        d.args[0] === "Strict-Transport-Security" &&
        d.args[1] === "max-age=31536000; includeSubDomains" &&
        d.args[2] === "always",
    );
  return {
    protocols: only(http(conf), "ssl_protocols").args,
    hstsEverywhere:
      hsts(server) && children(server, "location").every((l) => hsts(l.children ?? [])),
    certificate: only(server, "ssl_certificate").args[0],
    key: only(server, "ssl_certificate_key").args[0],
    upstreams: children(http(conf), "upstream").map(
      (u) => only(u.children ?? [], "server").args[0],
    ),
  };
}

/** Every recorded input, redacted the way synth writes resources.json. */
function recordedText(run: StackRun): string {
  return JSON.stringify(run.resources.map((r) => redactSecrets(r.inputs)));
}

function userDataOf(run: StackRun): string {
  const [template] = ofType(run, "aws:ec2/launchTemplate:LaunchTemplate");
  return Buffer.from(inputsOf(template).userData as string, "base64").toString("utf8");
}

/** What the app hosts' boot script does, run (commands stubbed) with the env file it is given. */
function bootCalls(run: StackRun): string[][] {
  const files = readCloudInitFiles(userDataOf(run));
  return runBootScript(files[BOOT_SCRIPT_PATH], files[BOOT_ENV_PATH]);
}

describe.each(["dev", "test"])("%s on Docker", (stack) => {
  const prefix = `webstack-${stack}`;
  const container = (role: string) => named(runs[stack], `${stack}-edge-${role}`);

  test("three containers named after the stack; only nginx publishes ports: 80 and 443", () => {
    const containers = edgeOfType(runs[stack], CONTAINER).map(inputsOf);
    expect(containers.map((c) => c.name).sort()).toEqual(
      [`${prefix}-backend`, `${prefix}-frontend`, `${prefix}-nginx`].sort(),
    );
    const ip = stack === "dev" ? "127.0.0.1" : "0.0.0.0";
    expect(inputsOf(container("nginx")).ports).toEqual([
      { internal: 80, external: 80, ip, protocol: "tcp" },
      { internal: 443, external: 443, ip, protocol: "tcp" },
    ]);
    expect(inputsOf(container("frontend")).ports).toBeUndefined();
    expect(inputsOf(container("backend")).ports).toBeUndefined();
  });

  test("the server certificate is issued by the stack's own CA for exactly its domains", () => {
    const run = runs[stack];
    const [request] = ofType(run, "tls:index/certRequest:CertRequest").map(inputsOf);
    expect(request.dnsNames).toEqual(DOMAINS[stack]);
    const [ca] = ofType(run, "tls:index/selfSignedCert:SelfSignedCert");
    expect(inputsOf(ca)).toMatchObject({ isCaCertificate: true, maxPathLength: 0 });
    const [server] = ofType(run, "tls:index/locallySignedCert:LocallySignedCert").map(inputsOf);
    expect(server.caCertPem).toBe(computedOf(ca, "certPem"));
    expect(server).toMatchObject({
      validityPeriodHours: 365 * 24,
      earlyRenewalHours: 45 * 24,
      allowedUses: ["digital_signature", "key_encipherment", "server_auth"],
    });
    for (const key of ofType(run, "tls:index/privateKey:PrivateKey").map(inputsOf)) {
      expect(key).toEqual({ algorithm: "ECDSA", ecdsaCurve: "P256" });
    }
  });

  test("nginx gets the rendered nginx.conf: TLS 1.2/1.3 only, HSTS on every location", () => {
    const conf = uploadOf(container("nginx"), NGINX_CONF_PATH).content;
    expect(conf).toBe(runs[stack].files["edge/nginx.conf"]);
    const facts = tlsFacts(conf);
    expect(facts.protocols).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(facts.hstsEverywhere).toBe(true);
    expect(facts.upstreams).toEqual(["frontend:3000", "backend:3001"]);
    // nginx:1.27.4 reads HTTP/2 as a directive.
    expect(children(tlsServer(conf), "http2").map((d) => d.args)).toEqual([["on"]]);
  });

  test("the certificate and key land where nginx.conf reads them; the key only as a secret", () => {
    const conf = runs[stack].files["edge/nginx.conf"];
    const { certificate, key } = tlsFacts(conf);
    const at = (file: string) => uploadOf(container("nginx"), file);
    expect(at(certificate).content).toBe(
      `<computed:tls:index/locallySignedCert:LocallySignedCert::${stack}-edge-tls-server.certPem>`,
    );
    expect(at(key)).toMatchObject({
      content: `<computed:tls:index/privateKey:PrivateKey::${stack}-edge-tls-server-key.privateKeyPem>`,
      permissions: "0600",
    });
    // A secret anywhere in the uploads makes the engine hold the whole list as a secret.
    expect((redactSecrets(container("nginx").inputs) as Input).uploads).toBe("[secret]");
  });

  test("the app containers: pinned images, health on /health and /health/ready, rotated logs", () => {
    const run = runs[stack];
    for (const [role, path, port] of [
      ["frontend", "/health", 3000],
      ["backend", "/health/ready", 3001],
    ] as const) {
      const inputs = inputsOf(container(role));
      const image = named(run, `${stack}-edge-${role}-image`);
      expect(inputsOf(image).name).toBe(`ghcr.io/labelmedix/${role}:1.0.0`);
      expect(inputs.image).toBe(computedOf(image, "imageId"));
      expect(inputs).toMatchObject(CONTAINER_HOUSE_SETTINGS);
      const tests = (inputs.healthcheck as { tests: string[] }).tests;
      expect(tests.slice(0, 3)).toEqual(["CMD", "node", "-e"]);
      expect(tests[3]).toContain(`port:${port},path:"${path}"`);
    }
    const nginx = inputsOf(container("nginx"));
    expect(nginx).toMatchObject(CONTAINER_HOUSE_SETTINGS);
    expect((nginx.healthcheck as { tests: string[] }).tests).toEqual([
      "CMD",
      "curl",
      "-fsS",
      "-o",
      "/dev/null",
      "http://127.0.0.1/healthz",
    ]);
    expect(inputsOf(named(run, `${stack}-edge-nginx-image`)).name).toBe("nginx:1.27.4");
  });

  test("networks: nginx and the apps meet on the edge network; only the backend joins data", () => {
    const networks = (role: string) =>
      (inputsOf(container(role)).networksAdvanced as Input[]).map((n) => [n.name, n.aliases]);
    const edge = `<computed:docker:index/network:Network::${stack}-network-edge.name>`;
    const data = `<computed:docker:index/network:Network::${stack}-network-data.name>`;
    const edgeName = inputsOf(named(runs[stack], `${stack}-network-edge`)).name;
    // The mock echoes inputs, so the network's name output is its input name.
    const resolved = (n: unknown) => (n === edgeName ? edge : n === `${prefix}-data` ? data : n);
    expect(networks("nginx").map(([n]) => resolved(n))).toEqual([edge]);
    expect(networks("frontend").map(([n, a]) => [resolved(n), a])).toEqual([[edge, ["frontend"]]]);
    expect(networks("backend").map(([n, a]) => [resolved(n), a])).toEqual([
      [edge, ["backend"]],
      [data, undefined],
    ]);
    // The single Redis node is on the data network: no second Redis attachment, nothing fixed.
    const backend = inputsOf(container("backend")).networksAdvanced as Input[];
    expect(backend.map((n) => n.ipv4Address)).toEqual([undefined, undefined]);
  });

  test("the stack exports the certificate's expiry for the alarms", () => {
    expect(runs[stack].outputs.certificateNotAfter).toBe(
      `<computed:tls:index/locallySignedCert:LocallySignedCert::${stack}-edge-tls-server.validityEndTime>`,
    );
  });
});

describe.each(["dev", "staging"])("%s backend wiring", (stack) => {
  test("the backend reaches the data tier the stack exports: hosts as variables, secrets as files", () => {
    const run = runs[stack];
    const out = run.outputs;
    const plain = [
      `DATABASE_HOST=${out.databaseWriteEndpoint}`,
      `DATABASE_READ_HOST=${out.databaseReadEndpoint}`,
      `DATABASE_PORT=${out.databasePort}`,
      `DATABASE_NAME=${out.databaseName}`,
      `DATABASE_USER=${out.databaseUser}`,
      `REDIS_HOST=${out.redisEndpoint}`,
      `REDIS_PORT=${out.redisPort}`,
      `REDIS_TLS=${out.redisTls}`,
      // One uploads contract: Docker mounts the uploads volume there; AWS names the bucket the
      // stack exports, and the bucket's own region for the SDK.
      ...(stack === "dev"
        ? ["UPLOADS_DIR=/var/lib/webstack/uploads"]
        : [
            `UPLOADS_BUCKET=${out.uploadsBucketName}`,
            `AWS_REGION=<computed:aws:s3/bucket:Bucket::${stack}-uploads-bucket.region>`,
          ]),
      "DATABASE_PASSWORD_FILE=/run/secrets/database_password",
      "REDIS_AUTH_TOKEN_FILE=/run/secrets/redis_auth_token",
    ];
    if (stack === "dev") {
      const backend = named(run, "dev-edge-backend");
      expect(inputsOf(backend).envs).toEqual(["NODE_ENV=production", "PORT=3001", ...plain]);
      const files = Object.fromEntries(uploadsOf(backend).map((u) => [u.file, u.content]));
      expect(files).toEqual({
        "/run/secrets/database_password": out.databasePassword,
        "/run/secrets/redis_auth_token": out.redisAuthToken,
      });
    } else {
      const env = readCloudInitFiles(userDataOf(run))["/etc/webstack/backend.env"];
      expect(env).toBe(["NODE_ENV=production", "PORT=3001", ...plain, ""].join("\n"));
      const values = Object.fromEntries(
        edgeOfType(run, "aws:ssm/parameter:Parameter").map((p) => [
          inputsOf(p).name,
          inputsOf(p).value,
        ]),
      );
      expect(values["/webstack-staging/edge/backend/database_password"]).toBe(out.databasePassword);
      expect(values["/webstack-staging/edge/backend/redis_auth_token"]).toBe(out.redisAuthToken);
    }
  });
});

test("dev and test can share one Docker host: no container name repeats", () => {
  const names = (stack: string) => ofType(runs[stack], CONTAINER).map((c) => inputsOf(c).name);
  const dev = new Set(names("dev"));
  expect(names("test").filter((n) => dev.has(n))).toEqual([]);
});

describe.each(["staging", "prod"])("%s on AWS", (stack) => {
  const floor = TIER_FLOORS[stack as "staging" | "prod"];
  const subnets = (run: StackRun, tier: "public" | "private") =>
    ofType(run, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes(`-${tier}-`))
      .map(idOf);
  const sg = (run: StackRun, tier: string) => named(run, `${stack}-network-${tier}-sg`);

  test("exactly one internet-facing ALB, in the public subnets, behind the network's LB group", () => {
    const run = runs[stack];
    const balancers = ofType(run, "aws:lb/loadBalancer:LoadBalancer");
    expect(balancers).toHaveLength(1);
    const [alb] = balancers;
    expect(inputsOf(alb)).toMatchObject({
      loadBalancerType: "application",
      internal: false,
      subnets: subnets(run, "public"),
      securityGroups: [idOf(sg(run, "lb"))],
      dropInvalidHeaderFields: true,
      enableDeletionProtection: floor.protectData,
    });
    // The policy pack finds the group through the input's dependency, not its value.
    expect(alb.propertyDependencies.securityGroups).toEqual([sg(run, "lb").urn]);
  });

  test("HTTPS listener: TLS 1.2/1.3 policy, the ACM certificate, forwarding to the targets", () => {
    const run = runs[stack];
    const https = inputsOf(named(run, `${stack}-edge-https`));
    // Always the validation's ARN: ELBv2 refuses a certificate still pending validation.
    const validation = named(run, `${stack}-edge-certificate-validation`);
    const targets = named(run, `${stack}-edge-targets`);
    expect(https).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
      defaultActions: [{ type: "forward", targetGroupArn: computedOf(targets, "arn") }],
    });
    expect(named(run, `${stack}-edge-https`).propertyDependencies.certificateArn).toEqual([
      validation.urn,
    ]);
  });

  test("the HTTP listener only redirects, 301 to HTTPS", () => {
    const http80 = inputsOf(named(runs[stack], `${stack}-edge-http`));
    expect(http80).toMatchObject({ port: 80, protocol: "HTTP" });
    expect(http80.defaultActions).toEqual([
      { type: "redirect", redirect: { protocol: "HTTPS", port: "443", statusCode: "HTTP_301" } },
    ]);
    expect(ofType(runs[stack], LISTENER)).toHaveLength(2);
  });

  test("the target group checks /health/ready over HTTPS on Nginx's 443, expecting 200", () => {
    expect(inputsOf(named(runs[stack], `${stack}-edge-targets`))).toMatchObject({
      port: 443,
      protocol: "HTTPS",
      targetType: "instance",
      healthCheck: { protocol: "HTTPS", path: "/health/ready", matcher: "200" },
    });
  });

  test("the ACM certificate covers the domains and validates by DNS; records are outputs", () => {
    const run = runs[stack];
    const certificate = inputsOf(named(run, `${stack}-edge-certificate`));
    const names = [
      certificate.domainName,
      ...((certificate.subjectAlternativeNames as string[]) ?? []),
    ];
    expect(names).toEqual(DOMAINS[stack]);
    expect(certificate.validationMethod).toBe("DNS");
    expect(ofType(run, "aws:route53/record:Record")).toEqual([]);
    const records = run.outputs.certificateValidationRecords as Input[];
    expect(records.map((r) => [r.domain, r.type])).toEqual(DOMAINS[stack].map((d) => [d, "CNAME"]));
    expect(run.outputs.certificateArn).toBe(
      `<computed:aws:acm/certificate:Certificate::${stack}-edge-certificate.arn>`,
    );
  });

  test("the app hosts: app.hosts instances in the private subnets, ELB health, rolling refresh", () => {
    const run = runs[stack];
    const hosts = stack === "prod" ? 3 : 2;
    const [group] = ofType(run, "aws:autoscaling/group:Group");
    const template = named(run, `${stack}-edge-hosts-template`);
    const targets = named(run, `${stack}-edge-targets`);
    expect(inputsOf(group)).toMatchObject({
      minSize: hosts,
      desiredCapacity: hosts,
      vpcZoneIdentifiers: subnets(run, "private"),
      targetGroupArns: [computedOf(targets, "arn")],
      healthCheckType: "ELB",
      healthCheckGracePeriod: 600,
      launchTemplate: {
        id: idOf(template),
        version: computedOf(template, "latestVersion"),
      },
      instanceRefresh: { strategy: "Rolling", preferences: { minHealthyPercentage: 100 } },
    });
  });

  test("launch template: instance type, Ubuntu 22.04 from Canonical, IMDSv2, encrypted gp3 root, no key pair", () => {
    const run = runs[stack];
    const template = inputsOf(named(run, `${stack}-edge-hosts-template`));
    const ami = run.calls.find((c) => c.token === "aws:ec2/getAmi:getAmi");
    expect(ami?.inputs).toMatchObject({
      owners: ["099720109477"],
      mostRecent: true,
      filters: expect.arrayContaining([
        { name: "name", values: ["ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"] },
        { name: "architecture", values: ["x86_64"] },
      ]),
    });
    expect(template).toMatchObject({
      instanceType: stack === "prod" ? "c6i.2xlarge" : "t3.medium",
      imageId: "<computed:aws:ec2/getAmi.id>",
      metadataOptions: {
        httpTokens: "required",
        httpEndpoint: "enabled",
        httpPutResponseHopLimit: 1,
      },
      monitoring: { enabled: true },
      vpcSecurityGroupIds: [idOf(sg(run, "app"))],
      blockDeviceMappings: [
        {
          deviceName: "<computed:aws:ec2/getAmi.rootDeviceName>",
          ebs: { volumeSize: stack === "prod" ? 200 : 50, volumeType: "gp3", encrypted: "true" },
        },
      ],
    });
    expect(template.keyName).toBeUndefined();
  });

  test("the instance role allows SSM sessions and the CloudWatch agent, and reads only its own parameters", () => {
    const run = runs[stack];
    const role = named(run, `${stack}-edge-hosts-role`);
    const attached = ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .map(inputsOf)
      .filter((a) => a.role === computedOf(role, "name"))
      .map((a) => a.policyArn as string);
    expect(attached.map((arn) => arn.split(":policy/")[1]).sort()).toEqual([
      "AmazonSSMManagedInstanceCore",
      "CloudWatchAgentServerPolicy",
    ]);
    const inline = edgeOfType(run, "aws:iam/rolePolicy:RolePolicy");
    expect(inline.map((p) => p.name).sort()).toEqual([
      `${stack}-edge-hosts-boot-secrets`,
      `${stack}-edge-hosts-uploads`,
    ]);
    for (const p of inline) expect(inputsOf(p).role).toBe(idOf(role));
    const parameters = edgeOfType(run, "aws:ssm/parameter:Parameter");
    // Nginx's key and the data tier's two secrets, nothing else.
    expect(parameters.map((p) => inputsOf(p).name).sort()).toEqual([
      `/webstack-${stack}/edge/backend/database_password`,
      `/webstack-${stack}/edge/backend/redis_auth_token`,
      `/webstack-${stack}/edge/tls-key`,
    ]);
    const bootSecrets = inputsOf(named(run, `${stack}-edge-hosts-boot-secrets`));
    const [statement, deny] = JSON.parse(bootSecrets.policy as string).Statement;
    expect(statement).toMatchObject({ Effect: "Allow", Action: "ssm:GetParameter" });
    expect([...statement.Resource].sort()).toEqual(
      parameters.map((p) => computedOf(p, "arn")).sort(),
    );
    // The SSM managed policy allows reading every parameter; this role may read only its own.
    expect(deny).toEqual({
      Sid: "NoOtherParameters",
      Effect: "Deny",
      Action: [
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "ssm:GetParameterHistory",
      ],
      NotResource: statement.Resource,
    });
    const [profile] = ofType(run, "aws:iam/instanceProfile:InstanceProfile");
    expect(inputsOf(named(run, `${stack}-edge-hosts-template`)).iamInstanceProfile).toEqual({
      arn: computedOf(profile, "arn"),
    });
  });

  test("the launch template waits for every grant of the hosts' role and every boot secret", () => {
    // The boot script fetches its secrets first under `set -e`: a host started before IAM or
    // SSM is in place comes up without Nginx until the group replaces it.
    const run = runs[stack];
    const role = named(run, `${stack}-edge-hosts-role`);
    const grants = [
      ...ofType(run, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter(
        (a) => inputsOf(a).role === computedOf(role, "name"),
      ),
      ...ofType(run, "aws:iam/rolePolicy:RolePolicy").filter(
        (p) => inputsOf(p).role === idOf(role),
      ),
      ...edgeOfType(run, "aws:ssm/parameter:Parameter"),
    ];
    expect(grants.length).toBe(7);
    const waitsFor = named(run, `${stack}-edge-hosts-template`).dependencies ?? [];
    expect(grants.filter((g) => !waitsFor.includes(g.urn)).map((g) => g.name)).toEqual([]);
  });

  test("the app hosts' role may list the uploads bucket and get, put, delete and abort uploads of its objects: nothing more", () => {
    const run = runs[stack];
    const bucket = named(run, `${stack}-uploads-bucket`);
    const arn = `<computed:${bucket.type}::${bucket.name}.arn>`;
    const policy = named(run, `${stack}-edge-hosts-uploads`);
    expect(JSON.parse(inputsOf(policy).policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        { Sid: "ListUploads", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
        {
          Sid: "ReadWriteUploads",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"],
          Resource: `${arn}/*`,
        },
      ],
    });
    // The ARN is the uploads bucket's own (once versioning is on), not a string someone typed.
    expect([...policy.propertyDependencies.policy].sort()).toEqual(
      [bucket.urn, named(run, `${stack}-uploads-versioning`).urn].sort(),
    );
    // No other policy of the edge mentions S3 (the access-log bucket is written by ELB only).
    const others = edgeOfType(run, "aws:iam/rolePolicy:RolePolicy").filter((p) => p !== policy);
    expect(others.map((p) => String(inputsOf(p).policy))).not.toContainEqual(
      expect.stringContaining("s3:"),
    );
  });

  test("the backend runs on the host's network (IMDS hop limit 1 keeps bridged containers off the role)", () => {
    const calls = bootCalls(runs[stack]);
    const runOf = (role: string) => dockerRun(calls, role).join(" ");
    expect(runOf("backend")).toContain("--network host");
    expect(runOf("backend")).not.toContain("--publish");
    // No raw sockets to capture loopback (Nginx to frontend is plain HTTP there).
    expect(runOf("backend")).toContain("--cap-drop NET_RAW");
    expect(runOf("backend")).toContain("--security-opt no-new-privileges");
    expect(runOf("frontend")).toContain("--publish 127.0.0.1:3000:3000");
    expect(runOf("frontend")).not.toContain("--network");
  });

  test("user data is a cloud-config under 16 KiB whose nginx.conf is the rendered one", () => {
    const run = runs[stack];
    const userData = userDataOf(run);
    expect(Buffer.byteLength(userData)).toBeLessThan(USER_DATA_LIMIT_BYTES);
    expect(userData).toBe(run.files["edge/cloud-init.yaml"]);
    const files = readCloudInitFiles(userData);
    const conf = files[NGINX_CONF_PATH];
    expect(conf).toBe(run.files["edge/nginx.conf"]);
    const facts = tlsFacts(conf);
    expect(facts.protocols).toEqual(["TLSv1.2", "TLSv1.3"]);
    expect(facts.hstsEverywhere).toBe(true);
    expect(facts.upstreams).toEqual(["127.0.0.1:3000", "127.0.0.1:3001"]);
    const vpcCidr = stack === "prod" ? "10.40.0.0/16" : "10.30.0.0/16";
    expect(children(http(conf), "set_real_ip_from").map((d) => d.args)).toEqual([[vpcCidr]]);
    expect(files[BOOT_SCRIPT_PATH]).toBe(run.files["edge/app-host-boot.sh"]);
    expect(files[BOOT_ENV_PATH]).toBe(run.files["edge/app-host-boot.env"]);
  });

  test("the shipped nginx.conf passes the policy pack's Nginx checks", async () => {
    const conf = readCloudInitFiles(userDataOf(runs[stack]))[NGINX_CONF_PATH];
    const shipped = {
      type: CONTAINER,
      name: "nginx",
      props: { image: "nginx:1.18.0", uploads: [{ file: NGINX_CONF_PATH, content: conf }] },
    };
    expect(await violations("webstack-edge-nginx-config", [shipped])).toEqual([]);
  });

  test("Nginx's private key is a SecureString parameter the hosts fetch, never user data", () => {
    const run = runs[stack];
    const parameter = named(run, `${stack}-edge-hosts-tls-key`);
    expect(inputsOf(parameter)).toMatchObject({
      name: `/webstack-${stack}/edge/tls-key`,
      type: "SecureString",
    });
    expect(redactSecrets(parameter.inputs)).toMatchObject({ value: "[secret]" });
    expect(inputsOf(parameter).value).toBe(
      `<computed:tls:index/privateKey:PrivateKey::${stack}-edge-tls-server-key.privateKeyPem>`,
    );
    const userData = userDataOf(run);
    expect(userData).not.toContain("privateKeyPem");
    expect(fetchedSecrets(bootCalls(run))[0]).toEqual([
      `/webstack-${stack}/edge/tls-key`,
      "/etc/nginx/tls/server.key",
      "0600",
    ]);
  });

  test("access logs: an encrypted, private bucket, kept for the tier's log retention", () => {
    const run = runs[stack];
    // The edge's own resources: the operations part has a bucket (uploads) too.
    const inEdge = (type: string) =>
      ofType(run, type).filter((r) => r.urn.includes("webstack:edge:"));
    const [bucket] = inEdge("aws:s3/bucket:Bucket");
    const bucketId = idOf(bucket);
    const one = (type: string) => {
      const found = inEdge(type).map(inputsOf);
      expect(found).toHaveLength(1);
      expect(found[0].bucket).toBe(bucketId);
      return found[0];
    };
    expect(
      one("aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration")
        .rules,
    ).toEqual([{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }]);
    expect(one("aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock")).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(one("aws:s3/bucketOwnershipControls:BucketOwnershipControls").rule).toEqual({
      objectOwnership: "BucketOwnerEnforced",
    });
    const lifecycle = one("aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration");
    expect((lifecycle.rules as Input[])[0]).toMatchObject({
      status: "Enabled",
      expiration: { days: floor.logRetentionDays },
    });
    const policy = JSON.parse(one("aws:s3/bucketPolicy:BucketPolicy").policy as string);
    const [write, denyPlain] = policy.Statement;
    expect(write).toMatchObject({
      Effect: "Allow",
      Principal: { Service: "logdelivery.elasticloadbalancing.amazonaws.com" },
      Action: "s3:PutObject",
    });
    expect(write.Resource).toMatch(
      /\/alb\/AWSLogs\/<computed:aws:index\/getCallerIdentity\.accountId>\/\*$/,
    );
    expect(denyPlain).toMatchObject({
      Effect: "Deny",
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
    const [alb] = ofType(run, "aws:lb/loadBalancer:LoadBalancer").map(inputsOf);
    expect(alb.accessLogs).toEqual({
      bucket: computedOf(bucket, "bucket"),
      prefix: "alb",
      enabled: true,
    });
    expect(bucket.protect).toBe(floor.protectData);
  });

  test("the exposure and listener policies find nothing to report", async () => {
    const results = await evaluatePolicies(policies, runs[stack].resources);
    const names = [
      "webstack-security-internet-only-at-load-balancer",
      "webstack-security-internet-ports",
      "webstack-edge-listener-tls-policy",
      "webstack-edge-http-redirects",
    ];
    const found = results
      .filter((r) => names.includes(r.policy))
      .map((r) => [r.policy, r.violations] as const)
      .sort(([a], [b]) => a.localeCompare(b));
    expect(found).toEqual([...names].sort().map((n) => [n, []]));
  });
});

test("with a Route 53 zone, ACM's records are created there and the listener waits for issuance", async () => {
  const zone = { route53ZoneId: "Z0123456789ABC" };
  const run = await synth("prod", withSection(stackConfig("prod"), "webstack:edge", zone));
  const all = ofType(run, "aws:route53/record:Record").map(inputsOf);
  const records = all.filter((r) => r.type === "CNAME");
  expect(records.map((r) => [r.zoneId, r.type, r.ttl])).toEqual([
    ["Z0123456789ABC", "CNAME", 300],
    ["Z0123456789ABC", "CNAME", 300],
  ]);
  // Every domain points at the load balancer, and no record someone else made is replaced.
  const alb = named(run, "prod-edge-alb");
  expect(all.filter((r) => r.type !== "CNAME")).toEqual(
    DOMAINS.prod.map((domain) => ({
      zoneId: "Z0123456789ABC",
      name: domain,
      type: "A",
      allowOverwrite: false,
      aliases: [
        {
          name: computedOf(alb, "dnsName"),
          zoneId: computedOf(alb, "zoneId"),
          evaluateTargetHealth: true,
        },
      ],
    })),
  );
  expect(records.map((r) => r.name)).toEqual(
    DOMAINS.prod.map(
      (d) =>
        `<computed:aws:acm/certificate:Certificate::prod-edge-certificate.domainValidationOptions[${d}].name>`,
    ),
  );
  const [validation] = ofType(run, "aws:acm/certificateValidation:CertificateValidation");
  expect(inputsOf(validation).validationRecordFqdns).toEqual(
    ["prod-edge-validation-0", "prod-edge-validation-1"].map(
      (n) => `<computed:aws:route53/record:Record::${n}.fqdn>`,
    ),
  );
  expect(named(run, "prod-edge-https").propertyDependencies.certificateArn).toEqual([
    validation.urn,
  ]);
});

test("without a zone, up prints the validation records and the load balancer to point the domains at, then waits", async () => {
  const info = jest.spyOn(pulumi.log, "info").mockImplementation(async () => undefined);
  try {
    const run = await synth("prod");
    expect(ofType(run, "aws:route53/record:Record")).toEqual([]);
    const validation = named(run, "prod-edge-certificate-validation");
    expect(inputsOf(validation)).toEqual({
      certificateArn: computedOf(named(run, "prod-edge-certificate"), "arn"),
    });
    const printed = info.mock.calls.map(([message]) => message).join("\n");
    for (const domain of DOMAINS.prod) {
      const option = `prod-edge-certificate.domainValidationOptions[${domain}]`;
      expect(printed).toContain(
        `${option}.name> CNAME <computed:aws:acm/certificate:Certificate::${option}.value>`,
      );
    }
    expect(printed).toContain(
      `Point ${DOMAINS.prod.join(", ")} at the load balancer ${computedOf(named(run, "prod-edge-alb"), "dnsName")}`,
    );
  } finally {
    info.mockRestore();
  }
});

describe.each(["dev", "test", "staging", "prod"])("%s secrets", (stack) => {
  test("no private key appears in any recorded input, redacted as synth writes them", () => {
    const text = recordedText(runs[stack]);
    expect(text).not.toMatch(/PrivateKey::[^"]*\.privateKeyPem>/);
    expect(text).not.toMatch(/PRIVATE KEY/);
  });
});

const UPLOADS_BUCKET = {
  bucketName: "webstack-prod-uploads-1a2b3c",
  bucketArn: "arn:aws:s3:::webstack-prod-uploads-1a2b3c",
  region: "ap-southeast-1",
};

/** Builds only the edge of a stack, with backend settings, under the mock runtime. */
async function edgeWithBackend(stack: "dev" | "prod"): Promise<StackRun> {
  const backend = {
    environment: { DATABASE_HOST: pulumi.output("mysql-primary"), REDIS_PORT: "6379" },
    secrets: {
      DATABASE_PASSWORD: pulumi.secret("Generated-Db-Secret-1"),
      REDIS_AUTH_TOKEN: pulumi.secret("Generated-Redis-Token-2"),
    },
  };
  const program = (config: WebstackConfig) => {
    const common = {
      tier: config.environment,
      namePrefix: `webstack-${stack}`,
      site: siteSettingsFromConfig(config),
      frontendImage: config.app.frontendImage,
      backendImage: config.app.backendImage,
      certificateValidityDays: config.edge.certificateValidityDays,
      backend,
    };
    if (config.target === "docker") {
      new DockerEdge("edge", {
        ...common,
        nginxImage: config.edge.nginxImage,
        bindAddress: config.edge.bindAddress,
        edgeNetworkName: "webstack-dev-edge",
        dataNetworkName: "webstack-dev-data",
      });
    } else {
      new AwsEdge("edge", {
        ...common,
        vpcId: "vpc-1",
        vpcCidr: "10.40.0.0/16",
        publicSubnetIds: ["subnet-a", "subnet-b"],
        privateSubnetIds: ["subnet-c", "subnet-d"],
        loadBalancerSecurityGroupId: "sg-lb",
        appSecurityGroupId: "sg-app",
        hosts: 1,
        instanceType: "t3.medium",
        diskGb: 50,
        os: "ubuntu-22.04",
        uploadsBucket: UPLOADS_BUCKET,
      });
    }
    return { stackOutputs: {}, renderedFiles: {} } as unknown as Environment;
  };
  return runStack(stack, stackConfig(stack), program, new WebstackMocks());
}

const SECRET_VALUES = /Generated-Db-Secret-1|Generated-Redis-Token-2/;

test("Docker: the backend gets plain settings as variables and secrets only as files", async () => {
  const run = await edgeWithBackend("dev");
  const backend = named(run, "edge-backend");
  const inputs = inputsOf(backend);
  expect(inputs.envs).toEqual([
    "NODE_ENV=production",
    "PORT=3001",
    "DATABASE_HOST=mysql-primary",
    "REDIS_PORT=6379",
    "DATABASE_PASSWORD_FILE=/run/secrets/database_password",
    "REDIS_AUTH_TOKEN_FILE=/run/secrets/redis_auth_token",
  ]);
  expect(uploadsOf(backend).map((u) => [u.file, u.content])).toEqual([
    ["/run/secrets/database_password", "Generated-Db-Secret-1"],
    ["/run/secrets/redis_auth_token", "Generated-Redis-Token-2"],
  ]);
  expect(recordedText(run)).not.toMatch(SECRET_VALUES);
  expect(await violations("webstack-security-secrets-as-files", [asFake(backend)])).toEqual([]);
});

test("AWS: backend secrets are SecureString parameters fetched at boot, never in user data", async () => {
  const run = await edgeWithBackend("prod");
  const parameters = ofType(run, "aws:ssm/parameter:Parameter").map(inputsOf);
  expect(parameters.map((p) => [p.name, p.type]).sort()).toEqual([
    ["/webstack-prod/edge/backend/database_password", "SecureString"],
    ["/webstack-prod/edge/backend/redis_auth_token", "SecureString"],
    ["/webstack-prod/edge/tls-key", "SecureString"],
  ]);
  expect(recordedText(run)).not.toMatch(SECRET_VALUES);
  const userData = userDataOf(run);
  expect(userData).not.toMatch(SECRET_VALUES);
  const files = readCloudInitFiles(userData);
  expect(files["/etc/webstack/backend.env"]).toBe(
    "NODE_ENV=production\nPORT=3001\nDATABASE_HOST=mysql-primary\nREDIS_PORT=6379\n" +
      "UPLOADS_BUCKET=webstack-prod-uploads-1a2b3c\nAWS_REGION=ap-southeast-1\n" +
      "DATABASE_PASSWORD_FILE=/run/secrets/database_password\n" +
      "REDIS_AUTH_TOKEN_FILE=/run/secrets/redis_auth_token\n",
  );
  expect(fetchedSecrets(runBootScript(files[BOOT_SCRIPT_PATH], files[BOOT_ENV_PATH]))).toEqual([
    ["/webstack-prod/edge/tls-key", "/etc/nginx/tls/server.key", "0600"],
    [
      "/webstack-prod/edge/backend/database_password",
      "/etc/webstack/secrets/backend/database_password",
      "0444",
    ],
    [
      "/webstack-prod/edge/backend/redis_auth_token",
      "/etc/webstack/secrets/backend/redis_auth_token",
      "0444",
    ],
  ]);
});

function asFake(resource: RecordedResource) {
  return { type: resource.type, name: resource.name, props: inputsOf(resource) };
}
