#!/usr/bin/env bash
# Captures RAW `stats_noreset` replies (exactly the bytes the daemon sent on its UNIX control
# socket) from a real Unbound and a real NSD into OUT/unbound and OUT/nsd, plus a README.md.
#
#   capture-dns-fixtures.sh OUT      e.g. Tests/AnycastAgentTests/Fixtures
#
# Everything runs on loopback: NSD serves lab.example. on 127.0.0.1:P; Unbound listens on
# 127.0.0.1:P+1, reaches lab.example. through a stub-zone to that NSD, answers
# static.example./refused.example. from local zones, gets SERVFAIL for lame.example. (a stub
# to the same NSD, which refuses it), and forwards every other name to 127.0.0.1:P+2 where
# nothing listens (so that no query can leave the machine).
# Both daemons run in the foreground (-d) with their own config, pid file and control
# socket in a temp dir; the EXIT trap stops them and removes the temp dir.
#
# Needs unbound, nsd, dig (bind9-dnsutils), dnsperf, python3.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 OUT" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
for tool in unbound nsd dig dnsperf python3; do
    command -v "$tool" >/dev/null || { echo "$tool not found: apt-get install -y unbound nsd bind9-dnsutils dnsperf python3" >&2; exit 1; }
done
mkdir -p "$1/unbound" "$1/nsd"
OUT="$(cd "$1" && pwd)"
# Short path: UNIX socket paths are limited to ~107 bytes.
WORK="$(mktemp -d /tmp/dnscap.XXXXXX)"
PIDS=()

