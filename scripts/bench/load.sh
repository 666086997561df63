#!/usr/bin/env bash
# Load on one agent (issue 8): N dashboards following it at 1 s (the dashboard's poller,
# in-process, one stream or poll per dashboard: `anycast-bench poll` with a fleet of N sites
# that are all the same agent) and, at the same time, wrk at its maximum rate on
# /v1/status, for the same wall time. Reports wrk's rate, p99 and errors, the dashboards'
# missed cycles and failed site-cycles, and the agent's RSS (every 5 s: first, largest, last).
# Usage: scripts/bench/load.sh [--seconds N] [--dashboards N] [--transport stream|poll] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=60; DASHBOARDS=50; TRANSPORT=stream; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECS=$2; shift 2 ;;
        --dashboards) DASHBOARDS=$2; shift 2 ;;
        --transport) TRANSPORT=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--seconds N] [--dashboards N] [--transport stream|poll] [--debug]"; exit 2 ;;
    esac
done
source scripts/bench/common.sh
bench_require wrk python3 curl
bench_build "$CONFIG" anycast-bench anycast-agent
bench_simulate 1
URL=$(grep -m1 '^url' "$FLEET" | cut -d'"' -f2)
TOKEN=$(grep -m1 '^read_token' "$FLEET" | cut -d'"' -f2)
for _ in $(seq 1 100); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.1; done
LOAD_FLEET=$BENCH_WORK/load-fleet.toml
{
    printf '[fleet]\nname = "load"\n\n[[region]]\nname = "load"\n'
    for i in $(seq 1 "$DASHBOARDS"); do
        printf '\n[[site]]\nid = "dash%d"\nregion = "load"\nurl = "%s"\ntoken = "%s"\n' "$i" "$URL" "$TOKEN"
    done
} >"$LOAD_FLEET"
# The dashboards run through the whole window (a few warm-up seconds first, then SECS + 5 cycles).
"$BIN/anycast-bench" poll --fleet "$LOAD_FLEET" --cycles $((SECS + 5)) --transport "$TRANSPORT" >"$BENCH_WORK/poll.out" 2>&1 &
POLL=$!
BENCH_CLEANUPS+=("kill $POLL 2>/dev/null")
sleep 5
: >"$BENCH_WORK/rss"
( for _ in $(seq 0 5 "$SECS"); do awk '/VmRSS/ {print $2}' "/proc/$SIM/status" >>"$BENCH_WORK/rss"; sleep 5; done ) &
SAMPLER=$!
wrk -t2 -c50 -d"${SECS}s" --latency -H "Authorization: Bearer $TOKEN" "$URL/v1/status" >"$BENCH_WORK/wrk.out" 2>&1
wait "$SAMPLER" 2>/dev/null || true
wait "$POLL" || { echo "the dashboards' poller failed:"; cat "$BENCH_WORK/poll.out"; exit 1; }
python3 - "$BENCH_WORK/wrk.out" "$BENCH_WORK/poll.out" "$BENCH_WORK/rss" "$DASHBOARDS" "$SECS" "$TRANSPORT" <<'PY'
import re, sys
wrk, poll, rss = (open(p).read() for p in sys.argv[1:4])
dashboards, secs, transport = sys.argv[4], sys.argv[5], sys.argv[6]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", wrk).group(1))
m = re.search(r"99%\s+([\d.]+)(us|ms|s)\b", wrk)
p99 = float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
errors = 0
m = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", wrk)
if m: errors += sum(map(int, m.groups()))
m = re.search(r"Non-2xx or 3xx responses: (\d+)", wrk)
if m: errors += int(m.group(1))
p = re.search(r"missed cycles (\d+), sites not ok after a cycle (\d+)", poll)
cyc = re.search(r"cycle p50 ([\d.]+) ms p99 ([\d.]+) ms", poll)
kib = [int(x) for x in rss.split()]
print(f"load: {dashboards} dashboards ({transport}) at 1 s + wrk -t2 -c50 at full rate, {secs} s: "
      f"wrk {rps:.0f} req/s, p99 {p99:.2f} ms, errors {errors}; dashboards: cycle p50 {cyc.group(1)} ms p99 {cyc.group(2)} ms, "
      f"missed cycles {p.group(1)}, site-cycles not ok {p.group(2)}; agent RSS {kib[0]/1024:.1f} MiB at the start, "
      f"largest {max(kib)/1024:.1f}, last {kib[-1]/1024:.1f} ({len(kib)} readings)")
PY
