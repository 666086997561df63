#!/usr/bin/env bash
# The real dashboard binary under tmux, driven and read the way a person would: send-keys to
# type, capture-pane to see. Drain and undrain through the keys, the budget refusal, monitor
# mode, themes (legible at 8 colours too), NO_COLOR, 80×24, and the terminal given back on
# quit (on signals: terminal-restore.sh). Staged drains (DE-PREFERRED, then DRAINED), a lease
# and a ticket from the dialog, `e` extending the lease, `w` withdrawing a held site.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
tmux_session

# 1. The demo fleet: every site ACTIVE with live qps and sparklines.
start live 120 40 "$BIN/anycast-dash --demo --operator e2e"
check "demo shows 12 active sites" wait_for live "12 sites: 12 active" 30
check "panels show qps and sparklines" bash -c "$T capture-pane -t live -p | grep -Eq '[0-9.]+k qps [0-9.]+% [▁▂▃▄▅▆▇█]{5,}'"
check "LIVE badge and clock" bash -c "$T capture-pane -t live -p | head -1 | grep -Eq ' LIVE .* [0-9]{2}:[0-9]{2}:[0-9]{2} UTC'"

# 2. Drain ams1 through the keys: filter to it, d, reason, confirm.
keys live / ; typed live "ams1"; keys live Enter
keys live d
check "drain dialog opens" wait_for live "Drain ams1 Amsterdam \\(eu\\)" 3
check "drain dialog shows the impact preview and the budget" bash -c "
    s=\$($T capture-pane -t live -p); echo \"\$s\" | grep -q 'expected to move to:' &&
    echo \"\$s\" | grep -q 'fleet: 12 → 11 active, minimum 6' && echo \"\$s\" | grep -q 'region eu: 3 → 2 active'"
keys live Enter
check "an empty reason is refused" wait_for live "a reason is required" 3
typed live "e2e: line card swap"; keys live Enter
typed live "ams"; keys live Enter
check "a wrong confirmation is refused" wait_for live "type ams1 exactly to confirm" 3
typed live "ams1"; keys live Enter
check "the panel goes DRAINING, DE-PREFERRED or DRAINED at once" wait_for live "DRAIN(ING|ED)|DE-PREFERRED" 5
# The demo's service de-prefers first: the route stays announced, less preferred, until the
# site's traffic is under 10% of what it was (about 3-5 s in the simulation).
check "a staged drain: DE-PREFERRED first, with the traffic left and the time in the step" wait_for live "DE-PREFERRED +[0-9]+% left · [0-9]+s" 5
check "then DRAINED, verified as its traffic leaves, with who and why" wait_for live "DRAINED +verified ✓" 30
check "the drain record shows operator and reason" wait_for live "by e2e .*: e2e: line card swap" 5
keys live Escape  # clear the filter: the region's other sites carry the traffic
check "the header counts the drained site" wait_for live "11 active · 1 drained" 5

# 3. Undrain: same confirmation, traffic returns.
keys live / ; typed live "ams1"; keys live Enter
keys live u Enter; typed live "ams1"; keys live Enter
check "undrain: ACTIVE again and verified" wait_for live "ACTIVE +verified ✓" 30

# 4. Views and keys: table, detail, events, help, themes.
keys live Escape v
check "v: the table view" wait_for live "SITE +NAME +REGIO(N|▲|▼) +STATUS" 3
keys live Enter
check "Enter: site detail with peers and the traffic chart" wait_for live "BGP PEERS.*|TRAFFIC · last" 3
keys live Tab
check "Tab: the event log lists the drain and undrain" bash -c "sleep 0.3; s=\$($T capture-pane -t live -p); echo \"\$s\" | grep -q 'EVENTS' && echo \"\$s\" | grep -q 'drain of ams1 sent by e2e' && echo \"\$s\" | grep -q 'undrain verified'"
keys live / ; typed live "undrain"; keys live Enter
check "/ in the event log: only the matching events" bash -c "sleep 0.3; s=\$($T capture-pane -t live -p); echo \"\$s\" | grep -q 'matching /undrain' && echo \"\$s\" | grep -q 'undrain verified' && ! echo \"\$s\" | grep -Eq '(^|[^n])drain of ams1 sent by e2e'"
keys live Enter
check "Enter in the event log: the event whole, in a reader" wait_for live "any other key closes" 3
keys live Escape
check "Esc closes the reader, back in the event log" bash -c "sleep 0.3; ! $T capture-pane -t live -p | grep -q 'any other key closes'"
keys live / Escape  # clear the filter, staying in the event log
keys live '?'
check "?: help lists the keys" wait_for live "mark a site" 3
keys live x
for theme in high-contrast light monochrome solarized-dark default; do
    keys live t
    check "t: theme $theme loads" wait_for live "theme: $theme\$|theme: $theme " 3
