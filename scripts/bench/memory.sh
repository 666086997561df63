#!/usr/bin/env bash
# Dashboard memory: `anycast-dash` watching 1000 simulated sites (one process, not counted)
# at 1 s in a 200x60 tmux session. The first poll of each site brings the agent's whole
# 15-minute history (900 points), so every site's history ring is full from the first cycle
# on; RSS and its peak (VmRSS, VmHWM from /proc) are read once the screen shows the fleet and
# again after --seconds more of polling, when every ring has been written over.
# Usage: scripts/bench/memory.sh [--sites N] [--seconds N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=1000; SECONDS_RUN=60; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --sites) SITES=$2; shift 2 ;;
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--sites N] [--seconds N] [--debug]"; exit 2 ;;
    esac
done
source scripts/bench/common.sh
bench_require tmux python3
bench_build "$CONFIG" anycast-dash anycast-agent
bench_simulate "$SITES"
SOCK=$BENCH_WORK/tmux.sock
bench_dash_in_tmux dash "$SOCK"
screen_shows_fleet() { tmux -S "$SOCK" capture-pane -t dash -p | head -1 | grep -q "$SITES sites: $SITES active"; }
# With 1000 agents in one simulate process, the first full-history answers take that process
# seconds; sites that time out are retried (after back-off) until every one has answered.
for _ in $(seq 1 1500); do screen_shows_fleet && break; sleep 0.2; done
screen_shows_fleet || { echo "the dashboard never showed $SITES active sites:"; tmux -S "$SOCK" capture-pane -t dash -p | head -3; exit 1; }
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
R0=$(kib "$DASH" VmRSS)
sleep "$SECONDS_RUN"
R1=$(kib "$DASH" VmRSS) || { echo "the dashboard died:"; cat "$BENCH_WORK/dash.err"; exit 1; }
HWM=$(kib "$DASH" VmHWM)
screen_shows_fleet || { echo "the dashboard lost the fleet:"; tmux -S "$SOCK" capture-pane -t dash -p | head -3; exit 1; }
python3 - "$R0" "$R1" "$HWM" "$SITES" "$SECONDS_RUN" <<'PY'
import sys
r0, r1, hwm, sites, secs = map(int, sys.argv[1:])
print(f"memory: anycast-dash with {sites} sites, 15-minute histories full: RSS {r0 / 1024:.1f} MiB once the fleet showed, "
      f"{r1 / 1024:.1f} MiB after {secs} s more, peak {hwm / 1024:.1f} MiB; goal <= 64 MiB: {'met' if max(r1, hwm) <= 64 * 1024 else 'NOT met'}")
PY
