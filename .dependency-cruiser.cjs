// The layers of docs/architecture.md, enforced: arrows point one way, and nothing is circular.
// `npm test` runs this (npm run deps); a back-edge fails the build and names both files.
/** @type {import('dependency-cruiser').IConfiguration} */
const PARTS =
  "^components/(mysql|redis|edge|alarms|backups|network|storage)/|^components/(passwords|container-defaults|aws-service-role)\\.ts$";
module.exports = {
  forbidden: [
    {
      name: "no-circular",
      severity: "error",
      comment: "A cycle means two files own one concern; split the shared part out.",
      from: {},
      to: { circular: true },
    },
    {
      name: "catalog-is-pure",
      severity: "error",
      comment: "components/catalog/ holds data and facts; it imports nothing of the program.",
      from: { path: "^components/catalog/" },
      to: { path: "^(components/(?!catalog/)|policies/|tools/|index\\.ts)" },
    },
    {
      name: "parts-never-read-config",
      severity: "error",
      comment:
        "Parts are built from typed args by components/environment/, the one mapper from config.",
      from: { path: PARTS },
      to: { path: "^components/(config|environment)/|^components/program\\.ts" },
    },
    {
      name: "config-reads-catalog-and-contracts",
      severity: "error",
      comment:
        "components/config/ may import components/catalog/ and, for types only, a part's contract.ts.",
      from: { path: "^components/config/" },
      to: {
        path: "^components/",
        pathNot: ["^components/(config|catalog)/", "^components/[a-z]+/contract\\.ts$"],
      },
    },
    {
      name: "config-contracts-type-only",
      severity: "error",
      comment: "components/config/ uses a part's contract for its types, never its code.",
      from: { path: "^components/config/" },
      to: { path: "^components/[a-z]+/contract\\.ts$", dependencyTypesNot: ["type-only"] },
    },
    {
      name: "policies-read-catalog-only",
      severity: "error",
      comment:
        "The policy pack is an independent gate: it reads components/catalog/ and its own helpers, never the program's renderers.",
      from: { path: "^policies/" },
      to: { path: "^(components/(?!catalog/)|tools/|index\\.ts)" },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    exclude: { path: "node_modules|^out/" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
  },
};