done
$T resize-window -t live -x 80 -y 24
check "SIGWINCH: re-laid out at once for 80×24" bash -c "sleep 0.5; s=\$($T capture-pane -t live -p); [ \$(echo \"\$s\" | wc -l) -le 24 ] && echo \"\$s\" | head -1 | grep -Eq 'UTC\$' && python3 -c 'import sys; sys.exit(0 if all(len(l) <= 80 for l in sys.stdin.read().splitlines()) else 1)' <<< \"\$s\""
# A tmux split: the table view at 40×12 (it once crashed under 51 columns), then too small.
$T resize-window -t live -x 40 -y 12
keys live v
check "40×12: the table view shows sites and their status" wait_for live "SITE +STATUS" 3
check "40×12: a row with a status" wait_for live "[a-z]{3}[0-9] +(ACTIVE|DRAINED|UNKNOWN)" 3
$T resize-window -t live -x 30 -y 8
check "30×8: 'terminal too small', with the size needed" wait_for live "need 40×10" 3
keys live v
$T resize-window -t live -x 160 -y 50
check "SIGWINCH: and back to 160×50" bash -c "sleep 0.5; $T capture-pane -t live -p | head -1 | grep -q 'anycast-dash'"
# After a resize curses would paint its own empty screen from the next key read, over the
# frame written without it; the panels must still be there after a key that changes nothing.
keys live Z
check "after a resize and a key, the frame is still on the screen" bash -c "sleep 1.5; [ \$($T capture-pane -t live -p | grep -c '│') -ge 10 ]"
keys live q
check "q quits with status 0" wait_for_file "$WORK/live.exit" 5
check "exit status 0" grep -q EXIT=0 "$WORK/live.exit"
check "the terminal is given back (echo, canonical mode, cursor, no alternate screen)" bash -c "
    $(declare -f terminal_restored); T='$T'; WORK='$WORK'; terminal_restored live"
check "no alternate screen left, cursor visible" bash -c "[ \"\$($T display -p -t live '#{alternate_on}#{cursor_flag}')\" = 01 ]"

# 4b. A drain's life from the keys: a lease and a ticket in the dialog, `e` extends the lease,
# a drain held at de-prefer stays there until `w` withdraws it (typed confirmation).
start life 120 40 "$BIN/anycast-dash --demo --operator e2e"
check "lifecycle: demo fleet up" wait_for life "12 sites: 12 active" 30
keys life / ; typed life "lhr1"; keys life Enter
keys life d
check "the drain dialog offers a lease, a ticket and the stage" bash -c "sleep 0.3; s=\$($T capture-pane -t life -p);
    echo \"\$s\" | grep -q 'lease (e.g. 2h; blank: none):' && echo \"\$s\" | grep -q 'ticket (optional):' && echo \"\$s\" | grep -q 'stage: staged: de-prefer'"
typed life "e2e: kernel"; keys life Tab
typed life "2x"; keys life Enter
check "a lease that is no duration is refused in the dialog" wait_for life 'lease "2x": give a duration like 2h, 90m or 45s' 3
keys life BSpace BSpace; typed life "2h"; keys life Tab; typed life "CHG-42"; keys life Enter
typed life "lhr1"; keys life Enter
check "lease drain: DE-PREFERRED, then DRAINED with the lease left" wait_for life "DRAINED +2h left" 20
check "the ticket shows beside who drained and why" wait_for life "by e2e .*: CHG-42 · e2e: kernel" 5
keys life e
check "e: the lease dialog, with the lease's end" wait_for life "Extend the lease: lhr1" 3
typed life "1h"
check "e: the new end is previewed" wait_for life "then ends [0-9:]+ UTC, in 3h" 3
keys life Enter
check "e extends the lease: 3h left" wait_for life "DRAINED +3h left" 10
keys life Escape  # clear the filter
check "the header counts no lease ending soon" bash -c "! $T capture-pane -t life -p | head -1 | grep -q 'lease'"
keys life / ; typed life "iad1"; keys life Enter
keys life d; typed life "e2e: hold"; keys life BTab Right
check "the stage field: hold at de-prefer" wait_for life "stage: ‹ hold at de-prefer" 3
keys life Enter; typed life "iad1"; keys life Enter
check "hold: DE-PREFERRED and HELD, with the traffic left" wait_for life "DE-PREFERRED +HELD +[0-9]+% left · [0-9]+s" 10
check "held: still DE-PREFERRED well after a staged drain would have withdrawn" bash -c "sleep 8; $T capture-pane -t life -p | grep -Eq 'DE-PREFERRED +HELD'"
keys life w
check "w: the withdraw-now dialog" wait_for life "Withdraw now: iad1" 3
keys life Enter
check "w must be confirmed by typing the site id" wait_for life "type iad1 to confirm" 3
typed life "iad1"; keys life Enter
check "w on a held site withdraws it: DRAINED" wait_for life " DRAINED " 10
check "the held site is withdrawn at once, not de-preferred any more" bash -c "! $T capture-pane -t life -p | grep -q 'DE-PREFERRED'"
keys life q

