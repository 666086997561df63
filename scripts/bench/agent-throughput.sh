#!/usr/bin/env bash
# Agent throughput: wrk against one simulated agent's GET /v1/status, and against nginx serving
# the same JSON bytes as a static file, in the same run: requests/s at saturation, and p99 at a
# paced 1,000 requests/s (wrk's delay() hook: 10 connections, one request per 10 ms each);
# the agent's RSS under load from /proc.
# With --url, a running agent is measured instead (the lab's BIRD-backed agents:
# scripts/bench/lab.sh); --pid names its process for the RSS, --label names the line.
# Agent and nginx alternate for --rounds rounds of --seconds each; the medians are printed.
# Usage: scripts/bench/agent-throughput.sh [--seconds N] [--rounds N] [--debug]
#        scripts/bench/agent-throughput.sh --url URL --token-file FILE --pid PID [--label TEXT] [--seconds N]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=10; ROUNDS=3; CONFIG=release; URL=""; TOKEN=demo-read; LABEL="simulated backend"
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECS=$2; shift 2 ;;
        --rounds) ROUNDS=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        --url) URL=$2; shift 2 ;;
        --token-file) TOKEN=$(cat "$2"); shift 2 ;;
        --pid) SIM=$2; ATTACHED=1; shift 2 ;;
        --label) LABEL=$2; shift 2 ;;
        *) echo "usage: $0 [--seconds N] [--debug] [--url URL --token-file FILE --pid PID [--label TEXT]]"; exit 2 ;;
    esac
done
if [ -n "$URL" ] && [ -z "${ATTACHED:-}" ]; then echo "--url needs --pid (the agent's process, for its RSS)"; exit 2; fi
source scripts/bench/common.sh
bench_require wrk nginx curl python3
WORK=$BENCH_WORK
BENCH_CLEANUPS+=('[ -s "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null')
NGINX_PORT=$(free_port_range 1)
if [ -z "$URL" ]; then
    bench_build "$CONFIG" anycast-agent
    bench_simulate 1
    URL=$(grep -m1 '^url' "$FLEET" | cut -d'"' -f2)
    for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
fi
URL="${URL%/}/v1/status"
mkdir -p "$WORK/www"
curl -sf -H "Authorization: Bearer $TOKEN" "$URL" >"$WORK/www/status.json"
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
AUTH=(-H "Authorization: Bearer $TOKEN")
NGINX_URL="http://127.0.0.1:$NGINX_PORT/status.json"
: >"$WORK/results"; : >"$WORK/rss"
for _ in $(seq 1 "$ROUNDS"); do
    run agent -t2 -c50 -d"${SECS}s" "${AUTH[@]}" "$URL" >>"$WORK/results"
    awk '/VmRSS/ {print $2}' "/proc/$SIM/status" >>"$WORK/rss"
    run nginx -t2 -c50 -d"${SECS}s" "$NGINX_URL" >>"$WORK/results"
    run agent-paced -t1 -c10 -d"${SECS}s" -s "$WORK/paced.lua" "${AUTH[@]}" "$URL" >>"$WORK/results"
    run nginx-paced -t1 -c10 -d"${SECS}s" -s "$WORK/paced.lua" "$NGINX_URL" >>"$WORK/results"
done
python3 - "$WORK/results" "$WORK/rss" "$(wc -c <"$WORK/www/status.json")" "$LABEL" "$ROUNDS" <<'PY'
import statistics, sys
results, rss_file, size, label, rounds = sys.argv[1:]
runs = {}
for line in open(results):
    name, rps, p99 = line.split()
    runs.setdefault(name, []).append((float(rps), float(p99)))
med = lambda name, i: statistics.median(r[i] for r in runs[name])
ratios = [a[0] / n[0] for a, n in zip(runs["agent"], runs["nginx"])]
rss = max(int(x) for x in open(rss_file).read().split())
print(f"agent-throughput ({label}): {size}-byte /v1/status, medians of {rounds} alternating rounds: agent {med('agent', 0):.0f} req/s, "
      f"nginx (same bytes) {med('nginx', 0):.0f} req/s, ratio {statistics.median(ratios):.2f} (rounds {' '.join(f'{r:.2f}' for r in ratios)}); "
      f"paced ~1000 req/s: agent {med('agent-paced', 0):.0f} req/s p99 {med('agent-paced', 1):.2f} ms, "
      f"nginx {med('nginx-paced', 0):.0f} req/s p99 {med('nginx-paced', 1):.2f} ms; agent RSS under load {rss / 1024:.1f} MiB")
PY
