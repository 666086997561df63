#!/usr/bin/env bash
# Benchmarks on the lab (scripts/lab/lab: real BIRD 2, Unbound and agents in network
# namespaces). Needs root.
#   drain latency: from the drain API call to s1's next hop gone from the upstream router's
#     kernel route, against `birdc disable` of the same BIRD protocol alone, alternating in
#     the same run; the end is seen by polling `ip route` in the upstream's namespace.
#   agent throughput with the BIRD backend: scripts/bench/agent-throughput.sh against s1's agent.
# Usage: scripts/bench/lab.sh [--rounds N] [--seconds N] [--debug]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
ROUNDS=10; SECS=8; CONFIG=release
while [ $# -gt 0 ]; do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        --seconds) SECS=$2; shift 2 ;;
        --debug) CONFIG=debug; shift ;;
        *) echo "usage: $0 [--rounds N] [--seconds N] [--debug]"; exit 2 ;;
    esac
done
[ "$(id -u)" = 0 ] || { echo "lab.sh needs root (network namespaces)"; exit 1; }
for tool in curl python3 wrk nginx birdc ip; do
    command -v $tool >/dev/null || { echo "$tool is missing: apt-get install curl python3 wrk nginx bird2 iproute2 unbound"; exit 1; }
done
source scripts/bench/swift-build.sh
bench_swift_build -c "$CONFIG" --product anycast-agent
export LAB_PREFIX="abn$$"
WORK=$(mktemp -d)
LAB=$WORK/lab
cleanup() { bash "$ROOT/scripts/lab/lab" down --dir "$LAB" >/dev/null 2>&1 || true; rm -rf "$WORK"; }
trap cleanup EXIT
bash scripts/lab/lab up --sites 2 --dir "$LAB" --rate 200 --bin "$ROOT/.build/$CONFIG" >"$WORK/up.out" 2>&1 \
    || { echo "lab up failed:"; tail -20 "$WORK/up.out"; exit 1; }
UP="${LAB_PREFIX}-up"
AGENT="http://198.51.100.134:9100"      # s1's agent (management link of site 1)
NEXTHOP="198.51.100.6"                  # s1's end of its upstream link
OPERATE=$(cat "$LAB/operate.token")
has_nexthop() { ip -n "$UP" route show 203.0.113.0/24 | grep -E "via $NEXTHOP( |$)" >/dev/null; }
wait_state() { # WANT(present|absent) TIMEOUT_S: polls the upstream's route; prints ms waited
    local want=$1 deadline=$(( $(date +%s%N) + $2 * 1000000000 ))
    while :; do
        if has_nexthop; then [ "$want" = present ] && return 0; else [ "$want" = absent ] && return 0; fi
        [ "$(date +%s%N)" -lt "$deadline" ] || { echo "s1's next hop never became $want" >&2; return 1; }
    done
}
post() { curl -sf -m 5 -o /dev/null -H "Authorization: Bearer $OPERATE" -H 'Content-Type: application/json' -X POST -d "$2" "$AGENT/v1/$1"; }
wait_state present 20
: >"$WORK/api.ms"; : >"$WORK/birdc.ms"
for r in $(seq 1 "$ROUNDS"); do
    t0=$(date +%s%N)
    post drain '{"service":"dns","reason":"bench: drain latency","operator":"bench","stage":"withdraw"}'
    wait_state absent 10
    echo $(( ($(date +%s%N) - t0) / 1000 )) >>"$WORK/api.ms"
    post undrain '{"service":"dns","operator":"bench"}'
    wait_state present 20
    sleep 1
    t0=$(date +%s%N)
    birdc -s "$LAB/s1/bird.ctl" disable anycast4 >/dev/null
    wait_state absent 10
    echo $(( ($(date +%s%N) - t0) / 1000 )) >>"$WORK/birdc.ms"
    birdc -s "$LAB/s1/bird.ctl" enable anycast4 >/dev/null
    wait_state present 20
    sleep 1
done
python3 - "$WORK/api.ms" "$WORK/birdc.ms" <<'PY'
import statistics, sys
api = [int(x) / 1000 for x in open(sys.argv[1]).read().split()]
birdc = [int(x) / 1000 for x in open(sys.argv[2]).read().split()]
a, b = statistics.median(api), statistics.median(birdc)
goal = 1.5 * b + 100
print(f"drain-latency: API drain -> upstream route gone median {a:.1f} ms (max {max(api):.1f}), "
      f"birdc disable alone median {b:.1f} ms (max {max(birdc):.1f}), {len(api)} rounds each; "
      f"goal <= 1.5 x birdc + 100 ms = {goal:.1f} ms: {'met' if a <= goal else 'NOT met'}")
PY
PID=$(cat "$LAB/s1/agent.pid")
bash scripts/bench/agent-throughput.sh --url "$AGENT" --token-file "$LAB/read.token" --pid "$PID" \
    --label "BIRD backend, lab" --seconds "$SECS"
