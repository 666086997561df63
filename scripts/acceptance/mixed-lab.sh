#!/usr/bin/env bash
# The dual-stack lab with a different routing daemon at each site (scripts/lab/lab up --sites 5
# --daemons frr,gobgp,bird,exabgp: s1 FRR, s2 GoBGP, s3 BIRD, s4 ExaBGP, s5 FRR again, so that
# BIRD's site shares region na and the budget lets every daemon's site be drained): every site
# announces 203.0.113.0/24 and 2001:db8:53::/48 to the same upstream BIRD, and dnsperf queries
# over both families. For each of the four daemons in turn, with the real dashboard under tmux:
# - drain from the dashboard's keys: both routes leave the upstream's kernel table, then its
#   BIRD (withdrawn), at least 99.9% of queries answered on each family;
# - drift: the route re-announced by hand through the daemon's own CLI is withdrawn again
#   within the reconcile interval, with the agent's drift event;
# - the daemon killed (SIGKILL) and restarted, then the agent: the drain still holds;
# - undrain from the keys: both routes back;
# - a staged drain through the agent's API: held at de-prefer, both routes at the upstream with
#   the three prepends and 65535:0, then withdrawn, then announced plain again;
# - the daemon stopped: the status carries the error and observed unknown, a drain answers 503
#   (recorded) and holds once the daemon is back.
# `lab status` names each site's daemon and both families. Needs root, bird2, frr, gobgpd,
# exabgp, unbound, dnsperf, tmux.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

export LAB_PREFIX="acm$$"
lab_with_dashboard mixed-lab --sites 5 --daemons frr,gobgp,bird,exabgp --rate 600
UP="${LAB_PREFIX}-up"; CL="${LAB_PREFIX}-cl"
has4() { ip -n "$UP" route show 203.0.113.0/24 | grep -E "via 198\.51\.100\.$((4 * $1 + 2))( |$)" >/dev/null; }
has6() { ip -n "$UP" -6 route show 2001:db8:53::/48 | grep -E "via $(printf '2001:db8:ff%02x::2' "$1")( |$)" >/dev/null; }
both() { has4 "$1" && has6 "$1"; }
neither() { ! has4 "$1" && ! has6 "$1"; }
# from K [v6]: the upstream's BIRD has a route from site K's IPv4 (or IPv6) session, any path.
from_site() {
    if [ "${2:-}" = v6 ]; then birdc -s "$LAB/up/bird.ctl" show route 2001:db8:53::/48 protocol "s$1v6" 2>/dev/null | grep 2001:db8:53 >/dev/null
    else birdc -s "$LAB/up/bird.ctl" show route 203.0.113.0/24 protocol "s$1" 2>/dev/null | grep 203.0.113 >/dev/null; fi
}
# withdrawn K: no route from site K's sessions on either family (not even the de-preferred
# backup path).
withdrawn() { ! from_site "$1" && ! from_site "$1" v6; }
# answered FILE: dnsperf's completed share of what it sent, at least 99.9%.
answered() {
    python3 -c "
import re,sys; t=open('$1').read()
sent=int(re.search(r'Queries sent:\s+(\d+)',t).group(1)); done=int(re.search(r'Queries completed:\s+(\d+)',t).group(1))
print(done, 'of', sent); sys.exit(0 if sent > 0 and done >= 0.999 * sent else 1)"
}

