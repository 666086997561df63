#!/usr/bin/env bash
# Issue 8, item 6: the real dashboard under tmux is killed with SIGTERM, SIGHUP and SIGINT (exit
# 0) and crashes with SIGSEGV and SIGABRT (what a C fault or a Swift trap raises; its crash
# handler restores the terminal before dying, exit 128+n): each time the terminal is given
# back: echo and canonical mode on, the cursor visible, no alternate screen left. Also in a
# detail view and with a dialog open, where the screen is in the middle of something.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
tmux_session

n=0
for sig in TERM HUP INT SEGV ABRT; do
    for where in fleet dialog; do
        n=$((n + 1)); name=s$n
        case $sig in SEGV | ABRT) expect='EXIT=1[0-9]{2}' ;; *) expect='EXIT=0' ;; esac
        start $name 100 30 "$BIN/anycast-dash --demo --operator t"
        wait_for $name "12 active" 30 >/dev/null
        if [ $where = dialog ]; then keys $name d; wait_for $name "Drain " 5 >/dev/null; fi
        pid=$(pgrep -n -f "anycast-dash --demo --operator t$")
        kill -$sig "$pid"
        check "SIG$sig ($where): exits ($expect) and restores the terminal" bash -c "
            $(declare -f terminal_restored); T='$T'; WORK='$WORK'
            terminal_restored $name && grep -Eq '$expect' '$WORK/$name.exit' || { cat '$WORK/$name.exit'; exit 1; }"
    done
done

# And q, the ordinary way out.
start quit 100 30 "$BIN/anycast-dash --demo --operator t"
wait_for quit "12 active" 30 >/dev/null
keys quit q
check "q: exits 0 and restores the terminal" bash -c "
    $(declare -f terminal_restored); T='$T'; WORK='$WORK'; terminal_restored quit && grep -q 'EXIT=0' '$WORK/quit.exit'"

summary "terminal-restore"