# 5. The budget: a fleet that may lose no site refuses in the dialog and on the command line.
BASE=$(free_port_range 6)
"$BIN/anycast-agent" simulate --sites 6 --base-port "$BASE" --log-level warning --fleet-out "$WORK/fleet.toml" >"$WORK/sim.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/fleet.toml" 60
sed -i 's/^min_active_sites = .*/min_active_sites = 6/' "$WORK/fleet.toml"
start budget 100 30 "$BIN/anycast-dash --fleet '$WORK/fleet.toml' --operator e2e"
check "fleet from a config file is shown" wait_for budget "6 sites: 6 active" 30
keys budget / ; typed budget "ams1"; keys budget Enter
keys budget d; typed budget "over budget"; keys budget Enter; typed budget "ams1"; keys budget Enter
check "draining below min_active_sites is refused: the override step appears" wait_for budget "THE BUDGET REFUSES THIS DRAIN" 3
keys budget Escape
check "Esc cancels the refused drain" wait_for budget "drain cancelled" 3
check "...and nothing was drained" bash -c "sleep 2; $T capture-pane -t budget -p | grep -q '6 sites: 6 active'"
keys budget q
"$BIN/anycast-dash" drain ams1 --fleet "$WORK/fleet.toml" --reason "cli over budget" --yes >"$WORK/cli.out" 2>&1
check "anycast-dash drain below the budget exits 3" bash -c "[ $? = 3 ] && grep -q 'refused by the disruption budget' '$WORK/cli.out'"
sed -i 's/^min_active_sites = .*/min_active_sites = 2/' "$WORK/fleet.toml"
"$BIN/anycast-dash" drain ams1 --fleet "$WORK/fleet.toml" --reason "cli drain" --yes --operator runbook >"$WORK/cli2.out" 2>&1
check "anycast-dash drain within the budget exits 0 once withdrawn" bash -c "[ $? = 0 ] && grep -q 'withdrawn from every peer' '$WORK/cli2.out'"
"$BIN/anycast-dash" undrain ams1 --fleet "$WORK/fleet.toml" --yes >"$WORK/cli3.out" 2>&1
check "anycast-dash undrain exits 0 once announced" bash -c "[ $? = 0 ] && grep -q 'announced to every peer' '$WORK/cli3.out'"
"$BIN/anycast-dash" drain nosuch --fleet "$WORK/fleet.toml" --reason r --yes >/dev/null 2>&1
check "an unknown site exits 2" test $? = 2

# 6. Monitor mode: d and u change nothing; the agents refuse its read token anyway.
start mon 120 40 "$BIN/anycast-dash --demo --monitor"
check "monitor badge" wait_for mon " MONITOR " 30
keys mon d
check "d only says read-only" wait_for mon "read-only: monitor mode cannot drain" 3
keys mon u
check "u only says read-only" wait_for mon "read-only: monitor mode cannot undrain" 3
keys mon w
check "w only says read-only" wait_for mon "read-only: monitor mode cannot withdraw" 3
keys mon e
check "e only says read-only" wait_for mon "read-only: monitor mode cannot extend" 3
check "no dialog opened" bash -c "! $T capture-pane -t mon -p | grep -q 'Drain '"
keys mon C-c
check "Ctrl-C quits" wait_for_file "$WORK/mon.exit" 5
READ_TOKEN_STATUS=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer demo-read' -d '{"reason":"r","operator":"o"}' "http://127.0.0.1:$BASE/v1/drain")
check "the agent answers 403 to a read token's drain" test "$READ_TOKEN_STATUS" = 403

