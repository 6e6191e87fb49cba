// Tests are type-checked once by `npm run typecheck`; ts-jest only transpiles (isolatedModules
// in tsconfig.json), which keeps each test file's start-up to milliseconds instead of a full
// @pulumi/aws type-check.
/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/tests"],
  testMatch: ["**/*.test.ts"],
  transform: {
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // Server tests start real daemons; give them room on a 2-core machine.
  testTimeout: 60_000,
  maxWorkers: 2,
};
