#!/usr/bin/env bash
# Idle CPU of the dashboard against htop: `anycast-dash` watching 100 simulated sites polled
# every second, and `htop -d 10` (one refresh a second), side by side in two tmux sessions of
# the same size, for the same wall time. CPU time (user + system) is read from /proc/PID/stat.
# The simulated agents run in their own process and are not counted.
# Usage: scripts/bench/idle-cpu.sh [--seconds N] [--sites N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=60; SITES=100; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        --sites) SITES=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--seconds N] [--sites N] [--debug]"; exit 2 ;;
    esac
done
for tool in tmux htop python3; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install tmux htop python3"; exit 1; }
done
swift build -c "$CONFIG" --product anycast-dash >/dev/null
swift build -c "$CONFIG" --product anycast-agent >/dev/null
BIN=.build/$CONFIG
WORK=$(mktemp -d); SOCK=$WORK/tmux.sock
cleanup() { tmux -S "$SOCK" kill-server 2>/dev/null || true; [ -n "${SIM:-}" ] && kill "$SIM" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
source scripts/free-port.sh
BASE=$(free_port_range "$SITES")
"$BIN/anycast-agent" simulate --sites "$SITES" --base-port "$BASE" --log-level error --fleet-out "$WORK/fleet.toml" >/dev/null 2>&1 &
SIM=$!
for _ in $(seq 1 300); do [ -s "$WORK/fleet.toml" ] && break; sleep 0.1; done
tmux -S "$SOCK" new-session -d -s dash -x 200 -y 60 "$BIN/anycast-dash --fleet $WORK/fleet.toml 2>$WORK/dash.err; echo exited \$? >>$WORK/dash.err; sleep 600"
tmux -S "$SOCK" new-session -d -s htop -x 200 -y 60 "htop -d 10"
sleep 5  # let both settle: first polls, history, screen
pid_of() { tmux -S "$SOCK" list-panes -t "$1" -F '#{pane_pid}'; }
# The dash pane runs a shell around the dashboard (to keep its error output): take its child.
DASH=$(pgrep -P "$(pid_of dash)" -f anycast-dash); HTOP=$(pid_of htop)
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
D0=$(ticks "$DASH"); H0=$(ticks "$HTOP")
sleep "$SECONDS_RUN"
D1=$(ticks "$DASH" 2>/dev/null) || { echo "the dashboard died:"; cat "$WORK/dash.err"; exit 1; }
H1=$(ticks "$HTOP")
HZ=$(getconf CLK_TCK)
tmux -S "$SOCK" capture-pane -t dash -p | head -1 >"$WORK/header"
grep -q "$SITES sites" "$WORK/header" || { echo "the dashboard did not show the fleet:"; cat "$WORK/header"; exit 1; }
python3 - "$D0" "$D1" "$H0" "$H1" "$HZ" "$SECONDS_RUN" "$SITES" <<'PY'
import sys
d0, d1, h0, h1, hz, secs, sites = map(float, sys.argv[1:])
dash, htop = (d1 - d0) / hz, (h1 - h0) / hz
ratio = dash / htop if htop > 0 else float("inf")
print(f"idle-cpu: {int(sites)} sites at 1 s, 200x60, {int(secs)} s: anycast-dash {dash:.2f} s CPU ({100*dash/secs:.2f}%), "
      f"htop -d 10 {htop:.2f} s CPU ({100*htop/secs:.2f}%), ratio {ratio:.2f}")
PY
