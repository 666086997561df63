#!/usr/bin/env bash
# The site agent against FRR's bgpd: an upstream BIRD and a site bgpd in two network
# namespaces with an IPv4 and an IPv6 session (scripts/lab/frr-pair.sh), the agent beside bgpd,
# driving it through vtysh. Announce on start, drain and undrain through the HTTP API (both
# families, watched at the upstream), the staged drain's attributes at the upstream, a network
# statement re-added by hand and undone, bgpd and the agent killed and restarted, bgpd
# stopped. Prints the drain latency beside vtysh doing the same by hand (BENCHMARKS.md).
# Needs root, frr, bird2 and iproute2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

for tool in bird birdc vtysh ip curl python3; do
    command -v $tool >/dev/null || { echo "FAIL - $tool is missing: apt-get install frr bird2 iproute2 curl python3"; FAILED=1; summary frr-agent; exit 1; }
done
[ -x /usr/lib/frr/bgpd ] || { echo "FAIL - /usr/lib/frr/bgpd is missing: apt-get install frr"; FAILED=1; summary frr-agent; exit 1; }
export LAB_PREFIX="acf$$"
NS_S1="$LAB_PREFIX-s1"
LAB=$WORK/lab
mkdir -p "$LAB"
trap 'bash "$ROOT/scripts/lab/frr-pair.sh" down "$LAB" >/dev/null 2>&1 || true; cleanup' EXIT
if ! bash "$ROOT/scripts/lab/frr-pair.sh" up "$LAB" >"$WORK/lab.out" 2>&1; then
    echo "FAIL - the FRR lab did not come up"; sed 's/^/       /' "$WORK/lab.out" | tail -20
    FAILED=1; summary frr-agent; exit 1
fi
UP_CTL=$LAB/up.ctl
V=(vtysh -N "$NS_S1")

PORT=$(free_port_range 1)
STATE=$WORK/state
URL=http://127.0.0.1:$PORT
cat >"$WORK/agent.toml" <<TOML
[site]
id = "s1"
name = "Lab site 1"
region = "eu"
[listen]
address = "127.0.0.1"
port = $PORT
[[token]]
name = "noc-read"
scope = "read"
value = "read-secret"
[[token]]
name = "noc-operate"
scope = "operate"
value = "operate-secret"
[state]
dir = "$STATE"
reconcile_interval = "2s"
[router]
kind = "frr"
[frr]
pathspace = "$NS_S1"
[[service]]
name = "dns"
prefixes = ["203.0.113.0/24", "2001:db8:53::/48"]
[service.deprefer]
prepend = 3
med = 500
graceful_shutdown = true
stage_timeout = "10m"
TOML

O=(-H "Authorization: Bearer operate-secret")
AGENT=""
# up_has PREFIX: the upstream has the site's route (from session s1 or s1v6).
up_has() { birdc -s "$UP_CTL" show route "$1" 2>/dev/null | grep -Eq '\[s1(v6)? '; }
both_up() { up_has 203.0.113.0/24 && up_has 2001:db8:53::/48; }
both_gone() { ! up_has 203.0.113.0/24 && ! up_has 2001:db8:53::/48; }
# (Functions exported for `bash -c`, so no arrays in them: arrays are not exported.)
# svc PYTHON: the expression holds over the status's first service `d` and the status `s`.
svc() { curl -s -H "Authorization: Bearer read-secret" "$URL/v1/status" | python3 -c "import json,sys; s=json.load(sys.stdin); d=s['services'][0]; sys.exit(0 if ($1) else 1)" 2>/dev/null; }
event() { curl -s -H "Authorization: Bearer read-secret" "$URL/v1/events?since=0" | grep -q "$1"; }
drain() { curl -s "${O[@]}" -X POST -d "$1" "$URL/v1/drain" -o "$WORK/drain.out" -w '%{http_code}'; }
undrain() { curl -s "${O[@]}" -X POST -d '{"service":"dns","operator":"alice"}' "$URL/v1/undrain" -o "$WORK/undrain.out" -w '%{http_code}'; }
export -f up_has both_up both_gone svc event
export UP_CTL URL

