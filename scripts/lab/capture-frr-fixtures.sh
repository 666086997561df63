#!/usr/bin/env bash
# Captures FRR 8.4's JSON answers, unedited (vtysh's standard output, byte for byte), from a
# live two-router lab into DIR_OUT, plus a README.md saying what each file is: an upstream
# BIRD (AS 65000) and a site running FRR's bgpd (AS 65100), each in its own network namespace,
# with an IPv4 and an IPv6 session, and a third neighbor that never comes up.
#
#   capture-frr-fixtures.sh DIR_OUT      e.g. Tests/AnycastAgentTests/Fixtures/frr
#
# Needs root, frr, bird2, iproute2. LAB_PREFIX (default "acfcap") names the namespaces and
# FRR's pathspace (vtysh -N), so it never meets another FRR on the machine.
# Addresses: link 198.51.100.0/30 (upstream .1, site .2), 2001:db8:ffff::/64 (::1, ::2);
# the site announces 203.0.113.0/24 and 2001:db8:53::/48; 198.51.100.9 never answers.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR_OUT" >&2; exit 2; }
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
P="${LAB_PREFIX:-acfcap}"
WORK="$(mktemp -d /tmp/frr-capture.XXXXXX)"
RUN="/var/run/frr/$P-s1"

cleanup() {
    local pid
    for f in "$RUN/bgpd.pid" "$WORK/up.pid"; do
        pid="$(cat "$f" 2>/dev/null || true)"
        [[ "$pid" =~ ^[0-9]+$ ]] && kill "$pid" 2>/dev/null || true
    done
    sleep 0.5
    ip netns del "$P-up" 2>/dev/null || true
    ip netns del "$P-s1" 2>/dev/null || true
    rm -rf "$WORK" "$RUN" "/etc/frr/$P-s1"
}
trap cleanup EXIT

ip netns add "$P-up"
ip netns add "$P-s1"
ip link add "$P-a" type veth peer name "$P-b"
ip link set "$P-a" netns "$P-up"
ip link set "$P-b" netns "$P-s1"
ip -n "$P-up" addr add 198.51.100.1/30 dev "$P-a"
ip -n "$P-s1" addr add 198.51.100.2/30 dev "$P-b"
ip -n "$P-up" -6 addr add 2001:db8:ffff::1/64 dev "$P-a" nodad
ip -n "$P-s1" -6 addr add 2001:db8:ffff::2/64 dev "$P-b" nodad
for n in up s1; do ip -n "$P-$n" link set lo up; done
ip -n "$P-up" link set "$P-a" up
ip -n "$P-s1" link set "$P-b" up

cat >"$WORK/up.conf" <<'CONF'
router id 198.51.100.1;
protocol device {}
protocol bgp s1v4 { local 198.51.100.1 as 65000; neighbor 198.51.100.2 as 65100; ipv4 { import all; export none; }; }
protocol bgp s1v6 { local 2001:db8:ffff::1 as 65000; neighbor 2001:db8:ffff::2 as 65100; ipv6 { import all; export none; }; }
CONF
cat >"$WORK/bgpd.conf" <<'CONF'
frr defaults traditional
hostname s1
!
router bgp 65100
 bgp router-id 198.51.100.2
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor 198.51.100.1 remote-as 65000
 neighbor 198.51.100.9 remote-as 65009
 neighbor 2001:db8:ffff::1 remote-as 65000
 address-family ipv4 unicast
  network 203.0.113.0/24
  no neighbor 2001:db8:ffff::1 activate
 exit-address-family
 address-family ipv6 unicast
  network 2001:db8:53::/48
  neighbor 2001:db8:ffff::1 activate
 exit-address-family
!
CONF
mkdir -p "$RUN" "/etc/frr/$P-s1"
touch "/etc/frr/$P-s1/vtysh.conf"
chown -R frr:frr "$RUN" "$WORK"
ip netns exec "$P-up" bird -c "$WORK/up.conf" -s "$WORK/up.ctl" -P "$WORK/up.pid"
ip netns exec "$P-s1" /usr/lib/frr/bgpd -N "$P-s1" -Z -d -f "$WORK/bgpd.conf" -i "$RUN/bgpd.pid" -u frr -g frr

