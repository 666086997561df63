#!/usr/bin/env bash
# Poll fan-out: the dashboard's poller (in-process, `anycast-bench poll`) against N simulated
# agents (one `anycast-agent simulate` process, not counted) at a 1 s interval: CPU per
# site-poll including decoding, cycle p50/p99. Baseline in the same run: `wrk` (a C load
# generator) fetching the same answer from the same agents, CPU per request.
# --transport stream (the dashboard's default: one kept-open GET /v1/status/stream per agent,
# a line a second) or poll (GET /v1/status/update every cycle, for agents that cannot stream).
# --tls: the agents serve https (a test CA's certificate; the baseline is wrk over https too).
# --settle N: N cycles of the poller's loop before the measurement (the whole histories arrive
# 50 sites a cycle; the simulated agents are busiest in the first seconds).
# Usage: scripts/bench/poll.sh [--sites N] [--cycles N] [--settle N] [--transport stream|poll] [--tls] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=100; CYCLES=30; SETTLE=0; CONFIG=release; TRANSPORT=stream; TLS=""
while [ $# -gt 0 ]; do
    case $1 in
        --sites) SITES=$2; shift 2 ;;
        --cycles) CYCLES=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --transport) TRANSPORT=$2; shift 2 ;;
        --tls) TLS=tls; shift ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--sites N] [--cycles N] [--settle N] [--transport stream|poll] [--tls] [--debug]"; exit 2 ;;
    esac
done
source scripts/bench/common.sh
bench_require wrk python3 curl
bench_build "$CONFIG" anycast-bench anycast-agent
bench_simulate "$SITES" $TLS
sleep 1
POLL=$("$BIN/anycast-bench" poll --fleet "$FLEET" --cycles "$CYCLES" --settle "$SETTLE" --transport "$TRANSPORT")
echo "$POLL"
# wrk: the same request the poller sends once it holds the agent's revision.
URL=$(grep -m1 '^url' "$FLEET" | cut -d'"' -f2)
TOKEN=$(grep -m1 '^token' "$FLEET" | cut -d'"' -f2)
REV=$(curl -s ${TLS:+--cacert "$BENCH_WORK/pki/ca.pem"} -H "Authorization: Bearer $TOKEN" "$URL/v1/status/update?history_after=9999999999" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
python3 - "$URL/v1/status/update?known=$REV&history_after=9999999999" "$TOKEN" "$POLL" "$SITES" <<'PY'
import re, resource, subprocess, sys
url, token, poll, sites = sys.argv[1:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
out = subprocess.run(["wrk", "-t1", "-c10", "-d5s", "-H", f"Authorization: Bearer {token}", url],
                     capture_output=True, text=True, check=True).stdout
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
n = int(re.search(r"(\d+) requests in", out).group(1))
print(f"poll-baseline: wrk -t1 -c10 -d5s on one agent's /v1/status/update: {1e6 * cpu / n:.1f} µs CPU per request ({n} requests, {cpu:.2f} s CPU)")
ours = float(re.search(r"([\d.]+) µs CPU per site-poll", poll).group(1))
goal = 1.5 if int(sites) >= 2000 else 3
print(f"poll-ratio: poller {ours:.1f} µs / wrk {1e6 * cpu / n:.1f} µs per request = {ours / (1e6 * cpu / n):.2f} (goal <= {goal:g})")
PY
