#!/usr/bin/env bash
# Points a Docker-target stack at its remote Docker engine for this CI job: writes the SSH key
# and known_hosts the docker provider's ssh:// transport needs, then sets `docker:host` in the
# stack config of this checkout (the file is not committed). The host, key and known hosts come
# from repository secrets through the environment; nothing secret is echoed.
#   DOCKER_HOST_URL         ssh://user@host[:port] (unix:// also accepted, for a local engine)
#   DOCKER_SSH_KEY          private key authorised for that user (ssh:// only)
#   DOCKER_SSH_KNOWN_HOSTS  the host's public key line(s), as `ssh-keyscan` prints them
#
# usage: use-docker-host.sh <stack>
set -euo pipefail

if [ "$#" -ne 1 ]; then
  echo "usage: use-docker-host.sh <stack>" >&2
  exit 2
fi
stack=$1
if ! [[ $stack =~ ^[a-z0-9][a-z0-9_-]*$ ]]; then
  echo "use-docker-host: <stack> must be a lower-case stack name such as test; got '$stack'" >&2
  exit 2
fi
secret_prefix=$(printf '%s' "$stack" | tr '[:lower:]-' '[:upper:]_')
url=${DOCKER_HOST_URL:-}

fail() {
  echo "use-docker-host: $*" >&2
  exit 1
}

case "$url" in
  "")
    fail "DOCKER_HOST_URL is empty: set the repository secret ${secret_prefix}_DOCKER_HOST" \
      "(for example ssh://deploy@$stack.labelmedix.com)"
    ;;
  ssh://*)
    host=${url#ssh://}
    host=${host#*@}
    host=${host%%[:/]*}
    if ! [[ $host =~ ^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?$ ]]; then
      fail "DOCKER_HOST_URL must be ssh://user@host[:port]; the host part '$host' is not a hostname"
    fi
    key=${DOCKER_SSH_KEY:-}
    known_hosts=${DOCKER_SSH_KNOWN_HOSTS:-}
    # Pattern matches, not `printf | grep -q`: under pipefail, grep -q leaving early makes printf
    # die of SIGPIPE now and then, and the check would fail for a good key.
    if ! [[ $key == *"-----BEGIN "*"PRIVATE KEY-----"* ]]; then
      fail "DOCKER_SSH_KEY must hold the private key for $host (a -----BEGIN ... PRIVATE KEY----- block)"
    fi
    if ! [[ $known_hosts == *"$host"* ]]; then
      fail "DOCKER_SSH_KNOWN_HOSTS must contain $host's host key (ssh-keyscan $host)"
    fi
    ssh_dir="$HOME/.ssh"
    key_file="$ssh_dir/webstack_docker_$stack"
    mkdir -p "$ssh_dir"
    chmod 700 "$ssh_dir"
    (
      umask 077
      printf '%s\n' "$key" >"$key_file"
    )
    printf '%s\n' "$known_hosts" >>"$ssh_dir/known_hosts"
    {
      echo "Host $host"
      echo "  IdentityFile $key_file"
      echo "  IdentitiesOnly yes"
      echo "  StrictHostKeyChecking yes"
      echo "  BatchMode yes"
    } >>"$ssh_dir/config"
    chmod 600 "$ssh_dir/config" "$ssh_dir/known_hosts"
    ;;
  unix://*) ;;
  *)
    fail "DOCKER_HOST_URL must start with ssh:// (or unix://); a tcp:// Docker API without" \
      "client certificates is root on the host for anyone who can reach it"
    ;;
esac

pulumi config set docker:host "$url" --stack "$stack"
echo "use-docker-host: stack $stack uses the Docker engine from ${secret_prefix}_DOCKER_HOST"