# 7. NO_COLOR and 80×24.
start mono 80 24 "NO_COLOR=1 $BIN/anycast-dash --demo"
check "80×24: header and panels fit" wait_for mono "12 active" 30
check "80×24: status line with the keys" wait_for mono "Enter detail" 3
check "NO_COLOR: no colour escape in the output" bash -c "! $T capture-pane -t mono -p -e | grep -Eq $'\\e\\\\[([0-9;]*;)?(3[0-8]|4[0-8]|9[0-7]|10[0-7])(;[0-9;]*)?m'"
check "NO_COLOR: bold and reverse are still used" bash -c "$T capture-pane -t mono -p -e | grep -Eq $'\\e\\\\[[0-9;]*(1|7)[0-9;]*m'"
keys mono t
check "NO_COLOR: t says colours are off rather than naming a theme that changes nothing" wait_for mono "colours are off \\(NO_COLOR\\): themes don't apply" 3

# 8. An 8-colour terminal (TERM=xterm): in no theme is a character drawn in its background's
# colour (the nearest-colour mapping drew rules black on black, badges white on white).
start eight 120 40 "TERM=xterm $BIN/anycast-dash --demo --operator e2e"
check "TERM=xterm: the demo fleet in 8 colours" wait_for eight "12 sites: 12 active" 30
no_invisible_cells() { sleep 0.3; $T capture-pane -t "$1" -p -e | python3 "$ROOT/scripts/acceptance/invisible_cells.py"; }
check "TERM=xterm, theme default: nothing drawn in its background's colour" no_invisible_cells eight
for theme in high-contrast light monochrome solarized-dark; do
    keys eight t
    wait_for eight "theme: $theme" 3 >/dev/null
    check "TERM=xterm, theme $theme: nothing drawn in its background's colour" no_invisible_cells eight
done
keys eight q

# 9. Frames are written with the terminal's own strings; ANYCAST_DASH_PAINT=curses leaves them
# to curses. The two look alike, cell by cell, in 256 colours, in 8 and without colour (the
# figures aside: two demo fleets draw different ones).
same_look() {  # same_look A B [--narrow]: up to five looks a second apart, as a frame may be half in
    local i
    for i in 1 2 3 4 5; do
        $T capture-pane -t "$1" -p -e >"$WORK/$1.look"
        $T capture-pane -t "$2" -p -e >"$WORK/$2.look"
        python3 "$ROOT/scripts/acceptance/same_look.py" "$WORK/$1.look" "$WORK/$2.look" ${3:-} >"$WORK/look.out" && return 0
        sleep 1
    done
    cat "$WORK/look.out"; return 1
}
both_show() { wait_for "$1" "12 sites: 12 active" 30 && wait_for "$2" "12 sites: 12 active" 30; }
n=0
for env in "TERM=tmux-256color" "TERM=xterm" "NO_COLOR=1"; do
    n=$((n + 1))
    start "direct$n" 120 40 "$env $BIN/anycast-dash --demo --operator e2e"
    start "curses$n" 120 40 "$env ANYCAST_DASH_PAINT=curses $BIN/anycast-dash --demo --operator e2e"
    check "$env: the demo fleet, written directly and by curses" both_show "direct$n" "curses$n"
    check "$env: written directly, every cell looks as curses paints it" same_look "direct$n" "curses$n"
    keys "direct$n" v
    keys "curses$n" v
    sleep 1
    check "$env: the table view too" same_look "direct$n" "curses$n"
    keys "direct$n" q
    keys "curses$n" q
done

# 10. In a locale that is not UTF-8 curses cannot draw box lines, bars or arrows: each cell
# gets a stand-in (line-drawing characters, ASCII), so none keeps the last frame's character.
start utf8 120 40 "LC_ALL=C.UTF-8 $BIN/anycast-dash --demo --operator e2e"
start narrow 120 40 "LC_ALL=C $BIN/anycast-dash --demo --operator e2e"
check "LC_ALL=C: the demo fleet" both_show utf8 narrow
check "LC_ALL=C.UTF-8 draws box lines as UTF-8, LC_ALL=C as line-drawing characters (SO ... SI)" bash -c "
    $T capture-pane -t utf8 -p | grep -q '─' && $T capture-pane -t narrow -p -e | grep -q \$'\x0e' &&
    ! $T capture-pane -t narrow -p | grep -q '─'"
check "LC_ALL=C: every cell drawn, as its stand-in for what UTF-8 shows" same_look utf8 narrow --narrow
keys utf8 v
keys narrow v
sleep 1
check "LC_ALL=C: the table view too" same_look utf8 narrow --narrow
keys utf8 q
keys narrow q

summary "tui-tmux"
