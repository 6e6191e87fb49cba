#!/usr/bin/env bash
# Foundation benchmarks (issue: four typed stacks that evaluate offline), each as a ratio to a
# baseline measured alternately in the same run:
#   1. tsc --noEmit of the whole project vs a one-resource program importing @pulumi/aws/rds;
#   2. npm run synth -- --all (the command package.json runs) vs loading @pulumi/pulumi alone.
# A third, diagnostic line type-checks the deployed program alone (index.ts and components/,
# without tests, tools and policies) against the same baseline, to show where the time goes.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
tsx=node_modules/.bin/tsx
tsc=node_modules/.bin/tsc
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

"$tsx" bench/compare.ts --runs "$runs" --label "type-check: project vs one-resource program" -- \
  "$tsc --noEmit -p ." \
  "$tsc --noEmit -p bench/fixtures/one-rds"

"$tsx" bench/compare.ts --runs "$runs" --label "type-check (diagnostic): program only vs one-resource program" -- \
  "$tsc --noEmit -p bench/fixtures/program-only" \
  "$tsc --noEmit -p bench/fixtures/one-rds"

"$tsx" bench/compare.ts --runs "$runs" --label "synth --all vs require(@pulumi/pulumi)" -- \
  "node --require tsx/cjs tools/synth/main.ts --all --out $out" \
  "node -e 'require(\"@pulumi/pulumi\")'"
