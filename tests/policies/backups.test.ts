// Backup stack policies: compliant AWS (staging, prod) and Docker (dev, test) stacks built from
// the real backup catalog and renderers, then one property changed at a time with the exact message.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { unknownStringValue, unknownArrayValue } = require("@pulumi/policy/proxy");
import { renderCrontab } from "../../components/backups/job";
import { awsBackupRules, BACKUP_TIERS, uploadsBackupRule } from "../../components/catalog/backups";
import { policies } from "../../policies/policies";
import { evaluatePolicies } from "../../tools/policy/evaluate";
import { FakeResource, resultOf, tagsFor, violations } from "../support/policy";
import { synth } from "../support/program";
import {
  awsDatabases,
  awsStack,
  BACKUP_SCRIPT_PATH,
  changed,
  dockerStack,
  planRules,
  RDS,
  RESTORE_PLAN,
  RESTORE_SELECTION,
  SELECTION,
  VAULT_LOCK,
  without,
} from "../support/operations";

const COVERAGE = "webstack-backups-coverage";
const RESTORE = "webstack-backups-restore-test";
const VAULT_POLICY = "webstack-backups-vault";
const POLICIES = [COVERAGE, RESTORE, VAULT_POLICY];

const prod = awsStack("prod");
const staging = awsStack("staging");

/** The plan's rules with one rule changed. */
function withRule(
  stack: FakeResource[],
  ruleName: string,
  change: Record<string, unknown>,
): FakeResource[] {
  const rules = awsBackupRules(BACKUP_TIERS).map((r) => ({
    ruleName: r.ruleName,
    schedule: r.schedule,
    enableContinuousBackup: r.enableContinuousBackup,
    lifecycle: { deleteAfter: r.deleteAfterDays },
    targetVaultName: "webstack-prod-backups",
  }));
  return changed(stack, "backup-plan", {
    props: {
      rules: rules
        .map((r) => (r.ruleName === ruleName ? { ...r, ...change } : r))
        .filter((r) => !("drop" in r)),
    },
  });
}

const filesRule = uploadsBackupRule(BACKUP_TIERS);
const uploadsBucket = prod.find((r) => r.name === "uploads-bucket") as FakeResource;
const NO_UPLOADS_BUCKET =
  "No bucket belongs to a webstack:storage:UploadsBucket component, so uploaded files are not stored anywhere backed up.";
const recoveryPoints = (prod.find((r) => r.name === "restore-test") as FakeResource).props
  .recoveryPointSelection as Record<string, unknown>;

const VAULT_ARN = (recoveryPoints.includeVaults as string[])[0];
const OTHER_VAULT = "arn:aws:backup:eu-central-1:123456789012:backup-vault:other";
const rdsArn = (id: string) => `arn:aws:rds:eu-central-1:123456789012:db:${id}`;
const BACKUP_TAG = "aws:ResourceTag/webstack-backup";
/** Prod's restore test with recoveryPointSelection changed (its Vault dependency kept). */
const withRecoveryPoints = (change: Record<string, unknown>) =>
  changed(prod, "restore-test", {
    props: { recoveryPointSelection: { ...recoveryPoints, ...change } },
  });
/** Prod's RDS restore selection targeting `arns` under `conditions`. */
const restoring = (arns: unknown, conditions?: Record<string, unknown>) =>
  changed(prod, "restore-test-rds", {
    props: { protectedResourceArns: arns, protectedResourceConditions: conditions },
  });
const NOT_PRIMARY = (arn: string) =>
  `Restore testing selection restore-test-rds targets ${arn}, which is no RDS primary of this stack.`;

const crontab = renderCrontab(BACKUP_TIERS);
const crontabWithout = (job: string) =>
  crontab
    .split("\n")
    .filter((line) => !line.endsWith(` ${job}`))
    .join("\n");

describe("compliant stacks pass", () => {
  const stacks: [string, FakeResource[]][] = [
    ["AWS staging", staging],
    ["AWS prod", prod],
    ["Docker dev", dockerStack("dev")],
    ["Docker test", dockerStack("test")],
  ];
  test.each(stacks.flatMap(([label, stack]) => POLICIES.map((p) => [label, p, stack] as const)))(
    "%s passes %s",
    async (_, policy, stack) => {
      expect(await violations(policy, stack)).toEqual([]);
    },
  );
});

