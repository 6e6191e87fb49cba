// The gate owns the tier: the pack config's `tier` decides the floors, a resource's own
// environment tag may raise them and never lower them, and a stack claiming less fails by name.
import { FakeResource, tagsFor, violations } from "../support/policy";

const primary = (environment: string, backupRetentionPeriod: number): FakeResource => ({
  type: "aws:rds/instance:Instance",
  name: "db-primary",
  props: { identifier: "db-primary", backupRetentionPeriod, tags: tagsFor(environment) },
});
const judgedAt = (tier: string) => ({
  "webstack-rds-backup-retention": { tier },
  "webstack-tier-not-lowered": { tier },
});

test("a dev tag does not lower a stack the gate judges at prod", async () => {
  expect(
    await violations("webstack-rds-backup-retention", [primary("dev", 1)], judgedAt("prod")),
  ).toEqual(["Backup retention is 1 days; prod requires at least 7."]);
  expect(
    await violations("webstack-tier-not-lowered", [primary("dev", 7)], judgedAt("prod")),
  ).toEqual([
    "1 resource claims tier dev (environment tag or label), but the pack config judges this stack at prod; they are judged at prod. A stack's config may raise its tier, never lower it: set webstack:environment to prod.",
  ]);
});

test("a prod tag raises a resource of a stack the gate judges at dev", async () => {
  expect(
    await violations("webstack-rds-backup-retention", [primary("prod", 1)], judgedAt("dev")),
  ).toEqual(["Backup retention is 1 days; prod requires at least 7."]);
  expect(
    await violations("webstack-tier-not-lowered", [primary("prod", 1)], judgedAt("dev")),
  ).toEqual([]);
});

test("without a tier in the pack config the gate judges at prod, the strictest", async () => {
  const untagged = { ...primary("prod", 1), props: { backupRetentionPeriod: 1 } };
  expect(await violations("webstack-rds-backup-retention", [untagged])).toEqual([
    "Backup retention is 1 days; prod requires at least 7.",
  ]);
});
