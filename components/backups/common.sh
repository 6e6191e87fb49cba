# Shared by backup.sh and restore.sh (inlined into both by components/backups/backup-script.ts):
# error reporting, the MySQL client tools, and a private option file for the password so it
# never appears on a command line.

# Scripts run with TZ=UTC: stamps, logs and cron all speak UTC. printf's %(...)T needs no process.
log() {
  printf '%(%Y-%m-%dT%H:%M:%SZ)T %s: %s\n' -1 "$SCRIPT_NAME" "$*" >&2
}

# First command of the list that exists: MariaDB's names first, MySQL's as the fallback.
first_command() {
  local candidate
  for candidate in "$@"; do
    if command -v "$candidate" >/dev/null 2>&1; then
      printf '%s\n' "$candidate"
      return 0
    fi
  done
  return 1
}

# Tool names differ between MariaDB (mariadb-dump) and MySQL (mysqldump) clients; the MYSQL_*
# variables override the detection. Each caller checks for the tools it needs.
detect_mysql_tools() {
  MYSQL_CLIENT=${MYSQL_CLIENT:-$(first_command mariadb mysql || true)}
  MYSQL_DUMP=${MYSQL_DUMP:-$(first_command mariadb-dump mysqldump || true)}
  MYSQL_BINLOG=${MYSQL_BINLOG:-$(first_command mariadb-binlog mysqlbinlog || true)}
  [ -n "$MYSQL_CLIENT" ] ||
    die "no MySQL client found (install mariadb-client or mysql-client, or set MYSQL_CLIENT)"
}

# Writes the connection settings to an option file readable by us only. Inside double quotes
# an option file treats backslash as an escape, so backslashes and quotes are escaped.
write_client_options() {
  local password
  [ -n "${MYSQL_HOST:-}" ] || die "MYSQL_HOST is not set"
  [ -n "${MYSQL_USER:-}" ] || die "MYSQL_USER is not set"
  if [ -n "${MYSQL_PASSWORD_FILE:-}" ]; then
    [ -r "$MYSQL_PASSWORD_FILE" ] || die "MYSQL_PASSWORD_FILE $MYSQL_PASSWORD_FILE is not readable"
    password=$(cat "$MYSQL_PASSWORD_FILE")
  elif [ -n "${MYSQL_PASSWORD+set}" ]; then
    password=$MYSQL_PASSWORD
  else
    die "set MYSQL_PASSWORD or MYSQL_PASSWORD_FILE"
  fi
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

# Runs one SQL statement; prints tab-separated rows without headers.
sql() {
  "$MYSQL_CLIENT" --defaults-extra-file="$CLIENT_OPTIONS" --default-character-set=utf8mb4 \
    --batch --skip-column-names -e "$1"
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
  local file=$1 last
  gzip -t "$file" 2>/dev/null || {
    printf '%s is not a readable gzip file\n' "$file"
    return 1
  }
  last=$(gzip -dc "$file" | tail -n 1)
  case "$last" in
    "-- Dump completed"*) return 0 ;;
    *)
      printf '%s has no "-- Dump completed" line: the dump stopped early\n' "$file"
      return 1
      ;;
  esac
}

# Checks a file against the SHA256SUMS beside it, when there is one.
check_checksum() {
  local file=$1 dir name
  dir=$(dirname "$file")
  name=$(basename "$file")
  [ -f "$dir/SHA256SUMS" ] || return 0
  grep -q "  ${name}\$" "$dir/SHA256SUMS" || {
    printf '%s is not listed in %s/SHA256SUMS\n' "$name" "$dir"
    return 1
  }
  (cd "$dir" && grep "  ${name}\$" SHA256SUMS | sha256sum --check --quiet --status) || {
    printf '%s does not match its checksum in %s/SHA256SUMS\n' "$file" "$dir"
    return 1
  }
}
