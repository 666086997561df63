#!/usr/bin/env bash
# The agent measuring a real Unbound: counters over Unbound's control socket under real load
# from dnsperf, the DNS probe, /metrics through promtool, and health-driven auto-withdraw of
# the service in a real BIRD (scripts/lab/bird-pair.sh). Needs root, bird2, iproute2,
# unbound, dnsperf and prometheus (for promtool).
set -uo pipefail
source "$(dirname "$0")/lib.sh"

for tool in unbound dnsperf promtool; do
    command -v $tool >/dev/null || { echo "FAIL - $tool is missing: apt-get install bird2 iproute2 unbound dnsperf prometheus curl python3"; FAILED=1; summary "unbound-agent"; exit 1; }
done
bird_site_lab "unbound-agent" "acn$$"
PORT=$(free_port_range 2); DNS_PORT=$((PORT + 1))
cat >"$WORK/unbound.conf" <<CONF
server:
  interface: 127.0.0.1
  port: $DNS_PORT
  access-control: 127.0.0.0/8 allow
  do-daemonize: no
  username: ""
  chroot: ""
  pidfile: ""
  use-syslog: no
  num-threads: 1
  extended-statistics: yes
  local-zone: "." static               # answer everything here: never query the Internet
  local-zone: "example.test." static
  local-data: "site.example.test. TXT \"s1\""
remote-control:
  control-enable: yes
  control-interface: $WORK/unbound.ctl
CONF
start_unbound() {
    unbound -d -c "$WORK/unbound.conf" >>"$WORK/unbound.log" 2>&1 &
    UNBOUND_PID=$!
    CLEANUP+=("$UNBOUND_PID")
    for _ in $(seq 1 50); do [ -S "$WORK/unbound.ctl" ] && return 0; sleep 0.1; done
    return 1
}
start_unbound || { echo "FAIL - unbound did not start"; cat "$WORK/unbound.log"; FAILED=1; summary "unbound-agent"; exit 1; }
bird_site_agent_config "$WORK/agent.toml" "$PORT" "$WORK/state" 2s
cat >>"$WORK/agent.toml" <<TOML
auto_withdraw = true
[traffic]
kind = "unbound"
control = "$WORK/unbound.ctl"
[probe]
server = "127.0.0.1"
port = $DNS_PORT
name = "site.example.test"
type = "TXT"
interval = "1s"
timeout = "500ms"
[health]
rise = 3
fall = 3
TOML
URL=http://127.0.0.1:$PORT
"$BIN/anycast-agent" run --config "$WORK/agent.toml" --log-level warning >>"$WORK/agent.log" 2>&1 &
AGENT=$!
CLEANUP+=("$AGENT")
status_py() { curl -s -H 'Authorization: Bearer read-secret' "$URL/v1/status" | python3 -c "import json,sys; s=json.load(sys.stdin); $1"; }
export -f status_py; export URL
check "the agent starts" wait_until 10 curl -sf "$URL/healthz"
check "health rises to up after 3 good probes; the service is announced" wait_until 15 status_py "assert s['health'][0]['state']=='up' and s['services'][0]['observed']=='announced', s"

# Load: dnsperf at a steady rate; the agent's per-second rates against dnsperf's own figure.
for i in $(seq 1 50); do echo "site.example.test TXT"; echo "nx$i.example.test A"; done >"$WORK/queries.txt"
T_START=$(date +%s.%N)
dnsperf -s 127.0.0.1 -p "$DNS_PORT" -d "$WORK/queries.txt" -l 12 -Q 3000 -c 4 >"$WORK/dnsperf.out" 2>&1
T_END=$(date +%s.%N)
sleep 2
curl -s -H 'Authorization: Bearer read-secret' "$URL/v1/status?history=60" >"$WORK/status.json"
python3 - "$WORK/dnsperf.out" "$WORK/status.json" "$T_START" "$T_END" >"$WORK/rate.out" 2>&1 <<'PY'
import json, re, sys
out = open(sys.argv[1]).read()
achieved = float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1))
completed = int(re.search(r"Queries completed:\s+(\d+)", out).group(1))
s = json.load(open(sys.argv[2]))
t0, t1 = float(sys.argv[3]), float(sys.argv[4])
# The seconds well inside the run (the first and last second are partial).
points = [p["qps"] for p in s["traffic"]["history"] if t0 + 2 <= p["t"] <= t1 - 1]
agent = sum(points) / len(points)
print(f"dnsperf: {completed} queries, {achieved:.1f} qps; agent: mean {agent:.1f} qps over {len(points)} one-second points; "
      f"difference {100 * (agent - achieved) / achieved:+.2f}%; rcodes {s['traffic']['rcodes']}")