V=(vtysh -N "$P-s1")
up() { [[ "$("${V[@]}" -c "show bgp $1 unicast summary json" | python3 -c "import json,sys; print(json.load(sys.stdin)['peers']['$2']['state'])")" == Established ]]; }
for _ in $(seq 100); do up ipv4 198.51.100.1 && up ipv6 2001:db8:ffff::1 && break; sleep 0.2; done
up ipv4 198.51.100.1 && up ipv6 2001:db8:ffff::1 || { echo "sessions did not come up" >&2; exit 1; }

README=()
# capture FILE WHAT COMMAND: vtysh's standard output, as it is, and its exit status.
capture() {
    local file="$1" what="$2" cmd="$3" rc=0
    "${V[@]}" -c "$cmd" >"$OUT/$file" 2>/dev/null || rc=$?
    README+=("| \`$file\` | $what | \`$cmd\` | $rc |")
}
# until COMMAND PYTHON-EXPRESSION: waits (up to 20 s) until the expression holds over the JSON
# answer `j`: FRR sends updates after its advertisement interval and route-map delay.
until_json() {
    local i
    for i in $(seq 100); do
        "${V[@]}" -c "$1" 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)" 2>/dev/null && return 0
        sleep 0.2
    done
    echo "never: $2 over $1" >&2; exit 1
}
ADV4="show bgp ipv4 unicast neighbors 198.51.100.1 advertised-routes json"
ADV6="show bgp ipv6 unicast neighbors 2001:db8:ffff::1 advertised-routes json"
until_json "$ADV4" "j['totalPrefixCounter'] == 1"
until_json "$ADV6" "j['totalPrefixCounter'] == 1"

capture summary-ipv4.json "IPv4 sessions: 198.51.100.1 Established, 198.51.100.9 Active (never up)" "show bgp ipv4 unicast summary json"
capture summary-ipv6.json "IPv6 session 2001:db8:ffff::1 Established" "show bgp ipv6 unicast summary json"
capture advertised-ipv4-full.json "what is sent to the IPv4 peer: 203.0.113.0/24" "show bgp ipv4 unicast neighbors 198.51.100.1 advertised-routes json"
capture advertised-ipv6-full.json "what is sent to the IPv6 peer: 2001:db8:53::/48" "show bgp ipv6 unicast neighbors 2001:db8:ffff::1 advertised-routes json"
capture advertised-ipv4-down-peer.json "a peer that is not Established: nothing sent" "show bgp ipv4 unicast neighbors 198.51.100.9 advertised-routes json"
capture advertised-unknown-peer.json "an address that is no neighbor: a warning object" "show bgp ipv4 unicast neighbors 198.51.100.7 advertised-routes json"
capture unknown-command.txt "a command FRR does not have" "show bgp ipv4 unicast neighbors 198.51.100.1 advertised-routes detail json"
capture route-ipv4.json "the site's own IPv4 route, announced normally: no community" "show bgp ipv4 unicast 203.0.113.0/24 json"
capture running-config.txt "the running configuration, announced normally (what the agent reads back for drift)" "show running-config bgpd"

# The de-prefer step, as the agent applies it: a route-map of the service's own, set on the
# network statements at origin, so only this service's prefixes carry it.
"${V[@]}" -c 'configure terminal' -c 'route-map ANYCAST-DEPREF-dns permit 10' -c 'set as-path prepend 65100 65100 65100' \
    -c 'set metric 500' -c 'set community graceful-shutdown additive' -c 'exit' -c 'router bgp' \
    -c 'address-family ipv4 unicast' -c 'network 203.0.113.0/24 route-map ANYCAST-DEPREF-dns' -c 'exit-address-family' \
    -c 'address-family ipv6 unicast' -c 'network 2001:db8:53::/48 route-map ANYCAST-DEPREF-dns' >/dev/null
