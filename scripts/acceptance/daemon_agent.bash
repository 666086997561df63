# The body of frr-agent.sh, gobgp-agent.sh and exabgp-agent.sh (DAEMON = frr, gobgp or exabgp;
# sourced, not run): the
# site agent against a routing daemon other than BIRD. An upstream BIRD and the site's daemon
# in two network namespaces with an IPv4 and an IPv6 session (scripts/lab/daemon-pair.sh);
# the agent in the site's namespace beside the daemon. Announce on start, drain and undrain
# through the HTTP API (both families, watched at the upstream), the staged drain's
# attributes at the upstream, a route re-announced by hand through the daemon's own CLI and
# undone, the daemon and the agent killed and restarted, the daemon stopped, its CLI missing,
# and its way in not permitted (the agent run as nobody; FRR and ExaBGP).
# Prints the drain latency beside the daemon's own CLI doing the same (BENCHMARKS.md).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
NAME="$DAEMON-agent"

case "$DAEMON" in
    frr) TOOLS=(vtysh /usr/lib/frr/bgpd); PACKAGE=frr; PROC=bgpd ;;
    gobgp) TOOLS=(gobgp gobgpd); PACKAGE=gobgpd; PROC=gobgpd ;;
    exabgp) TOOLS=(exabgp exabgpcli); PACKAGE=exabgp; PROC=exabgp ;;
esac
for tool in bird birdc ip curl python3 "${TOOLS[@]}"; do
    command -v "$tool" >/dev/null || { echo "FAIL - $tool is missing: apt-get install $PACKAGE bird2 iproute2 curl python3"; FAILED=1; summary "$NAME"; exit 1; }
done
export LAB_PREFIX="a${DAEMON:0:2}$$"
NS_S1="$LAB_PREFIX-s1"
LAB=$WORK/lab
PAIR="$ROOT/scripts/lab/daemon-pair.sh"
mkdir -p "$LAB"
trap 'bash "$PAIR" "$DAEMON" down "$LAB" >/dev/null 2>&1 || true; cleanup' EXIT
if ! bash "$PAIR" "$DAEMON" up "$LAB" >"$WORK/lab.out" 2>&1; then
    echo "FAIL - the $DAEMON lab did not come up"; sed 's/^/       /' "$WORK/lab.out" | tail -20
    FAILED=1; summary "$NAME"; exit 1
fi
UP_CTL=$LAB/up.ctl
IN=(ip netns exec "$NS_S1")

# The daemon's own CLI: re-announce one prefix by hand, withdraw both, what it holds.
case "$DAEMON" in
    frr)
        ROUTER_TABLE="[frr]
pathspace = \"$NS_S1\""
        reannounce_by_hand() { vtysh -N "$NS_S1" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'network 203.0.113.0/24' >/dev/null; }
        withdraw_by_hand() {
            vtysh -N "$NS_S1" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'no network 203.0.113.0/24' \
                -c 'exit-address-family' -c 'address-family ipv6 unicast' -c 'no network 2001:db8:53::/48' >/dev/null
        }
        holds_none() { ! vtysh -N "$NS_S1" -c 'show running-config bgpd' | grep -E 'network (203.0.113.0/24|2001:db8:53::/48)' >/dev/null; }
        CLI_WORDS="vtysh 'no network'"
        DOWN_WORDS="bgpd is not running"
        MISSING_LINE='vtysh = "/nonexistent/vtysh"'
        MISSING_WORDS="/nonexistent/vtysh is not installed"
        ;;
    gobgp)
        ROUTER_TABLE="[gobgp]
api = \"127.0.0.1:50051\""
        G=(gobgp -u 127.0.0.1 -p 50051)
        reannounce_by_hand() { "${IN[@]}" "${G[@]}" global rib add -a ipv4 203.0.113.0/24 >/dev/null; }
        withdraw_by_hand() { "${IN[@]}" "${G[@]}" global rib del -a ipv4 203.0.113.0/24 && "${IN[@]}" "${G[@]}" global rib del -a ipv6 2001:db8:53::/48; }
        holds_none() { [ "$("${IN[@]}" "${G[@]}" global rib -a ipv4 -j)" = "{}" ] && [ "$("${IN[@]}" "${G[@]}" global rib -a ipv6 -j)" = "{}" ]; }
        CLI_WORDS="gobgp 'global rib del'"
        DOWN_WORDS="gobgpd is not running"
        MISSING_LINE='cli = "/nonexistent/gobgp"'
        MISSING_WORDS="/nonexistent/gobgp is not installed"
        ;;
    exabgp)
        ROUTER_TABLE="[exabgp]
