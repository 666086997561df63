#!/usr/bin/env bash
# Agent throughput: wrk against one simulated agent's GET /v1/status, and against nginx serving
# the same JSON bytes as a static file, in the same run: requests/s at saturation, and p99 at a
# paced 1,000 requests/s (wrk's delay() hook: 10 connections, one request per 10 ms each);
# the agent's RSS under load from /proc.
# Usage: scripts/bench/agent-throughput.sh [--seconds N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=10; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECS=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--seconds N] [--debug]"; exit 2 ;;
    esac
done
for tool in wrk nginx curl python3; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install wrk nginx curl python3"; exit 1; }
done
swift build -c "$CONFIG" --product anycast-agent >/dev/null
BIN=.build/$CONFIG
WORK=$(mktemp -d)
cleanup() {
    [ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null
    [ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null
    rm -rf "$WORK"
}
trap cleanup EXIT
source scripts/free-port.sh
BASE=$(free_port_range 2); AGENT_PORT=$BASE; NGINX_PORT=$((BASE + 1))
"$BIN/anycast-agent" simulate --sites 1 --base-port "$AGENT_PORT" --log-level error >/dev/null 2>&1 &
SIM=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$AGENT_PORT/healthz" >/dev/null && break; sleep 0.1; done
URL="http://127.0.0.1:$AGENT_PORT/v1/status"
mkdir -p "$WORK/www"
curl -sf -H 'Authorization: Bearer demo-read' "$URL" >"$WORK/www/status.json"
cat >"$WORK/nginx.conf" <<CONF
worker_processes 1;
daemon on;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 1024; }
http {
    access_log off;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$NGINX_PORT;
        root $WORK/www;
        default_type application/json;
    }
}
CONF
nginx -c "$WORK/nginx.conf" -p "$WORK" 2>/dev/null
for _ in $(seq 1 50); do curl -sf "http://127.0.0.1:$NGINX_PORT/status.json" >/dev/null && break; sleep 0.1; done
cat >"$WORK/paced.lua" <<'LUA'
function delay() return 10 end
LUA
run() { # LABEL ARGS...: prints "LABEL req/s p99_ms"
    local label=$1; shift
    wrk --latency "$@" 2>&1 | python3 -c "
import re, sys
t = sys.stdin.read()
rps = float(re.search(r'Requests/sec:\s+([\d.]+)', t).group(1))
m = re.search(r'99%\s+([\d.]+)(us|ms|s)\b', t)
p99 = float(m.group(1)) * {'us': 0.001, 'ms': 1, 's': 1000}[m.group(2)]
print('$label', rps, p99)"
}
AUTH=(-H 'Authorization: Bearer demo-read')
A=$(run agent -t2 -c50 -d"${SECS}s" "${AUTH[@]}" "$URL")
RSS=$(awk '/VmRSS/ {print $2}' "/proc/$SIM/status")
N=$(run nginx -t2 -c50 -d"${SECS}s" "http://127.0.0.1:$NGINX_PORT/status.json")
AP=$(run agent-paced -t1 -c10 -d"${SECS}s" -s "$WORK/paced.lua" "${AUTH[@]}" "$URL")
NP=$(run nginx-paced -t1 -c10 -d"${SECS}s" -s "$WORK/paced.lua" "http://127.0.0.1:$NGINX_PORT/status.json")
python3 - "$A" "$N" "$AP" "$NP" "$RSS" "$(wc -c <"$WORK/www/status.json")" <<'PY'
import sys
a, n, ap, np_, rss, size = sys.argv[1:]
_, ar, a99 = a.split(); _, nr, n99 = n.split(); _, apr, ap99 = ap.split(); _, npr, np99 = np_.split()
ar, nr, apr, ap99, npr, np99 = map(float, (ar, nr, apr, ap99, npr, np99))
print(f"agent-throughput: {size}-byte /v1/status: agent {ar:.0f} req/s, nginx (same bytes) {nr:.0f} req/s, ratio {ar / nr:.2f}; "
      f"paced ~1000 req/s: agent {apr:.0f} req/s p99 {ap99:.2f} ms, nginx {npr:.0f} req/s p99 {np99:.2f} ms; agent RSS under load {int(rss) / 1024:.1f} MiB")
PY
