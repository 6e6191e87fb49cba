// Exposure and secret policies: internet-facing ingress, data containers' ports, pinned images,
// secrets as files and the seeds' weak passwords.
import { FakeResource, tagsFor, violations } from "../support/policy";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const CONTAINER = "docker:index/container:Container";

const group = (name: string): FakeResource => ({ type: SG, name, props: { description: name } });
const openRule = (
  name: string,
  groupName: string,
  port: number,
  cidr = "0.0.0.0/0",
): FakeResource => ({
  type: RULE,
  name,
  props: { ipProtocol: "tcp", fromPort: port, toPort: port, cidrIpv4: cidr },
  dependsOn: { securityGroupId: [groupName] },
});
const balancer: FakeResource = {
  type: LB,
  name: "alb",
  props: { internal: false },
  dependsOn: { securityGroups: ["lb-sg"] },
};

describe("internet-facing ingress", () => {
  test("80 and 443 open on the load balancer's group pass both policies", async () => {
    const resources = [
      group("lb-sg"),
      balancer,
      openRule("http", "lb-sg", 80),
      openRule("https", "lb-sg", 443),
    ];
    expect(await violations("webstack-security-internet-ports", resources)).toEqual([]);
    expect(await violations("webstack-security-internet-only-at-load-balancer", resources)).toEqual(
      [],
    );
  });

  test.each([
    [22, "SSH (port 22) must never be open to the internet; use SSM."],
    [3306, "Ports 3306-3306 are open to the internet; only 80 and 443 may be."],
  ])("port %i open to the internet is refused", async (port, message) => {
    expect(
      await violations("webstack-security-internet-ports", [openRule("r", "lb-sg", port)]),
    ).toEqual([message]);
  });

  test("::/0 counts as the internet too", async () => {
    const rule: FakeResource = {
      type: RULE,
      name: "v6",
      props: { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv6: "::/0" },
    };
    expect(await violations("webstack-security-internet-ports", [rule])).toEqual([
      "SSH (port 22) must never be open to the internet; use SSM.",
    ]);
  });

  test("an inline all-ports rule on a security group is refused", async () => {
    const inline: FakeResource = {
      type: SG,
      name: "wide",
      props: {
        ingress: [{ protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] }],
      },
    };
    expect(await violations("webstack-security-internet-ports", [inline])).toEqual([
      "SSH (port 22) must never be open to the internet; use SSM.",
    ]);
  });

  test("443 open on a group no load balancer uses is refused by the stack policy", async () => {
    const resources = [group("lb-sg"), group("app-sg"), balancer, openRule("https", "app-sg", 443)];
    expect(await violations("webstack-security-internet-only-at-load-balancer", resources)).toEqual(
      ["Opens a security group that no load balancer uses to the internet."],
    );
  });

  test("a rule from a peer group or a private range is not internet-facing", async () => {
    const resources = [group("db-sg"), openRule("vpc", "db-sg", 3306, "10.40.0.0/16")];
    expect(await violations("webstack-security-internet-ports", resources)).toEqual([]);
    expect(await violations("webstack-security-internet-only-at-load-balancer", resources)).toEqual(
      [],
    );
  });
});

describe("Docker containers", () => {
  const container = (tier: string, props: Record<string, unknown>): FakeResource => ({
    type: CONTAINER,
    name: "c",
    props: {
      labels: Object.entries(tagsFor(tier)).map(([label, value]) => ({ label, value })),
      ...props,
    },
  });

  test.each([
    ["dev", "127.0.0.1", []],
    [
      "dev",
      "0.0.0.0",
      ["Container publishes data port 3306 on 0.0.0.0; only dev may publish it, on 127.0.0.1."],
    ],
    [
      "test",
      "127.0.0.1",
      ["Container publishes data port 3306 on 127.0.0.1; only dev may publish it, on 127.0.0.1."],
    ],
  ])("%s MySQL published on %s", async (tier, ip, expected) => {
    const mysql = container(tier, {
      image: "mysql:8.4.4",
      ports: [{ internal: 3306, external: 3306, ip }],
    });
    expect(await violations("webstack-docker-data-ports", [mysql])).toEqual(expected);
  });

  test("nginx publishing 443 is not a data port", async () => {
    const nginx = container("test", {
      image: "nginx:1.27.4",
      ports: [{ internal: 443, external: 443, ip: "0.0.0.0" }],
    });
    expect(await violations("webstack-docker-data-ports", [nginx])).toEqual([]);
  });

  test.each([
    ["redis", 'Image "redis" is not pinned to a version tag or digest.'],
    ["redis:latest", 'Image "redis:latest" is not pinned to a version tag or digest.'],
    [
      "registry.local:5000/app",
      'Image "registry.local:5000/app" is not pinned to a version tag or digest.',
    ],
  ])("image %s is refused", async (image, message) => {
    expect(
      await violations("webstack-docker-pinned-images", [container("dev", { image })]),
    ).toEqual([message]);
  });

  test.each([
    "redis:7.2.7",
    "registry.local:5000/app:1.0.0",
    `mysql@sha256:${"a".repeat(64)}`,
    `sha256:${"b".repeat(64)}`,
  ])("image %s is pinned", async (image) => {
    expect(
      await violations("webstack-docker-pinned-images", [container("dev", { image })]),
    ).toEqual([]);
  });

  test("secrets in plain environment values are refused; *_FILE paths pass", async () => {
    const envs = [
      "MYSQL_ROOT_PASSWORD_FILE=/run/secrets/root",
      "WEBSTACK_DB_PASSWORD=s3cr3t-value",
      "REDISCLI_AUTH=abc",
      "TZ=UTC",
    ];
    expect(
      await violations("webstack-security-secrets-as-files", [
        container("dev", { image: "mysql:8.4.4", envs }),
      ]),
    ).toEqual([
      "Environment variable WEBSTACK_DB_PASSWORD carries a secret in plain text; mount it as a file and set WEBSTACK_DB_PASSWORD_FILE.",
      "Environment variable REDISCLI_AUTH carries a secret in plain text; mount it as a file and set REDISCLI_AUTH_FILE.",
    ]);
  });
});

describe("weak secrets", () => {
  test.each(["password", "rootpassword", "secure-password"])(
    "the seeds' %s is refused wherever a secret-named input shows it",
    async (weak) => {
      const rds: FakeResource = {
        type: "aws:rds/instance:Instance",
        name: "db",
        props: { password: weak },
      };
      const env: FakeResource = {
        type: CONTAINER,
        name: "c",
        props: { envs: [`DB_PASSWORD=${weak}`] },
      };
      expect(await violations("webstack-security-weak-secrets", [rds])).toEqual([
        "password is a well-known weak value; generate it with @pulumi/random.",
      ]);
      expect(await violations("webstack-security-weak-secrets", [env])).toEqual([
        "DB_PASSWORD is a well-known weak value; generate it with @pulumi/random.",
      ]);
    },
  );

  test("a generated password passes", async () => {
    const rds: FakeResource = {
      type: "aws:rds/instance:Instance",
      name: "db",
      props: { password: "k8#Vq2!xLr9@Zt4m" },
    };
    expect(await violations("webstack-security-weak-secrets", [rds])).toEqual([]);
  });
});
