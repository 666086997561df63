#!/usr/bin/env bash
# End to end on a real (virtual) anycast network: scripts/lab/lab with 3 sites (BIRD, Unbound,
# anycast-agent each; an upstream BIRD spreading dnsperf's load over them with ECMP), driven
# through the real dashboard under tmux and checked from the network itself: the upstream's
# kernel route, Unbound's counters, dnsperf's answers. Needs root.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

export LAB_PREFIX="ace$$"

# A lab left behind by a run that was killed keeps its management links in the root namespace,
# with the addresses every lab uses, and the kernel would send the next lab's requests there.
# lab up refuses while such a lab still runs, and takes it down once nothing runs in it.
STALE="stl$$"
if LAB_PREFIX=$STALE bash "$ROOT/scripts/lab/lab" up --sites 1 --rate 10 --dir "$WORK/stale" --bin "$BIN" >"$WORK/stale.out" 2>&1; then
    check "lab up refuses while another lab runs, and names it" bash -c "
        ! bash '$ROOT/scripts/lab/lab' up --sites 1 --dir '$WORK/other' --bin '$BIN' >'$WORK/other.out' 2>&1 &&
        grep -q 'another lab (prefix $STALE) is up' '$WORK/other.out' || { cat '$WORK/other.out'; exit 1; }"
    # Killed as the end of a session kills them: every process, and nothing taken down.
    for ns in $(ip netns list | awk '{print $1}' | grep "^$STALE-"); do ip netns pids "$ns" | xargs -r kill -9; done
else
    check "a lab to leave behind comes up" bash -c "tail -20 '$WORK/stale.out'; false"
fi
lab_with_dashboard lab-e2e --sites 3 --rate 1500
check "the next lab up takes down the lab left behind" grep -q "taking down a lab left behind by a run that was killed (prefix $STALE" "$WORK/up.out"
check "... its namespaces and management links are gone" bash -c "! ip netns list | grep -q '^$STALE-' && ! ip -o link show | grep -q ': $STALE-m'"
source "$LAB/lab.env" 2>/dev/null || true
UP="${LAB_PREFIX}-up"; CL="${LAB_PREFIX}-cl"
READ=$(cat "$LAB/read.token"); OPERATE=$(cat "$LAB/operate.token")
agent() { echo "http://198.51.100.$((128 + 4 * $1 + 2)):9100"; }
link() { echo "198.51.100.$((4 * $1 + 2))"; }
has_nexthop() { ip -n "$UP" route show 203.0.113.0/24 | grep -E "via $(link "$1")( |$)" >/dev/null; }
has_nexthop6() { ip -n "$UP" -6 route show 2001:db8:53::/48 | grep -E "via $(printf '2001:db8:ff%02x::2' "$1")( |$)" >/dev/null; }
queries() { unbound-control -c "$LAB/s$1/unbound.conf" stats_noreset 2>/dev/null | sed -n 's/^total\.num\.queries=//p'; }
# grows K SECONDS: site K's unbound answered more than 50 queries in SECONDS (the agent's own
# probe adds one a second).
grows() { local a b; a=$(queries "$1"); sleep "$2"; b=$(queries "$1"); [ $((b - a)) -gt 50 ]; }
# steady K: site K's counter grows by at most the probe's few queries over 2 s.
steady() { local a b; a=$(queries "$1"); sleep 2; b=$(queries "$1"); [ $((b - a)) -le 5 ]; }
dash() { "$BIN/anycast-dash" "$@" --fleet "$LAB/fleet.toml"; }

$T new-session -d -s dash -x 160 -y 48 "$BIN/anycast-dash --fleet '$LAB/fleet.toml' --operator e2e 2>'$WORK/dash.err'"
check "the dashboard shows the 3 lab sites ACTIVE" wait_for dash "3 sites: 3 active" 20
check "every site: BGP Established at its agent and taking queries" bash -c "
    for k in 1 2 3; do curl -s -H 'Authorization: Bearer $READ' http://198.51.100.\$((128 + 4 * k + 2)):9100/v1/status |
      python3 -c 'import json,sys; s=json.load(sys.stdin); assert s[\"peers\"][0][\"state\"]==\"established\" and s[\"traffic\"][\"qps\"] > 0, s' || exit 1; done"
check "the upstream spreads the prefix over 3 next hops (ECMP)" bash -c "[ \$(ip -n $UP route show 203.0.113.0/24 | grep -c 'via 198.51.100') = 3 ]"
check "... and the IPv6 prefix over 3 as well" bash -c "[ \$(ip -n $UP -6 route show 2001:db8:53::/48 | grep -c 'via 2001:db8:ff') = 3 ]"