check "check-config names FRR and its pathspace, and finds its router bgp" bash -c "'$BIN/anycast-agent' check-config '$WORK/agent.toml' >'$WORK/cc.out' 2>&1 && grep -q 'kind = \"frr\"' '$WORK/cc.out' && grep -q 'pathspace = \"$NS_S1\"' '$WORK/cc.out' && ! grep -q note: '$WORK/cc.out' || { cat '$WORK/cc.out'; exit 1; }"

# bgpd starts with no network statements: the agent announces.
check "the agent starts" start_agent "$WORK/agent.toml" "$URL"
check "the agent announces both prefixes on start (bgpd's config has none)" wait_until 10 both_up
check "status: both sessions Established, daemon frr, announced to both peers" wait_until 10 svc "s['agent']['daemons']==['frr'] and s['agent']['router']=='frr' and [p['state'] for p in s['peers']]==['established']*2 and d['observed']=='announced' and len(d['peers'])==2"

# Drain, withdrawing at once: API call → both routes gone at the upstream.
T0=$(date +%s%N)
code=$(drain '{"service":"dns","reason":"CHG-7 frr drain","operator":"alice","stage":"withdraw"}')
wait_until 5 both_gone
DRAIN_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
echo "       drain: both routes left the upstream $DRAIN_MS ms after the API call (HTTP $code)"
check "drain: both the IPv4 and the IPv6 route leave the upstream within 2 s" bash -c "[ '$code' = 200 ] && both_gone && [ $DRAIN_MS -lt 2000 ]"
check "drain: the sessions stay up" bash -c "${V[*]} -c 'show bgp ipv4 unicast summary json' | grep -q Established && ${V[*]} -c 'show bgp ipv6 unicast summary json' | grep -q Established"
check "drain: bgpd has no network statements for the service" bash -c "! ${V[*]} -c 'show running-config bgpd' | grep -Eq 'network (203.0.113.0/24|2001:db8:53::/48)'"
check "drain: status withdrawn from both peers, with the record, and verified" wait_until 10 bash -c "svc \"d['observed']=='withdrawn' and d['desired']=='drain' and d['drain']['operator']=='alice' and all(p['observed']=='withdrawn' for p in d['peers'])\" && event drain_verified"

# Drift: someone re-announces by hand through vtysh; the agent undoes it.
"${V[@]}" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'network 203.0.113.0/24' >/dev/null
check "drift: a network statement added by hand reaches the upstream" wait_until 3 up_has 203.0.113.0/24
check "drift: ... and is gone within the reconcile interval (2 s), with a drift event" bash -c "wait_until() { local end=\$(( \$(date +%s%N) + \$1 * 1000000000 )); shift; while [ \$(date +%s%N) -lt \$end ]; do \"\$@\" && return 0; sleep 0.05; done; return 1; }; wait_until 4 both_gone && event drift_corrected"

# bgpd killed with SIGKILL and started again: the drain still holds.
kill -9 "$(cat "/var/run/frr/$NS_S1/bgpd.pid")"
check "bgpd killed (SIGKILL) and restarted: the sessions come back" bash "$ROOT/scripts/lab/frr-pair.sh" bgpd "$LAB"
sleep 4
check "bgpd restarted: the drain still holds (no route at the upstream after two reconcile intervals)" both_gone
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "the agent killed (SIGKILL) and restarted" start_agent "$WORK/agent.toml" "$URL"
sleep 4
check "agent restarted: the drain still holds, desired drain" bash -c "both_gone && svc \"d['desired']=='drain' and d['observed']=='withdrawn'\""

# Undrain.
code=$(undrain)
check "undrain: both routes come back" bash -c "[ '$code' = 200 ] && $(declare -f wait_until); wait_until 5 both_up"

