#!/usr/bin/env bash
# Captures REAL Prometheus text expositions into DIR_OUT, plus a README.md:
#   dnsdist-metrics-1.txt   dnsdist's GET /metrics after a first batch of queries
#   dnsdist-metrics-2.txt   the same dnsdist after a second batch (counters and latency grew)
#   prometheus-self.txt     Prometheus' own GET /metrics (optional: only if prometheus is installed)
#
#   capture-prometheus-fixtures.sh DIR_OUT    e.g. Tests/AnycastAgentTests/Fixtures/prometheus
#
# Everything runs on 127.0.0.1 only: an unbound with local data as dnsdist's working backend
# (it never recurses: every name outside lab. is refused), a second backend nobody listens
# on (down), and dnsdist in front. Needs dnsdist, unbound, dig (bind9-dnsutils), curl,
# python3; prometheus optionally. Stops what it started and removes its temp dir on exit.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR_OUT" >&2; exit 2; }
for tool in dnsdist unbound dig curl python3; do
    command -v "$tool" >/dev/null || { echo "$0: $tool is not installed" >&2; exit 1; }
done
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
WORK="$(mktemp -d /tmp/prometheus-capture.XXXXXX)"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# Free loopback ports, picked by the kernel (bound, noted, released).
read -r P_UNBOUND P_DOWN P_DNS P_WEB P_PROM < <(python3 - <<'PY'
import socket
socks = []
for _ in range(5):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", 0))
    socks.append(s)
print(" ".join(str(s.getsockname()[1]) for s in socks))
PY
)

