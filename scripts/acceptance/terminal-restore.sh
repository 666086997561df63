#!/usr/bin/env bash
# Issue 8, item 6: the real dashboard under tmux is killed with SIGTERM, SIGHUP and SIGINT (exit
# 0) and crashes with SIGSEGV and SIGABRT (what a C fault or a Swift trap raises; its crash
# handler restores the terminal before dying, exit 128+n): each time the terminal is given
# back: echo and canonical mode on, the cursor visible, no alternate screen left. Also in a
# detail view and with a dialog open, where the screen is in the middle of something. And a
# terminal curses cannot drive (TERM=dumb) or a theme that is not there: exit 2 with a
# message before anything is drawn.
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

# A terminal curses cannot drive, and a theme that is not there: exit 2 before anything is
# drawn (the message is the pane's first line), with the terminal as it was.
refused_before_drawing() {  # refused_before_drawing NAME REGEX: exit 2, and the first line matches
    wait_for_file "$WORK/$1.exit" 30
    terminal_restored "$1" && grep -q 'EXIT=2' "$WORK/$1.exit" || { cat "$WORK/$1.exit"; return 1; }
    local s; s=$($T capture-pane -J -t "$1" -p); echo "$s"
    grep -Eq "$2" <<<"${s%%$'\n'*}" && ! grep -q 'active' <<<"$s"
}
start dumb 100 30 "TERM=dumb $BIN/anycast-dash --demo --operator t"
check "TERM=dumb: exits 2 before drawing, suggesting watch or snapshot; the terminal as it was" refused_before_drawing dumb \
    "^anycast-dash: the full-screen dashboard cannot run on this terminal: the terminal type 'dumb' cannot move the cursor.*'anycast-dash watch'.*'anycast-dash snapshot'"
start notheme 100 30 "$BIN/anycast-dash --demo --theme nosuch"
check "--theme nosuch: exits 2 before starting, naming the themes there are" refused_before_drawing notheme \
    "^anycast-dash: theme 'nosuch': not found; the themes are: default, high-contrast, light, monochrome, solarized-dark"

# What the refusal suggests works there: `watch` on TERM=dumb prints each table below the
# last, without the escape codes that clear a screen.
start dumbwatch 100 60 "TERM=dumb $BIN/anycast-dash watch --demo --cycles 2"
wait_for_file "$WORK/dumbwatch.exit" 60
check "TERM=dumb: watch runs, two tables one after the other, no screen clearing" bash -c "
    grep -q EXIT=0 '$WORK/dumbwatch.exit' && s=\$($T capture-pane -J -t dumbwatch -p -S -200) &&
    [ \$(echo \"\$s\" | grep -c 'sites in') -ge 2 ] && ! echo \"\$s\" | grep -q 'press Ctrl-C'"

summary "terminal-restore"
