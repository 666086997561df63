#!/usr/bin/env bash
# Drain latency on FRR, GoBGP or ExaBGP (scripts/lab/daemon-pair.sh: the site's daemon and an upstream
# BIRD in namespaces, an IPv4 and an IPv6 session): from the drain API call (`"stage":
# "withdraw"`) to both the IPv4 and the IPv6 route gone from the upstream BIRD, against the
# daemon's own CLI doing the same by hand (vtysh: `no network` for both prefixes in one run;
# gobgp: `global rib del` for each; exabgpcli: `withdraw route` for each), alternating in the same run. The end is seen by polling
# `birdc show route` every 5 ms. Needs root, bird2, and frr, gobgpd or exabgp.
# Usage: scripts/bench/daemon-drain.sh frr|gobgp|exabgp [--rounds N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
DAEMON=${1:-}
[[ "$DAEMON" == frr || "$DAEMON" == gobgp || "$DAEMON" == exabgp ]] || { echo "usage: $0 frr|gobgp|exabgp [--rounds N] [--debug]"; exit 2; }
shift
ROUNDS=10; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 frr|gobgp|exabgp [--rounds N] [--debug]"; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "daemon-drain.sh needs root (network namespaces)"; exit 1; }
declare -A CLI_OF=([frr]=vtysh [gobgp]=gobgp [exabgp]=exabgpcli) PACKAGE_OF=([frr]=frr [gobgp]=gobgpd [exabgp]=exabgp)
for tool in curl python3 birdc ip "${CLI_OF[$DAEMON]}"; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install curl python3 bird2 iproute2 ${PACKAGE_OF[$DAEMON]}"; exit 1; }
done
source scripts/bench/swift-build.sh
bench_swift_build -c "$CONFIG" --product anycast-agent
source scripts/free-port.sh
export LAB_PREFIX="abf$$"
NS="$LAB_PREFIX-s1"
WORK=$(mktemp -d)
LAB=$WORK/lab
AGENT_PID=""
cleanup() { [ -z "$AGENT_PID" ] || kill "$AGENT_PID" 2>/dev/null || true; bash "$ROOT/scripts/lab/daemon-pair.sh" "$DAEMON" down "$LAB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
bash scripts/lab/daemon-pair.sh "$DAEMON" up "$LAB" >"$WORK/up.out" 2>&1 || { echo "lab up failed:"; tail -20 "$WORK/up.out"; exit 1; }
PORT=$(free_port_range 1)
cat >"$WORK/agent.toml" <<TOML
[site]
id = "s1"
region = "eu"
[listen]
port = $PORT
[[token]]
name = "bench"
scope = "operate"
value = "bench-secret"
[state]
dir = "$WORK/state"
reconcile_interval = "1h"
[router]
kind = "$DAEMON"
$(case "$DAEMON" in frr) printf '[frr]\npathspace = "%s"' "$NS" ;; gobgp) printf '[gobgp]\napi = "127.0.0.1:50051"' ;; exabgp) printf '[exabgp]\npipe = "%s"' "$LAB/exabgp/run/exabgp" ;; esac)
[[service]]
name = "dns"
prefixes = ["203.0.113.0/24", "2001:db8:53::/48"]
TOML
# The agent in the site's namespace, where gobgpd's API is; curl there too.
ip netns exec "$NS" ".build/$CONFIG/anycast-agent" run --config "$WORK/agent.toml" --log-level warning >"$WORK/agent.log" 2>&1 &
AGENT_PID=$!
URL=http://127.0.0.1:$PORT
H=(-H "Authorization: Bearer bench-secret")
CURL=$(type -P curl)
curl() { ip netns exec "$NS" "$CURL" "$@"; }
for _ in $(seq 200); do curl -sf "$URL/healthz" >/dev/null && break; sleep 0.05; done
G=(ip netns exec "$NS" gobgp -u 127.0.0.1 -p 50051)
by_hand() { # withdraw|announce: both prefixes through the daemon's own CLI
    if [ "$DAEMON" = frr ]; then
        local no=""; [ "$1" = withdraw ] && no="no "
        vtysh -N "$NS" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c "${no}network 203.0.113.0/24" \
            -c 'exit-address-family' -c 'address-family ipv6 unicast' -c "${no}network 2001:db8:53::/48" >/dev/null
    elif [ "$DAEMON" = exabgp ]; then
        local X=(timeout 10 exabgpcli --root "$LAB/exabgp" --env "$LAB/exabgp/exabgp.env")
        "${X[@]}" "$1" route 203.0.113.0/24 next-hop self && "${X[@]}" "$1" route 2001:db8:53::/48 next-hop self
    elif [ "$1" = withdraw ]; then
        "${G[@]}" global rib del -a ipv4 203.0.113.0/24 && "${G[@]}" global rib del -a ipv6 2001:db8:53::/48
    else
        "${G[@]}" global rib add -a ipv4 203.0.113.0/24 origin igp && "${G[@]}" global rib add -a ipv6 2001:db8:53::/48 origin igp
    fi
}
has() { birdc -s "$LAB/up.ctl" show route "$1" 2>/dev/null | grep -E '\[s1(v6)? ' >/dev/null; }
both() { has 203.0.113.0/24 && has 2001:db8:53::/48; }
neither() { ! has 203.0.113.0/24 && ! has 2001:db8:53::/48; }
# until_ms CHECK START_NS: waits (up to 10 s) for CHECK, prints ms since START_NS.
until_ms() {
    local end=$(( $2 + 10000000000 ))
    while ! $1; do [ "$(date +%s%N)" -lt "$end" ] || { echo "timeout"; return 1; }; sleep 0.005; done
    echo $(( ($(date +%s%N) - $2) / 1000000 ))
}
undrain() { curl -s "${H[@]}" -X POST -d '{"service":"dns","operator":"bench"}' "$URL/v1/undrain" >/dev/null; until_ms both "$(date +%s%N)" >/dev/null; sleep 1; }
# The agent announces on start (bgpd's config has no network statements).
until_ms both "$(date +%s%N)" >/dev/null || { echo "the agent never announced"; cat "$WORK/agent.log"; exit 1; }
sleep 1
api=(); cli=()
for i in $(seq "$ROUNDS"); do
    t=$(date +%s%N)
    curl -s "${H[@]}" -X POST -d '{"service":"dns","reason":"bench","operator":"bench","stage":"withdraw"}' "$URL/v1/drain" >/dev/null
    api+=("$(until_ms neither "$t")")
    undrain
    t=$(date +%s%N)
    by_hand withdraw
    cli+=("$(until_ms neither "$t")")
    # Back as the agent would have it (its reconcile interval is an hour here).
    by_hand announce
    until_ms both "$(date +%s%N)" >/dev/null; sleep 1
done
python3 - "${api[*]}" "${cli[*]}" "$DAEMON" <<'PY'
import statistics, sys
api = [float(x) for x in sys.argv[1].split()]
cli = [float(x) for x in sys.argv[2].split()]
print(f"BENCH {sys.argv[3]} drain: API → both routes gone at the upstream {statistics.median(api):.0f} ms median (max {max(api):.0f}); "
      f"its own CLI alone {statistics.median(cli):.0f} ms median (max {max(cli):.0f}); ratio {statistics.median(api)/statistics.median(cli):.2f}; {len(api)} rounds")
PY