cleanup() {
    local pid
    for pid in "${PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT

# shellcheck source=../free-port.sh
source "$HERE/../free-port.sh"
BASE="$(free_port_range 4)"
NSD_PORT=$BASE
UB_PORT=$((BASE + 1))
DEAD_PORT=$((BASE + 2))    # nothing listens here: Unbound's forward target for "."
UB2_PORT=$((BASE + 3))     # second Unbound, extended-statistics: no

# --- NSD --------------------------------------------------------------------------------
cat >"$WORK/lab.example.zone" <<'EOF'
$ORIGIN lab.example.
$TTL 300
@       IN SOA  ns1.lab.example. hostmaster.lab.example. 2026010101 3600 600 86400 300
@       IN NS   ns1.lab.example.
ns1     IN A    127.0.0.1
www     IN A    192.0.2.10
www     IN AAAA 2001:db8::10
mail    IN A    192.0.2.25
@       IN MX   10 mail.lab.example.
@       IN TXT  "anycast-dash fixture zone"
EOF

cat >"$WORK/nsd.conf" <<EOF
server:
    ip-address: 127.0.0.1
    port: $NSD_PORT
    do-ip6: no
    server-count: 1
    username: ""
    chroot: ""
    zonesdir: "$WORK"
    database: ""
    zonelistfile: "$WORK/zone.list"
    xfrdfile: "$WORK/xfrd.state"
    xfrdir: "$WORK"
    pidfile: "$WORK/nsd.pid"
    logfile: "$WORK/nsd.log"
    verbosity: 1
remote-control:
    control-enable: yes
    control-interface: "$WORK/nsd.ctl"
zone:
    name: lab.example.
    zonefile: "$WORK/lab.example.zone"
EOF

# --- Unbound ------------------------------------------------------------------------------
unbound_conf() { # PORT CTL EXTENDED NAME
    cat <<EOF
server:
    interface: 127.0.0.1
    port: $1
    outgoing-interface: 127.0.0.1
    do-ip6: no
    num-threads: 2
    username: ""
    chroot: ""
    directory: "$WORK"
    pidfile: "$WORK/$4.pid"
    use-syslog: no
    logfile: "$WORK/$4.log"
    verbosity: 1
    module-config: "iterator"
    do-not-query-localhost: no
    access-control: 127.0.0.0/8 allow
    extended-statistics: $3
    statistics-interval: 0
    statistics-cumulative: no
    local-zone: "static.example." static
    local-data: "www.static.example. 300 IN A 192.0.2.53"
    local-zone: "refused.example." refuse
remote-control:
    control-enable: yes
    control-interface: "$2"
stub-zone:
    name: "lab.example."
    stub-addr: 127.0.0.1@$NSD_PORT
stub-zone:
    name: "lame.example."
    stub-addr: 127.0.0.1@$NSD_PORT
forward-zone:
    name: "."
    forward-addr: 127.0.0.1@$DEAD_PORT
EOF
}
unbound_conf "$UB_PORT" "$WORK/ub.ctl" yes unbound >"$WORK/unbound.conf"
unbound_conf "$UB2_PORT" "$WORK/ub2.ctl" no unbound2 >"$WORK/unbound2.conf"

nsd-checkconf "$WORK/nsd.conf"
unbound-checkconf "$WORK/unbound.conf" >/dev/null
unbound-checkconf "$WORK/unbound2.conf" >/dev/null

nsd -d -c "$WORK/nsd.conf" & PIDS+=($!)
unbound -d -c "$WORK/unbound.conf" & PIDS+=($!)
unbound -d -c "$WORK/unbound2.conf" & PIDS+=($!)

wait_socket() {
    local i
    for i in $(seq 1 100); do
        [[ -S "$1" ]] && return 0
        sleep 0.1
    done
    echo "no control socket at $1; logs:" >&2
    cat "$WORK"/*.log >&2 || true
    exit 1
}
wait_socket "$WORK/nsd.ctl"
wait_socket "$WORK/ub.ctl"
wait_socket "$WORK/ub2.ctl"

export WORK OUT NSD_PORT UB_PORT UB2_PORT DEAD_PORT
python3 - <<'PY'
import datetime, os, socket, subprocess, sys

work, out = os.environ["WORK"], os.environ["OUT"]
nsd_port, ub_port, ub2_port = os.environ["NSD_PORT"], os.environ["UB_PORT"], os.environ["UB2_PORT"]
rows = {"unbound": [], "nsd": []}

def exchange(path, line):
    """One request line on a fresh connection; everything until the server closes."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    try:
        s.sendall(line.encode())
        data = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return data
            data += chunk
    finally:
        s.close()

def cap(kind, name, path, line, how):
    data = exchange(path, line)
    with open(os.path.join(out, kind, name + ".txt"), "wb") as f:
        f.write(data)
    rows[kind].append((name, line.strip(), how))
    print("captured %s/%-34s %6d bytes" % (kind, name + ".txt", len(data)))

def dig(port, name, qtype="A"):
    r = subprocess.run(["dig", "@127.0.0.1", "-p", port, "+tries=1", "+time=10", name, qtype],
                       capture_output=True, text=True)
    status = "no answer"
    for l in r.stdout.splitlines():
        if "status:" in l:
            status = l.split("status:")[1].split(",")[0].strip()
    print("  dig -p %s %s %s -> %s" % (port, name, qtype, status))
    return status

def dnsperf(port, queries, times):
    path = os.path.join(work, "queries.txt")
    with open(path, "w") as f:
        f.write("".join("%s %s\n" % q for q in queries))
    r = subprocess.run(["dnsperf", "-s", "127.0.0.1", "-p", port, "-d", path, "-n", str(times),
                        "-c", "1", "-Q", "200", "-t", "10"], capture_output=True, text=True, check=True)
    sent = [l.strip() for l in r.stdout.splitlines() if "Queries sent" in l or "Queries completed" in l]
    print("  dnsperf -p %s: %d queries x %d: %s" % (port, len(queries), times, "; ".join(sent)))

UB, UB2, NSD = os.path.join(work, "ub.ctl"), os.path.join(work, "ub2.ctl"), os.path.join(work, "nsd.ctl")
V1 = "UBCT1 stats_noreset\n"
N1 = "NSDCT1 stats_noreset\n"

# Fresh daemons, before any query.
cap("unbound", "stats-noreset-fresh", UB, V1, "right after start, no query yet")
cap("nsd", "stats-noreset-fresh", NSD, N1, "right after start, no query yet")

# Unbound: recursion to NSD (cache misses: these feed the histogram), then cache hits,
# local data, NXDOMAIN (from NSD and from a static local zone), REFUSED (refuse local zone),
# SERVFAIL (lame delegation: NSD refuses lame.example.).
print("queries to unbound on port %s:" % ub_port)
for name, qtype in [("www.lab.example.", "A"), ("www.lab.example.", "AAAA"), ("lab.example.", "MX"),
                    ("lab.example.", "TXT"), ("mail.lab.example.", "A"), ("mail.lab.example.", "AAAA"),
                    ("nope.lab.example.", "A"),
                    ("www.lab.example.", "A"), ("www.static.example.", "A"), ("nope.static.example.", "A"),
                    ("x.refused.example.", "A"), ("x.lame.example.", "A")]:
    dig(ub_port, name, qtype)
dnsperf(ub_port, [("www.lab.example.", "A"), ("mail.lab.example.", "A"), ("missing.lab.example.", "A"),
         ("www.static.example.", "A"), ("other.static.example.", "A"), ("y.refused.example.", "A")], 5)
cap("unbound", "stats-noreset-after-queries", UB, V1,
    "after the dig and dnsperf queries listed below (NOERROR, NXDOMAIN, REFUSED, SERVFAIL; "
    "recursion to NSD for lab.example.)")

# More cache misses so that the histogram moves between two captures: a real delta.
print("more cache misses on unbound:")
dnsperf(ub_port, [("miss%d.lab.example." % i, "A") for i in range(40)], 1)
cap("unbound", "stats-noreset-after-more-queries", UB, V1,
    "after 40 more cache misses (`missN.lab.example.`, NXDOMAIN from NSD): the histogram "
    "delta from stats-noreset-after-queries.txt is real")
cap("unbound", "error-unknown-command", UB, "UBCT1 no_such_command\n", "an unknown command")
cap("unbound", "error-bad-version", UB, "UBCT9 stats_noreset\n", "a wrong protocol version word")

print("queries to the second unbound (extended-statistics: no) on port %s:" % ub2_port)
for name in ["www.lab.example.", "nope.lab.example.", "x.refused.example."]:
    dig(ub2_port, name)
cap("unbound", "stats-noreset-not-extended", os.path.join(work, "ub2.ctl"), V1,
    "second unbound with `extended-statistics: no` after 3 queries (no rcodes, no histogram)")

# NSD: answers, NXDOMAIN, REFUSED (a zone it does not serve).
print("queries to nsd on port %s:" % nsd_port)
for name, qtype in [("www.lab.example.", "A"), ("www.lab.example.", "AAAA"), ("lab.example.", "SOA"),
                    ("nope.lab.example.", "A"), ("www.example.org.", "A")]:
    dig(nsd_port, name, qtype)
dnsperf(nsd_port, [("www.lab.example.", "A"), ("mail.lab.example.", "A"), ("missing.lab.example.", "A"),
                   ("other.example.", "A")], 5)
cap("nsd", "stats-noreset-after-queries", NSD, N1,
    "after the dig and dnsperf queries listed below (NOERROR, NXDOMAIN, REFUSED) plus the "
    "recursion queries unbound sent it")
cap("nsd", "error-unknown-command", NSD, "NSDCT1 no_such_command\n", "an unknown command")

def version(cmd):
    r = subprocess.run(cmd, capture_output=True, text=True)
    return (r.stdout + r.stderr).splitlines()[0].strip()

ub_version = "unbound " + version(["unbound", "-V"]).replace("Version ", "")
nsd_version = version(["nsd", "-v"])
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
with open(os.path.join(out, "unbound", "README.md"), "w") as f:
    f.write("""# Unbound control-socket fixtures

Raw bytes read from Unbound's UNIX control socket (`control-interface: /abs/path.ctl`, no
certificates), unedited. Each file is everything one fresh connection received after
sending one line, until Unbound closed it. Captured by
`scripts/lab/capture-dns-fixtures.sh Tests/AnycastAgentTests/Fixtures` with %s
(Debian 12) on %s: `num-threads: 2`, `extended-statistics: yes` (except
stats-noreset-not-extended.txt), `module-config: "iterator"`, a stub-zone lab.example. to a
local NSD, a stub-zone lame.example. to the same NSD (which refuses it: SERVFAIL), local
zones static.example. (static) and refused.example. (refuse), and every other name
forwarded to a loopback port where nothing listens. All traffic on 127.0.0.1.

| File | Sent | When |
|---|---|---|
""" % (ub_version, now))
    for name, line, how in rows["unbound"]:
        f.write("| %s.txt | `%s` | %s |\n" % (name, line, how))
    f.write("""
Queries: `dig @127.0.0.1 -p PORT +tries=1 NAME TYPE` for www.lab.example. A and AAAA,
lab.example. MX and TXT, mail.lab.example. A and AAAA (NOERROR without data),
nope.lab.example. A (NXDOMAIN from NSD),
www.lab.example. A again (cache hit), www.static.example. A (local data),
nope.static.example. A (NXDOMAIN, local), x.refused.example. A (REFUSED), x.lame.example. A
(SERVFAIL: a stub to NSD, which refuses that zone); then `dnsperf -c 1 -Q 200 -n 5` over
6 names (www/mail/missing.lab.example.,
www/other.static.example., y.refused.example.); then `dnsperf -n 1` over 40 names
miss0..miss39.lab.example. (cache misses, NXDOMAIN).

Regenerate with `scripts/lab/capture-dns-fixtures.sh Tests/AnycastAgentTests/Fixtures`
(times and counts will differ). Do not edit the captures.

Format details seen in these captures:
- Per-thread `threadN.*` lines come first, then `total.*` (the sum), `time.*`, `mem.*`,
  then with extended statistics `histogram.*`, `num.query.*`, `num.answer.*`, ... .
- Reals are printed `%g`-style, so exponents occur (a trial run printed
  `total.recursion.time.median=9.90476e-05`).
- 40 histogram buckets `histogram.SSSSSS.UUUUUU.to.SSSSSS.UUUUUU` (seconds.microseconds)
  from 0-1 us to 262144-524288 s; their sum is `total.num.recursivereplies`: only
  recursion (cache misses) is timed; cache hits, local data and refused queries are not.
- `num.answer.rcode.` NOERROR FORMERR SERVFAIL NXDOMAIN NOTIMPL REFUSED are always printed;
  `num.answer.rcode.nodata` (NOERROR without data, a subset of NOERROR) only when non-zero.
- The rcode counts can lag `total.num.queries` while queries are in flight
  (`total.requestlist.current.all`).
- Errors are one line: `error unknown command 'no_such_command'`, `error version mismatch`.
- Without `extended-statistics: yes` there are no `num.answer.rcode.*` and no histogram.
""")
with open(os.path.join(out, "nsd", "README.md"), "w") as f:
    f.write("""# NSD control-socket fixtures

Raw bytes read from NSD's UNIX control socket (`control-interface: /abs/path`, no keys),
unedited. Each file is everything one fresh connection received after sending one line,
until NSD closed it. Captured by `scripts/lab/capture-dns-fixtures.sh
Tests/AnycastAgentTests/Fixtures` with %s (Debian 12) on %s: `server-count: 1`, zone
lab.example. from a local zone file, 127.0.0.1 only; the same run's Unbound used it as a
stub (its recursion queries are counted here too).

| File | Sent | When |
|---|---|---|
""" % (nsd_version, now))
    for name, line, how in rows["nsd"]:
        f.write("| %s.txt | `%s` | %s |\n" % (name, line, how))
    f.write("""
Queries: `dig @127.0.0.1 -p PORT +tries=1` for www.lab.example. A and AAAA, lab.example. SOA,
nope.lab.example. A (NXDOMAIN), www.example.org. A (REFUSED: not served); then
`dnsperf -c 1 -Q 200 -n 5` over www/mail/missing.lab.example. A and other.example. A.

Regenerate with `scripts/lab/capture-dns-fixtures.sh Tests/AnycastAgentTests/Fixtures`
(times and counts will differ). Do not edit the captures.

Format details seen in these captures:
- `serverN.queries` per server process, then `num.queries` (the sum), `time.boot`,
  `time.elapsed`, `size.*`, `num.type.*` (all known types, zeros included), `num.opcode.*`,
  `num.class.*`, `num.rcode.*`, `num.udp`/`num.tcp`/..., `zone.master`, `zone.slave`.
- Rcode names: NOERROR FORMERR SERVFAIL NXDOMAIN NOTIMP (not Unbound's NOTIMPL) REFUSED
  YXDOMAIN.
- The recursion queries of the lab's Unbound (including the refused lame.example. ones) are
  counted here too.
- Errors are one line: `error unknown command 'no_such_command'`.
""")
print("wrote README.md files")
PY