wait_tcp() { # PORT WHAT
    for _ in $(seq 1 100); do
        if python3 -c "import socket,sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 0.2)" "$1" 2>/dev/null; then
            return 0
        fi
        sleep 0.1
    done
    echo "$0: $2 did not start listening on 127.0.0.1:$1; log:" >&2
    cat "$WORK"/*.log >&2 || true
    exit 1
}

# --- unbound: the working backend, local data only ------------------------------------
cat >"$WORK/unbound.conf" <<EOF
server:
    interface: 127.0.0.1@$P_UNBOUND
    port: $P_UNBOUND
    do-daemonize: no
    username: ""
    chroot: ""
    directory: "$WORK"
    pidfile: "$WORK/unbound.pid"
    use-syslog: no
    logfile: ""
    verbosity: 0
    access-control: 127.0.0.0/8 allow
    do-ip6: no
    do-not-query-localhost: yes
    local-zone: "." refuse
    local-zone: "lab." static
    local-data: "lab. 3600 IN SOA ns.lab. hostmaster.lab. 1 3600 600 86400 60"
    local-data: "ns.lab. 3600 IN A 127.0.0.1"
    local-data: "www.lab. 300 IN A 192.0.2.10"
    local-data: "www.lab. 300 IN AAAA 2001:db8::10"
    local-data: "mail.lab. 300 IN A 192.0.2.25"
    local-data: "lab. 300 IN MX 10 mail.lab."
remote-control:
    control-enable: no
EOF
unbound -d -c "$WORK/unbound.conf" >"$WORK/unbound.log" 2>&1 &
PIDS+=($!)
wait_tcp "$P_UNBOUND" unbound

# --- dnsdist ------------------------------------------------------------------------
cat >"$WORK/dnsdist.conf" <<EOF
setLocal("127.0.0.1:$P_DNS")
setACL({"127.0.0.0/8"})
newServer({address="127.0.0.1:$P_UNBOUND", name="unbound-local"})
-- Nothing listens here: a backend that is down, as seen in the metrics.
newServer({address="127.0.0.1:$P_DOWN", name="down-backend"})
setServerPolicy(firstAvailable)
pc = newPacketCache(1000, {maxTTL=300, minTTL=0})
getPool(""):setCache(pc)
-- One rule-made answer, so rule metrics are not all zero.
addAction(QNameRule("blocked.lab."), RCodeAction(DNSRCode.NXDOMAIN))
webserver("127.0.0.1:$P_WEB")
setWebserverConfig({password="x", apiKey="k", acl="127.0.0.0/8"})
EOF
dnsdist --supervised --disable-syslog -C "$WORK/dnsdist.conf" >"$WORK/dnsdist.log" 2>&1 &
PIDS+=($!)
wait_tcp "$P_DNS" dnsdist
wait_tcp "$P_WEB" "dnsdist webserver"
sleep 2 # let the health checks mark the down backend down

ask() { dig @127.0.0.1 -p "$P_DNS" +time=2 +tries=1 "$@" >/dev/null || true; }

# Batch 1: NOERROR (cached after the first), NXDOMAIN, REFUSED (outside lab.), rule NXDOMAIN, TCP.
for i in $(seq 1 20); do ask www.lab A; done
for i in $(seq 1 5); do ask www.lab AAAA; ask lab MX; done
for i in $(seq 1 4); do ask "missing$i.lab" A; done
for i in $(seq 1 3); do ask "example$i.org" A; done
ask blocked.lab A
for i in $(seq 1 3); do ask +tcp "tcp$i.lab" A; done
sleep 1
curl -fsS -H 'X-API-Key: k' -H 'Accept: text/plain;version=0.0.4' \
    "http://127.0.0.1:$P_WEB/metrics" -o "$OUT/dnsdist-metrics-1.txt"
DATE1="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"

# Batch 2: more of everything, all new names so they reach the backend (latency observed).
for i in $(seq 1 30); do ask "new$i.lab" A; done
for i in $(seq 1 10); do ask www.lab A; done
for i in $(seq 1 2); do ask "other$i.net" A; done
sleep 1
curl -fsS -H 'X-API-Key: k' -H 'Accept: text/plain;version=0.0.4' \
    "http://127.0.0.1:$P_WEB/metrics" -o "$OUT/dnsdist-metrics-2.txt"
DATE2="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
DNSDIST_VERSION="$(dnsdist --version 2>/dev/null | head -1)"
UNBOUND_VERSION="$(unbound -V 2>/dev/null | sed -n 's/^Version //p' | head -1)"

# --- prometheus' own /metrics (optional) -----------------------------------------------
PROM_ROW=""
if command -v prometheus >/dev/null; then
    cat >"$WORK/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: dnsdist
    metrics_path: /metrics
    static_configs:
      - targets: ["127.0.0.1:$P_WEB"]
    authorization:
      type: ApiKey
      credentials: unused
EOF
    # The scrape job above fails auth on purpose: it still exercises the scrape metrics.
    mkdir -p "$WORK/tsdb"
    prometheus --config.file="$WORK/prometheus.yml" --web.listen-address="127.0.0.1:$P_PROM" \
        --storage.tsdb.path="$WORK/tsdb" >"$WORK/prometheus.log" 2>&1 &
    PIDS+=($!)
    wait_tcp "$P_PROM" prometheus
    sleep 4 # a few scrapes and HTTP requests, so the histograms have observations
    for _ in 1 2 3; do curl -fsS "http://127.0.0.1:$P_PROM/-/ready" >/dev/null || true; done
    curl -fsS -H 'Accept: text/plain;version=0.0.4' "http://127.0.0.1:$P_PROM/metrics" -o "$OUT/prometheus-self.txt"
    DATE3="$(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    PROM_VERSION="$(prometheus --version 2>&1 | head -1)"
    PROM_ROW="| prometheus-self.txt | \`$PROM_VERSION\` | $DATE3 | Prometheus' own \`GET /metrics\` after ~4 s of 1 s scrapes of a target that rejects it (401), and a few \`/-/ready\` requests |"
fi

for f in "$OUT"/*.txt; do
    printf 'captured %-24s %6d bytes\n' "$(basename "$f")" "$(wc -c <"$f")"
done
if command -v promtool >/dev/null; then
    for f in "$OUT"/*.txt; do
        printf 'promtool check metrics %s: ' "$(basename "$f")"
        # Lint warnings (e.g. counter names without _total) are expected and not fatal here.
        promtool check metrics <"$f" >/dev/null 2>"$WORK/promtool.out" && echo ok || echo "lint remarks: $(wc -l <"$WORK/promtool.out")"
    done
fi

cat >"$OUT/README.md" <<EOF
# Prometheus exposition fixtures

Real \`GET /metrics\` answers (text format 0.0.4), unedited, captured by
\`scripts/lab/capture-prometheus-fixtures.sh\` on 127.0.0.1 only, Debian 12 packages.

dnsdist ran with its own config in a temp dir: \`setLocal\` on a free loopback port, two
backends (\`unbound-local\`: unbound $UNBOUND_VERSION serving a local \`lab.\` zone and
refusing every other name, and \`down-backend\`, a port nobody listens on), a packet cache,
one rule \`QNameRule("blocked.lab.") → RCodeAction(NXDOMAIN)\`, and
\`webserver(...)\` + \`setWebserverConfig({password="x", apiKey="k", acl="127.0.0.0/8"})\`.
Scraped with \`curl -H 'X-API-Key: k' -H 'Accept: text/plain;version=0.0.4'\`.

| File | Producer | Captured | State |
|---|---|---|---|
| dnsdist-metrics-1.txt | \`$DNSDIST_VERSION\` | $DATE1 | after 20×\`www.lab A\`, 5×(\`www.lab AAAA\`, \`lab MX\`), 4 missing names (NXDOMAIN), 3 names outside lab. (REFUSED), \`blocked.lab\` (rule NXDOMAIN), 3 TCP queries |
| dnsdist-metrics-2.txt | same process | $DATE2 | the same dnsdist after 30 more new names, 10×\`www.lab A\` (cached) and 2 REFUSED |
$PROM_ROW

Format details seen in the first captures (dnsdist 1.7.3; check them against new ones):
- LF line ends, no blank lines, no timestamps; every family has \`# HELP\` and \`# TYPE\`.
  Counters have no \`_total\` suffix (\`promtool check metrics\` lists 81 lint remarks for that).
- \`dnsdist_latency\` is a histogram in MILLISECONDS (its HELP says "(in milliseconds)"),
  buckets \`le\` 1, 10, 50, 100, 1000, +Inf, \`_sum\` a whole number of ms; the same figures as
  the \`dnsdist_latency0_1\` ... \`dnsdist_latency_slow\` counters. Its count is 3 below
  \`dnsdist_queries\` in both captures: the 3 TCP queries are not in it.
- Answers by rcode are separate metrics (\`dnsdist_frontend_noerror\`, \`_nxdomain\`,
  \`_servfail\`, \`dnsdist_rule_*\`), not a label; REFUSED from a backend has no metric.
- Per-server and per-frontend families (\`dnsdist_server_queries{server,address}\`,
  \`dnsdist_frontend_queries{frontend,proto,thread}\`) print all their HELP/TYPE lines first,
  then the samples grouped by server, so one family's samples are not contiguous.
- A typo: \`# HELP dnsdist_server_tlsresumptions\` but \`# TYPE dnsdist_server_tlsersumptions
  counter\`, so the real metric is untyped and the TYPE names a family with no samples.

Regenerate with \`scripts/lab/capture-prometheus-fixtures.sh Tests/AnycastAgentTests/Fixtures/prometheus\`
(counts, gauges, ports and timings will differ). Do not edit the captures.
EOF
echo "README written to $OUT/README.md"
