#!/usr/bin/env bash
# Idle CPU of the dashboard against htop: `anycast-dash` watching 100 simulated sites polled
# every second, and `htop -d 10` (one refresh a second), side by side in two tmux sessions of
# the same size, for the same wall time. CPU time (user + system) is read from /proc/PID/stat.
# The simulated agents run in their own process and are not counted.
#
# --settle N waits N seconds before measuring (default 5; a 1,000-site fleet's histories take
# about 20 s to load, 50 sites a cycle). --against DIR runs a second dashboard, DIR's
# anycast-dash (another build, copied aside), on the same fleet over the same seconds and says
# how this build's CPU compares: a paired run, which single runs on a busy machine (±15%) are
# not.
# Usage: scripts/bench/idle-cpu.sh [--seconds N] [--sites N] [--settle N] [--against DIR] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
SECONDS_RUN=60; SITES=100; CONFIG=release; SETTLE=5; AGAINST=
while [ $# -gt 0 ]; do
    case $1 in
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        --sites) SITES=$2; shift 2 ;;
        --settle) SETTLE=$2; shift 2 ;;
        --against) AGAINST=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--seconds N] [--sites N] [--settle N] [--against DIR] [--debug]"; exit 2 ;;
    esac
done
if [ -n "$AGAINST" ] && [ ! -x "$AGAINST/anycast-dash" ]; then echo "no anycast-dash in $AGAINST"; exit 2; fi
source scripts/bench/common.sh
bench_require tmux htop python3
bench_build "$CONFIG" anycast-dash anycast-agent
bench_simulate "$SITES"
SOCK=$BENCH_WORK/tmux.sock
OTHER=
if [ -n "$AGAINST" ]; then
    bench_dash_in_tmux other "$SOCK" "$AGAINST"
    OTHER=$DASH
fi
bench_dash_in_tmux dash "$SOCK"
tmux -S "$SOCK" new-session -d -s htop -x 200 -y 60 "htop -d 10"
sleep "$SETTLE"  # let them settle: first polls, history, screen
HTOP=$(tmux -S "$SOCK" list-panes -t htop -F '#{pane_pid}')
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
# CPU ticks of the dashboard in SESSION (PID); one that has died ends the run, with its errors.
dash_ticks() { ticks "$2" 2>/dev/null || { echo "the $1 dashboard died:" >&2; cat "$BENCH_WORK/$1.err" >&2; exit 1; }; }
D0=$(dash_ticks dash "$DASH"); H0=$(ticks "$HTOP"); O0=0
[ -z "$OTHER" ] || O0=$(dash_ticks other "$OTHER")
sleep "$SECONDS_RUN"
D1=$(dash_ticks dash "$DASH")
H1=$(ticks "$HTOP")
O1=0
[ -z "$OTHER" ] || O1=$(dash_ticks other "$OTHER")
HZ=$(getconf CLK_TCK)
for session in dash ${OTHER:+other}; do
    tmux -S "$SOCK" capture-pane -t "$session" -p -S 0 -E 0 >"$BENCH_WORK/header"
    grep -q "$SITES sites" "$BENCH_WORK/header" || { echo "the $session dashboard did not show the fleet:"; cat "$BENCH_WORK/header"; exit 1; }
done
python3 - "$D0" "$D1" "$H0" "$H1" "$O0" "$O1" "$HZ" "$SECONDS_RUN" "$SITES" "$AGAINST" <<'PY'
import sys
d0, d1, h0, h1, o0, o1, hz, secs, sites = map(float, sys.argv[1:10])
against = sys.argv[10]
dash, htop = (d1 - d0) / hz, (h1 - h0) / hz
ratio = dash / htop if htop > 0 else float("inf")
print(f"idle-cpu: {int(sites)} sites at 1 s, 200x60, {int(secs)} s: anycast-dash {dash:.2f} s CPU ({100*dash/secs:.2f}%), "
      f"htop -d 10 {htop:.2f} s CPU ({100*htop/secs:.2f}%), ratio {ratio:.2f}")
if against:
    other = (o1 - o0) / hz
    paired = dash / other if other > 0 else float("inf")
    print(f"idle-cpu-paired: {int(sites)} sites, {int(secs)} s side by side: this build {dash:.2f} s CPU, "
          f"{against} {other:.2f} s CPU, ratio {paired:.3f}")
PY