until_json "$ADV4" "list(j['advertisedRoutes'].values())[0]['path'] == '65100 65100 65100'"
until_json "$ADV6" "list(j['advertisedRoutes'].values())[0]['path'] == '65100 65100 65100'"
capture advertised-ipv4-depref.json "de-preferred: 3 prepends and MED 500 in what is sent" "show bgp ipv4 unicast neighbors 198.51.100.1 advertised-routes json"
capture advertised-ipv6-depref.json "de-preferred, IPv6" "show bgp ipv6 unicast neighbors 2001:db8:ffff::1 advertised-routes json"
capture route-ipv4-depref.json "the site's own IPv4 route de-preferred: the community graceful-shutdown" "show bgp ipv4 unicast 203.0.113.0/24 json"
capture route-ipv6-depref.json "the site's own IPv6 route de-preferred" "show bgp ipv6 unicast 2001:db8:53::/48 json"
capture running-config-depref.txt "the running configuration de-preferred: the networks with the route-map, and the route-map" "show running-config bgpd"

# Withdrawn: the network statements removed.
"${V[@]}" -c 'configure terminal' -c 'router bgp' -c 'address-family ipv4 unicast' -c 'no network 203.0.113.0/24' \
    -c 'exit-address-family' -c 'address-family ipv6 unicast' -c 'no network 2001:db8:53::/48' >/dev/null
until_json "$ADV4" "j['totalPrefixCounter'] == 0"
until_json "$ADV6" "j['totalPrefixCounter'] == 0"
capture advertised-ipv4-empty.json "withdrawn: nothing sent to the IPv4 peer" "show bgp ipv4 unicast neighbors 198.51.100.1 advertised-routes json"
capture advertised-ipv6-empty.json "withdrawn: nothing sent to the IPv6 peer" "show bgp ipv6 unicast neighbors 2001:db8:ffff::1 advertised-routes json"
capture route-ipv4-withdrawn.json "the site's own route once its network statement is gone: a warning object" "show bgp ipv4 unicast 203.0.113.0/24 json"
capture running-config-withdrawn.txt "the running configuration withdrawn: no network statements" "show running-config bgpd"
"${V[@]}" -c 'configure terminal' -c 'router bgp' -c 'netwrk 203.0.113.0/24' >"$OUT/config-error.txt" 2>&1 && rc=0 || rc=$?
README+=("| \`config-error.txt\` | a configuration command vtysh rejects: standard output and error together | \`configure terminal; router bgp; netwrk 203.0.113.0/24\` | $rc |")

# A user vtysh does not let in.
rc=0; su nobody -s /bin/sh -c "vtysh -N '$P-s1' -c 'show bgp ipv4 unicast summary json'" >"$OUT/permission-denied.txt" 2>&1 || rc=$?
README+=("| \`permission-denied.txt\` | vtysh run as nobody: standard output and error together | \`show bgp ipv4 unicast summary json\` | $rc |")

# The upstream's own BIRD session down: the summary of a session that went down.
birdc -s "$WORK/up.ctl" disable s1v4 >/dev/null
until_json "show bgp ipv4 unicast summary json" "j['peers']['198.51.100.1']['state'] != 'Established'"
capture summary-ipv4-session-down.json "the IPv4 session after the upstream shut it (Idle or Active, connectionsDropped 1)" "show bgp ipv4 unicast summary json"

# bgpd stopped: vtysh cannot reach it.
kill "$(cat "$RUN/bgpd.pid")"; sleep 1
rc=0; "${V[@]}" -c "show bgp ipv4 unicast summary json" >"$OUT/daemon-down.txt" 2>&1 || rc=$?
README+=("| \`daemon-down.txt\` | bgpd not running: vtysh's standard output and error together | \`show bgp ipv4 unicast summary json\` | $rc |")

{
    echo "# FRR fixtures"
    echo
    echo "Captured by \`scripts/lab/capture-frr-fixtures.sh\` from FRR $(/usr/lib/frr/bgpd --version | head -1 | awk '{print $3}') (Debian) and BIRD $(bird --version 2>&1 | awk '{print $3}') on $(date -u +%Y-%m-%d), unedited."
    echo "The site (AS 65100, FRR) peers with an upstream BIRD (AS 65000) over 198.51.100.0/30 and 2001:db8:ffff::/64."
    echo
    echo "| file | what | command | vtysh exit |"
    echo "|---|---|---|---|"
    printf '%s\n' "${README[@]}"
} >"$OUT/README.md"
echo "captured $(ls "$OUT" | wc -l) files into $OUT"
