#!/usr/bin/env bash
# Restores one database dump written by backup.sh into a database, after checking the dump is
# whole: its checksum (when SHA256SUMS sits beside it), gzip, and the completion line.
#
# Usage: restore.sh [--replace] [--no-definers] <dump.sql.gz> <database>
#   --replace       drop the database first when it already holds tables (otherwise refused)
#   --no-definers   drop the DEFINER clauses of views, triggers, routines and events, so they
#                   are owned by the restoring user (the weekly restore test uses this)
#
# Environment: MYSQL_HOST, MYSQL_PORT (3306), MYSQL_USER, and MYSQL_PASSWORD or
# MYSQL_PASSWORD_FILE; MYSQL_CLIENT overrides the detected client. The user needs the rights
# to create the database and, for routines, triggers and events with a DEFINER, SUPER or
# SET_USER_ID (MySQL) / SET USER (MariaDB).
#
# Exits non-zero with the reason on stderr on any failure.
set -Eeuo pipefail
umask 077
export TZ=UTC

SCRIPT_NAME=restore.sh
# shellcheck source=common.sh
. "${BASH_SOURCE[0]%/*}/common.sh"

die() {
  trap - ERR
  log "$*"
  exit 1
}

usage() {
  printf 'usage: restore.sh [--replace] [--no-definers] <dump.sql.gz> <database>\n' >&2
  exit 2
}

# The dump as SQL, with DEFINER=`user`@`host` clauses removed when asked. Without a DEFINER the
# server makes the restoring user the definer.
dump_sql() {
  if [ "$2" = strip ]; then
    # shellcheck disable=SC2016 # the backticks quote SQL names; nothing is meant to expand
    gzip -dc "$1" | sed -E 's/DEFINER=`([^`]|``)*`@`([^`]|``)*`//g'
  else
    gzip -dc "$1"
  fi
}

main() {
  local replace=0 definers="keep" dump database error tables restored
  while [ "$#" -gt 0 ]; do
    case "$1" in
      --replace) replace=1 ;;
      --no-definers) definers="strip" ;;
      -*) usage ;;
      *) break ;;
    esac
    shift
  done
  [ "$#" -eq 2 ] || usage
  dump=$1
  database=$2
  [[ $database =~ ^[A-Za-z0-9_]{1,64}$ ]] ||
    die "database name '$database' must be 1 to 64 letters, digits or underscores"
  if [ ! -f "$dump" ] || [ ! -r "$dump" ]; then die "dump $dump is not a readable file"; fi
  error=$(check_checksum "$dump") || die "$error"
  error=$(check_dump_file "$dump") || die "$error"

  WORK_DIR=$(mktemp -d)
  detect_mysql_tools
  write_client_options
  check_connection
  tables=$(sql "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = '$database'")
  if [ "$tables" != 0 ]; then
    [ "$replace" = 1 ] ||
      die "database $database already holds $tables tables or views; pass --replace to drop it first"
    log "dropping $database ($tables tables or views) before the restore"
    sql "DROP DATABASE \`$database\`"
  fi
  sql "CREATE DATABASE IF NOT EXISTS \`$database\` CHARACTER SET utf8mb4"
  if ! dump_sql "$dump" "$definers" | "$MYSQL_CLIENT" --defaults-extra-file="$CLIENT_OPTIONS" \
    --default-character-set=utf8mb4 "$database" 2>"$WORK_DIR/restore.err"; then
    die "restoring $dump into $database failed: $(tail -n 3 "$WORK_DIR/restore.err")"
  fi
  restored=$(sql "SELECT COUNT(*) FROM information_schema.tables
    WHERE table_schema = '$database' AND table_type = 'BASE TABLE'")
  log "restored $dump into $database ($restored tables)"
}

main "$@"