pipe = \"$LAB/exabgp/run/exabgp\""
        X=(timeout 10 exabgpcli --root "$LAB/exabgp" --env "$LAB/exabgp/exabgp.env")
        reannounce_by_hand() { "${X[@]}" announce route 203.0.113.0/24 next-hop self >/dev/null; }
        withdraw_by_hand() { "${X[@]}" withdraw route 203.0.113.0/24 next-hop self && "${X[@]}" withdraw route 2001:db8:53::/48 next-hop self; }
        holds_none() { [ -z "$("${X[@]}" show adj-rib out)" ]; }
        CLI_WORDS="exabgpcli 'withdraw route'"
        DOWN_WORDS="ExaBGP is not running"
        MISSING_LINE='pipe = "/nonexistent/exabgp"'
        MISSING_WORDS="/nonexistent/exabgp.out: No such file or directory"
        ;;
esac

PORT=$(free_port_range 1)
STATE=$WORK/state
URL=http://127.0.0.1:$PORT
write_config() { # FILE [EXTRA LINE FOR THE DAEMON'S TABLE]
    site_agent_head "$1" "$PORT" "$STATE" 2s
    cat >>"$1" <<TOML
[router]
kind = "$DAEMON"
$ROUTER_TABLE
${2:-}
[[service]]
name = "dns"
prefixes = ["203.0.113.0/24", "2001:db8:53::/48"]
[service.deprefer]
prepend = 3
med = 500
graceful_shutdown = true
stage_timeout = "10m"
TOML
}
write_config "$WORK/agent.toml"

AGENT=""
# The agent runs in the site's namespace (gobgpd's API is on its loopback); so do its calls.
export AGENT_NETNS="$NS_S1"
# (Functions exported for `bash -c`, so no arrays in them: arrays are not exported.)
api() { ip netns exec "$NS_S1" curl -s "$@"; }
# up_has PREFIX: the upstream has the site's route (from session s1 or s1v6).
up_has() { birdc -s "$UP_CTL" show route "$1" 2>/dev/null | grep -E '\[s1(v6)? ' >/dev/null; }
both_up() { up_has 203.0.113.0/24 && up_has 2001:db8:53::/48; }
both_gone() { ! up_has 203.0.113.0/24 && ! up_has 2001:db8:53::/48; }
# svc PYTHON: the expression holds over the status's first service `d` and the status `s`.
svc() { api -H "Authorization: Bearer read-secret" "$URL/v1/status" | python3 -c "import json,sys; s=json.load(sys.stdin); d=s['services'][0]; sys.exit(0 if ($1) else 1)" 2>/dev/null; }
event() { api -H "Authorization: Bearer read-secret" "$URL/v1/events?since=0" | grep "$1" >/dev/null; }
drain() { api -H "Authorization: Bearer operate-secret" -X POST -d "$1" "$URL/v1/drain" -o "$WORK/drain.out" -w '%{http_code}'; }
undrain() { api -H "Authorization: Bearer operate-secret" -X POST -d '{"service":"dns","operator":"alice"}' "$URL/v1/undrain" -o "$WORK/undrain.out" -w '%{http_code}'; }
attrs() { birdc -s "$UP_CTL" show route all "$1" 2>/dev/null | tr -d '\t'; }
depreferred_at_upstream() {
    local p a
    for p in 203.0.113.0/24 2001:db8:53::/48; do
        a="$(attrs "$p")"
        grep -q 'BGP.as_path: 65100 65100 65100 65100$' <<<"$a" && grep -q 'BGP.med: 500' <<<"$a" && grep -q '(65535,0)' <<<"$a" || return 1
    done
}
export -f api up_has both_up both_gone svc event attrs depreferred_at_upstream wait_until not
export UP_CTL URL NS_S1
site_pid() { bash "$PAIR" "$DAEMON" pid "$LAB"; }