# The agent of site K, from the root namespace (its management link).
agent_url() { echo "http://198.51.100.$((128 + 4 * $1 + 2)):9100"; }
api() { # K PATH [CURL ARGS...]: a call with the operate token; the body in $WORK/api.out, the code printed
    local k=$1 path=$2; shift 2
    curl -s -m 10 -H "Authorization: Bearer $(cat "$LAB/operate.token")" "$@" -o "$WORK/api.out" -w '%{http_code}' "$(agent_url "$k")$path"
}
# svc K PYTHON: the expression holds over site K's status `s` and its first service `d`.
svc() {
    curl -s -m 5 -H "Authorization: Bearer $(cat "$LAB/read.token")" "$(agent_url "$1")/v1/status" |
        python3 -c "import json,sys; s=json.load(sys.stdin); d=s['services'][0]; sys.exit(0 if ($2) else 1)" 2>/dev/null
}
event() { curl -s -m 5 -H "Authorization: Bearer $(cat "$LAB/read.token")" "$(agent_url "$1")/v1/events?since=0" | grep "$2" >/dev/null; }
lab_daemon() { bash "$ROOT/scripts/lab/lab" daemon "$1" "$2" --dir "$LAB"; }
# path_attrs K: what the upstream has from site K, both families, attributes included.
path_attrs() {
    birdc -s "$LAB/up/bird.ctl" show route all 203.0.113.0/24 protocol "s$1" 2>/dev/null | tr -d '\t'
    birdc -s "$LAB/up/bird.ctl" show route all 2001:db8:53::/48 protocol "s$1v6" 2>/dev/null | tr -d '\t'
}
# depreferred K: both of site K's routes at the upstream carry the three prepends and 65535:0.
depreferred() {
    local a; a="$(path_attrs "$1")"
    [ "$(grep -c 'BGP.as_path: 65100 65100 65100 65100$' <<<"$a")" = 2 ] && [ "$(grep -c '(65535,0)' <<<"$a")" = 2 ]
}
# plain K: both routes at the upstream, without the de-prefer attributes.
plain() {
    local a; a="$(path_attrs "$1")"
    [ "$(grep -c 'BGP.as_path: 65100$' <<<"$a")" = 2 ] && ! grep -q '(65535,0)' <<<"$a"
}
# by_hand K DAEMON: site K's IPv4 route announced through its daemon's own CLI, behind the
# agent's back; HAND says how.
by_hand() {
    local k=$1 ns="$LAB_PREFIX-s$1" d="$LAB/s$1"
    case "$2" in
        bird) HAND="birdc enable anycast4"; birdc -s "$d/bird.ctl" enable anycast4 ;;
        frr) HAND="vtysh network 203.0.113.0/24"
            vtysh -N "$ns" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'network 203.0.113.0/24' ;;
        gobgp) HAND="gobgp global rib add"; ip netns exec "$ns" gobgp -u 127.0.0.1 -p 50051 global rib add -a ipv4 203.0.113.0/24 ;;
        exabgp) HAND="exabgpcli announce route"
            timeout 10 exabgpcli --root "$d/exabgp" --env "$d/exabgp/exabgp.env" announce route 203.0.113.0/24 next-hop self ;;
    esac
}
agent_healthy() { curl -sf -m 1 -o /dev/null "$(agent_url "$1")/healthz"; }
# The checks of each site's round, each a command `check` runs (K is the site).
drift_undone() { wait_until 7 not from_site "$1" && withdrawn "$1" && event "$1" drift_corrected; }
daemon_restarted() { lab_daemon "$1" kill && lab_daemon "$1" start; }
drain_held() { withdrawn "$1" && svc "$1" "d['desired']=='drain' and d['observed']=='withdrawn'"; }
# answer_was EXPECTED CODE: the last API call answered EXPECTED (CODE is what `api` printed).
answer_was() { [ "$2" = "$1" ] || { echo "HTTP $2: $(cat "$WORK/api.out")"; return 1; }; }
shows_depreferred() { wait_until 10 depreferred "$1" || { path_attrs "$1"; return 1; }; }
shows_plain() { wait_until 10 plain "$1" || { path_attrs "$1"; return 1; }; }
said_depreferred() {
    svc "$1" "d['drain']['stage']=='deprefer' and d['depreferred']==True and d['observed']=='announced'" && event "$1" 'de-prefer verified'
}
back_and_held() {
    wait_until 12 svc "$1" "not [e for e in s['errors'] if e['source']=='routes'] and d['observed']=='withdrawn' and d['desired']=='drain'" &&
        sleep 6 && withdrawn "$1"
}

# status_names_all: lab status shows every daemon with both sessions Established and both next hops.
status_names_all() {
    bash "$ROOT/scripts/lab/lab" status --dir "$LAB" >"$WORK/status.out" 2>&1
    local d
    for d in frr gobgp bird exabgp; do
        grep -Eq "^s[0-9] +\([a-z]+\) +$d +ipv4: bgp=\"Established\" +nexthop=yes +ipv6: bgp=\"Established\" +nexthop=yes" "$WORK/status.out" || return 1
    done
}
status_or_show() { wait_until 15 status_names_all || { cat "$WORK/status.out"; return 1; }; }
check "lab status names each site's daemon and both families, Established" status_or_show
check "the upstream spreads both prefixes over the 5 sites (ECMP on each family)" bash -c "
    [ \$(ip -n $UP route show 203.0.113.0/24 | grep -c 'via 198.51.100') = 5 ] && [ \$(ip -n $UP -6 route show 2001:db8:53::/48 | grep -c 'via 2001:db8:ff') = 5 ]"

$T new-session -d -s dash -x 160 -y 48 "$BIN/anycast-dash --fleet '$LAB/fleet.toml' --operator mixed 2>'$WORK/dash.err'"
check "the dashboard shows the 5 sites ACTIVE" wait_for dash "5 sites: 5 active" 30

