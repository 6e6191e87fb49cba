#!/usr/bin/env bash
# Drift check for one stack. Runs `pulumi refresh --preview-only --expect-no-changes`, which
# reads the live resources and compares them with the state WITHOUT writing the state (the
# pulumi/actions `refresh` command would adopt the drift into the state and hide it), then
# classifies the outcome:
#   clean    pulumi exited 0
#   drifted  pulumi exited 7 (CLI >= 3.226.1), or 255 with "no changes were expected" in its
#            output (older CLIs used 255 for every error)
#   failed   anything else: login, missing stack, credentials, provider errors
# Writes outcome=, exit_code= and log= to $GITHUB_OUTPUT when set. Exits 0 whenever it could
# classify, so the next step (drift-issue.sh) always sees the outcome and decides the job's
# status; exits 2 on a usage error.
#
# usage: drift-check.sh <stack> <log-file>
set -euo pipefail

if [ "$#" -ne 2 ]; then
  echo "usage: drift-check.sh <stack> <log-file>" >&2
  exit 2
fi
stack=$1
log=$2
if ! [[ $stack =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]]; then
  echo "drift-check: <stack> must be a stack name such as prod; got '$stack'" >&2
  exit 2
fi

set +e
pulumi refresh --preview-only --expect-no-changes --diff --non-interactive --color never \
  --suppress-progress --stack "$stack" 2>&1 | tee "$log"
code=${PIPESTATUS[0]}
set -e

if [ "$code" -eq 0 ]; then
  outcome=clean
elif [ "$code" -eq 7 ] || { [ "$code" -eq 255 ] && grep -q "no changes were expected" "$log"; }; then
  outcome=drifted
else
  outcome=failed
fi
echo "drift-check: stack $stack is $outcome (pulumi refresh exited $code)"
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  printf 'outcome=%s\nexit_code=%s\nlog=%s\n' "$outcome" "$code" "$log" >>"$GITHUB_OUTPUT"
fi