describe(`${COVERAGE} on AWS`, () => {
  test.each([
    [
      "the primary without the backup tag",
      changed(prod, "mysql-primary", { props: { tags: tagsFor("prod") } }),
      [
        "RDS primary webstack-prod-mysql-primary carries no webstack-backup tag, so no backup selection picks it up.",
      ],
    ],
    [
      "no backup selection",
      without(prod, (r) => r.type === SELECTION),
      [
        "No backup selection picks RDS primary webstack-prod-mysql-primary (tag webstack-backup=webstack-prod).",
        "No backup selection picks the uploads bucket uploads-bucket, so uploaded files are never backed up.",
      ],
    ],
    [
      "the selection matching another tag value",
      changed(prod, "backup-selection", {
        props: {
          selectionTags: [{ type: "STRINGEQUALS", key: "webstack-backup", value: "other" }],
        },
      }),
      [
        "No backup selection picks RDS primary webstack-prod-mysql-primary (tag webstack-backup=webstack-prod).",
      ],
    ],
    [
      "the selection's plan outside the stack",
      changed(prod, "backup-selection", { dependsOn: {} }),
      [
        "Backup selection backup-selection picks RDS primary webstack-prod-mysql-primary but its plan is not a backup plan of this stack, so its rules cannot be checked.",
      ],
    ],
    [
      "daily backups kept 7 days",
      withRule(prod, "daily", { lifecycle: { deleteAfter: 7 } }),
      ['Backup plan backup-plan rule "daily" keeps backups 7 days but the floor is 30 days.'],
    ],
    [
      "the daily rule run weekly",
      withRule(prod, "daily", { schedule: "cron(0 2 ? * SUN *)" }),
      ['Backup plan backup-plan rule "daily" runs every 7 days but the floor is every 1 day.'],
    ],
    [
      "the monthly rule removed",
      withRule(prod, "monthly", { drop: true }),
      [
        'Backup plan backup-plan has no rule backing up every 31 days and keeping backups 365 days (the floor\'s "monthly").',
      ],
    ],
    [
      "continuous backup switched off",
      withRule(prod, "continuous", { enableContinuousBackup: false }),
      [
        "Backup plan backup-plan has no continuous backup rule; the floor keeps 7 days of point-in-time recovery.",
      ],
    ],
    [
      "point-in-time recovery kept 3 days",
      withRule(prod, "continuous", { lifecycle: { deleteAfter: 3 } }),
      ["Backup plan backup-plan keeps point-in-time recovery 3 days but the floor is 7 days."],
    ],
    [
      "uploaded files kept 30 days",
      changed(prod, "uploads-plan", {
        props: {
          rules: planRules([{ ...filesRule, deleteAfterDays: 30 }], "webstack-prod-backups"),
        },
      }),
      ['Backup plan uploads-plan rule "files" keeps backups 30 days but the floor is 90 days.'],
    ],
    [
      "uploaded files backed up weekly",
      changed(prod, "uploads-plan", {
        props: {
          rules: planRules(
            [{ ...filesRule, schedule: "cron(0 3 ? * SUN *)" }],
            "webstack-prod-backups",
          ),
        },
      }),
      ['Backup plan uploads-plan rule "files" runs every 7 days but the floor is every 1 day.'],
    ],
    [
      "the uploads selection's plan outside the stack",
      changed(prod, "uploads-selection", { dependsOn: { resources: ["uploads-bucket"] } }),
      [
        "Backup selection uploads-selection picks bucket uploads-bucket but its plan is not a backup plan of this stack, so its rules cannot be checked.",
      ],
    ],
    [
      "no uploads bucket at all",
      without(prod, (r) => r.name === "uploads-bucket"),
      [NO_UPLOADS_BUCKET],
    ],
    [
      "the only bucket owned by no UploadsBucket component",
      changed(prod, "uploads-bucket", { parentTypes: [] }),
      [NO_UPLOADS_BUCKET],
    ],
    [
      "a second uploads bucket",
      [...prod, { ...uploadsBucket, name: "uploads-bucket-2" }],
      [
        "Buckets uploads-bucket and uploads-bucket-2 all belong to webstack:storage:UploadsBucket components; the stack keeps uploaded files in exactly one, the one its backups must select.",
        "No backup selection picks the uploads bucket uploads-bucket-2, so uploaded files are never backed up.",
      ],
    ],
    [
      "the uploads selection removed",
      without(prod, (r) => r.name === "uploads-selection"),
      [
        "No backup selection picks the uploads bucket uploads-bucket, so uploaded files are never backed up.",
      ],
    ],
    [
      "a schedule AWS would refuse",
      withRule(prod, "weekly", { schedule: "cron(0 2 1 * SUN *)" }),
      [
        'Backup plan backup-plan rule "weekly": schedule must leave day-of-month or day-of-week as ? (got "cron(0 2 1 * SUN *)").',
      ],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(COVERAGE, stack)).toEqual(expected);
  });

  test("a weekly rule kept shorter is covered when the daily rule already keeps longer", async () => {
    // Daily backups kept 30 days include a Sunday backup of every one of the last four weeks.
    expect(
      await violations(COVERAGE, withRule(prod, "weekly", { lifecycle: { deleteAfter: 14 } })),
    ).toEqual([]);
  });

  test("pack config may raise a tier's retention, never lower it", async () => {
    const longer = { [COVERAGE]: { tighten: { "mysql-full": { retentionDays: 60 } } } };
    expect(await violations(COVERAGE, prod, longer)).toEqual([
      'Backup plan backup-plan rule "daily" keeps backups 30 days but the floor is 60 days.',
    ]);
    const shorter = { [COVERAGE]: { tighten: { "mysql-full": { retentionDays: 7 } } } };
    expect(
      await violations(
        COVERAGE,
        withRule(prod, "daily", { lifecycle: { deleteAfter: 7 } }),
        shorter,
      ),
    ).toEqual([
      'Backup plan backup-plan rule "daily" keeps backups 7 days but the floor is 30 days.',
    ]);
  });

  test("the real prod program's uploads bucket, left out of every selection, is refused", async () => {
    // Only the engine's URN says which bucket is the uploads bucket (its parent type is in it),
    // so this runs the real program rather than a hand-made stack.
    const run = await synth("prod");
    const bucket = run.resources.find((r) => r.urn.includes("webstack:storage:UploadsBucket$"));
    expect(bucket?.type).toBe("aws:s3/bucket:Bucket");
    const unselected = run.resources.filter(
      (r) => !(r.type === SELECTION && r.propertyDependencies.resources?.includes(bucket!.urn)),
    );
    expect(unselected).toHaveLength(run.resources.length - 1);
    const coverage = policies.filter((p) => p.name === COVERAGE);
    const [before] = await evaluatePolicies(coverage, run.resources);
    const [after] = await evaluatePolicies(coverage, unselected);
    expect(before.violations).toEqual([]);
    expect(after.violations.map((v) => v.message)).toEqual([
      `No backup selection picks the uploads bucket ${bucket!.name}, so uploaded files are never backed up.`,
    ]);
  }, 60_000);

  test("an AWS stack without databases serves no application and needs no uploads bucket", async () => {
    const bare = without(prod, (r) => r.type === RDS || r.name === "uploads-bucket");
    expect(await violations(COVERAGE, bare)).toEqual([]);
  });

  test("a replica needs no backup tag of its own", async () => {
    const replica = awsDatabases("prod").find((r) => r.name === "mysql-replica-1")!;
    expect(replica.props.tags).not.toHaveProperty("webstack-backup");
    expect(await violations(COVERAGE, prod)).toEqual([]);
  });
});

