#!/usr/bin/env bash
# Synth's start-up cost as a ratio to the SDK's own: `npm run synth -- --all` (the command
# package.json runs: four stacks, their files and policy reports) against loading
# @pulumi/pulumi alone, measured alternately in the same run so machine drift affects both.
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-5}"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

node_modules/.bin/tsx bench/compare.ts --runs "$runs" --label "synth --all vs require(@pulumi/pulumi)" -- \
  "node --require tsx/cjs tools/synth/main.ts --all --out $out" \
  "node -e 'require(\"@pulumi/pulumi\")'"