for site in 1:frr 2:gobgp 3:bird 4:exabgp; do
    k=${site%%:*}; daemon=${site#*:}
    wait_for dash "5 sites: 5 active" 30 >/dev/null
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

    # Drift: re-announced by hand through the daemon's own CLI; the agent withdraws it again
    # within its reconcile interval (5 s in the lab). The agent is paused while the route is
    # announced: running, it can take the route back before the upstream has shown it.
    kill -STOP "$(cat "$LAB/s$k/agent.pid")"
    by_hand "$k" "$daemon" >"$WORK/hand.out" 2>&1
    check "$daemon: drift: the route announced by hand ($HAND) reaches the upstream" wait_until 5 from_site "$k"
    kill -CONT "$(cat "$LAB/s$k/agent.pid")"
    check "$daemon: drift: ... and is withdrawn again within the reconcile interval, with a drift event" drift_undone "$k"

    # The daemon killed and restarted, then the agent: the drain still holds.
    check "$daemon: killed (SIGKILL) and started again, both sessions back" daemon_restarted "$k"
    # (BIRD's config enables its static routes, so a restarted BIRD announces them until the
    # agent's next reconcile; the others start with none.) How long, seen from the upstream:
    seen=""; last=""; t0=$(date +%s%N)
    for _ in $(seq 1 100); do
        if from_site "$k"; then last=$(( ($(date +%s%N) - t0) / 1000000 )); seen=${seen:-$last}; fi
        sleep 0.1
    done
    if [ -n "$seen" ]; then
        echo "       $daemon (s$k): after its restart the route was at the upstream from $seen ms to $last ms (the agent's reconcile took it back)"
    else
        echo "       $daemon (s$k): after its restart the route never reached the upstream"
    fi
    # The agent's next refresh, not its 5 s reconcile interval, puts the drain back.
    check "$daemon: restarted: whatever the daemon announced on its own was gone within 2 s" test "${last:-0}" -le 2000
    check "$daemon: restarted: the drain holds (nothing from s$k at the upstream a reconcile interval later)" withdrawn "$k"
    kill -9 "$(cat "$LAB/s$k/agent.pid")"
    sleep 0.5
    bash "$LAB/s$k/start-agent.sh"
    check "$daemon: the agent killed (SIGKILL) and started again" wait_until 10 agent_healthy "$k"
    sleep 6
    check "$daemon: agent restarted: the drain holds, desired drain, withdrawn" drain_held "$k"

    keys dash u Enter; typed dash "s$k"; keys dash Enter
    check "$daemon: undrain from the keys brings both routes back" wait_until 15 both "$k"
    check "$daemon: ACTIVE and verified again" wait_for dash "ACTIVE +verified" 30
    keys dash Escape

    # A staged drain through the agent's API, held at the de-prefer step.
    code=$(api "$k" /v1/drain -X POST -d '{"service":"dns","reason":"CHG-9 staged","operator":"mixed","stage":"deprefer"}')
    check "$daemon: staged: de-prefer answered 200" answer_was 200 "$code"
    check "$daemon: staged: de-prefer keeps both routes at the upstream, with 3 prepends and 65535:0" shows_depreferred "$k"
    check "$daemon: staged: the agent says de-preferred and verified" wait_until 10 said_depreferred "$k"
    code=$(api "$k" /v1/drain -X POST -d '{"service":"dns","reason":"CHG-9 staged","operator":"mixed","stage":"withdraw"}')
    check "$daemon: staged: withdraw answered 200" answer_was 200 "$code"
    check "$daemon: staged: withdraw then takes both routes away" wait_until 10 withdrawn "$k"
    code=$(api "$k" /v1/undrain -X POST -d '{"service":"dns","operator":"mixed"}')
    check "$daemon: staged: undrain answered 200" answer_was 200 "$code"
    check "$daemon: staged: undrain announces both again, without the attributes" shows_plain "$k"

    # The daemon stopped: the failure is data; a drain is recorded (503) and applied on return.
    lab_daemon "$k" stop >"$WORK/stop.out" 2>&1
    check "$daemon: stopped: the status carries the error and observed unknown" wait_until 10 svc "$k" "[e for e in s['errors'] if e['source']=='routes'] and d['observed']=='unknown'"
    code=$(api "$k" /v1/drain -X POST -d '{"service":"dns","reason":"while the daemon is down","operator":"mixed","stage":"withdraw"}')
    check "$daemon: stopped: a drain answers 503 and says it is recorded" bash -c "[ '$code' = 503 ] && grep -q recorded '$WORK/api.out' || { echo $code; cat '$WORK/api.out'; exit 1; }"
    lab_daemon "$k" start >"$WORK/start.out" 2>&1
    check "$daemon: back: the agent reads it again, and the drain recorded while it was down holds" back_and_held "$k"
    code=$(api "$k" /v1/undrain -X POST -d '{"service":"dns","operator":"mixed"}')
    check "$daemon: back: undrain answered 200" answer_was 200 "$code"
    check "$daemon: back: undrain announces both again" wait_until 10 both "$k"
done
check "no agent crashed on the way (no crash report in any agent's log)" bash -c "! grep -l 'Program crashed' '$LAB'/s*/agent.log"
keys dash q
summary "mixed-lab"
