#!/usr/bin/env bash
# What htop and k9s users expect, on the real binary under tmux against a simulated fleet from
# a fleet config: `:` commands typed and completed, an unknown command and key said so, the
# settings (theme, view, sort, filter, columns) surviving a restart, a corrupt settings file
# ignored with a warning, --no-state, and the mouse (xterm mouse reports written into the pane
# as a terminal sends them): a click selects, a heading sorts, a double click opens the detail,
# the wheel scrolls, a click on a tab switches the view, and a click on "d drain" opens the
# dialog, which still waits for the typed confirmation; --no-mouse leaves the mouse alone.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
tmux_session

BASE=$(free_port_range 6)
"$BIN/anycast-agent" simulate --sites 6 --base-port "$BASE" --log-level warning --fleet-out "$WORK/fleet.toml" >"$WORK/sim.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/fleet.toml" 60 || { cat "$WORK/sim.log"; exit 1; }
FLEET_NAME=$(sed -n 's/^name = "\(.*\)"/\1/p' "$WORK/fleet.toml" | head -1)
STATE_FILE="$XDG_STATE_HOME/anycast-dash/$FLEET_NAME.json"
DASH="$BIN/anycast-dash --fleet '$WORK/fleet.toml' --operator e2e"
command_() { keys "$1" :; typed "$1" "$2"; keys "$1" Enter; }
# click NAME X Y [double]: an xterm (X10) mouse report of button 1 pressed and released at
# column X, row Y (0-based), twice for a double click, as the terminal would send them.
mouse_bytes() { printf '1b 5b 4d %x %x %x ' "$1" $((33 + $2)) $((33 + $3)); }
click() {
    local bytes
    bytes="$(mouse_bytes 32 "$2" "$3")$(mouse_bytes 35 "$2" "$3")"
    [ "${4:-}" = double ] && bytes="$bytes$bytes"
    # shellcheck disable=SC2086
    $T send-keys -t "$1" -H $bytes
    # Apart from the next click by more than curses' double-click interval (200 ms), as a
    # hand's clicks in different places are.
    sleep 0.3
}
wheel() { $T send-keys -t "$1" -H $(mouse_bytes "$([ "$2" = down ] && echo 97 || echo 96)" 10 10); }
# where NAME TEXT: "X Y" of the first place TEXT shows on the screen.
where() { screen "$1" | python3 -c '
import sys
needle = sys.argv[1]
for y, line in enumerate(sys.stdin.read().split("\n")):
    i = line.find(needle)
    if i >= 0:
        print(len(line[:i]), y); break' "$2"; }
# footer NAME TEXT: "X Y" of TEXT on the bottom line.
footer() { screen "$1" | python3 -c '
import sys
lines = sys.stdin.read().rstrip("\n").split("\n")
print(len(lines[-1][:lines[-1].find(sys.argv[1])]), len(lines) - 1)' "$2"; }

# 1. Typed commands.
start one 120 30 "$DASH"
check "the fleet from its config" wait_for one "6 sites: 6 active" 30
command_ one "view table"
check ":view table" wait_for one "SITE +NAME +REGI" 3
command_ one "sort qps desc"
check ":sort qps desc: the arrow on QPS" wait_for one "QPS▼" 3
command_ one "columns site,status,qps,p99,note"
check ":columns: only those, in that order" bash -c "sleep 0.3; $T capture-pane -t one -p | sed -n 2p | grep -Eq '^  SITE +STATUS +QPS▼ +P99 +NOTE' && ! $T capture-pane -t one -p | sed -n 2p | grep -q NAME"
command_ one "filter region=eu"
check ":filter region=eu: the eu sites only, the filter shown below" bash -c "sleep 0.3; s=\$($T capture-pane -t one -p); echo \"\$s\" | grep -q 'ams1' && ! echo \"\$s\" | grep -Eq '^. (iad1|nrt1|sin1) ' && echo \"\$s\" | tail -1 | grep -q 'filter: region=eu'"
command_ one "theme light"
check ":theme light" wait_for one "theme: light" 3
command_ one "bogus"
check "an unknown command says so" wait_for one "unknown command :bogus" 3
keys one x
check "an unknown key says so" wait_for one "'x' does nothing here: \\? lists the keys" 3
keys one :; typed one "dr"; keys one Tab
check "Tab completes a command" wait_for one "^:drain " 3
typed one "am"; keys one Tab
check "Tab completes a site id" wait_for one "^:drain ams1 " 3
keys one Escape
command_ one "q"
check ":q quits" wait_for_file "$WORK/one.exit" 5
check "the settings were saved, privately" bash -c "[ \"\$(stat -c %a '$STATE_FILE')\" = 600 ] && python3 -c \"
import json; s = json.load(open('$STATE_FILE'))
assert s == {'theme': 'light', 'view': 'table', 'sort': 'qps', 'sort_reversed': False, 'filter': 'region=eu', 'columns': ['site', 'status', 'qps', 'p99', 'note']}, s\""

# 2. They come back after a restart; --no-state starts plain.
start two 120 30 "$DASH"
check "after a restart: the table, its columns, the sort and the filter" bash -c "
    for i in \$(seq 50); do s=\$($T capture-pane -t two -p); echo \"\$s\" | sed -n 2p | grep -Eq '^  SITE +STATUS +QPS▼ +P99 +NOTE' && echo \"\$s\" | grep -q 'ams1' && echo \"\$s\" | tail -1 | grep -q '\\[/region=eu\\]' && exit 0; sleep 0.2; done; echo \"\$s\"; exit 1"
keys two q
start three 120 30 "$DASH --no-state"
check "--no-state: the fleet panels, unsorted, unfiltered" bash -c "sleep 1; s=\$($T capture-pane -t three -p); echo \"\$s\" | grep -q '6 sites: 6 active' && echo \"\$s\" | grep -q '^── ' && ! echo \"\$s\" | grep -q 'region=eu'"
keys three q
echo '{"sort": 12, broken' >"$STATE_FILE"
start four 120 30 "$DASH"
check "a corrupt settings file: one warning, and the dashboard starts" wait_for four "saved settings ignored \\(.*cannot be read" 10
check "... with the defaults" wait_for four "6 sites: 6 active" 10
keys four q

# 3. The mouse.
start mouse 120 30 "$DASH --no-state"
check "the fleet panels" wait_for mouse "6 sites: 6 active" 30
keys mouse v
wait_for mouse "SITE +NAME" 3 >/dev/null
read -r x y <<<"$(where mouse "QPS")"
click mouse "$x" "$y"
check "a click on the QPS heading sorts by qps" wait_for mouse "QPS▼" 3
click mouse "$x" "$y"
check "a second click turns it round" wait_for mouse "QPS▲" 3
# Sorted by qps, rows change places as the figures move (two sites 1% apart swapped between
# finding a row and clicking it): the clicks on rows below are made in name order.
read -r x y <<<"$(where mouse "NAME")"
click mouse "$x" "$y"
check "a click on the NAME heading sorts by name" wait_for mouse "NAME[▲▼]" 3
read -r x y <<<"$(where mouse " sin1 ")"
click mouse $((x + 2)) "$y"
check "a click on a row selects it" wait_for mouse "^▶ sin1 " 3
wheel mouse down
check "the wheel scrolls the selection down" bash -c "sleep 0.5; ! $T capture-pane -t mouse -p | grep -q '^▶ sin1 '"
read -r x y <<<"$(where mouse " ams1 ")"
click mouse $((x + 2)) "$y" double
check "a double click opens the site's detail" wait_for mouse "ams1 .*· eu .*BGP PEERS|BGP PEERS" 3
# A message covers the tabs for 5 s after the sort; a click on it clears it.
read -r x y <<<"$(footer mouse " ")"
click mouse 1 "$y"
check "a click on a message below clears it: the tabs show" wait_for mouse " fleet  table  events " 3
read -r x y <<<"$(footer mouse " table ")"
click mouse $((x + 2)) "$y"
check "a click on the table's tab below" wait_for mouse "SITE +NAME" 3
read -r x y <<<"$(where mouse " fra1 ")"
click mouse $((x + 2)) "$y"
read -r x y <<<"$(footer mouse "d drain")"
click mouse "$x" "$y"
check "a click on 'd drain' opens the drain dialog of the selected site" wait_for mouse "Drain fra1 " 3
read -r x y <<<"$(where mouse "Drain fra1")"
click mouse "$x" "$y"; click mouse 60 15 double; click mouse 5 28
check "clicks never confirm: the dialog still waits for the reason and the typed site id" bash -c \
    "sleep 1; s=\$($T capture-pane -t mouse -p); echo \"\$s\" | grep -q 'Drain fra1 ' && echo \"\$s\" | grep -q 'reason:' && ! echo \"\$s\" | grep -Eq 'DRAIN(ING|ED)'"
typed mouse "mouse test"; keys mouse Enter
check "the keyboard goes on to the typed confirmation" wait_for mouse "type fra1 to confirm" 3
keys mouse Escape
check "Esc: nothing was drained" bash -c "sleep 1.5; $T capture-pane -t mouse -p | head -1 | grep -q '6 active'"
keys mouse q
check "the terminal is given back after the mouse was on" terminal_restored mouse

# 4. --no-mouse: the dashboard does not ask the terminal for mouse reports (tmux says whether
# the pane's program asked), so clicks stay the terminal's.
start nomouse 120 30 "$DASH --no-state --no-mouse"
check "--no-mouse: the fleet panels" wait_for nomouse "6 sites: 6 active" 30
check "--no-mouse: no mouse reporting asked of the terminal" test "$($T display -p -t nomouse '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}')" = 000
check "by default it is asked for" bash -c "$T new-session -d -s withmouse -x 100 -y 30 \"$DASH --no-state\"; sleep 2; [ \"\$($T display -p -t withmouse '#{mouse_any_flag}#{mouse_standard_flag}#{mouse_button_flag}')\" != 000 ]"
keys nomouse q

summary tui-habits