describe(`${COVERAGE} on Docker`, () => {
  test.each([
    [
      "the binlog line missing from the crontab",
      dockerStack("dev", { crontab: crontabWithout("mysql-binlog") }),
      ["The backup job's crontab has no mysql-binlog line; the floor backs it up every 1 hour."],
    ],
    [
      "the Redis line missing while Redis runs",
      dockerStack("test", { crontab: crontabWithout("redis") }),
      ["The backup job's crontab has no redis line; the floor backs it up every 1 day."],
    ],
    [
      "the files (uploads) line missing from the crontab",
      dockerStack("dev", { crontab: crontabWithout("files") }),
      ["The backup job's crontab has no files line; the floor backs it up every 1 day."],
    ],
    [
      "the config line missing from the crontab",
      dockerStack("test", { crontab: crontabWithout("config") }),
      ["The backup job's crontab has no config line; the floor backs it up every 7 days."],
    ],
    [
      "uploaded files kept 30 days by the environment",
      dockerStack("dev", { backupEnv: ["RETENTION_DAYS_FILES=30"] }),
      [
        "The backup job keeps files backups 30 days (RETENTION_DAYS_FILES=30 in its environment) but the floor is 90 days.",
      ],
    ],
    [
      "the full dump every other day",
      dockerStack("dev", {
        crontab: crontab.replace("0 2 * * * ", "0 2 */2 * * "),
      }),
      ["The backup job runs mysql-full every 2 days but the floor is every 1 day."],
    ],
    [
      "full-dump retention lowered by the environment",
      dockerStack("dev", { backupEnv: ["RETENTION_DAYS_MYSQL_FULL=7"] }),
      [
        "The backup job keeps mysql-full backups 7 days (RETENTION_DAYS_MYSQL_FULL=7 in its environment) but the floor is 30 days.",
      ],
    ],
    [
      "weekly retention lowered by the environment",
      dockerStack("test", { backupEnv: ["WEEKLY_RETENTION_DAYS_MYSQL_FULL=14"] }),
      [
        "The backup job keeps mysql-full backups 14 days (WEEKLY_RETENTION_DAYS_MYSQL_FULL=14 in its environment) but the floor is 28 days.",
      ],
    ],
    [
      "Redis retention set to a word",
      dockerStack("dev", { backupEnv: ["RETENTION_DAYS_REDIS=week"] }),
      ["The backup job's RETENTION_DAYS_REDIS=week is not a whole number of days."],
    ],
    [
      "binlog retention missing from the environment",
      dockerStack("dev", { backupEnvWithout: ["RETENTION_DAYS_MYSQL_BINLOG"] }),
      ["The backup job sets no RETENTION_DAYS_MYSQL_BINLOG; the floor is 7 days."],
    ],
    [
      "the crontab running a script that is not the shipped one",
      dockerStack("dev", {
        crontab: crontab.replaceAll(`${BACKUP_SCRIPT_PATH} `, "/opt/backup.sh "),
      }),
      ["The backup job's crontab runs /opt/backup.sh, which the job does not ship."],
    ],
    [
      "MYSQL_HOST naming no MySQL container",
      dockerStack("test").map((r) =>
        r.name === "backup"
          ? {
              ...r,
              props: {
                ...r.props,
                envs: (r.props.envs as string[]).map((e) =>
                  e.startsWith("MYSQL_HOST=") ? "MYSQL_HOST=db" : e,
                ),
              },
            }
          : r,
      ),
      [
        "The backup job's MYSQL_HOST is db, which is no MySQL container's network alias (mysql-primary and mysql-replica-1).",
      ],
    ],
    [
      "no backup job",
      without(dockerStack("dev"), (r) => r.name === "backup"),
      [
        "No backup job container ships a crontab, so mysql-full, mysql-binlog, files, config and redis are never backed up.",
      ],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(COVERAGE, stack)).toEqual(expected);
  });
});

