#!/usr/bin/env bash
# etcd traffic per site per minute: N simulated agents (anycast-bench coordination-traffic)
# keeping their records in a real three-member etcd on loopback, as `anycast-agent run` does
# (lease renewal every third of lease_ttl, the record rewritten every 15 s and on each change).
# The counts are etcd's own (grpc_server_handled_total and the client byte counters, summed over
# the members), read before and after the measured window.
#   scripts/bench/etcd-traffic.sh [--debug] [--sites 100] [--seconds 60]
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/bench/common.sh
config=release; sites=100; seconds=60
while [ $# -gt 0 ]; do
    case "$1" in
        --debug) config=debug; shift ;;
        --sites) sites=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        *) echo "usage: $0 [--debug] [--sites N] [--seconds S]"; exit 2 ;;
    esac
done
bench_require etcd curl python3
bench_build "$config" anycast-bench

base=$(free_port_range 6)
ports=($(seq "$base" $((base + 5))))
cluster=""; endpoints=""
for m in 0 1 2; do
    cluster+="${cluster:+,}e$m=http://127.0.0.1:${ports[$((2 * m + 1))]}"
    endpoints+="${endpoints:+,}http://127.0.0.1:${ports[$((2 * m))]}"
done
data=/dev/shm; [ -d "$data" ] || data=$BENCH_WORK
data=$(mktemp -d "$data/etcd-bench.XXXXXX")
BENCH_CLEANUPS+=("rm -rf '$data'")
for m in 0 1 2; do
    etcd --name "e$m" --data-dir "$data/e$m" \
        --listen-client-urls "http://127.0.0.1:${ports[$((2 * m))]}" --advertise-client-urls "http://127.0.0.1:${ports[$((2 * m))]}" \
        --listen-peer-urls "http://127.0.0.1:${ports[$((2 * m + 1))]}" --initial-advertise-peer-urls "http://127.0.0.1:${ports[$((2 * m + 1))]}" \
        --initial-cluster "$cluster" --initial-cluster-state new >"$data/e$m.log" 2>&1 &
    BENCH_CLEANUPS+=("kill $!")
done
for i in $(seq 100); do curl -sf -m 1 -o /dev/null -X POST "http://127.0.0.1:${ports[0]}/v3/kv/put" -d '{"key":"eA==","value":"eA=="}' && break; sleep 0.2; done

# counters: requests by method, and bytes in and out, summed over the members.
counters() {
    for m in 0 1 2; do curl -s -m 2 "http://127.0.0.1:${ports[$((2 * m))]}/metrics"; done | python3 -c '
import re, sys, collections
req = collections.Counter(); rx = tx = 0
for line in sys.stdin:
    m = re.match(r"grpc_server_handled_total\{.*grpc_method=\"(\w+)\".*\} ([0-9.e+]+)", line)
    if m: req[m.group(1)] += float(m.group(2))
    m = re.match(r"etcd_network_client_grpc_received_bytes_total ([0-9.e+]+)", line)
    if m: rx += float(m.group(1))
    m = re.match(r"etcd_network_client_grpc_sent_bytes_total ([0-9.e+]+)", line)
    if m: tx += float(m.group(1))
print(" ".join("%s=%d" % (k, v) for k, v in sorted(req.items())), "rx=%d tx=%d" % (rx, tx))'
}
"$BIN/anycast-bench" coordination-traffic --sites "$sites" --seconds "$seconds" --endpoints "$endpoints" >"$BENCH_WORK/run.out" 2>&1 &
run=$!
BENCH_CLEANUPS+=("kill $run 2>/dev/null")
for i in $(seq 600); do grep -q '^ready' "$BENCH_WORK/run.out" && break; sleep 0.1; done
grep -q '^ready' "$BENCH_WORK/run.out" || { cat "$BENCH_WORK/run.out"; exit 1; }
before=$(counters)
# A dashboard's look at the store (CoordinationWatcher, every 2 s): the range of the fleet's
# prefix as the gateway answers it, plus a status call per member and the member list.
prefix64=$(printf '/anycast-bench/' | base64); end64=$(printf '/anycast-bench0' | base64)
dash_bytes=$(curl -s -m 2 -X POST "http://127.0.0.1:${ports[0]}/v3/kv/range" -d "{\"key\":\"$prefix64\",\"range_end\":\"$end64\"}" | wc -c)
status_bytes=$(curl -s -m 2 -X POST "http://127.0.0.1:${ports[0]}/v3/maintenance/status" -d '{}' | wc -c)
list_bytes=$(curl -s -m 2 -X POST "http://127.0.0.1:${ports[0]}/v3/cluster/member/list" -d '{}' | wc -c)
wait "$run" || { cat "$BENCH_WORK/run.out"; exit 1; }
after=$(counters)
python3 - "$before" "$after" "$sites" "$seconds" "$(tail -1 "$BENCH_WORK/run.out")" <<'PY'
import sys
def parse(s): return {k: float(v) for k, v in (x.split("=") for x in s.split())}
b, a, sites, seconds, done = parse(sys.argv[1]), parse(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
per = lambda k: (a.get(k, 0) - b.get(k, 0)) / sites / (seconds / 60)
methods = sorted(k for k in a if k not in ("rx", "tx") and a[k] - b.get(k, 0) > 0)
total = sum(per(k) for k in methods)
print("etcd-traffic: %d sites, %d s: %.1f requests per site per minute (%s); %.0f bytes in, %.0f bytes out per site per minute; %s"
      % (sites, seconds, total, ", ".join("%s %.1f" % (k, per(k)) for k in methods), per("rx"), per("tx"), done))
PY
read_bytes=$((dash_bytes + 3 * status_bytes + list_bytes))
echo "etcd-traffic: a dashboard's read of the store at $sites sites: $read_bytes bytes (range $dash_bytes, 3 statuses $((3 * status_bytes)), member list $list_bytes); every 2 s: $((read_bytes * 30 / 1024)) KiB and 150 requests per minute per open dashboard"
