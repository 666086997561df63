#!/usr/bin/env bash
# Dashboard memory: `anycast-dash` watching 1000 simulated sites (one process, not counted)
# at 1 s in a 200x60 tmux session. Each site's whole 15-minute history (900 points) arrives
# within the first cycles (50 sites a cycle: 20 s for 1000); the script waits until the
# screen shows every site and 25 s more, then reads VmRSS from /proc every second for
# --seconds: the largest and the last reading are the figure (the goal is on them), and the
# process's lifetime peak (VmHWM, which includes starting up) is printed beside them.
# --tls: the agents serve https (a test CA's certificate), so each stream is a TLS connection.
# The goal printed is the one for the size: 64 MiB up to 1000 sites, 96 MiB above.
# Usage: scripts/bench/memory.sh [--sites N] [--seconds N] [--tls] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SITES=1000; SECONDS_RUN=60; CONFIG=release; TLS=
while [ $# -gt 0 ]; do
    case $1 in
        --sites) SITES=$2; shift 2 ;;
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        --tls) TLS=tls; shift ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--sites N] [--seconds N] [--tls] [--debug]"; exit 2 ;;
    esac
done
source scripts/bench/common.sh
bench_require tmux python3
bench_build "$CONFIG" anycast-dash anycast-agent
bench_simulate "$SITES" $TLS
SOCK=$BENCH_WORK/tmux.sock
bench_dash_in_tmux dash "$SOCK"
screen_shows_fleet() { tmux -S "$SOCK" capture-pane -t dash -p -S 0 -E 0 | grep "$SITES sites: $SITES active" >/dev/null; }
# With 1000 agents in one simulate process, the first full-history answers take that process
# seconds; sites that time out are retried (after back-off) until every one has answered.
for _ in $(seq 1 1500); do screen_shows_fleet && break; sleep 0.2; done
screen_shows_fleet || { echo "the dashboard never showed $SITES active sites:"; tmux -S "$SOCK" capture-pane -t dash -p | head -3; exit 1; }
kib() { awk -v k="$2:" '$1 == k {print $2}' "/proc/$1/status"; }
R0=$(kib "$DASH" VmRSS)
sleep 25
: >"$BENCH_WORK/rss"
for _ in $(seq 1 "$SECONDS_RUN"); do
    kib "$DASH" VmRSS >>"$BENCH_WORK/rss" || { echo "the dashboard died:"; cat "$BENCH_WORK/dash.err"; exit 1; }
    sleep 1
done
HWM=$(kib "$DASH" VmHWM)
screen_shows_fleet || { echo "the dashboard lost the fleet:"; tmux -S "$SOCK" capture-pane -t dash -p | head -3; exit 1; }
python3 - "$R0" "$HWM" "$SITES" "$SECONDS_RUN" "$BENCH_WORK/rss" "${TLS:-plain}" <<'PY'
import sys
r0, hwm, sites, secs = map(int, sys.argv[1:5])
rss = [int(x) for x in open(sys.argv[5]).read().split()]
transport = "https" if sys.argv[6] == "tls" else "plain HTTP"
top, last = max(rss), rss[-1]
goal = 64 if sites <= 1000 else 96
print(f"memory: anycast-dash with {sites} sites ({transport}), 15-minute histories full: RSS over {secs} s max {top / 1024:.1f} MiB, "
      f"last {last / 1024:.1f} MiB (when the fleet first showed {r0 / 1024:.1f} MiB; lifetime peak with start-up {hwm / 1024:.1f} MiB); "
      f"goal <= {goal} MiB: {'met' if top <= goal * 1024 else 'NOT met'}")
PY
