#!/usr/bin/env bash
# First start of a webstack MySQL server. The official mysql and mariadb images run it once, from
# /docker-entrypoint-initdb.d, against their temporary server on the local socket.
#   primary: creates the application database, its user, the replication user and, when named,
#            the backup job's and the metrics exporter's users. These statements go to the binary
#            log on purpose: the replicas get the users from it. A re-run resets the passwords.
#   replica: waits for the primary, follows it with GTID auto-positioning from its first
#            transaction and makes itself read-only. It must not have written anything of its
#            own before (no database or user variables for the image): every object arrives from
#            the primary's binary log.
#
# Settings (environment):
#   WEBSTACK_ROLE                primary | replica
#   WEBSTACK_FLAVOUR             mysql | mariadb: the client's name, grants and replication SQL
#   WEBSTACK_SOCKET              the local server's socket (default: the images')
#   WEBSTACK_REPLICATION_USER    the user replicas log in as
#   primary: WEBSTACK_DATABASE and WEBSTACK_DB_USER; optionally WEBSTACK_BACKUP_USER (with
#            WEBSTACK_RESTORE_TEST_PREFIX, its scratch databases) and WEBSTACK_MONITOR_USER
#   replica: WEBSTACK_PRIMARY_HOST, WEBSTACK_PRIMARY_PORT (default 3306), and how long to wait for
#            it: WEBSTACK_PRIMARY_WAIT_SECONDS (300) and WEBSTACK_REPLICATION_START_SECONDS (60)
# Passwords, each in <NAME> or in the file named by <NAME>_FILE (Docker secrets): MYSQL_ROOT_PASSWORD
# (root on the socket, as the images set it; empty: none), WEBSTACK_REPLICATION_PASSWORD, and on the
# primary WEBSTACK_DB_PASSWORD plus WEBSTACK_BACKUP_PASSWORD / WEBSTACK_MONITOR_PASSWORD for the
# users named. They reach the client only through a 0600 option file or stdin, never its argv,
# where every local user could read them in `ps`.
#
# All work happens in a subshell, so an entrypoint that sources this file keeps its shell options.

