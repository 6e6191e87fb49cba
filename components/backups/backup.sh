#!/usr/bin/env bash
# webstack backup job: one kind of backup per run, checked right after it is written, pruned to
# its retention, and reported to Prometheus. Its settings (servers, retention, lock ages, time
# limits) come from the environment: docs/operations-catalog.md, "The Docker backup job".
#
# Usage:
#   backup.sh mysql-full|mysql-binlog|files|config|redis   back up, verify, prune, report
#   backup.sh restore-test     restore the newest full dump into scratch databases, then drop them
#   backup.sh prune <kind>     apply retention only; BACKUP_NOW (a date `date -d` reads) fixes "now"
#
# Every failure exits non-zero with the reason on stderr. Each run writes
# webstack_backup_last_status{kind} (1 ok, 0 failed) and, after a success,
# webstack_backup_last_success_timestamp_seconds{kind} to METRICS_DIR, atomically. A run that
# finds another run of its kind under way exits 1 without a metric, unless that run has held
# the lock longer than LOCK_MAX_AGE_SECONDS_<KIND>: then it reports the kind failed (status 0).
set -Eeuo pipefail
umask 077
export TZ=UTC

SCRIPT_NAME=backup.sh
KINDS="mysql-full mysql-binlog files config redis"
# shellcheck source=common.sh
. "${BASH_SOURCE[0]%/*}/common.sh"

# Time limits of one call to a server: generous, for the server that will never answer.
: "${REDIS_QUERY_TIMEOUT_SECONDS:=60}" "${REDIS_TIMEOUT_SECONDS:=1800}"
: "${MYSQL_QUERY_TIMEOUT_SECONDS:=600}" "${MYSQL_TIMEOUT_SECONDS:=14400}"

KIND=""
REDIS_AUTH=""
REPORT=1
METRICS_DIR=${METRICS_DIR:-${BACKUP_DIR:+$BACKUP_DIR/metrics}}
# The restore test's scratch databases; the backup user's grant names this prefix
# (components/mysql/replication.ts).
RESTORE_TEST_PREFIX=webstack_restore_test

die() {
  trap - ERR
  log "${KIND:-backup}: $*"
  if [ -n "$KIND" ] && [ "$REPORT" = 1 ]; then
    write_metrics "$KIND" 0 || log "could not write the failure metric to ${METRICS_DIR:-(unset)}"
  fi
  exit 1
}

usage() {
  printf 'usage: backup.sh {%s|restore-test} | backup.sh prune <kind>\n' "${KINDS// /|}" >&2
  exit 2
}

