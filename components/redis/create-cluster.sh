#!/bin/sh
# Forms the Redis Cluster once, from a one-shot container: waits for every node to answer, does
# nothing when the nodes were joined before (a re-created job container must not fail), then
# joins them with `redis-cli --cluster create`, one replica per primary.
# Settings (environment):
#   REDIS_NODES          the nodes, "host:port host:port …"
#   REDIS_PASSWORD_FILE  the file holding the AUTH password; redis-cli gets it through
#                        REDISCLI_AUTH, never its argv (visible to every local user in `ps`)
#   NODE_WAIT_SECONDS    how long each node may take to answer PING (default 120)
set -eu
: "${REDIS_NODES:?REDIS_NODES must list the nodes as host:port}"
REDISCLI_AUTH=$(cat "${REDIS_PASSWORD_FILE:?REDIS_PASSWORD_FILE must name the password file}")
export REDISCLI_AUTH
wait_seconds=${NODE_WAIT_SECONDS:-120}

for node in $REDIS_NODES; do
  waited=0
  until [ "$(redis-cli -h "${node%:*}" -p "${node##*:}" ping 2>/dev/null)" = PONG ]; do
    if [ "$waited" -ge "$wait_seconds" ]; then
      echo "webstack: redis node $node did not answer within $wait_seconds s" >&2
      exit 1
    fi
    sleep 1
    waited=$((waited + 1))
  done
done

# A node that already knows other nodes has been joined before: creating again would fail.
first=${REDIS_NODES%% *}
known=$(redis-cli -h "${first%:*}" -p "${first##*:}" cluster info |
  sed -n 's/^cluster_known_nodes:\([0-9]*\).*/\1/p')
if [ "${known:-1}" -gt 1 ]; then
  echo "webstack: the cluster already exists ($known nodes); nothing to do"
  exit 0
fi
# shellcheck disable=SC2086 # one argument per node
exec redis-cli --cluster create $REDIS_NODES --cluster-replicas 1 --cluster-yes
