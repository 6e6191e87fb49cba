#!/usr/bin/env bash
# Edge benchmark: wrk over TLS on loopback against three nginx instances that proxy the SAME
# local upstream, in one run: (a) our rendered nginx.conf, (b) the seed's nginx.conf with only
# paths/ports adapted, (c) a minimal hand-tuned TLS proxy. Rounds rotate the order so no config
# always runs first or last; the summary gives per-config medians and the ratios.
#
# Usage: bench/edge/run.sh            (from the repository root or anywhere)
# Knobs: ROUNDS=3 DURATION=10 WARMUP=3 CONNECTIONS=64 THREADS=2 URL_PATH=/
#        EXTRA=1 also measures two diagnostic variants of the seed (see docs/edge.md).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rounds="${ROUNDS:-3}"
duration="${DURATION:-10}"
warmup="${WARMUP:-3}"
connections="${CONNECTIONS:-64}"
threads="${THREADS:-2}"
url_path="${URL_PATH:-/}"
extra="${EXTRA:-0}"

need() {
  command -v "$1" >/dev/null 2>&1 || {
    echo "bench/edge: $1 is not installed: apt-get install -y $2" >&2
    exit 1
  }
}
need nginx nginx
need wrk wrk
need openssl openssl
need curl curl
need node nodejs

scratch="$(mktemp -d /tmp/webstack-edge-bench-XXXXXX)"
chmod 755 "$scratch" # workers run as www-data and need their temp dirs
pids=()

cleanup() {
  local pid
  for pid in "${pids[@]}"; do
    kill -QUIT "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
  rm -rf "$scratch"
}
trap cleanup EXIT

free_port() {
  node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => {
    console.log(s.address().port); s.close(); });'
}

wait_for_port() {
  local port="$1" tries=0
  until (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 100 ]; then
      echo "bench/edge: nothing listens on 127.0.0.1:$port" >&2
      exit 1
    fi
    sleep 0.1
  done
}

# One certificate for every proxy, so TLS costs are identical.
mkdir -p "$scratch/tls"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=labelmedix.com" \
  -addext "subjectAltName=DNS:labelmedix.com,DNS:www.labelmedix.com" \
  -keyout "$scratch/tls/server.key" -out "$scratch/tls/server.crt" 2>/dev/null

upstream_port="$(free_port)"
payload=""
for i in $(seq 1 36); do
  payload+="{\"id\":$i,\"name\":\"item-$i\",\"ok\":true},"
done
payload="${payload%,}"

# fill <template> <output> <http-port> <https-port>
fill() {
  sed -e "s|@DIR@|$scratch|g" -e "s|@UPSTREAM_PORT@|$upstream_port|g" \
    -e "s|@HTTP_PORT@|$3|g" -e "s|@HTTPS_PORT@|$4|g" -e "s|@PAYLOAD@|$payload|g" "$1" >"$2"
}

# start <name> <conf> <port-to-wait-for>
start() {
  mkdir -p "$scratch/$1/tmp"
  nginx -q -t -c "$2"
  nginx -c "$2" -g "daemon off;" &
  pids+=("$!")
  wait_for_port "$3"
}

fill "$here/upstream.conf.template" "$scratch/upstream.conf" 0 0
start upstream "$scratch/upstream.conf" "$upstream_port"

names=(ours seed minimal)
declare -A https_port
for name in ours seed minimal; do
  https_port[$name]="$(free_port)"
done
ours_http="$(free_port)"
seed_http="$(free_port)"

(cd "$root" && node_modules/.bin/tsx bench/edge/render-ours.ts "$scratch" "$ours_http" \
  "${https_port[ours]}" "$upstream_port") >"$scratch/ours.conf"
start ours "$scratch/ours.conf" "${https_port[ours]}"
fill "$here/seed.conf.template" "$scratch/seed.conf" "$seed_http" "${https_port[seed]}"
start seed "$scratch/seed.conf" "${https_port[seed]}"
fill "$here/minimal.conf.template" "$scratch/minimal.conf" 0 "${https_port[minimal]}"
start minimal "$scratch/minimal.conf" "${https_port[minimal]}"

