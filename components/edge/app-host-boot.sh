#!/bin/bash
# An app host's first boot, run once by cloud-init after the nginx and docker.io packages are
# installed: fetch the secrets from SSM Parameter Store into root-owned files, start Nginx on the
# rendered config, install the CloudWatch agent, run the frontend and backend containers.
# Configured by environment variables (renderBootEnvironment in components/edge/cloud-init.ts
# sets each), from the env file cloud-init writes beside it and passes as the first argument.
set -euo pipefail
umask 077
# shellcheck source=/dev/null
[ $# -eq 0 ] || { set -a && . "$1" && set +a; }

# The host's own region (IMDSv2), where the parameters and the agent download live.
imds_token="$(curl -fsS --retry 5 -X PUT http://169.254.169.254/latest/api/token \
  -H 'X-aws-ec2-metadata-token-ttl-seconds: 300')"
REGION="$(curl -fsS --retry 5 -H "X-aws-ec2-metadata-token: $imds_token" \
  http://169.254.169.254/latest/meta-data/placement/region)"

# Secrets come from SSM Parameter Store (SecureString) with the instance role, so they are
# never in the user data, which anyone allowed to describe the launch template can read.
export PATH="$PATH:/snap/bin:/opt/aws/amazon-cloudwatch-agent/bin"
command -v aws >/dev/null 2>&1 || snap install aws-cli --classic
fetch_secret() {
  local parameter="$1" target="$2" mode="$3" tmp
  tmp="$(mktemp "$target.XXXXXX")"
  aws ssm get-parameter --region "$REGION" --name "$parameter" --with-decryption \
    --query Parameter.Value --output text >"$tmp"
  chmod "$mode" "$tmp"
  mv -f "$tmp" "$target"
}
ensure_dir() { [ -d "$1" ] || install -d -m 0755 "$1"; }
ensure_dir "$(dirname "$TLS_KEY_FILE")"
fetch_secret "$TLS_KEY_PARAMETER" "$TLS_KEY_FILE" 0600
backend_options=(--network host --cap-drop NET_RAW --security-opt no-new-privileges)
if [ -n "$BACKEND_SECRETS" ]; then
  ensure_dir "$BACKEND_SECRETS_DIR"
  for name in $BACKEND_SECRETS; do
    fetch_secret "$BACKEND_SECRET_PARAMETERS/$name" "$BACKEND_SECRETS_DIR/$name" 0444
  done
  backend_options+=(--volume "$BACKEND_SECRETS_DIR:$SECRETS_MOUNT:ro")
fi

# Nginx on the rendered configuration (written by cloud-init after the package installed).
for dir in $NGINX_DIRECTORIES; do ensure_dir "$dir"; done
nginx -t
systemctl enable nginx
systemctl restart nginx

# CloudWatch agent: memory and disk use for the alarms.
agent_deb="$(mktemp --suffix=.deb)"
curl -fsSL --retry 5 -o "$agent_deb" \
  "https://amazoncloudwatch-agent-${REGION}.s3.${REGION}.amazonaws.com/ubuntu/amd64/latest/amazon-cloudwatch-agent.deb"
dpkg -i -E "$agent_deb"
rm -f "$agent_deb"
amazon-cloudwatch-agent-ctl -a fetch-config -m ec2 -s -c "file:$CLOUDWATCH_AGENT_CONFIG"

# The app containers (daemon.json sets the same log rotation for anything else).
run_container() {
  local role="$1" image="$2" env_file="$3" health_cmd="$4"
  shift 4
  docker rm --force "$role" >/dev/null 2>&1 || true
  docker run --detach --name "$role" --restart "$RESTART" \
    --log-driver json-file --log-opt "max-size=$LOG_MAX_SIZE" --log-opt "max-file=$LOG_MAX_FILE" \
    --health-cmd "$health_cmd" --health-interval "$HEALTH_INTERVAL" \
    --health-timeout "$HEALTH_TIMEOUT" --health-retries "$HEALTH_RETRIES" \
    --health-start-period "$HEALTH_START_PERIOD" \
    --env-file "$env_file" "$@" "$image"
}
systemctl enable --now docker
# Loopback only: Nginx is the one way in.
run_container frontend "$FRONTEND_IMAGE" "$FRONTEND_ENV_FILE" "$FRONTEND_HEALTH_CMD" \
  --publish "127.0.0.1:$FRONTEND_PORT:$FRONTEND_PORT"
# The backend acts as the instance role (the uploads bucket), so it runs on the host's network,
# where the metadata service's hop limit of 1 lets it reach the role and keeps every bridged
# container away. Nothing to publish: the app security group admits only 443 from the load
# balancer. No raw sockets (Nginx talks plain HTTP to the frontend on loopback), no new privileges.
run_container backend "$BACKEND_IMAGE" "$BACKEND_ENV_FILE" "$BACKEND_HEALTH_CMD" \
  "${backend_options[@]}"