describe(`${RESTORE}`, () => {
  test.each([
    [
      "prod without a restore testing plan",
      without(prod, (r) => r.type === RESTORE_PLAN || r.type === RESTORE_SELECTION),
      ["prod requires a restore test at least every 7 days, but no restore testing plan exists."],
    ],
    [
      "staging's restore test monthly",
      changed(staging, "restore-test", { props: { scheduleExpression: "cron(0 5 1 * ? *)" } }),
      ["Restore testing plan restore-test runs every 31 days but the floor is every 7 days."],
    ],
    [
      "prod's restore test selecting no RDS database",
      changed(prod, "restore-test-rds", { props: { protectedResourceType: "EBS" } }),
      [
        "Restore testing plan restore-test tests no RDS database: no restore testing selection of type RDS belongs to it.",
      ],
    ],
    [
      "prod's restore test picking recovery points from every vault",
      changed(prod, "restore-test", {
        props: { recoveryPointSelection: { ...recoveryPoints, includeVaults: ["*"] } },
        dependsOn: {},
      }),
      [
        "Restore testing plan restore-test picks recovery points from every vault (\"*\"), so a passing test does not show this stack's vault restores; list the vault's ARN in includeVaults.",
      ],
    ],
    [
      "staging's restore test including another stack's vault",
      changed(staging, "restore-test", {
        props: {
          recoveryPointSelection: {
            ...recoveryPoints,
            includeVaults: ["arn:aws:backup:eu-central-1:123456789012:backup-vault:other"],
          },
        },
        dependsOn: {},
      }),
      [
        "Restore testing plan restore-test includes arn:aws:backup:eu-central-1:123456789012:backup-vault:other, which is no backup vault of this stack.",
      ],
    ],
    [
      "prod's restore test including no vault",
      changed(prod, "restore-test", {
        props: { recoveryPointSelection: { ...recoveryPoints, includeVaults: [] } },
        dependsOn: {},
      }),
      [
        "Restore testing plan restore-test includes no vault (recoveryPointSelection.includeVaults), so it tests no recovery point.",
      ],
    ],
    [
      "prod's restore selection targeting nothing",
      changed(prod, "restore-test-rds", {
        props: { protectedResourceArns: [], protectedResourceConditions: undefined },
      }),
      [
        "Restore testing selection restore-test-rds targets nothing: protectedResourceArns and protectedResourceConditions are empty.",
      ],
    ],
    [
      "prod's restore selection matching a tag no database carries",
      changed(prod, "restore-test-rds", {
        props: {
          protectedResourceConditions: {
            stringEquals: [{ key: "aws:ResourceTag/webstack-backup", value: "other" }],
          },
        },
      }),
      [
        "Restore testing selection restore-test-rds matches no RDS primary of this stack (aws:ResourceTag/webstack-backup=other).",
      ],
    ],
    [
      "prod's restore test listing the vault and the wildcard",
      withRecoveryPoints({ includeVaults: [VAULT_ARN, "*"] }),
      [
        "Restore testing plan restore-test picks recovery points from every vault (\"*\"), so a passing test does not show this stack's vault restores; list the vault's ARN in includeVaults.",
      ],
    ],
    [
      "prod's restore test excluding its own vault again",
      withRecoveryPoints({ excludeVaults: [VAULT_ARN] }),
      [
        `Restore testing plan restore-test excludes ${VAULT_ARN} (recoveryPointSelection.excludeVaults), which takes out this stack's vault, so it tests none of its recovery points.`,
      ],
    ],
    [
      "prod's restore test excluding every vault",
      withRecoveryPoints({ excludeVaults: ["*"] }),
      [
        "Restore testing plan restore-test excludes * (recoveryPointSelection.excludeVaults), which takes out this stack's vault, so it tests none of its recovery points.",
      ],
    ],
    [
      "prod's restore selection listing another stack's database",
      restoring([rdsArn("webstack-staging-mysql-primary")]),
      [NOT_PRIMARY(rdsArn("webstack-staging-mysql-primary"))],
    ],
    [
      "prod's restore selection listing the replica, which AWS Backup never backs up",
      restoring([rdsArn("webstack-prod-mysql-replica-1")]),
      [NOT_PRIMARY(rdsArn("webstack-prod-mysql-replica-1"))],
    ],
    [
      "prod's restore selection listing its primary and a stranger",
      restoring([rdsArn("webstack-prod-mysql-primary"), "db-of-someone-else"]),
      [NOT_PRIMARY("db-of-someone-else")],
    ],
    [
      "prod's restore selection taking every RDS database without a condition",
      restoring(["*"]),
      [
        'Restore testing selection restore-test-rds targets every RDS database of the account ("*") with no stringEquals tag condition, so a passing test does not show this stack\'s database restores; match its primaries with aws:ResourceTag/webstack-backup.',
      ],
    ],
    [
      "prod's restore selection narrowing the wildcard only by a not-equals condition",
      restoring(["*"], { stringNotEquals: [{ key: BACKUP_TAG, value: "webstack-staging" }] }),
      [
        'Restore testing selection restore-test-rds narrows "*" only by stringNotEquals, which still leaves every other RDS database of the account in; match this stack\'s primaries with a stringEquals condition on aws:ResourceTag/webstack-backup.',
      ],
    ],
    [
      "prod's restore selection whose not-equals condition takes its own primary out again",
      restoring(["*"], {
        stringEquals: [{ key: BACKUP_TAG, value: "webstack-prod" }],
        stringNotEquals: [{ key: BACKUP_TAG, value: "webstack-prod" }],
      }),
      [
        "Restore testing selection restore-test-rds matches no RDS primary of this stack (aws:ResourceTag/webstack-backup=webstack-prod, aws:ResourceTag/webstack-backup!=webstack-prod).",
      ],
    ],
    [
      "prod's restore selection with conditions but no ARN for them to narrow",
      restoring([], { stringEquals: [{ key: BACKUP_TAG, value: "webstack-prod" }] }),
      [
        'Restore testing selection restore-test-rds targets nothing: protectedResourceArns is empty, and its conditions only narrow "*".',
      ],
    ],
    [
      "dev on Docker without the restore-test line",
      dockerStack("dev", { crontab: crontabWithout("restore-test") }),
      ["The backup job's crontab has no restore-test line, so backups are never test-restored."],
    ],
    [
      "test on Docker restore-testing monthly",
      dockerStack("test", {
        crontab: crontab.replace("0 5 * * 0 ", "0 5 1 * * "),
      }),
      ["The backup job runs restore-test every 31 days but the floor is every 7 days."],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(RESTORE, stack)).toEqual(expected);
  });

  test("an AWS stack of a tier whose floor has no restore test needs none, unless config asks", async () => {
    const dev = [...awsDatabases("dev")];
    expect(await violations(RESTORE, dev)).toEqual([]);
    expect(await violations(RESTORE, dev, { [RESTORE]: { required: { dev: true } } })).toEqual([
      "dev requires a restore test at least every 7 days, but no restore testing plan exists.",
    ]);
  });

  test("a literal ARN of the stack's vault is as good as one taken from the Vault resource", async () => {
    expect(await violations(RESTORE, changed(prod, "restore-test", { dependsOn: {} }))).toEqual([]);
  });

  test("excluding another vault, or listing the primary's ARN, still tests this stack", async () => {
    expect(await violations(RESTORE, withRecoveryPoints({ excludeVaults: [OTHER_VAULT] }))).toEqual(
      [],
    );
    expect(await violations(RESTORE, restoring([rdsArn("webstack-prod-mysql-primary")]))).toEqual(
      [],
    );
  });

  test("a primary's ARN unknown in preview passes when it comes from the primary, else it is a note", async () => {
    const fromPrimary = changed(prod, "restore-test-rds", {
      props: {
        protectedResourceArns: [unknownStringValue],
        protectedResourceConditions: undefined,
      },
      dependsOn: {
        restoreTestingPlanName: ["restore-test"],
        protectedResourceArns: ["mysql-primary"],
      },
    });
    expect(await resultOf(RESTORE, fromPrimary)).toMatchObject({ violations: [], notes: [] });
    const orphan = restoring([unknownStringValue]);
    const result = await resultOf(RESTORE, orphan);
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("an excludeVaults entry unknown in preview is a note: it may be this stack's vault", async () => {
    const result = await resultOf(
      RESTORE,
      withRecoveryPoints({ excludeVaults: [unknownStringValue] }),
    );
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("pack config may shorten the interval, never lengthen it", async () => {
    expect(await violations(RESTORE, prod, { [RESTORE]: { maximumIntervalDays: 1 } })).toEqual([
      "Restore testing plan restore-test runs every 7 days but the floor is every 1 day.",
    ]);
    expect(await violations(RESTORE, prod, { [RESTORE]: { maximumIntervalDays: 30 } })).toEqual([]);
  });
});

describe(`${VAULT_POLICY}`, () => {
  test.each([
    [
      "prod's vault without a lock",
      without(prod, (r) => r.type === VAULT_LOCK),
      ["Backup vault backup-vault has no vault lock, which prod requires."],
    ],
    [
      "the vault on the AWS managed key",
      changed(prod, "backup-vault", { props: { kmsKeyArn: undefined }, dependsOn: {} }),
      [
        "Backup vault backup-vault is encrypted with the AWS managed key; set kmsKeyArn to a customer managed KMS key.",
      ],
    ],
    [
      "the vault on a key alias",
      changed(prod, "backup-vault", { props: { kmsKeyArn: "alias/aws/backup" }, dependsOn: {} }),
      [
        "Backup vault backup-vault uses kmsKeyArn alias/aws/backup, which is not a customer managed KMS key ARN.",
      ],
    ],
    [
      "the plan storing outside the stack's vaults",
      changed(prod, "backup-plan", { dependsOn: {} }),
      ["Backup plan backup-plan stores its backups in no backup vault of this stack."],
    ],
    [
      "no vault at all",
      without(prod, (r) => r.name.startsWith("backup-vault")),
      [
        "No AWS Backup vault exists to hold this stack's database backups.",
        "Backup plan backup-plan stores its backups in no backup vault of this stack.",
        "Backup plan uploads-plan stores its backups in no backup vault of this stack.",
      ],
    ],
  ])("%s", async (_, stack, expected) => {
    expect(await violations(VAULT_POLICY, stack)).toEqual(expected);
  });

  test("a customer key ARN given as a literal is enough", async () => {
    const literal = changed(prod, "backup-vault", { dependsOn: {} });
    expect(await violations(VAULT_POLICY, literal)).toEqual([]);
  });

  test("staging needs no lock unless pack config asks for one", async () => {
    const unlocked = staging;
    expect(unlocked.some((r) => r.type === VAULT_LOCK)).toBe(false);
    expect(await violations(VAULT_POLICY, unlocked)).toEqual([]);
    expect(
      await violations(VAULT_POLICY, unlocked, {
        [VAULT_POLICY]: { vaultLock: { staging: true } },
      }),
    ).toEqual(["Backup vault backup-vault has no vault lock, which staging requires."]);
  });
});

describe("values unknown during preview", () => {
  test("unknown plan rules are a note, not a pass and not a crash", async () => {
    const stack = changed(prod, "backup-plan", { props: { rules: unknownArrayValue } });
    const result = await resultOf(COVERAGE, stack);
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("unknown includeVaults or restore targets are a note, not a pass and not a crash", async () => {
    const vaults = changed(prod, "restore-test", {
      props: { recoveryPointSelection: { ...recoveryPoints, includeVaults: unknownArrayValue } },
      dependsOn: {},
    });
    const targets = changed(prod, "restore-test-rds", {
      props: { protectedResourceArns: unknownArrayValue },
    });
    for (const stack of [vaults, targets]) {
      const result = await resultOf(RESTORE, stack);
      expect(result.violations).toEqual([]);
      expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
    }
  });

  test("a vault ARN unknown in preview passes when it comes from the stack's Vault, else it is a note", async () => {
    const unknownArn = { ...recoveryPoints, includeVaults: [unknownStringValue] };
    const fromVault = changed(prod, "restore-test", {
      props: { recoveryPointSelection: unknownArn },
    });
    expect(await resultOf(RESTORE, fromVault)).toMatchObject({ violations: [], notes: [] });
    const orphan = changed(prod, "restore-test", {
      props: { recoveryPointSelection: unknownArn },
      dependsOn: {},
    });
    const result = await resultOf(RESTORE, orphan);
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("unknown uploads plan rules are a note while a known database gap is still reported", async () => {
    const stack = changed(
      withRule(prod, "daily", { lifecycle: { deleteAfter: 7 } }),
      "uploads-plan",
      { props: { rules: unknownArrayValue } },
    );
    const result = await resultOf(COVERAGE, stack);
    expect(result.violations.map((v) => v.message)).toEqual([
      'Backup plan backup-plan rule "daily" keeps backups 7 days but the floor is 30 days.',
    ]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });

  test("an unknown crontab is not read as a missing backup job", async () => {
    const stack = dockerStack("dev").map((r) =>
      r.name === "backup"
        ? {
            ...r,
            props: {
              ...r.props,
              uploads: [
                { file: "/etc/webstack/crontab", content: unknownStringValue },
                { file: BACKUP_SCRIPT_PATH, content: "#!/usr/bin/env bash\n" },
              ],
            },
          }
        : r,
    );
    for (const policy of [COVERAGE, RESTORE]) {
      const result = await resultOf(policy, stack);
      expect(result.violations).toEqual([]);
      expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
    }
  });

  test("an unknown key ARN passes when it comes from a KMS key of the stack, else it is a note", async () => {
    const stack = changed(prod, "backup-vault", { props: { kmsKeyArn: unknownStringValue } });
    // The key came from a resource of the stack: its ARN is unknown in preview but its origin is not.
    expect(await violations(VAULT_POLICY, stack)).toEqual([]);
    const orphan = changed(prod, "backup-vault", {
      props: { kmsKeyArn: unknownStringValue },
      dependsOn: {},
    });
    const result = await resultOf(VAULT_POLICY, orphan);
    expect(result.violations).toEqual([]);
    expect(result.notes).toEqual([expect.stringContaining("can't run during preview")]);
  });
});
