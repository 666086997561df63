#!/usr/bin/env bash
# Captures GoBGP 3.10's JSON answers, unedited (the `gobgp` CLI's standard output, byte for
# byte), from a live two-router lab into DIR_OUT, plus a README.md saying what each file is:
# an upstream BIRD (AS 65000) and a site running gobgpd (AS 65100), each in its own network
# namespace, with an IPv4 and an IPv6 session, and a third neighbor that never comes up.
#
#   capture-gobgp-fixtures.sh DIR_OUT    e.g. Tests/AnycastAgentTests/Fixtures/gobgp
#
# Needs root, gobgpd (Debian package, both gobgpd and gobgp), bird2, iproute2, python3.
# LAB_PREFIX (default "agbcap") names the namespaces and the veth; GOBGP_PORT (default 50151)
# is gobgpd's gRPC port, on 127.0.0.1 inside the site namespace (so it meets nothing else).
# Addresses: link 198.51.100.0/30 (upstream .1, site .2), 2001:db8:ffff::/64 (::1, ::2);
# the site announces 203.0.113.0/24 and 2001:db8:53::/48; 198.51.100.9 never answers.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/site-daemons.bash"   # the configs' parts

[[ $# -eq 1 ]] || { echo "usage: $0 DIR_OUT" >&2; exit 2; }
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
P="${LAB_PREFIX:-agbcap}"
PORT="${GOBGP_PORT:-50151}"
WORK="$(mktemp -d /tmp/gobgp-capture.XXXXXX)"

# stop PIDFILE: ends the process whose id the file holds, and waits (up to 10 s) until it is gone.
stop() {
    local pid i
    pid="$(cat "$1" 2>/dev/null || true)"
    [[ "$pid" =~ ^[0-9]+$ ]] || return 0
    kill "$pid" 2>/dev/null || return 0
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
}
# A run that crashed leaves its namespaces behind: end what still runs in them (only this
# script's own daemons live there), then delete them.
clean_namespaces() {
    local ns pid
    for ns in "$P-up" "$P-s1"; do
        [[ -e "/var/run/netns/$ns" ]] || continue
        for pid in $(ip netns pids "$ns" 2>/dev/null); do
            echo "$pid" >"$WORK/stale.pid"; stop "$WORK/stale.pid"
        done
        ip netns del "$ns"
    done
}
cleanup() {
    stop "$WORK/gobgpd.pid"
    stop "$WORK/up.pid"
    clean_namespaces
    rm -rf "$WORK"
}
trap cleanup EXIT
clean_namespaces

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
# The same, except that the upstream sends the site one route (to show a received path).
sed -e 's/^protocol device {}$/&\nprotocol static up4 { ipv4; route 198.51.100.64\/26 blackhole; }/' \
    -e '/s1v4/s/export none/export all/' "$WORK/up.conf" >"$WORK/up-export.conf"
{
    gobgp_global 198.51.100.2
    gobgp_neighbor 198.51.100.1 65000 ipv4-unicast
    gobgp_neighbor 2001:db8:ffff::1 65000 ipv6-unicast
    gobgp_neighbor 198.51.100.9 65009 ipv4-unicast
} >"$WORK/gobgpd.toml"
ip netns exec "$P-up" bird -c "$WORK/up.conf" -s "$WORK/up.ctl" -P "$WORK/up.pid"
# gobgpd stays in the foreground; `ip netns exec` execs it, so $! is gobgpd's own id.
# --pprof-disable: no pprof listener on localhost:6060.
ip netns exec "$P-s1" gobgpd -f "$WORK/gobgpd.toml" -t toml --api-hosts "127.0.0.1:$PORT" \
    --pprof-disable -p >"$WORK/gobgpd.log" 2>&1 </dev/null &
echo $! >"$WORK/gobgpd.pid"

G=(ip netns exec "$P-s1" gobgp -u 127.0.0.1 -p "$PORT")
B=(birdc -s "$WORK/up.ctl")
fail() { echo "$*" >&2; echo "--- gobgpd log" >&2; tail -20 "$WORK/gobgpd.log" >&2; exit 1; }
# until_ok WHAT COMMAND...: waits (up to 30 s, polling every 0.1 s) until COMMAND succeeds.
until_ok() {
    local what="$1" i; shift
    for i in $(seq 300); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    fail "never: $what"
}
# gjson ARGS PYTHON-EXPRESSION: the expression over gobgp's JSON answer `j` holds.
gjson() {
    local args="$1"
    # shellcheck disable=SC2086
    "${G[@]}" $args -j 2>/dev/null | python3 -c "import json,sys; j=json.load(sys.stdin); sys.exit(0 if ($2) else 1)"
}
# session_state is the API's enum: 1 IDLE, 2 CONNECT, 3 ACTIVE, 4 OPENSENT, 5 OPENCONFIRM, 6 ESTABLISHED.
ST="{n['state']['neighbor_address']: n['state'].get('session_state', 0) for n in j}"
# upstream PREFIX REGEX: the upstream BIRD holds PREFIX, and its `show route all` matches REGEX.
# (birdc's answer is read whole first: grep -q stops early, which pipefail would count.)
upstream() {
    local r; r="$("${B[@]}" show route all "$1")" || return 1
    grep -q "^$1 " <<<"$r" && { [[ -z "${2:-}" ]] || grep -Eq "$2" <<<"$r"; }
}
# (birdc exits 1 on "8001 Network not found" as on a dead socket: the greeting tells them apart.)
not_upstream() { local r; r="$("${B[@]}" show route "$1")" || true; grep -q "ready\.$" <<<"$r" && ! grep -q "^$1 " <<<"$r"; }
# withdraws PROTOCOL: how many withdrawals the upstream has received on that BGP session.
withdraws() { "${B[@]}" show protocols all "$1" | awk '/Import withdraws:/ {print $3}'; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

until_ok "gobgpd answers on 127.0.0.1:$PORT" gjson neighbor "len(j) == 3"
until_ok "both sessions Established" gjson neighbor "($ST)['198.51.100.1'] == 6 and ($ST)['2001:db8:ffff::1'] == 6"

README=()
NOTES=()
# capture FILE WHAT ARGS: gobgp's standard output, as it is, and its exit status.
capture() {
    local file="$1" what="$2" args="$3" rc=0
    # shellcheck disable=SC2086
    "${G[@]}" $args >"$OUT/$file" 2>"$WORK/stderr" || rc=$?
    [[ -s "$WORK/stderr" ]] && what="$what (standard error, not kept: $(head -c 200 "$WORK/stderr" | tr '\n' ' '))"
    README+=("| \`$file\` | $what | \`gobgp $args\` | $rc |")
}
# capture_all FILE WHAT ARGS: the same, with standard output and error together.
capture_all() {
    local file="$1" what="$2" args="$3" rc=0
    # shellcheck disable=SC2086
    "${G[@]}" $args >"$OUT/$file" 2>&1 || rc=$?
    README+=("| \`$file\` | $what | \`gobgp $args 2>&1\` | $rc |")
}
# run ARGS: a gobgp command that changes something; it must succeed and print nothing.
run() {
    local o
    # shellcheck disable=SC2086
    o="$("${G[@]}" $1 2>&1)" || fail "gobgp $1: $o"
    [[ -z "$o" ]] || fail "gobgp $1 printed: $o"
}

ADD4="global rib add -a ipv4 203.0.113.0/24"
ADD6="global rib add -a ipv6 2001:db8:53::/48"
DEPREF="aspath 65100,65100,65100 med 500 community 65535:0"
ADJ4="neighbor 198.51.100.1 adj-out -a ipv4"
ADJ6="neighbor 2001:db8:ffff::1 adj-out -a ipv6"

# Announced: no attributes given; gobgpd fills in origin incomplete and next hop 0.0.0.0 / ::,
# and rewrites the next hop to its own address toward each eBGP peer.
run "$ADD4"
run "$ADD6"
until_ok "203.0.113.0/24 at the upstream" upstream 203.0.113.0/24 'BGP.as_path: 65100$'
until_ok "2001:db8:53::/48 at the upstream" upstream 2001:db8:53::/48 'BGP.as_path: 65100$'
until_ok "adj-out IPv4 holds the prefix" gjson "$ADJ4" "list(j) == ['203.0.113.0/24']"
until_ok "adj-out IPv6 holds the prefix" gjson "$ADJ6" "list(j) == ['2001:db8:53::/48']"

capture neighbor-list.json "all neighbors: 198.51.100.1 and 2001:db8:ffff::1 Established (session_state 6), 198.51.100.9 Active (3, never up); a JSON array, in no fixed order" "neighbor -j"
capture neighbor-ipv4.json "one neighbor, Established, announcing 203.0.113.0/24: one JSON object (with advertised counts, which the list lacks)" "neighbor 198.51.100.1 -j"
capture neighbor-ipv6.json "the IPv6 neighbor, Established, announcing 2001:db8:53::/48" "neighbor 2001:db8:ffff::1 -j"
capture neighbor-down-peer.json "the neighbor that never comes up: Active" "neighbor 198.51.100.9 -j"
capture global-rib-ipv4.json "the global RIB: the locally added 203.0.113.0/24, no attributes given" "global rib -a ipv4 -j"
capture global-rib-ipv6.json "the global RIB, IPv6: 2001:db8:53::/48 (next hop in MP_REACH_NLRI, type 14)" "global rib -a ipv6 -j"
capture adj-out-ipv4-full.json "what is sent to the IPv4 peer: 203.0.113.0/24 with AS path 65100 and next hop 198.51.100.2" "$ADJ4 -j"
capture adj-out-ipv6-full.json "what is sent to the IPv6 peer: 2001:db8:53::/48, next hop 2001:db8:ffff::2" "$ADJ6 -j"

# De-preferred: the same prefixes added again with attributes. Does gobgpd replace the path in
# place (one UPDATE, no withdrawal in between)? The upstream's withdrawal counters say.
w4="$(withdraws s1v4)"; w6="$(withdraws s1v6)"
run "$ADD4 $DEPREF"
run "$ADD6 $DEPREF"
DEPREF_AT_UP='BGP.as_path: 65100 65100 65100 65100$'
until_ok "203.0.113.0/24 de-preferred at the upstream" upstream 203.0.113.0/24 "$DEPREF_AT_UP"
until_ok "2001:db8:53::/48 de-preferred at the upstream" upstream 2001:db8:53::/48 "$DEPREF_AT_UP"
for pfx in 203.0.113.0/24 2001:db8:53::/48; do
    upstream "$pfx" 'BGP.med: 500$' && upstream "$pfx" 'BGP.community: \(65535,0\)$' \
        || fail "$pfx at the upstream lacks MED 500 or (65535,0): $("${B[@]}" show route all "$pfx")"
done
until_ok "adj-out IPv4 de-preferred" gjson "$ADJ4" "len(j['203.0.113.0/24']) == 1 and any(a.get('metric') == 500 for a in j['203.0.113.0/24'][0]['attrs'])"
until_ok "adj-out IPv6 de-preferred" gjson "$ADJ6" "len(j['2001:db8:53::/48']) == 1 and any(a.get('metric') == 500 for a in j['2001:db8:53::/48'][0]['attrs'])"
gjson "global rib -a ipv4" "len(j['203.0.113.0/24']) == 1" && n4=one || n4="more than one"
gjson "global rib -a ipv6" "len(j['2001:db8:53::/48']) == 1" && n6=one || n6="more than one"
NOTES+=("- Adding a path again for the same prefix **replaces it in place**: after \`$ADD4 $DEPREF\` (and the IPv6 one) the global RIB held $n4 IPv4 path and $n6 IPv6 path, and the upstream BIRD's \`Import withdraws: received\` went from $w4 to $(withdraws s1v4) on s1v4 and from $w6 to $(withdraws s1v6) on s1v6: one UPDATE each, no withdrawal in between. The upstream then showed \`BGP.as_path: 65100 65100 65100 65100\`, \`BGP.med: 500\`, \`BGP.community: (65535,0)\`.")
capture global-rib-ipv4-depref.json "de-preferred: one path, AS path 65100 65100 65100, MED 500, community 65535:0 (4294901760)" "global rib -a ipv4 -j"
capture global-rib-ipv6-depref.json "de-preferred, IPv6" "global rib -a ipv6 -j"
capture adj-out-ipv4-depref.json "de-preferred, as sent: AS path 65100 x4 (own AS prepended once more), MED 500, community 65535:0" "$ADJ4 -j"
capture adj-out-ipv6-depref.json "de-preferred, IPv6, as sent" "$ADJ6 -j"

# Undone the same way: added again with no attributes.
run "$ADD4"
run "$ADD6"
until_ok "203.0.113.0/24 back to normal at the upstream" upstream 203.0.113.0/24 'BGP.as_path: 65100$'
until_ok "2001:db8:53::/48 back to normal at the upstream" upstream 2001:db8:53::/48 'BGP.as_path: 65100$'
upstream 203.0.113.0/24 'BGP.(med|community)' && fail "203.0.113.0/24 kept MED or community"
NOTES+=("- Adding the path again with no attributes undoes the de-prefer in place too: the upstream went back to \`BGP.as_path: 65100\` with no MED and no community, its withdrawal counters still $(withdraws s1v4) (s1v4) and $(withdraws s1v6) (s1v6).")

# Withdrawn: the paths deleted. Timed from the command to the route leaving the upstream.
t0="$(now_ms)"; run "global rib del -a ipv4 203.0.113.0/24"
until_ok "203.0.113.0/24 gone from the upstream" not_upstream 203.0.113.0/24
t4=$(( $(now_ms) - t0 ))
t0="$(now_ms)"; run "global rib del -a ipv6 2001:db8:53::/48"
until_ok "2001:db8:53::/48 gone from the upstream" not_upstream 2001:db8:53::/48
t6=$(( $(now_ms) - t0 ))
NOTES+=("- From \`gobgp global rib del\` to the route leaving the upstream BIRD's table (polled every 0.1 s, so an upper bound): ${t4} ms for IPv4, ${t6} ms for IPv6. gobgpd sends updates at once; there is no advertisement interval to wait for.")
until_ok "adj-out IPv4 empty" gjson "$ADJ4" "j == {}"
until_ok "adj-out IPv6 empty" gjson "$ADJ6" "j == {}"
capture global-rib-ipv4-empty.json "withdrawn: the global RIB is an empty object" "global rib -a ipv4 -j"
capture global-rib-ipv6-empty.json "withdrawn, IPv6" "global rib -a ipv6 -j"
capture adj-out-ipv4-empty.json "withdrawn: nothing sent to the IPv4 peer, an empty object" "$ADJ4 -j"
capture adj-out-ipv6-empty.json "withdrawn: nothing sent to the IPv6 peer" "$ADJ6 -j"
capture adj-out-ipv4-to-ipv6-peer.json "the IPv4 table of a neighbor that only has IPv6: an empty object, exit 0" "neighbor 2001:db8:ffff::1 adj-out -a ipv4 -j"
capture global-rib-del-absent.txt "deleting a path that is not there: no output, exit 0" "global rib del -a ipv4 203.0.113.0/24"

# Errors: gobgp prints them on standard output (with -j as {"error": "..."}) and exits 1.
capture adj-out-down-peer.json "adj-out of the neighbor that is not Established: a JSON error object" "neighbor 198.51.100.9 adj-out -a ipv4 -j"
capture_all adj-out-unknown-peer.txt "adj-out of an address that is no neighbor" "neighbor 198.51.100.7 adj-out -a ipv4 -j"
capture_all adj-out-unknown-peer-text.txt "the same without -j: the bare message" "neighbor 198.51.100.7 adj-out -a ipv4"
capture_all bad-command.txt "a rejected command (prefix length 33): the message and the usage" "global rib add -a ipv4 203.0.113.0/33"
capture_all bad-command-json.txt "the same with -j: the message and usage inside {\"error\": ...}" "global rib add -a ipv4 203.0.113.0/33 -j"

# A received path next to a local one: the upstream sends 198.51.100.64/26 (birdc configure
# with its export opened on s1v4, a reload without a session reset) while the site announces
# 203.0.113.0/24 again.
run "$ADD4"
"${B[@]}" configure "\"$WORK/up-export.conf\"" >/dev/null
until_ok "198.51.100.64/26 received from the upstream" gjson "global rib -a ipv4" "'198.51.100.64/26' in j and '203.0.113.0/24' in j"
capture global-rib-ipv4-received.json "a path received from the upstream (198.51.100.64/26: has \`source-id\` and \`neighbor-ip\`) next to the local 203.0.113.0/24 (has neither)" "global rib -a ipv4 -j"

# The upstream's own BIRD session down: the list with a session that went down.
"${B[@]}" disable s1v4 >/dev/null
until_ok "198.51.100.1 not Established" gjson neighbor "($ST)['198.51.100.1'] != 6"
capture neighbor-list-session-down.json "198.51.100.1 after the upstream shut it: Idle (session_state 1), a notification received, 2001:db8:ffff::1 still Established" "neighbor -j"

# gobgpd stopped: the CLI cannot reach it (it gives up after about a second).
stop "$WORK/gobgpd.pid"
t0="$(now_ms)"
capture_all daemon-down.txt "gobgpd not running" "neighbor -j"
NOTES+=("- With gobgpd down, \`gobgp neighbor -j\` answered after $(( $(now_ms) - t0 )) ms.")

{
    echo "# GoBGP fixtures"
    echo
    echo "Captured by \`scripts/lab/capture-gobgp-fixtures.sh\` from $(gobgpd --version) / $(gobgp --version) (Debian) and BIRD $(bird --version 2>&1 | awk '{print $3}') on $(date -u +%Y-%m-%d), unedited."
    echo "The site (AS 65100, gobgpd, router-id 198.51.100.2) peers with an upstream BIRD (AS 65000) over 198.51.100.0/30 and 2001:db8:ffff::/64;"
    echo "a third neighbor, 198.51.100.9 (AS 65009), never comes up. The CLI runs in the site's namespace as \`gobgp -u 127.0.0.1 -p $PORT ...\`."
    echo
    echo "| file | what | command | gobgp exit |"
    echo "|---|---|---|---|"
    printf '%s\n' "${README[@]}"
    echo
    echo "## Observed in this run"
    echo
    printf '%s\n' "${NOTES[@]}"
    echo
    cat <<'EOF'
## Reading the JSON

- Field names use underscores in neighbor output and mostly in paths, except `source-id`
  and `neighbor-ip`. Fields with a zero value (0, false, "", empty list) are **left out**
  of neighbor output (protobuf JSON): e.g. `admin_state` is absent when up, `session_state`
  would be absent if 0 (unknown). Read a missing number as 0.
- `gobgp neighbor -j`: a JSON array of peers, in no fixed order (it changes between calls);
  `gobgp neighbor ADDR -j`: one such object. Per peer:
  - `conf.neighbor_address`, `conf.peer_asn`, `conf.local_asn` (also `state.neighbor_address`,
    `state.peer_asn`);
  - `state.session_state`: a number, 1 idle, 2 connect, 3 active, 4 opensent,
    5 openconfirm, 6 established (the text output says `Establ`, `Active`, `Idle`);
  - `state.router_id`: the peer's, only while Established (gone again once it drops);
    `state.messages.received|sent` (`open`, `update`, `notification`, `keepalive`, `total`);
    `transport.local_address` (`0.0.0.0` until the first session);
  - `timers.state.uptime.seconds` and `timers.state.downtime.seconds`: Unix times, not
    durations. While Established both hold the time it came up; after a drop `downtime` is
    the time it went down and `uptime` stays; a peer never up has only `downtime` (the
    daemon's start). `timers.state.negotiated_hold_time` only once up;
  - `afi_safis[].state`: `family.afi` (1 IPv4, 2 IPv6), `family.safi` (1 unicast),
    `enabled`, and with `gobgp neighbor ADDR -j` only, `advertised` (prefixes sent: 1 in
    `neighbor-ipv4.json`); the list never carries it;
  - `state.local_cap`/`remote_cap`: capabilities as protobuf `Any` (`type_url`, base64
    `value`), in no fixed order; the FQDN capability carries the machine's host name.
- `gobgp global rib -a ipv4|ipv6 -j` and `gobgp neighbor ADDR adj-out -a ... -j`: one JSON
  object, prefix -> array of paths; `{}` when empty. A path: `nlri.prefix`, `age` (the Unix
  time the path was made, despite its name), `best` (true in the global RIB for the best path;
  always false in adj-out), `stale`, `attrs` (an array, each with a numeric `type`), and for a
  path received from a peer `source-id` and `neighbor-ip` (the peer's address).
  - Locally added paths are told apart by having **no** `source-id` / `neighbor-ip` (see
    `global-rib-ipv4-received.json`), and in the global RIB by next hop `0.0.0.0` / `::`
    and no AS path attribute unless one was given.
  - `type` 1 ORIGIN: `value` 0 igp, 1 egp, 2 incomplete (the default for `rib add`).
  - `type` 2 AS_PATH: `as_paths` array of segments `{segment_type, num, asns}`,
    `segment_type` 2 AS_SEQUENCE, 1 AS_SET. Absent from a local path added without
    `aspath`; in adj-out toward an eBGP peer the own AS (65100) is already prepended.
  - `type` 3 NEXT_HOP: `nexthop` (IPv4 paths).
  - `type` 4 MULTI_EXIT_DISC: `metric`.
  - `type` 5 LOCAL_PREF: `value` (not seen here: eBGP only).
  - `type` 8 COMMUNITIES: `communities`, an array of 32-bit numbers (high 16 bits : low 16
    bits): 65535:0 is `4294901760`. The text output names it `planned-shut`.
  - `type` 14 MP_REACH_NLRI (IPv6 paths): `nexthop`, `afi`, `safi`, `value` (the NLRI list).
- Errors: gobgp writes them on **standard output**, never standard error, and exits 1; with
  `-j` as `{"error":"..."}`, without it as plain text. Deleting an absent path and asking for
  a family a neighbor lacks both succeed (exit 0).
- `rib add` takes `aspath 65100,65100,65100` (the usage's form; a single argument
  `"65100 65100 65100"` gives the same AS_SEQUENCE; `{65100,65101}` gives an AS_SET),
  `med N`, `community 65535:0` (or `planned-shut`); it prints nothing on success.
EOF
} >"$OUT/README.md"
echo "captured $(ls "$OUT" | wc -l) files into $OUT"