webstack_first_start() (
  set -euo pipefail

  fail() {
    echo "webstack: $*" >&2
    exit 1
  }

  # The setting named $1, or the default $3; it must match the pattern $2 (it is written into SQL).
  setting() {
    local value=${!1:-${3-}}
    [[ $value =~ $2 ]] || fail "$1 must match $2 (got '$value')"
    printf '%s' "$value"
  }
  identifier='^[A-Za-z][A-Za-z0-9_]{0,63}$' number='^[0-9]{1,5}$'

  # The secret held in the variable named $1, or read from the file named by $1_FILE.
  read_secret() {
    local name=$1 need=$2
    local file_name="${name}_FILE"
    local value=${!name:-} file=${!file_name:-}
    [[ -z $value || -z $file ]] || fail "set $name or $file_name, not both"
    if [[ -n $file ]]; then
      [[ -r $file ]] || fail "$file_name names $file, which cannot be read"
      value=$(<"$file")
    fi
    [[ -n $value || $need != required ]] || fail "$name (or $file_name) must be set"
    [[ $value != *$'\n'* ]] || fail "$name must be a single line"
    printf '%s' "$value"
  }

  # An option-file value: double-quoted, with backslash and double quote escaped.
  option_value() {
    local escaped=${1//\\/\\\\}
    escaped=${escaped//\"/\\\"}
    printf '"%s"' "$escaped"
  }

  # A SQL string literal: backslash escaped and single quote doubled.
  sql_string() {
    local escaped=${1//\\/\\\\}
    escaped=${escaped//\'/\'\'}
    printf "'%s'" "$escaped"
  }

  # Creates user $1 with password $2 (and options $3), or resets the password of an existing one.
  user_sql() {
    echo "CREATE USER IF NOT EXISTS '$1'@'%' IDENTIFIED BY $(sql_string "$2")${3:+ $3};"
    echo "ALTER USER '$1'@'%' IDENTIFIED BY $(sql_string "$2");"
  }

  role=$(setting WEBSTACK_ROLE '^(primary|replica)$')
  # The client has the flavour's name: MariaDB 11 images no longer ship `mysql`.
  client=$(setting WEBSTACK_FLAVOUR '^(mysql|mariadb)$')
  socket=$(setting WEBSTACK_SOCKET '^/[A-Za-z0-9._/-]+$' /var/run/mysqld/mysqld.sock)
  replication_user=$(setting WEBSTACK_REPLICATION_USER "$identifier")
  root_password=$(read_secret MYSQL_ROOT_PASSWORD optional)
  replication_password=$(read_secret WEBSTACK_REPLICATION_PASSWORD required)
  sql_mode="SET SESSION sql_mode = REPLACE(@@SESSION.sql_mode, 'NO_BACKSLASH_ESCAPES', '');"

  umask 077
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  {
    echo "[client]"
    echo "user=root"
    if [[ -n $root_password ]]; then echo "password=$(option_value "$root_password")"; fi
    echo "socket=$socket"
    echo "protocol=socket"
  } >"$work/local.cnf"
  local_sql() { "$client" --defaults-file="$work/local.cnf" "$@"; }

  if [[ $role == primary ]]; then
    database=$(setting WEBSTACK_DATABASE "$identifier")
    app_user=$(setting WEBSTACK_DB_USER "$identifier")
    app_password=$(read_secret WEBSTACK_DB_PASSWORD required)
    backup_user=$(setting WEBSTACK_BACKUP_USER "^$|$identifier")
    monitor_user=$(setting WEBSTACK_MONITOR_USER "^$|$identifier")
    if [[ -n $backup_user ]]; then
      backup_password=$(read_secret WEBSTACK_BACKUP_PASSWORD required)
      scratch=$(setting WEBSTACK_RESTORE_TEST_PREFIX "$identifier")
    fi
    if [[ -n $monitor_user ]]; then
      monitor_password=$(read_secret WEBSTACK_MONITOR_PASSWORD required)
    fi
    # MariaDB splits MySQL's REPLICATION CLIENT into BINLOG MONITOR and SLAVE MONITOR.
    if [[ $client == mysql ]]; then
      binlog_monitor="REPLICATION CLIENT" replica_monitor=""
    else
      binlog_monitor="BINLOG MONITOR" replica_monitor=", SLAVE MONITOR"
    fi

    echo "webstack: creating database $database, user $app_user and replication user $replication_user" >&2
    {
      echo "$sql_mode"
      # The server's character set and collation (utf8mb4, from my.cnf).
      echo "CREATE DATABASE IF NOT EXISTS \`$database\`;"
      user_sql "$app_user" "$app_password"
      # In a database-level grant `_` is a wildcard; escaped, the grant names one database.
      echo "GRANT ALL PRIVILEGES ON \`${database//_/\\_}\`.* TO '$app_user'@'%';"
      user_sql "$replication_user" "$replication_password"
      echo "GRANT REPLICATION SLAVE ON *.* TO '$replication_user'@'%';"
      # The backup job (components/backups/backup.sh) dumps every database with routines,
      # triggers and events and the binlog position, copies binary logs, and restores into
      # scratch databases. Neither operations user may write application data.
      if [[ -n $backup_user ]]; then
        user_sql "$backup_user" "$backup_password"
        echo "GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, LOCK TABLES, RELOAD, PROCESS, $binlog_monitor, REPLICATION SLAVE ON *.* TO '$backup_user'@'%';"
        echo "GRANT ALL PRIVILEGES ON \`${scratch//_/\\_}%\`.* TO '$backup_user'@'%';"
      fi
      # mysqld_exporter reads status, variables, processes and replica status; it never needs
      # more than a few connections and must not starve the application.
      if [[ -n $monitor_user ]]; then
        user_sql "$monitor_user" "$monitor_password" "WITH MAX_USER_CONNECTIONS 3"
        echo "GRANT PROCESS, $binlog_monitor$replica_monitor, SELECT ON *.* TO '$monitor_user'@'%';"
      fi
    } | local_sql
    exit 0
  fi

  host=$(setting WEBSTACK_PRIMARY_HOST '^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$')
  port=$(setting WEBSTACK_PRIMARY_PORT "$number" 3306)
  wait_seconds=$(setting WEBSTACK_PRIMARY_WAIT_SECONDS "$number" 300)
  start_seconds=$(setting WEBSTACK_REPLICATION_START_SECONDS "$number" 60)
  {
    echo "[client]"
    echo "user=$replication_user"
    echo "password=$(option_value "$replication_password")"
    echo "host=$host"
    echo "port=$port"
    echo "protocol=tcp"
    # caching_sha2_password over a connection without TLS needs the server's RSA key.
    if [[ $client == mysql ]]; then echo "get-server-public-key"; fi
  } >"$work/primary.cnf"

  echo "webstack: waiting up to $wait_seconds s for the primary $host:$port" >&2
  deadline=$((SECONDS + wait_seconds))
  until "$client" --defaults-file="$work/primary.cnf" --batch --execute='SELECT 1' >/dev/null 2>&1; do
    ((SECONDS < deadline)) ||
      fail "the primary $host:$port did not accept user $replication_user within $wait_seconds s"
    sleep 2
  done

  echo "webstack: replicating from $host:$port with GTID auto-positioning" >&2
  password=$(sql_string "$replication_password")
  if [[ $client == mysql ]]; then
    running=Replica
    change="CHANGE REPLICATION SOURCE TO SOURCE_HOST='$host', SOURCE_PORT=$port, SOURCE_USER='$replication_user', SOURCE_PASSWORD=$password, SOURCE_AUTO_POSITION=1, GET_SOURCE_PUBLIC_KEY=1, SOURCE_CONNECT_RETRY=10;"
    # Persisted in the data directory, so it holds after every restart; it also blocks users with
    # SUPER or CONNECTION_ADMIN, unlike read_only in my.cnf.
    lock="SET PERSIST super_read_only = ON;"
  else
    running=Slave
    change="CHANGE MASTER TO MASTER_HOST='$host', MASTER_PORT=$port, MASTER_USER='$replication_user', MASTER_PASSWORD=$password, MASTER_USE_GTID=slave_pos, MASTER_CONNECT_RETRY=10;"
    # MariaDB has no super_read_only; my.cnf sets read_only for every later start.
    lock="SET GLOBAL read_only = ON;"
  fi
  printf '%s\n' "$sql_mode" "STOP REPLICA;" "$change" "START REPLICA;" "$lock" | local_sql

  deadline=$((SECONDS + start_seconds))
  for (( ; ; )); do
    status=$(local_sql --vertical --execute='SHOW REPLICA STATUS')
    if [[ $status == *"${running}_IO_Running: Yes"* && $status == *"${running}_SQL_Running: Yes"* ]]; then
      echo "webstack: replication running" >&2
      exit 0
    fi
    if ((SECONDS >= deadline)); then
      echo "webstack: replication did not start within $start_seconds s:" >&2
      grep -E "(${running}_IO_Running|${running}_SQL_Running|Last_IO_Error|Last_SQL_Error):" <<<"$status" >&2 || true
      exit 1
    fi
    sleep 1
  done
)

webstack_first_start