if [ "$extra" = "1" ]; then
  # Diagnostics: the seed plus upstream keep-alive (what our config adds first), and that
  # plus a buffered access log and keepalive_requests 10000 (what it adds next).
  for variant in seed-keepalive seed-keepalive-log; do
    names+=("$variant")
    https_port[$variant]="$(free_port)"
    fill "$here/seed.conf.template" "$scratch/$variant.conf" "$(free_port)" \
      "${https_port[$variant]}"
    sed -i -e "s|$scratch/seed/|$scratch/$variant/|g" \
      -e "s|^\(\s*server 127.0.0.1:$upstream_port;.*\)$|\1\n        keepalive 64;|" \
      -e "s|proxy_set_header Connection 'upgrade';|proxy_set_header Connection \"\";|" \
      "$scratch/$variant.conf"
    if [ "$variant" = "seed-keepalive-log" ]; then
      sed -i -e "s|access_log \(.*\) main;|access_log \1 main buffer=64k flush=5s;|" \
        -e "s|keepalive_timeout 65;|keepalive_timeout 65;\n    keepalive_requests 10000;|" \
        "$scratch/$variant.conf"
    fi
    start "$variant" "$scratch/$variant.conf" "${https_port[$variant]}"
  done
fi

# Every proxy must really answer with the upstream's body before anything is measured.
for name in "${names[@]}"; do
  body="$(curl -sk --fail -H "Host: labelmedix.com" "https://127.0.0.1:${https_port[$name]}$url_path")"
  case "$body" in
    '{"items":['*) ;;
    *)
      echo "bench/edge: $name did not proxy the upstream: $body" >&2
      exit 1
      ;;
  esac
done

# measure <name> → "requests/s p99-ms non-2xx socket-errors"
measure() {
  wrk -t"$threads" -c"$connections" -d"${duration}s" --latency -H "Host: labelmedix.com" \
    "https://127.0.0.1:${https_port[$1]}$url_path" | awk '
      /^Requests\/sec:/ { rps = $2 }
      /^ +99%/ {
        value = $2; unit = value; sub(/[0-9.]+/, "", unit); sub(/[a-z]+$/, "", value)
        p99 = (unit == "us") ? value / 1000 : (unit == "s") ? value * 1000 : value
      }
      /Non-2xx or 3xx responses:/ { non2xx = $NF }
      /Socket errors:/ { errors = $4 + $6 + $8 + $10 }
      END { printf "%s %.2f %d %d\n", rps, p99, non2xx, errors }'
}

echo "# edge benchmark: $(nginx -v 2>&1 | sed 's/.*: //'), $(openssl version | cut -d' ' -f1-2)," \
  "$(wrk --version 2>&1 | head -1 | cut -d' ' -f1-2), $(nproc) CPUs"
echo "# wrk -t$threads -c$connections -d${duration}s --latency https://127.0.0.1:<port>$url_path," \
  "$rounds rounds, ${warmup}s warm-up per config"
echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg) (the machine may be shared)"
for name in "${names[@]}"; do
  wrk -t"$threads" -c"$connections" -d"${warmup}s" -H "Host: labelmedix.com" \
    "https://127.0.0.1:${https_port[$name]}$url_path" >/dev/null
done

results="$scratch/results"
: >"$results"
count="${#names[@]}"
for round in $(seq 1 "$rounds"); do
  for offset in $(seq 0 $((count - 1))); do
    name="${names[$(((round - 1 + offset) % count))]}"
    read -r rps p99 non2xx errors < <(measure "$name")
    echo "$name $round $rps $p99 $non2xx $errors" >>"$results"
    printf '  round %d  %-18s %10.0f req/s  p99 %8.2f ms  non-2xx %s  socket errors %s\n' \
      "$round" "$name" "$rps" "$p99" "$non2xx" "$errors"
  done
done

median() {
  sort -g | awk '{ v[NR] = $1 } END {
    if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

declare -A median_rps median_p99
echo
echo "| config | median requests/s | median p99 (ms) | rounds (req/s) |"
echo "|---|---:|---:|---|"
for name in "${names[@]}"; do
  median_rps[$name]="$(awk -v n="$name" '$1 == n { print $3 }' "$results" | median)"
  median_p99[$name]="$(awk -v n="$name" '$1 == n { print $4 }' "$results" | median)"
  each="$(awk -v n="$name" '$1 == n { printf "%s%.0f", sep, $3; sep = ", " }' "$results")"
  printf '| %s | %.0f | %.2f | %s |\n' "$name" "${median_rps[$name]}" "${median_p99[$name]}" "$each"
done
echo
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
awk -v ours="${median_rps[ours]}" -v seed="${median_rps[seed]}" -v min="${median_rps[minimal]}" \
  'BEGIN {
    printf "ours / seed    = %.2fx requests/s (target >= 2.5x)\n", ours / seed
    printf "ours / minimal = %.2fx requests/s (target >= 0.8x)\n", ours / min
  }'