check "check-config names $DAEMON and finds it answering" bash -c "ip netns exec $NS_S1 '$BIN/anycast-agent' check-config '$WORK/agent.toml' >'$WORK/cc.out' 2>&1 && grep -q 'kind = \"$DAEMON\"' '$WORK/cc.out' && ! grep -q note: '$WORK/cc.out' || { cat '$WORK/cc.out'; exit 1; }"

# The daemon starts with no routes: the agent announces.
check "the agent starts" start_agent "$WORK/agent.toml" "$URL"
check "the agent announces both prefixes on start (the daemon's config has none)" wait_until 10 both_up
check "status: both sessions Established, router $DAEMON, announced to both peers" wait_until 10 svc "s['agent']['router']=='$DAEMON' and [p['state'] for p in s['peers']]==['established']*2 and d['observed']=='announced' and len(d['peers'])==2"

# Drain, withdrawing at once: API call → both routes gone at the upstream.
T0=$(date +%s%N)
code=$(drain '{"service":"dns","reason":"CHG-7 drain","operator":"alice","stage":"withdraw"}')
wait_until 5 both_gone
DRAIN_MS=$(( ($(date +%s%N) - T0) / 1000000 ))
echo "       drain: both routes left the upstream $DRAIN_MS ms after the API call (HTTP $code)"
check "drain: both the IPv4 and the IPv6 route leave the upstream within 2 s" bash -c "[ '$code' = 200 ] && both_gone && [ $DRAIN_MS -lt 2000 ]"
check "drain: the sessions stay up" bash -c "birdc -s '$UP_CTL' show protocols | grep -Eq '^s1 .*Established' && birdc -s '$UP_CTL' show protocols | grep -Eq '^s1v6 .*Established'"
check "drain: $DAEMON holds no route of the service" holds_none
check "drain: status withdrawn from both peers, with the record, and verified" wait_until 10 bash -c "svc \"d['observed']=='withdrawn' and d['desired']=='drain' and d['drain']['operator']=='alice' and all(p['observed']=='withdrawn' for p in d['peers'])\" && event drain_verified"

# Drift: someone re-announces by hand through the daemon's CLI; the agent undoes it.
reannounce_by_hand
check "drift: a route announced by hand through $DAEMON's CLI reaches the upstream" wait_until 3 up_has 203.0.113.0/24
check "drift: ... and is gone within the reconcile interval (2 s), with a drift event" bash -c "wait_until 4 both_gone && event drift_corrected"

# The daemon killed with SIGKILL and started again: the drain still holds.
kill -9 "$(site_pid)"
check "$PROC killed (SIGKILL) and restarted: the sessions come back" bash "$PAIR" "$DAEMON" start "$LAB"
sleep 4
check "$PROC restarted: the drain still holds (no route at the upstream after two reconcile intervals)" both_gone
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "the agent killed (SIGKILL) and restarted" start_agent "$WORK/agent.toml" "$URL"
sleep 4
check "agent restarted: the drain still holds, desired drain" bash -c "both_gone && svc \"d['desired']=='drain' and d['observed']=='withdrawn'\""

code=$(undrain)
check "undrain: both routes come back" bash -c "[ '$code' = 200 ] && wait_until 5 both_up"

# Staged drain, held at the de-prefer step: still announced, with the attributes, on both families.
code=$(drain '{"service":"dns","reason":"CHG-8 staged","operator":"alice","stage":"deprefer"}')
check "staged: de-prefer keeps both routes at the upstream, with 3 prepends, MED 500 and 65535:0" bash -c "[ '$code' = 200 ] && wait_until 5 depreferred_at_upstream || { attrs 203.0.113.0/24; attrs 2001:db8:53::/48; exit 1; }"
check "staged: status says de-preferred to every peer, and verified" wait_until 10 bash -c "svc \"d['drain']['stage']=='deprefer' and d['depreferred']==True and d['observed']=='announced'\" && event 'de-prefer verified'"
code=$(drain '{"service":"dns","reason":"CHG-8 staged","operator":"alice","stage":"withdraw"}')
check "staged: withdraw then takes both routes away" bash -c "[ '$code' = 200 ] && wait_until 5 both_gone"
code=$(undrain)
check "staged: undrain announces both again, without the attributes" bash -c "[ '$code' = 200 ] && wait_until 5 both_up && ! attrs 203.0.113.0/24 | grep -q '(65535,0)' && attrs 203.0.113.0/24 | grep -q 'BGP.as_path: 65100$'"

