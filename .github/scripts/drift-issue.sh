#!/usr/bin/env bash
# Turns one stack's drift-check outcome into GitHub issue state, with the gh CLI (GH_TOKEN):
#   drifted  open the tracking issue "drift: <stack>" (label "drift") or update its body with
#            the latest refresh output, in a collapsible block cut to GitHub's body limit
#   clean    close the tracking issue if one is open
#   failed   leave issues alone and exit 1, so the job fails and someone looks at the log
# Exactly one open tracking issue per stack: it is found by its label and exact title.
#
# usage: drift-issue.sh <stack> <clean|drifted|failed> <log-file> [exit-code]
set -euo pipefail

if [ "$#" -lt 3 ] || [ "$#" -gt 4 ]; then
  echo "usage: drift-issue.sh <stack> <clean|drifted|failed> <log-file> [exit-code]" >&2
  exit 2
fi
stack=$1
outcome=$2
log=$3
exit_code=${4:-unknown}
if ! [[ $stack =~ ^[A-Za-z0-9][A-Za-z0-9_.-]*$ ]]; then
  echo "drift-issue: <stack> must be a stack name such as prod; got '$stack'" >&2
  exit 2
fi

title="drift: $stack"
label=drift
# GitHub refuses issue bodies over 65536 characters; bytes >= characters, so a byte budget
# is always safe.
body_limit=65536
tail_bytes=4000
server=${GITHUB_SERVER_URL:-https://github.com}
repository=${GITHUB_REPOSITORY:-}
if [ -n "$repository" ] && [ -n "${GITHUB_RUN_ID:-}" ]; then
  run_link="[run ${GITHUB_RUN_ID}]($server/$repository/actions/runs/${GITHUB_RUN_ID})"
else
  run_link="a local run"
fi
runbook="docs/operations.md#drift"
if [ -n "$repository" ]; then
  runbook="[docs/operations.md#drift]($server/$repository/blob/HEAD/docs/operations.md#drift)"
fi

# Prints the number of the open tracking issue for this stack, or nothing.
find_issue() {
  gh issue list --state open --label "$label" --limit 100 --json number,title \
    --jq ".[] | select(.title == \"$title\") | .number" | head -n 1
}

# Drops a partial UTF-8 sequence left by cutting at a byte count (iconv exits 1 when it drops
# one, which is the point, so its status is ignored).
clean_utf8() {
  if command -v iconv >/dev/null 2>&1; then
    iconv -f UTF-8 -t UTF-8 -c 2>/dev/null || true
  else
    cat
  fi
}

# write_body <file>: the issue body, with the refresh output cut to fit the limit.
write_body() {
  local file=$1 size lines header footer budget
  size=$(wc -c <"$log")
  lines=$(wc -l <"$log")
  header=$(
    cat <<HEADER
<!-- webstack drift tracking issue for stack $stack; updated by .github/scripts/drift-issue.sh -->
**Drift on stack \`$stack\`**: the live resources differ from the Pulumi state.

Found by \`pulumi refresh --preview-only --expect-no-changes\` (exit $exit_code) in $run_link at $(date -u +%Y-%m-%dT%H:%M:%SZ). The check is read-only: nothing was changed. This issue is updated while the drift lasts and closed by the first clean check. What to do: $runbook.

<details><summary>pulumi refresh output ($lines lines, $size bytes)</summary>

\`\`\`\`text
HEADER
  )
  footer=$(printf '````\n\n</details>')
  budget=$((body_limit - ${#header} - ${#footer} - 200))
  {
    printf '%s\n' "$header"
    if [ "$size" -le "$budget" ]; then
      cat "$log"
    else
      head -c $((budget - tail_bytes)) "$log" | clean_utf8
      printf '\n… %s bytes omitted to fit the issue; the full output is in the run log …\n' \
        "$((size - budget))"
      tail -c "$tail_bytes" "$log" | clean_utf8
    fi
    # The closing fence must start a line; command substitution drops a final newline.
    if [ -n "$(tail -c 1 "$log")" ]; then echo; fi
    printf '%s\n' "$footer"
  } >"$file"
}

case "$outcome" in
  drifted)
    [ -f "$log" ] || { echo "drift-issue: log file '$log' does not exist" >&2; exit 2; }
    body=$(mktemp)
    trap 'rm -f "$body"' EXIT
    write_body "$body"
    gh label create "$label" --color B60205 --force \
      --description "Live resources differ from the Pulumi state (scheduled drift check)"
    number=$(find_issue)
    if [ -n "$number" ]; then
      gh issue edit "$number" --body-file "$body"
      echo "drift-issue: updated #$number ($title)"
    else
      gh issue create --title "$title" --label "$label" --body-file "$body"
      echo "drift-issue: opened an issue ($title)"
    fi
    echo "::warning title=drift on $stack::live resources differ from the state; see the issue '$title'"
    ;;
  clean)
    number=$(find_issue)
    if [ -n "$number" ]; then
      gh issue close "$number" --comment "No drift on \`$stack\` in $run_link: closing."
      echo "drift-issue: closed #$number ($title)"
    else
      echo "drift-issue: no drift on $stack and no open tracking issue"
    fi
    ;;
  failed)
    echo "::error title=drift check failed on $stack::pulumi refresh exited $exit_code; the last lines of its output follow"
    if [ -f "$log" ]; then tail -n 40 "$log" >&2; fi
    exit 1
    ;;
  *)
    echo "drift-issue: outcome must be clean, drifted or failed; got '$outcome'" >&2
    exit 2
    ;;
esac
