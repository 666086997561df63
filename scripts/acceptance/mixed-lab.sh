#!/usr/bin/env bash
# The dual-stack lab with a different routing daemon at each site (scripts/lab/lab up
# --daemons frr,gobgp,bird,exabgp): every site announces 203.0.113.0/24 and 2001:db8:53::/48 to
# the same upstream BIRD, and dnsperf queries over both families. Through the real dashboard
# under tmux, for the FRR, GoBGP and ExaBGP sites (all in region eu, so the budget lets each be
# drained in turn; BIRD's site is the same through lab-e2e.sh): drain from the keys, both
# routes leave the upstream's kernel table, at least 99.9% of queries answered on each family;
# undrain from the keys, both routes back. `lab status` names each site's daemon and both
# families. Needs root, bird2, frr, gobgpd, exabgp, unbound, dnsperf.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

export LAB_PREFIX="acm$$"
LAB=$WORK/lab
T="tmux -S $WORK/tmux.sock"   # screen, wait_for, keys and typed (lib.sh) drive it
finish() {
    if [ "$FAILED" -gt 0 ]; then
        echo "== lab logs (failures above)"
        for f in "$LAB"/s*/agent.log "$LAB"/s*/unbound.log; do
            [ -f "$f" ] && { echo "-- $f"; tail -n 8 "$f"; }
        done
        echo "-- the dashboard:"; $T capture-pane -t dash -p 2>/dev/null | grep -v '^ *$'
    fi
    $T kill-server 2>/dev/null || true
    bash "$ROOT/scripts/lab/lab" down --dir "$LAB" >/dev/null 2>&1 || true
    cleanup
}
trap finish EXIT
if ! bash "$ROOT/scripts/lab/lab" up --daemons frr,gobgp,bird,exabgp --dir "$LAB" --rate 600 --bin "$BIN" >"$WORK/up.out" 2>&1; then
    echo "FAIL - scripts/lab/lab up --daemons frr,gobgp,bird,exabgp"; tail -30 "$WORK/up.out"; FAILED=1; summary "mixed-lab"; exit 1
fi
UP="${LAB_PREFIX}-up"; CL="${LAB_PREFIX}-cl"
has4() { ip -n "$UP" route show 203.0.113.0/24 | grep -Eq "via 198\.51\.100\.$((4 * $1 + 2))( |$)"; }
has6() { ip -n "$UP" -6 route show 2001:db8:53::/48 | grep -Eq "via $(printf '2001:db8:ff%02x::2' "$1")( |$)"; }
both() { has4 "$1" && has6 "$1"; }
neither() { ! has4 "$1" && ! has6 "$1"; }
# withdrawn K: the upstream's BIRD has no route from site K's sessions on either family (not
# even the de-preferred backup path).
withdrawn() {
    ! birdc -s "$LAB/up/bird.ctl" show route 203.0.113.0/24 protocol "s$1" 2>/dev/null | grep -q 203.0.113 &&
    ! birdc -s "$LAB/up/bird.ctl" show route 2001:db8:53::/48 protocol "s$1v6" 2>/dev/null | grep -q 2001:db8:53
}
# answered FILE: dnsperf's completed share of what it sent, at least 99.9%.
answered() {
    python3 -c "
import re,sys; t=open('$1').read()
sent=int(re.search(r'Queries sent:\s+(\d+)',t).group(1)); done=int(re.search(r'Queries completed:\s+(\d+)',t).group(1))
print(done, 'of', sent); sys.exit(0 if sent > 0 and done >= 0.999 * sent else 1)"
}

# status_names_all: lab status shows every daemon with both sessions Established and both next hops.
status_names_all() {
    bash "$ROOT/scripts/lab/lab" status --dir "$LAB" >"$WORK/status.out" 2>&1
    local d
    for d in frr gobgp bird exabgp; do
        grep -Eq "^s[0-9] +\([a-z]+\) +$d +ipv4: bgp=\"Established\" +nexthop=yes +ipv6: bgp=\"Established\" +nexthop=yes" "$WORK/status.out" || return 1
    done
}
check "lab status names each site's daemon and both families, Established" bash -c "$(declare -f status_names_all wait_until); ROOT='$ROOT'; LAB='$LAB'; WORK='$WORK'; wait_until 15 status_names_all || { cat '$WORK/status.out'; exit 1; }"
check "the upstream spreads both prefixes over the 4 sites (ECMP on each family)" bash -c "
    [ \$(ip -n $UP route show 203.0.113.0/24 | grep -c 'via 198.51.100') = 4 ] && [ \$(ip -n $UP -6 route show 2001:db8:53::/48 | grep -c 'via 2001:db8:ff') = 4 ]"

$T new-session -d -s dash -x 160 -y 48 "$BIN/anycast-dash --fleet '$LAB/fleet.toml' --operator mixed 2>'$WORK/dash.err'"
check "the dashboard shows the 4 sites ACTIVE" wait_for dash "4 sites: 4 active" 30

for site in 1:frr 2:gobgp 4:exabgp; do
    k=${site%%:*}; daemon=${site#*:}
    wait_for dash "4 sites: 4 active" 30 >/dev/null
    ip netns exec "$CL" dnsperf -s 203.0.113.53 -d "$LAB/cl/queries.txt" -l 15 -Q 300 -c 30 >"$WORK/perf4-$k.out" 2>&1 &
    P4=$!
    ip netns exec "$CL" dnsperf -s 2001:db8:53::53 -d "$LAB/cl/queries.txt" -l 15 -Q 150 -c 30 >"$WORK/perf6-$k.out" 2>&1 &
    P6=$!
    sleep 1
    keys dash / ; typed dash "s$k"; keys dash Enter
    keys dash d
    wait_for dash "Drain s$k " 5 >/dev/null
    typed dash "mixed: $daemon drain"; keys dash Enter; typed dash "s$k"; keys dash Enter
    T0=$(date +%s%N)
    wait_until 40 neither "$k"
    MS=$(( ($(date +%s%N) - T0) / 1000000 ))
    echo "       $daemon (s$k): both next hops left the upstream's kernel routes $MS ms after the confirming Enter (the de-prefer step)"
    check "$daemon: drain from the dashboard's keys takes s$k out of both the IPv4 and the IPv6 multipath route" neither "$k"
    check "$daemon: the panel shows DRAINED, verified" wait_for dash "DRAINED +verified" 40
    check "$daemon: ... and the upstream has no route from s$k left on either family (withdrawn)" withdrawn "$k"
    wait "$P4" "$P6"
    check "$daemon: at least 99.9% of queries answered over IPv4 across the drain" answered "$WORK/perf4-$k.out"
    check "$daemon: ... and over IPv6" answered "$WORK/perf6-$k.out"
    keys dash u Enter; typed dash "s$k"; keys dash Enter
    check "$daemon: undrain from the keys brings both routes back" wait_until 15 both "$k"
    check "$daemon: ACTIVE and verified again" wait_for dash "ACTIVE +verified" 30
    keys dash Escape
done
keys dash q
summary "mixed-lab"