# The daemon stopped: failure is data; a drain is recorded (503) and applied when it is back.
kill "$(site_pid)"
check "$PROC stopped: status carries the error and observed unknown" wait_until 8 svc "[e for e in s['errors'] if e['source']=='routes' and '$DOWN_WORDS' in e['message']] and d['observed']=='unknown'"
code=$(drain '{"service":"dns","reason":"while the daemon is down","operator":"bob","stage":"withdraw"}')
check "$PROC stopped: a drain answers 503 and says it is recorded" bash -c "[ '$code' = 503 ] && grep -q recorded '$WORK/drain.out' || { echo $code; cat '$WORK/drain.out'; exit 1; }"
bash "$PAIR" "$DAEMON" start "$LAB" >/dev/null 2>&1
check "$PROC back: the agent reads it again, and the drain recorded while it was down holds" bash -c "wait_until 10 svc \"not [e for e in s['errors'] if e['source']=='routes'] and d['observed']=='withdrawn' and d['desired']=='drain'\" && sleep 3 && both_gone"
code=$(undrain)
check "$PROC back: undrain announces again" bash -c "[ '$code' = 200 ] && wait_until 5 both_up"

# The daemon's own CLI alone, for the comparison.
sleep 1
T0=$(date +%s%N)
withdraw_by_hand
wait_until 5 both_gone
echo "       $CLI_WORDS for both prefixes: gone at the upstream after $(( ($(date +%s%N) - T0) / 1000000 )) ms (agent API: $DRAIN_MS ms)"

# The daemon's CLI not there: the agent says so.
kill "$AGENT"; wait "$AGENT" 2>/dev/null
# (A table may not repeat a key: the daemon's table is written with the missing path in place
# of its own line, or with it added.)
ROUTER_TABLE="$(grep -v "^${MISSING_LINE%% =*} =" <<<"$ROUTER_TABLE")"
write_config "$WORK/agent-missing.toml" "$MISSING_LINE"
check "$DAEMON's way in missing: the agent starts and says so" bash -c "$(declare -f start_agent); BIN='$BIN'; WORK='$WORK'; CLEANUP=(); start_agent '$WORK/agent-missing.toml' '$URL' && wait_until 5 svc \"[e for e in s['errors'] if e['source']=='routes' and '$MISSING_WORDS' in e['message']] and d['observed']=='unknown'\"; rc=\$?; kill \$AGENT; exit \$rc"

# The agent without the right to its daemon's way in (run as nobody): the status says so.
# GoBGP's way in is a TCP port: there is no permission to be denied.
case "$DAEMON" in
    frr) DENIED_WORDS="permission denied: vtysh needs root or the frrvty group"; DENIED_LINE="" ;;
    exabgp) DENIED_WORDS="Permission denied"; DENIED_LINE="pipe = \"$LAB/exabgp/run/exabgp\"" ;;
    gobgp) DENIED_WORDS="" ;;
esac
if [ -n "$DENIED_WORDS" ]; then
    STATE=$WORK/state-nobody
    mkdir -p "$STATE" && chown nobody "$STATE"
    # (ROUTER_TABLE is without the daemon's path line since the check above.)
    write_config "$WORK/agent-nobody.toml" "$DENIED_LINE"
    chmod o+x "$WORK" && chmod o+r "$WORK/agent-nobody.toml"
    ip netns exec "$NS_S1" setpriv --reuid=nobody --regid=nogroup --clear-groups \
        "$BIN/anycast-agent" run --config "$WORK/agent-nobody.toml" --log-level warning >>"$WORK/agent-nobody.log" 2>&1 &
    AGENT=$!; CLEANUP+=("$AGENT")
    check "$DAEMON's way in not permitted (the agent runs as nobody): the status says so" \
        wait_until 10 svc "[e for e in s['errors'] if e['source']=='routes' and '$DENIED_WORDS' in e['message']] and d['observed']=='unknown'"
    kill "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null
fi

summary "$NAME"
