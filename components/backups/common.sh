# shellcheck shell=bash
# Sourced by backup.sh and restore.sh, which sit beside it: logging, clean-up on exit, time limits
# on calls to servers, the MySQL client tools, and a private option file for the password so it
# never appears on a command line. Each script defines its own die.

# Scripts run with TZ=UTC: stamps, logs and cron all speak UTC. printf's %(...)T needs no process.
log() {
  printf '%(%Y-%m-%dT%H:%M:%SZ)T %s: %s\n' -1 "$SCRIPT_NAME" "$*" >&2
}

# A scratch directory and (backup.sh) the run's lock, removed however the script ends; any failed
# command ends it through die, naming the command.
WORK_DIR=""
LOCK_DIR=""
cleanup() {
  rm -rf ${WORK_DIR:+"$WORK_DIR"} ${LOCK_DIR:+"$LOCK_DIR"}
}
trap cleanup EXIT
trap 'die "command failed with status $? at line $LINENO: $BASH_COMMAND"' ERR

# secret_setting <variable> <NAME> [required]: the secret in the file named by NAME_FILE, else
# NAME's own value, into the variable named by <variable>; "required" refuses neither being set.
secret_setting() {
  local file_setting="$2_FILE"
  if [ -n "${!file_setting:-}" ]; then
    [ -r "${!file_setting}" ] || die "$file_setting ${!file_setting} is not readable"
    printf -v "$1" '%s' "$(cat "${!file_setting}")"
  elif [ -n "${!2+set}" ] || [ "${3:-}" != required ]; then
    printf -v "$1" '%s' "${!2:-}"
  else
    die "set $2 or $file_setting"
  fi
}

# bounded <seconds> <command>...: the command, stopped (SIGTERM, then SIGKILL 10 s later) when it
# runs longer than <seconds>; 0 means no limit. A server that accepts connections but never
# answers (stopped, overloaded, its disk hung) would otherwise hold the run, and the run's lock,
# forever, and every later run would be skipped without a failure being reported.
bounded() {
  timeout --kill-after=10 "$1" "${@:2}"
}

# why_failed <status> <seconds> <setting> <output file>: why a bounded command failed, for a
# message: the time limit it ran into, or the last lines it printed.
why_failed() {
  if [ "$1" = 124 ] || [ "$1" = 137 ]; then
    printf 'no answer within %s s (%s), stopped' "$2" "$3"
  else
    tail -n 3 "$4"
  fi
}

# Tool names differ between MariaDB (mariadb-dump) and MySQL (mysqldump) clients, MariaDB's
# found first; the MYSQL_* variables override the detection. Each caller checks for the tools
# it needs.
detect_mysql_tools() {
  MYSQL_CLIENT=${MYSQL_CLIENT:-$(command -v mariadb mysql | head -n 1 || true)}
  MYSQL_DUMP=${MYSQL_DUMP:-$(command -v mariadb-dump mysqldump | head -n 1 || true)}
  MYSQL_BINLOG=${MYSQL_BINLOG:-$(command -v mariadb-binlog mysqlbinlog | head -n 1 || true)}
  [ -n "$MYSQL_CLIENT" ] ||
    die "no MySQL client found (install mariadb-client or mysql-client, or set MYSQL_CLIENT)"
}

# Writes the connection settings to an option file readable by us only. Inside double quotes
# an option file treats backslash as an escape, so backslashes and quotes are escaped.
write_client_options() {
  local password
  [ -n "${MYSQL_HOST:-}" ] || die "MYSQL_HOST is not set"
  [ -n "${MYSQL_USER:-}" ] || die "MYSQL_USER is not set"
  secret_setting password MYSQL_PASSWORD required
  password=${password//\\/\\\\}
  password=${password//\"/\\\"}
  CLIENT_OPTIONS="$WORK_DIR/client.cnf"
  {
    printf '[client]\n'
    printf 'host=%s\n' "$MYSQL_HOST"
    printf 'port=%s\n' "${MYSQL_PORT:-3306}"
    printf 'user=%s\n' "$MYSQL_USER"
    printf 'password="%s"\n' "$password"
  } >"$CLIENT_OPTIONS"
}

# Runs one SQL statement; prints tab-separated rows without headers. backup.sh limits it to
# MYSQL_QUERY_TIMEOUT_SECONDS; restore.sh, run by hand, only when that is set. A statement that
# ran out of time says so on stderr, where the caller's own message would guess another cause.
sql() {
  local limit=${MYSQL_QUERY_TIMEOUT_SECONDS:-0} status=0
  bounded "$limit" "$MYSQL_CLIENT" --defaults-extra-file="$CLIENT_OPTIONS" \
    --default-character-set=utf8mb4 --batch --skip-column-names -e "$1" || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    printf 'MySQL at %s:%s gave no answer within %s s (MYSQL_QUERY_TIMEOUT_SECONDS) to: %s\n' \
      "$MYSQL_HOST" "${MYSQL_PORT:-3306}" "$limit" "${1%%$'\n'*}" >&2
  fi
  return "$status"
}

check_connection() {
  local error
  if ! error=$(sql "SELECT 1" 2>&1 >/dev/null); then
    die "cannot connect to MySQL at ${MYSQL_HOST}:${MYSQL_PORT:-3306} as ${MYSQL_USER}: ${error}"
  fi
}

# A dump is whole when gzip can read it to the end and its last line is the dump tool's
# completion comment (absent when the dump stopped early).
check_dump_file() {
  if ! gzip -t "$1" 2>/dev/null; then
    printf '%s is not a readable gzip file\n' "$1"
    return 1
  elif [[ $(gzip -dc "$1" | tail -n 1) != "-- Dump completed"* ]]; then
    printf '%s has no "-- Dump completed" line: the dump stopped early\n' "$1"
    return 1
  fi
}

# Checks a file against the SHA256SUMS beside it, when there is one.
check_checksum() {
  local dir name
  dir=$(dirname "$1")
  name=$(basename "$1")
  [ -f "$dir/SHA256SUMS" ] || return 0
  if ! (cd "$dir" && grep "  ${name}\$" SHA256SUMS | sha256sum --check --quiet --status); then
    printf '%s does not match its checksum in %s/SHA256SUMS (or is not listed there)\n' "$1" "$dir"
    return 1
  fi
}