# Textfile-collector metrics: a temporary file renamed over the old one, so the collector never
# reads half a file; its name does not end in .prom, so it is never read at all.
write_metrics() {
  local kind=$1 status=$2 name file tmp last=""
  [ -n "$METRICS_DIR" ] || return 1
  name=${kind//-/_}
  file="$METRICS_DIR/webstack_backup_${name}.prom"
  mkdir -p "$METRICS_DIR"
  if [ "$status" = 1 ]; then
    printf -v last '%(%s)T' -1
  elif [ -f "$file" ]; then
    last=$(sed -n 's/^webstack_backup_last_success_timestamp_seconds{[^}]*} \([0-9][0-9]*\)$/\1/p' "$file")
  fi
  tmp=$(mktemp "$METRICS_DIR/.webstack_backup_${name}.XXXXXX")
  {
    printf '# HELP webstack_backup_last_status 1 if the last backup run of this kind succeeded, 0 if it failed.\n'
    printf '# TYPE webstack_backup_last_status gauge\n'
    printf 'webstack_backup_last_status{kind="%s"} %s\n' "$kind" "$status"
    if [ -n "$last" ]; then
      printf '# HELP webstack_backup_last_success_timestamp_seconds Unix time of the last successful backup of this kind.\n'
      printf '# TYPE webstack_backup_last_success_timestamp_seconds gauge\n'
      printf 'webstack_backup_last_success_timestamp_seconds{kind="%s"} %s\n' "$kind" "$last"
    fi
  } >"$tmp"
  chmod 0644 "$tmp"
  mv -f "$tmp" "$file"
}

# One run of a kind at a time; a lock left by a dead run is taken over. A run still under way
# is normally not a failure (it reports for itself), but one that has held the lock past the
# next scheduled run is stuck where no time limit reaches (a hung disk, or limits longer than
# the schedule): reporting the kind failed now raises BackupFailed within minutes, where staying
# quiet would leave it to BackupStale a day or more later.
take_lock() {
  local lock="$BACKUP_DIR/.lock-$KIND" pid since now age limit setting
  if ! mkdir "$lock" 2>/dev/null; then
    pid=$(cat "$lock/pid" 2>/dev/null || true)
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
      setting=LOCK_MAX_AGE_SECONDS_${KIND//-/_}
      setting=${setting^^}
      number_setting limit "$setting" seconds
      since=$(stat -c %Y "$lock/pid" 2>/dev/null || true)
      printf -v now '%(%s)T' -1
      age=$((now - ${since:-$now}))
      if [ "$REPORT" = 1 ] && [ "$age" -gt "$limit" ]; then
        die "another $KIND run (pid $pid) has held $lock for $age s, longer than $setting ($limit s, the longest gap between scheduled runs): it is stuck; stop it (kill $pid) and look at its log; this run is skipped"
      fi
      REPORT=0
      die "another $KIND run (pid $pid) holds $lock; this run is skipped"
    fi
    log "$KIND: taking over the stale lock $lock"
    rm -rf "$lock"
    mkdir "$lock" || die "cannot take the lock $lock"
  fi
  LOCK_DIR=$lock
  printf '%s\n' "$$" >"$lock/pid"
}

# Reads a whole number from a setting such as RETENTION_DAYS_MYSQL_FULL into the variable named
# by $1 (in this shell, so a bad value stops the run with its own message); "seconds" asks for a
# time limit, above 0.
number_setting() {
  local value=${!2:-} pattern='^-?[0-9]+$' what="a whole number"
  if [ "${3:-}" = seconds ]; then pattern='^[1-9][0-9]*$' what="a whole number of seconds above 0"; fi
  [[ $value =~ $pattern ]] || die "$2 must be $what (got '${value}')"
  printf -v "$1" '%s' "$value"
}

is_backup_name() {
  [[ $1 =~ ^[0-9]{8}T[0-9]{6}Z$ ]]
}

# The newest complete, verified backup of a kind (its directory), or nothing.
newest_good() {
  local path newest=""
  for path in "$BACKUP_DIR/$1"/*/; do
    path=${path%/}
    if is_backup_name "${path##*/}" && [ -f "$path/BACKUP_OK" ]; then newest=$path; fi
  done
  printf '%s\n' "$newest"
}

# Every backup is a directory <kind>/<UTC stamp>/ holding its files, SHA256SUMS and, written
# last, BACKUP_OK. It is built under <stamp>.partial and renamed when verified.
begin_backup() {
  TARGET="$BACKUP_DIR/$KIND/$(date -u +%Y%m%dT%H%M%SZ)"
  PARTIAL="$TARGET.partial"
  [ ! -e "$TARGET" ] || die "$TARGET already exists"
  mkdir -p "$PARTIAL"
}

# Keeps what was written for inspection (prune removes it later) and fails the run.
fail_backup() {
  mv "$PARTIAL" "$TARGET.failed" 2>/dev/null || true
  die "$1"
}

finish_backup() {
  (cd "$PARTIAL" && sha256sum -- * >SHA256SUMS.tmp && mv SHA256SUMS.tmp SHA256SUMS) ||
    fail_backup "could not write checksums"
  (cd "$PARTIAL" && sha256sum --check --quiet --status SHA256SUMS) ||
    fail_backup "integrity check failed: checksums do not verify right after writing"
  printf 'kind=%s\nfinished=%s\n%s\n' "$KIND" "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$1" \
    >"$PARTIAL/BACKUP_OK"
  mv "$PARTIAL" "$TARGET"
  log "$KIND: wrote $TARGET"
}

run_mysql_full() {
  local list db file error help status
  local -a databases flags
  detect_mysql_tools
  [ -n "$MYSQL_DUMP" ] || die "no dump tool found (mariadb-dump or mysqldump, or set MYSQL_DUMP)"
  write_client_options
  check_connection
  if [ -n "${MYSQL_DATABASES:-}" ]; then
    read -r -a databases <<<"$MYSQL_DATABASES"
  else
    list=$(sql "SELECT schema_name FROM information_schema.schemata
      WHERE schema_name NOT IN ('mysql', 'information_schema', 'performance_schema', 'sys')
        AND LEFT(schema_name, ${#RESTORE_TEST_PREFIX}) <> '${RESTORE_TEST_PREFIX}'
      ORDER BY schema_name") || die "could not list databases"
    [ -n "$list" ] || die "no databases to back up on $MYSQL_HOST"
    mapfile -t databases <<<"$list"
  fi
  flags=(--single-transaction --routines --triggers --events --hex-blob
    --default-character-set=utf8mb4)
  help=$("$MYSQL_DUMP" --help 2>/dev/null || true)
  if [ "$(sql 'SELECT @@log_bin')" = 1 ]; then
    # The binlog position, as a comment in the dump: where a point-in-time replay starts.
    if grep -q -- '--source-data' <<<"$help"; then flags+=(--source-data=2); else flags+=(--master-data=2); fi
    if grep -q -- '--gtid ' <<<"$help"; then flags+=(--gtid); fi
  fi
  # MySQL: a per-database dump must not rewrite GTID_PURGED where it is restored.
  if grep -q -- '--set-gtid-purged' <<<"$help"; then flags+=(--set-gtid-purged=OFF); fi

  begin_backup
  for db in "${databases[@]}"; do
    [[ $db =~ ^[A-Za-z0-9_-]{1,64}$ ]] || fail_backup "refusing the unusual database name '$db'"
    file="$PARTIAL/$db.sql.gz"
    status=0
    bounded "$MYSQL_TIMEOUT_SECONDS" "$MYSQL_DUMP" --defaults-extra-file="$CLIENT_OPTIONS" \
      "${flags[@]}" "$db" 2>"$WORK_DIR/dump.err" | gzip -c >"$file" || status=$?
    if [ "$status" != 0 ]; then
      fail_backup "dump of $db from $MYSQL_HOST:${MYSQL_PORT:-3306} failed: $(why_failed "$status" \
        "$MYSQL_TIMEOUT_SECONDS" MYSQL_TIMEOUT_SECONDS "$WORK_DIR/dump.err")"
    fi
    error=$(check_dump_file "$file") || fail_backup "integrity check failed: $error"
  done
  finish_backup "databases=${databases[*]}"
}

run_mysql_binlog() {
  local list state last name expected got status
  local -a logs copy
  detect_mysql_tools
  [ -n "$MYSQL_BINLOG" ] || die "no binlog tool found (mariadb-binlog or mysqlbinlog, or set MYSQL_BINLOG)"
  write_client_options
  check_connection
  [ "$(sql 'SELECT @@log_bin')" = 1 ] || die "binary logging is off on $MYSQL_HOST"
  # Closes the current log, so everything written until now is in logs that no longer change.
  sql "FLUSH BINARY LOGS" || die "FLUSH BINARY LOGS failed (the backup user needs RELOAD)"
  list=$(sql "SHOW BINARY LOGS") ||
    die "SHOW BINARY LOGS failed (the backup user needs REPLICATION CLIENT or BINLOG MONITOR)"
  mapfile -t logs < <(cut -f1 <<<"$list")
  [ "${#logs[@]}" -ge 2 ] || die "no closed binary log after FLUSH BINARY LOGS"
  state="$BACKUP_DIR/$KIND/LAST_COPIED"
  last=$(cat "$state" 2>/dev/null || true)
  copy=()
  for name in "${logs[@]:0:${#logs[@]}-1}"; do
    if [ -z "$last" ] || [[ $name > $last ]]; then copy+=("$name"); fi
  done
  [ "${#copy[@]}" -gt 0 ] || die "no new binary log to copy after $last"
  if [ -n "$last" ] && [ "${last%.*}" = "${copy[0]%.*}" ]; then
    expected=$((10#${last##*.} + 1))
    got=$((10#${copy[0]##*.}))
    [ "$got" -eq "$expected" ] ||
      die "binary logs after $last up to ${copy[0]} are gone: the server purged them before they were copied"
  fi
  begin_backup
  for name in "${copy[@]}"; do
    status=0
    bounded "$MYSQL_TIMEOUT_SECONDS" "$MYSQL_BINLOG" --defaults-extra-file="$CLIENT_OPTIONS" \
      --read-from-remote-server --raw --result-file="$PARTIAL/" "$name" \
      2>"$WORK_DIR/binlog.err" || status=$?
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
      fail_backup "copying $name from $MYSQL_HOST:${MYSQL_PORT:-3306} failed: $(why_failed \
        "$status" "$MYSQL_TIMEOUT_SECONDS" MYSQL_TIMEOUT_SECONDS "$WORK_DIR/binlog.err")"
    elif [ "$status" != 0 ]; then
      fail_backup "copying $name failed (the backup user needs REPLICATION SLAVE): $(tail -n 3 "$WORK_DIR/binlog.err")"
    fi
    "$MYSQL_BINLOG" "$PARTIAL/$name" >/dev/null 2>"$WORK_DIR/binlog.err" ||
      fail_backup "integrity check failed: $name does not parse: $(tail -n 2 "$WORK_DIR/binlog.err")"
  done
  finish_backup "binlogs=${copy[*]}"
  printf '%s\n' "${copy[-1]}" >"$state.tmp"
  mv "$state.tmp" "$state"
}

# files and config: a gzip tarball of a directory.
archive() {
  local source=$1 variable=$2 archive
  [ -n "$source" ] || die "$variable is not set"
  [ -d "$source" ] || die "$variable $source is not a directory"
  begin_backup
  archive="$PARTIAL/$KIND.tar.gz"
  tar -C "$source" -czf "$archive" . 2>"$WORK_DIR/tar.err" ||
    fail_backup "tar of $source failed: $(tail -n 3 "$WORK_DIR/tar.err")"
  if ! gzip -t "$archive" 2>/dev/null || ! tar -tzf "$archive" >/dev/null 2>&1; then
    fail_backup "integrity check failed: $archive does not read back"
  fi
  finish_backup "source=$source"
}

run_files() { archive "${UPLOADS_DIR:-}" UPLOADS_DIR; }
run_config() { archive "${CONFIG_DIR:-}" CONFIG_DIR; }

# redis_cli seconds host port args...: one redis-cli command, stopped after <seconds>. The AUTH
# token reaches it as REDISCLI_AUTH, in the environment, never on a command line `ps` shows.
redis_cli() {
  REDISCLI_AUTH=$REDIS_AUTH bounded "$1" redis-cli -h "$2" -p "$3" --no-auth-warning "${@:4}"
}

# An RDB is whole when it starts with the RDB signature and, where the tool is installed,
# redis-check-rdb reads it to the end. Prints the reason when it is not.
check_rdb_file() {
  local file=$1
  if [ "$(head -c 5 "$file")" != REDIS ]; then
    printf '%s has no RDB signature\n' "${file##*/}"
    return 1
  fi
  if command -v redis-check-rdb >/dev/null 2>&1 &&
    ! redis-check-rdb "$file" >"$WORK_DIR/check.out" 2>&1; then
    printf '%s: %s\n' "${file##*/}" "$(tail -n 3 "$WORK_DIR/check.out")"
    return 1
  fi
}

run_redis() {
  local port=${REDIS_PORT:-6379} error info status=0
  command -v redis-cli >/dev/null 2>&1 || die "redis-cli not found (install redis-tools)"
  [ -n "${REDIS_HOST:-}" ] || die "REDIS_HOST is not set"
  secret_setting REDIS_AUTH REDIS_PASSWORD
  if [ "${REDIS_CLUSTER:-0}" = 1 ]; then run_redis_cluster && return; fi
  [ "${REDIS_CLUSTER:-0}" = 0 ] ||
    die "REDIS_CLUSTER must be 1 (a Redis Cluster) or 0 (one node) (got '${REDIS_CLUSTER}')"
  [[ $REDIS_HOST =~ ^[^[:space:]]+$ ]] ||
    die "REDIS_HOST must name one node unless REDIS_CLUSTER=1 (got '$REDIS_HOST')"
  # A cluster node's RDB holds only its own slots: backing it up as the whole data set would
  # look like success and restore a fraction of the keys. Any other failure is --rdb's to report.
  info=$(redis_cli "$REDIS_QUERY_TIMEOUT_SECONDS" "$REDIS_HOST" "$port" INFO cluster 2>&1) ||
    status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    die "Redis $REDIS_HOST:$port: INFO cluster got no answer within $REDIS_QUERY_TIMEOUT_SECONDS s (REDIS_QUERY_TIMEOUT_SECONDS), stopped"
  fi
  if [[ $info == *cluster_enabled:1* ]]; then
    die "$REDIS_HOST:$port is a Redis Cluster node, whose RDB holds only its own slots: set REDIS_CLUSTER=1"
  fi
  begin_backup
  status=0
  redis_cli "$REDIS_TIMEOUT_SECONDS" "$REDIS_HOST" "$port" --rdb "$PARTIAL/dump.rdb" \
    >"$WORK_DIR/redis.out" 2>&1 || status=$?
  if [ "$status" != 0 ]; then
    fail_backup "redis-cli --rdb from $REDIS_HOST:$port failed: $(why_failed "$status" \
      "$REDIS_TIMEOUT_SECONDS" REDIS_TIMEOUT_SECONDS "$WORK_DIR/redis.out")"
  fi
  error=$(check_rdb_file "$PARTIAL/dump.rdb") || fail_backup "integrity check failed: $error"
  finish_backup "redis=$REDIS_HOST:$port"
}

# One primary's RDB, run in the background by run_redis_cluster with its output in a file of its
# own. The seed's CLUSTER NODES may be stale (a failover it has not heard of yet), so the node is
# asked with ROLE first: a demoted node fails the run rather than back up whatever it holds now;
# the next run asks the cluster again. Everything here is guarded: the ERR trap's die is for the
# run, not for this subshell.
snapshot_primary() {
  local host=$1 port=$2 file=$3 role output status=0
  role=$(redis_cli "$REDIS_QUERY_TIMEOUT_SECONDS" "$host" "$port" ROLE 2>&1) || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    printf 'ROLE got no answer within %s s (REDIS_QUERY_TIMEOUT_SECONDS), stopped\n' \
      "$REDIS_QUERY_TIMEOUT_SECONDS"
    return 1
  elif [ "$status" != 0 ]; then
    printf 'ROLE failed: %s\n' "$(tail -n 1 <<<"$role")"
    return 1
  elif [ "${role%%$'\n'*}" != master ]; then
    printf 'no longer a primary (ROLE says %s): the seed'"'"'s view was stale\n' "${role%%$'\n'*}"
    return 1
  fi
  output=$(redis_cli "$REDIS_TIMEOUT_SECONDS" "$host" "$port" --rdb "$file" 2>&1) || status=$?
  if [ "$status" = 124 ] || [ "$status" = 137 ]; then
    output="no answer within $REDIS_TIMEOUT_SECONDS s (REDIS_TIMEOUT_SECONDS), stopped"
  fi
  if [ "$status" != 0 ]; then
    printf 'redis-cli --rdb failed: %s\n' "$(tail -n 1 <<<"$output")"
    return 1
  fi
}

# Redis Cluster: asks the seeds (REDIS_HOST, "host" or "host:port" entries) for CLUSTER NODES and
# takes one RDB from every primary that serves slots at that moment — never the deployed layout,
# since a failover promotes a replica. The RDBs are taken in parallel, so the shards' snapshots
# are seconds apart rather than one after the other; cluster-slots.tsv records which slots each
# file holds, which is what a restore needs to place it.
run_redis_cluster() {
  local seed host port nodes="" tried="" asked="" asked_host="" line address flags slot slots
  local range file covered=0 failed="" error index status
  local -a seeds fields ranges files=() addresses=() ids=() slot_lists=() pids=()
  read -r -a seeds <<<"$REDIS_HOST"
  for seed in "${seeds[@]}"; do
    host=${seed%:*}
    port=${REDIS_PORT:-6379}
    if [ "$host" != "$seed" ]; then port=${seed##*:}; fi
    status=0
    nodes=$(redis_cli "$REDIS_QUERY_TIMEOUT_SECONDS" "$host" "$port" CLUSTER NODES 2>&1) ||
      status=$?
    if [ "$status" = 0 ] && [[ $nodes == *myself* ]]; then
      asked="$host:$port"
      asked_host=$host
      break
    fi
    if [ "$status" = 124 ] || [ "$status" = 137 ]; then
      nodes="no answer within $REDIS_QUERY_TIMEOUT_SECONDS s (REDIS_QUERY_TIMEOUT_SECONDS)"
    fi
    tried+=" $host:$port ($(tail -n 1 <<<"$nodes"))"
    nodes=""
  done
  [ -n "$nodes" ] || die "no seed node answered CLUSTER NODES:$tried"

  # <id> <ip:port@bus[,hostname]> <flags> <primary> <ping> <pong> <epoch> <link> <slot>...
  while read -r line; do
    [ -n "$line" ] || continue
    read -r -a fields <<<"$line"
    flags=",${fields[2]},"
    [[ $flags == *,master,* ]] || continue
    ranges=()
    for slot in "${fields[@]:8}"; do
      # "[slot->-id]" and "[slot-<-id]" are migrations in progress, owned by the range listed.
      if [[ $slot =~ ^[0-9]+(-[0-9]+)?$ ]]; then ranges+=("$slot"); fi
    done
    [ "${#ranges[@]}" -gt 0 ] || continue
    address=${fields[1]%%@*}
    if [ -z "${address%:*}" ]; then
      # A node that has not learnt its own IP yet lists itself as ":port": it is the seed asked.
      [[ $flags == *,myself,* ]] ||
        die "$asked lists primary ${fields[0]} without an address (${fields[1]})"
      address="$asked_host:${address##*:}"
    fi
    # "a-b" holds b - a + 1 slots, a lone slot "a" one.
    for range in "${ranges[@]}"; do covered=$((covered + ${range#*-} - ${range%-*} + 1)); done
    ids+=("${fields[0]}")
    addresses+=("$address")
    slots="${ranges[*]}"
    slot_lists+=("${slots// /,}")
    files+=("slots-${ranges[0]}.rdb")
  done <<<"$nodes"
  [ "${#files[@]}" -gt 0 ] || die "$asked knows no primary serving slots"
  # 16384 hash slots: fewer means some keys have no primary to back them up from.
  [ "$covered" = 16384 ] ||
    die "the primaries $asked knows serve $covered of 16384 slots: the cluster is incomplete"

  begin_backup
  for index in "${!files[@]}"; do
    address=${addresses[index]}
    # "|| exit": a failure is this job's exit status for wait below, not the ERR trap's.
    snapshot_primary "${address%:*}" "${address##*:}" "$PARTIAL/${files[index]}" \
      >"$WORK_DIR/redis-$index.out" 2>&1 || exit 1 &
    pids+=("$!")
  done
  for index in "${!files[@]}"; do
    file="$PARTIAL/${files[index]}"
    if ! wait "${pids[index]}"; then
      failed+="; primary ${addresses[index]} (node ${ids[index]}, slots ${slot_lists[index]}): $(tail -n 1 "$WORK_DIR/redis-$index.out")"
    elif ! error=$(check_rdb_file "$file"); then
      failed+="; primary ${addresses[index]} (node ${ids[index]}, slots ${slot_lists[index]}): integrity check failed: $error"
    fi
  done
  [ -z "$failed" ] || fail_backup "cluster backup incomplete: ${failed#; }"
  {
    printf '# One RDB per primary, as CLUSTER NODES on %s listed them. Tab-separated.\n' "$asked"
    printf '# file\tslots\tnode_id\tprimary\n'
    for index in "${!files[@]}"; do
      printf '%s\t%s\t%s\t%s\n' "${files[index]}" "${slot_lists[index]}" "${ids[index]}" \
        "${addresses[index]}"
    done
  } >"$PARTIAL/cluster-slots.tsv"
  finish_backup "redis=cluster primaries=${#files[@]} seed=$asked"
}

# Restores each dump of the newest full backup into a scratch database with restore.sh, checks
# every table came back, and drops the scratch database again. Views, triggers, routines and
# events are restored owned by the backup user (--no-definers): recreating them for their real
# definer would need SET USER / SET_ANY_DEFINER, a privilege as strong as root.
run_restore_test() {
  local restore newest dump db scratch output expected got status
  restore=${BASH_SOURCE[0]%/*}/restore.sh
  [ -x "$restore" ] || die "restore script $restore is not executable"
  detect_mysql_tools
  write_client_options
  check_connection
  newest=$(newest_good mysql-full)
  [ -n "$newest" ] || die "no verified full backup in $BACKUP_DIR/mysql-full to test"
  for dump in "$newest"/*.sql.gz; do
    [ -f "$dump" ] || die "$newest holds no dumps"
    db=$(basename "$dump" .sql.gz)
    scratch="${RESTORE_TEST_PREFIX}_${db}"
    scratch=${scratch:0:64}
    sql "DROP DATABASE IF EXISTS \`$scratch\`"
    status=0
    output=$(bounded "$MYSQL_TIMEOUT_SECONDS" "$restore" --no-definers "$dump" "$scratch" 2>&1) ||
      status=$?
    if [ "$status" != 0 ]; then
      sql "DROP DATABASE IF EXISTS \`$scratch\`" || true
      if [ "$status" = 124 ] || [ "$status" = 137 ]; then
        output="no answer within $MYSQL_TIMEOUT_SECONDS s (MYSQL_TIMEOUT_SECONDS), stopped"
      fi
      die "restore test of $dump into $MYSQL_HOST:${MYSQL_PORT:-3306} failed: $(tail -n 3 <<<"$output")"
    fi
    expected=$(gzip -dc "$dump" | grep -c '^CREATE TABLE' || true)
    got=$(sql "SELECT COUNT(*) FROM information_schema.tables
      WHERE table_schema = '$scratch' AND table_type = 'BASE TABLE'")
    sql "DROP DATABASE \`$scratch\`"
    [ "$got" = "$expected" ] ||
      die "restore test of $dump brought back $got tables, the dump creates $expected"
    log "restore-test: $dump restored $got tables into $scratch (dropped again)"
  done
}

# Keeps every complete backup younger than the kind's retention, full dumps taken on the weekly
# day or the monthly day for their longer retention, and always the newest complete backup.
# Anything else in the kind's directory (failed or partial runs) is removed.
prune() {
  local kind=$1 dir="$BACKUP_DIR/$1" suffix now path name epoch weekday age keep index
  local retention weekly_day=-1 weekly_days=0 monthly_day=-1 monthly_days=0
  local -a good=() doomed=() stamps=()
  [ -d "$dir" ] || return 0
  suffix=${kind//-/_}
  number_setting retention "RETENTION_DAYS_${suffix^^}"
  if [ "$kind" = mysql-full ]; then
    number_setting weekly_day WEEKLY_DAY_MYSQL_FULL
    number_setting weekly_days WEEKLY_RETENTION_DAYS_MYSQL_FULL
    number_setting monthly_day MONTHLY_DAY_MYSQL_FULL
    number_setting monthly_days MONTHLY_RETENTION_DAYS_MYSQL_FULL
  fi
  now=$(date -u -d "${BACKUP_NOW:-now}" +%s) || die "BACKUP_NOW '${BACKUP_NOW:-}' is not a date"
  for path in "$dir"/*/; do
    [ -d "$path" ] || continue
    path=${path%/}
    name=${path##*/}
    if is_backup_name "$name" && [ -f "$path/BACKUP_OK" ]; then
      good+=("$name")
      stamps+=("${name:0:4}-${name:4:2}-${name:6:2} ${name:9:2}:${name:11:2}:${name:13:2}")
    else
      log "prune $kind: removing $name (not a complete, verified backup)"
      doomed+=("$path")
    fi
  done
  if [ "${#good[@]}" -gt 0 ]; then
    # One date process for every stamp: hundreds of backups must not cost hundreds of processes.
    mapfile -t stamps < <(printf '%s\n' "${stamps[@]}" | date -u -f - '+%s %w')
    for index in "${!good[@]}"; do
      name=${good[index]}
      read -r epoch weekday <<<"${stamps[index]}"
      age=$((now - epoch))
      keep=0
      if [ "$age" -lt $((retention * 86400)) ] || [ "$name" = "${good[-1]}" ]; then keep=1; fi
      if [ "$age" -lt $((weekly_days * 86400)) ] && [ "$weekday" = "$weekly_day" ]; then keep=1; fi
      if [ "$age" -lt $((monthly_days * 86400)) ] && [ "$((10#${name:6:2}))" = "$monthly_day" ]; then
        keep=1
      fi
      if [ "$keep" = 0 ]; then
        log "prune $kind: removing $name (past its retention)"
        doomed+=("${dir:?}/$name")
      fi
    done
  fi
  if [ "${#doomed[@]}" -gt 0 ]; then rm -rf -- "${doomed[@]}"; fi
}

main() {
  local setting
  [ "$#" -ge 1 ] || usage
  case "$1" in
    prune)
      [ "$#" -eq 2 ] || usage
      [[ " $KINDS " == *" $2 "* ]] || usage
      KIND=$2
      REPORT=0
      ;;
    mysql-full | mysql-binlog | files | config | redis | restore-test)
      [ "$#" -eq 1 ] || usage
      KIND=$1
      ;;
    *) usage ;;
  esac
  [ -n "${BACKUP_DIR:-}" ] || die "BACKUP_DIR is not set"
  for setting in REDIS_QUERY_TIMEOUT_SECONDS REDIS_TIMEOUT_SECONDS MYSQL_QUERY_TIMEOUT_SECONDS \
    MYSQL_TIMEOUT_SECONDS; do
    number_setting "$setting" "$setting" seconds
  done
  mkdir -p "$BACKUP_DIR" || die "cannot create BACKUP_DIR $BACKUP_DIR"
  WORK_DIR=$(mktemp -d)
  take_lock
  if [ "$1" = prune ]; then
    prune "$KIND"
    return 0
  fi
  "run_${KIND//-/_}"
  if [ "$KIND" != restore-test ]; then prune "$KIND"; fi
  write_metrics "$KIND" 1
  log "$KIND: done"
}

main "$@"