sys.exit(0 if len(points) >= 5 and abs(agent - achieved) / achieved <= 0.05 else 1)
PY
sed 's/^/       /' "$WORK/rate.out"
check "under dnsperf the agent's qps is within 5% of dnsperf's achieved rate" python3 -c "import re,sys; d=float(re.search(r'difference ([-+][\d.]+)%', open('$WORK/rate.out').read()).group(1)); sys.exit(0 if abs(d) <= 5 else 1)"
check "rcodes are counted (NOERROR and NXDOMAIN)" status_py "r=s['traffic']['rcodes']; assert r.get('NOERROR',0)>0 and r.get('NXDOMAIN',0)>0, r"
check "the probe's p50 is reported and well under 5 ms on loopback" status_py "l=s['latency']; assert l['source']=='probe' and 0 < l['p50_ms'] < 5 and l['success_ratio']==1, l"
curl -s -H 'Authorization: Bearer read-secret' "$URL/metrics" >"$WORK/metrics.txt"
check "/metrics passes promtool check metrics" bash -c "promtool check metrics <'$WORK/metrics.txt' && grep -q '^anycast_service_observed{service=\"dns\",state=\"announced\"} 1' '$WORK/metrics.txt' && grep -q anycast_probe_duration_seconds_bucket '$WORK/metrics.txt'"
check "/metrics needs a token" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $URL/metrics) = 401 ]"

# Unbound dies: health falls after 3 failed checks, the service is withdrawn in BIRD.
kill "$UNBOUND_PID"; wait "$UNBOUND_PID" 2>/dev/null; UNBOUND_PID=""
T0=$(date +%s%N)
wait_until 8 not upstream_has 203.0.113.0/24
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
echo "       unbound killed: withdrawn at the upstream after $MS ms (limit: fall 3 x 1 s + 1 s)"
check "unbound down: withdrawn within fall x interval + 1 s" test "$MS" -le 4000
check "unbound down: status shows the traffic error, qps null, health down, drained automatically" status_py "d=s['services'][0]; assert s['traffic'].get('qps') is None and [e for e in s['errors'] if e['source']=='traffic'] and s['health'][0]['state']=='down' and d['desired']=='drain' and d['drain']['mode']=='auto', s"
check "unbound down: an auto_withdraw event" bash -c "curl -s -H 'Authorization: Bearer read-secret' '$URL/v1/events?since=0' | grep -q auto_withdraw"
check "an operator undrain of the unhealthy service is refused (409) with the reason" bash -c "out=\$(curl -s -w ' %{http_code}' -H 'Authorization: Bearer operate-secret' -X POST -d '{\"service\":\"dns\",\"operator\":\"alice\"}' $URL/v1/undrain); echo \"\$out\"; echo \"\$out\" | grep -q ' 409\$' && echo \"\$out\" | grep -q 'health check'"

# Unbound back: re-announced after 3 good checks.
start_unbound
T0=$(date +%s%N)
wait_until 12 upstream_has 203.0.113.0/24
MS=$(( ($(date +%s%N) - T0) / 1000000 ))
echo "       unbound back: announced at the upstream after $MS ms (rise 3 x 1 s)"
check "unbound back: announced again after rise checks, with an auto_announce event" bash -c "[ $MS -ge 2000 ] && [ $MS -le 8000 ] && curl -s -H 'Authorization: Bearer read-secret' '$URL/v1/events?since=0' | grep -q auto_announce"

# An operator's drain wins over health.
curl -s -H 'Authorization: Bearer operate-secret' -X POST -d '{"service":"dns","reason":"CHG-5 maintenance","operator":"alice"}' "$URL/v1/drain" >/dev/null
kill "$UNBOUND_PID"; wait "$UNBOUND_PID" 2>/dev/null; UNBOUND_PID=""
sleep 4.5
start_unbound
sleep 5
check "an operator-drained service stays drained through a health fall and rise" bash -c "! (birdc -s '$LAB/up.ctl' show route 203.0.113.0/24 | grep -q 's1 ') && status_py \"d=s['services'][0]; assert d['desired']=='drain' and d['drain']['mode']=='operator' and d['drain']['reason']=='CHG-5 maintenance', d\""
summary "unbound-agent"
