#!/usr/bin/env bash
# Poll fan-out: the dashboard's poller (in-process, `anycast-bench poll`) against N simulated
# agents (one `anycast-agent simulate` process, not counted) at a 1 s interval: CPU per
# site-poll including decoding, cycle p50/p99. Baseline in the same run: `wrk` (a C load
# generator) fetching the same answer from the same agents, CPU per request.
# Usage: scripts/bench/poll.sh [--sites N] [--cycles N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=100; CYCLES=30; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --sites) SITES=$2; shift 2 ;;
        --cycles) CYCLES=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--sites N] [--cycles N] [--debug]"; exit 2 ;;
    esac
done
for tool in wrk python3 curl; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install wrk python3 curl"; exit 1; }
done
swift build -c "$CONFIG" --product anycast-bench >/dev/null
swift build -c "$CONFIG" --product anycast-agent >/dev/null
BIN=.build/$CONFIG
WORK=$(mktemp -d)
cleanup() { [ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
source scripts/free-port.sh
BASE=$(free_port_range "$SITES")
"$BIN/anycast-agent" simulate --sites "$SITES" --base-port "$BASE" --log-level error --fleet-out "$WORK/fleet.toml" >/dev/null 2>&1 &
SIM=$!
for _ in $(seq 1 300); do [ -s "$WORK/fleet.toml" ] && break; sleep 0.1; done
sleep 1
"$BIN/anycast-bench" poll --fleet "$WORK/fleet.toml" --cycles "$CYCLES"
# wrk: the same request the poller sends once it holds the agent's revision.
URL=$(grep -m1 '^url' "$WORK/fleet.toml" | cut -d'"' -f2)
TOKEN=$(grep -m1 '^token' "$WORK/fleet.toml" | cut -d'"' -f2)
REV=$(curl -s -H "Authorization: Bearer $TOKEN" "$URL/v1/status/update?history_after=9999999999" | python3 -c 'import json,sys; print(json.load(sys.stdin)["revision"])')
python3 - "$URL/v1/status/update?known=$REV&history_after=9999999999" "$TOKEN" <<'PY'
import re, resource, subprocess, sys
url, token = sys.argv[1:]
before = resource.getrusage(resource.RUSAGE_CHILDREN)
out = subprocess.run(["wrk", "-t1", "-c10", "-d5s", "-H", f"Authorization: Bearer {token}", url],
                     capture_output=True, text=True, check=True).stdout
after = resource.getrusage(resource.RUSAGE_CHILDREN)
cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
n = int(re.search(r"(\d+) requests in", out).group(1))
print(f"poll-baseline: wrk -t1 -c10 -d5s on one agent's /v1/status/update: {1e6 * cpu / n:.1f} µs CPU per request ({n} requests, {cpu:.2f} s CPU)")
PY
