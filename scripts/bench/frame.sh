#!/usr/bin/env bash
# Frame cost of the dashboard, in-process (release build): render + diff of the fleet and table
# views for 100, 1000 and 2000 sites as a held arrow key moves the selection; a filter typed and
# a sort chosen in the table, each with its frame; and the bytes the terminal layer writes for
# an identical frame and for a one-second clock tick (measured under tmux from /proc/self/io).
# Usage: scripts/bench/frame.sh [--iterations N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
ITER=300; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --iterations) ITER=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--iterations N] [--debug]"; exit 2 ;;
    esac
done
command -v tmux >/dev/null || { echo "tmux is missing: apt-get install tmux"; exit 1; }
source scripts/bench/swift-build.sh
bench_swift_build -c "$CONFIG" --product anycast-bench
BIN=.build/$CONFIG/anycast-bench
"$BIN" frame --iterations "$ITER" --width 200 --height 60
OUT=$(mktemp); SOCK=$(mktemp -u)
# In a UTF-8 locale, as a dashboard is run: there frames are written with terminfo's strings.
tmux -S "$SOCK" new-session -d -x 200 -y 60 "LC_ALL=C.UTF-8 $BIN paint --output $OUT --frames 200"
for _ in $(seq 1 100); do [ -s "$OUT" ] && break; sleep 0.1; done
tmux -S "$SOCK" kill-server 2>/dev/null || true
cat "$OUT"; rm -f "$OUT"