# Staged drain, held at the de-prefer step: still announced, with the attributes, on both families.
code=$(drain '{"service":"dns","reason":"CHG-8 staged","operator":"alice","stage":"deprefer"}')
attrs() { birdc -s "$UP_CTL" show route all "$1" 2>/dev/null | tr -d '\t' ; }
depreferred_at_upstream() {
    local p a
    for p in 203.0.113.0/24 2001:db8:53::/48; do
        a="$(attrs "$p")"
        grep -q 'BGP.as_path: 65100 65100 65100 65100$' <<<"$a" && grep -q 'BGP.med: 500' <<<"$a" && grep -q '(65535,0)' <<<"$a" || return 1
    done
}
export -f attrs depreferred_at_upstream
check "staged: de-prefer keeps both routes at the upstream, with 3 prepends, MED 500 and 65535:0" bash -c "[ '$code' = 200 ] && $(declare -f wait_until); wait_until 5 depreferred_at_upstream || { attrs 203.0.113.0/24; attrs 2001:db8:53::/48; exit 1; }"
check "staged: status says de-preferred to every peer, and verified" wait_until 10 bash -c "svc \"d['drain']['stage']=='deprefer' and d['depreferred']==True and d['observed']=='announced'\" && event 'de-prefer verified'"
code=$(drain '{"service":"dns","reason":"CHG-8 staged","operator":"alice","stage":"withdraw"}')
check "staged: withdraw then takes both routes away" bash -c "[ '$code' = 200 ] && $(declare -f wait_until); wait_until 5 both_gone"
code=$(undrain)
check "staged: undrain announces both again, without the attributes" bash -c "[ '$code' = 200 ] && $(declare -f wait_until); wait_until 5 both_up && ! attrs 203.0.113.0/24 | grep -q '(65535,0)' && attrs 203.0.113.0/24 | grep -q 'BGP.as_path: 65100$'"

# bgpd stopped: failure is data; a drain is recorded (503) and applied when bgpd is back.
kill "$(cat "/var/run/frr/$NS_S1/bgpd.pid")"
check "bgpd stopped: status carries the error and observed unknown" wait_until 6 svc "[e for e in s['errors'] if e['source']=='routes' and 'bgpd is not running' in e['message']] and d['observed']=='unknown'"
code=$(drain '{"service":"dns","reason":"while bgpd is down","operator":"bob","stage":"withdraw"}')
check "bgpd stopped: a drain answers 503 and says it is recorded" bash -c "[ '$code' = 503 ] && grep -q recorded '$WORK/drain.out' || { echo $code; cat '$WORK/drain.out'; exit 1; }"
bash "$ROOT/scripts/lab/frr-pair.sh" bgpd "$LAB" >/dev/null 2>&1
check "bgpd back: the agent reads it again, and the drain recorded while it was down holds" bash -c "$(declare -f wait_until); wait_until 10 svc \"not [e for e in s['errors'] if e['source']=='routes'] and d['observed']=='withdrawn' and d['desired']=='drain'\" && sleep 3 && both_gone"
code=$(undrain)
check "bgpd back: undrain announces again" bash -c "[ '$code' = 200 ] && $(declare -f wait_until); wait_until 5 both_up"

# vtysh as the operator would: the same withdrawal by hand, for the comparison.
T0=$(date +%s%N)
"${V[@]}" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'no network 203.0.113.0/24' \
    -c 'exit-address-family' -c 'address-family ipv6 unicast' -c 'no network 2001:db8:53::/48' >/dev/null
wait_until 5 both_gone
echo "       vtysh 'no network' for both prefixes: gone at the upstream after $(( ($(date +%s%N) - T0) / 1000000 )) ms (agent API: $DRAIN_MS ms)"

# A vtysh that is not there: the agent says so.
sed "s|^pathspace = .*|pathspace = \"$NS_S1\"\nvtysh = \"/nonexistent/vtysh\"|" "$WORK/agent.toml" >"$WORK/agent-novtysh.toml"
sed -i "s|^port = $PORT|port = $((PORT))|" "$WORK/agent-novtysh.toml"
kill "$AGENT"; wait "$AGENT" 2>/dev/null
check "vtysh missing: the agent starts and says vtysh is not installed" bash -c "$(declare -f start_agent); BIN='$BIN' WORK='$WORK'; CLEANUP=(); start_agent '$WORK/agent-novtysh.toml' '$URL' && $(declare -f wait_until); wait_until 5 svc \"[e for e in s['errors'] if e['source']=='routes' and '/nonexistent/vtysh is not installed' in e['message']] and d['observed']=='unknown'\"; rc=\$?; kill \$AGENT; exit \$rc"

summary frr-agent