# Drain s1 through the keys, with a reason; a dnsperf run of its own across the drain. The
# lab's services have a de-prefer step, so this drain is staged: s1's next hop leaves the
# upstream's multipath route at the de-prefer step already (the prepended path is longer, so
# it is no longer one of the equal best paths), and the withdraw follows a few seconds later
# (DRAINED below); scripts/acceptance/staged-drain.sh checks each step.
ip netns exec "$CL" dnsperf -s 203.0.113.53 -d "$LAB/cl/queries.txt" -l 12 -Q 1000 -c 30 >"$WORK/dnsperf-drain.out" 2>&1 &
PERF=$!
sleep 1
keys dash / ; typed dash "s1"; keys dash Enter
keys dash d
check "the drain dialog opens with the impact preview and the budget" wait_for dash "Drain s1 .*Lab site 1" 5
typed dash "e2e: lab drain"; keys dash Enter; typed dash "s1"; keys dash Enter
T0=$(date +%s%N)
wait_until 3 not has_nexthop 1
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
echo "       drain through the keys: s1's next hop left the upstream's route after $MS ms (from the confirming Enter; de-prefer step)"
check "within 2 s the upstream's route has no next hop via s1" test "$MS" -lt 2000
check "... and the IPv6 route has none either (the lab is dual-stack)" wait_until 3 not has_nexthop6 1
check "within 10 s s1's unbound stops taking queries" wait_until 10 steady 1
check "... while s2 and s3 carry the load" bash -c "$(declare -f queries grows); LAB='$LAB'; grows 2 2 && grows 3 2"
check "the panel shows DRAINED, verified, with the reason" wait_for dash "DRAINED +verified" 30
check "... and the reason" wait_for dash "e2e: lab drain" 5
wait "$PERF"
check "dnsperf across the drain: at least 99% answered" python3 -c "
import re,sys; t=open('$WORK/dnsperf-drain.out').read()
sent=int(re.search(r'Queries sent:\s+(\d+)',t).group(1)); done=int(re.search(r'Queries completed:\s+(\d+)',t).group(1))
print(done, 'of', sent); sys.exit(0 if done >= 0.99 * sent else 1)"

# Undrain through the keys.
keys dash u Enter; typed dash "s1"; keys dash Enter
check "undrain: s1's next hop is back" wait_until 5 has_nexthop 1
check "undrain: ... on IPv6 too" wait_until 5 has_nexthop6 1
check "undrain: s1 takes traffic again" wait_until 15 grows 1 2
check "undrain: ACTIVE and verified" wait_for dash "ACTIVE +verified" 30
keys dash Escape

# The command line does the same.
dash drain s2 --reason "e2e: runbook drain" --yes --operator runbook >"$WORK/cli.out" 2>&1
check "anycast-dash drain s2 exits 0 once withdrawn" bash -c "[ $? = 0 ] || { cat '$WORK/cli.out'; exit 1; }"
check "... and s2's next hop is gone" not has_nexthop 2
# With min_active_sites = 2, a second drain is refused.
dash drain s3 --reason "one too many" --yes >"$WORK/cli2.out" 2>&1
check "draining a second site is refused by the budget (exit 3)" bash -c "[ $? = 3 ] && grep -q 'refused by the disruption budget' '$WORK/cli2.out'"
check "... and s3 keeps its next hop" has_nexthop 3
dash undrain s2 --yes >"$WORK/cli3.out" 2>&1
check "anycast-dash undrain s2 exits 0 and the next hop is back" bash -c "[ $? = 0 ] && ip -n $UP route show 203.0.113.0/24 | grep -q 'via $(link 2)'"

# Monitor mode cannot drain, and the agents refuse its read token.
$T new-session -d -s mon -x 120 -y 40 "$BIN/anycast-dash --fleet '$LAB/fleet.toml' --monitor"
check "monitor: the badge" wait_for mon " MONITOR " 20
keys mon d
check "monitor: d only says read-only" wait_for mon "read-only" 3
check "monitor: s1 still has its next hop" has_nexthop 1
check "the agent answers 403 to a drain with the read token" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer $READ' -X POST -d '{\"service\":\"dns\",\"reason\":\"r\",\"operator\":\"o\"}' $(agent 1)/v1/drain) = 403 ]"
keys mon q

# kill -9 an agent: UNREACHABLE, routes untouched, the others fresh; restarted: fresh again.
# (s2: the region eu has two sites, so the budget allows draining one of them.)
wait_for dash "3 sites: 3 active" 20 >/dev/null
dash drain s2 --reason "e2e: before the crash" --yes >"$WORK/cli4.out" 2>&1
check "anycast-dash drain s2 (before the crash) exits 0" bash -c "[ $? = 0 ] || { cat '$WORK/cli4.out'; exit 1; }"
AGENT2=$(cat "$LAB/s2/agent.pid")
kill -9 "$AGENT2"
check "kill -9 s2's agent: its panel shows UNREACHABLE" wait_for dash "UNREACHABLE" 20
check "... the others stay fresh (s1 and s3 ACTIVE)" bash -c "[ \$($T capture-pane -t dash -p | grep -c 'ACTIVE') -ge 2 ]"
check "... and the routes are untouched (s2 stays withdrawn, s1 and s3 announced)" bash -c "$(declare -f has_nexthop link); UP=$UP; ! has_nexthop 2 && has_nexthop 1 && has_nexthop 3"
setsid ip netns exec "${LAB_PREFIX}-s2" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$LAB/s2/agent.pid" \
    "$BIN/anycast-agent" run --config "$LAB/s2/agent.toml" --log-level info </dev/null >>"$LAB/s2/agent.log" 2>&1 &
check "restarted: s2 is fresh again and still DRAINED" wait_for dash "3 sites: 2 active · 1 drained" 40
check "... still withdrawn at the upstream" not has_nexthop 2
dash undrain s2 --yes >/dev/null 2>&1
check "undrained after the restart: s2's next hop is back" wait_until 5 has_nexthop 2

# Unbound stops at a site whose service has auto_withdraw: withdrawn, AUTO-WITHDRAWN; back.
UNBOUND3=$(cat "$LAB/s3/unbound.pid")
kill "$UNBOUND3"
check "unbound stopped at s3: withdrawn automatically at the upstream" wait_until 10 not has_nexthop 3
check "... and shown AUTO-WITHDRAWN" wait_for dash "AUTO-WITHDRAWN" 10
ip netns exec "${LAB_PREFIX}-s3" unbound -c "$LAB/s3/unbound.conf" >>"$LAB/s3/unbound.log" 2>&1
check "unbound back at s3: announced again" wait_until 15 has_nexthop 3
check "... and ACTIVE" wait_for dash "3 sites: 3 active" 20
keys dash q
summary "lab-e2e"
