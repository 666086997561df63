#!/usr/bin/env bash
# Captures ExaBGP 4.2's control-interface answers, unedited (exabgpcli's output, byte for byte),
# from a live two-router lab into DIR_OUT, plus a README.md saying what each file is: an
# upstream BIRD (AS 65000) and a site running ExaBGP (AS 65100), each in its own network
# namespace, with an IPv4 and an IPv6 session, and a third neighbor that never comes up.
#
#   capture-exabgp-fixtures.sh DIR_OUT      e.g. Tests/AnycastAgentTests/Fixtures/exabgp
#
# Needs root, exabgp, bird2, iproute2. LAB_PREFIX (default "aexcap") names the namespaces and
# ExaBGP's named pipes, so it never meets another ExaBGP on the machine.
# Addresses: link 198.51.100.0/30 (upstream .1, site .2), 2001:db8:ffff::/64 (::1, ::2);
# the site announces 203.0.113.0/24 and 2001:db8:53::/48; 198.51.100.9 never answers.
#
# How ExaBGP runs here so that exabgpcli can drive it (ExaBGP 4.2.21, read from its sources):
# - It runs in the foreground (daemonize false) in the site namespace, under setsid, in the
#   background of this script: `exabgp --root WORK --env WORK/exabgp.env WORK/exabgp.conf`.
# - The cli needs two FIFOs made beforehand, PIPENAME.in and PIPENAME.out, in one of the
#   folders ExaBGP and exabgpcli both scan: /run/exabgp/, /run/UID/, /run/, the same under
#   /var/run, then ROOT/run/exabgp/, ROOT/run/UID/, ROOT/run/ (ROOT from --root). The first
#   folder holding both wins, so the pipes get a name of the lab's own (api.pipename) and live
#   in WORK/run/. exabgpcli must be given the same --root and --env to find them.
# - An --env file that exists replaces /etc/exabgp/exabgp.env entirely: unset values take the
#   built-in defaults, and the built-in daemon user is "nobody" (Debian's env file says
#   "exabgp"). ExaBGP drops to that user before it starts its cli helper process, which opens
#   the pipes; so the user is named here and WORK and the pipes belong to it.
# - exabgp_cli_pipe is ExaBGP's internal variable: set in exabgp's environment it makes exabgp
#   run as the cli helper instead of as the daemon. Do not set it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/site-daemons.bash"   # the configs' parts
set -f # no globbing: commands carry [ ] (as-path, community)

[[ $# -eq 1 ]] || { echo "usage: $0 DIR_OUT" >&2; exit 2; }
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
P="${LAB_PREFIX:-aexcap}"
PIPE="$P-s1"
WORK="$(mktemp -d /tmp/exabgp-capture.XXXXXX)"

# Kills what runs in the lab's two namespaces (only what this script started there), by pid.
stop_lab_processes() {
    local pids i
    for i in $(seq 50); do
        pids="$(for ns in "$P-up" "$P-s1"; do ip netns pids "$ns" 2>/dev/null || true; done)"
        [[ -z "$pids" ]] && return 0
        # shellcheck disable=SC2086
        if [[ $i -eq 1 ]]; then kill $pids 2>/dev/null || true; fi
        # shellcheck disable=SC2086
        if [[ $i -eq 40 ]]; then kill -9 $pids 2>/dev/null || true; fi
        sleep 0.1
    done
}
WATCH_PID=
cleanup() {
    [[ -n "$WATCH_PID" ]] && kill "$WATCH_PID" 2>/dev/null || true
    stop_lab_processes
    ip netns del "$P-up" 2>/dev/null || true
    ip netns del "$P-s1" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT

# Leftovers of an earlier run with the same prefix (idempotent).
stop_lab_processes
ip netns del "$P-up" 2>/dev/null || true
ip netns del "$P-s1" 2>/dev/null || true

ip netns add "$P-up"
ip netns add "$P-s1"
ip link add "$P-a" netns "$P-up" type veth peer name "$P-b" netns "$P-s1"
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
{
    exabgp_neighbor 198.51.100.1 198.51.100.2 198.51.100.2 65000 ipv4
    exabgp_neighbor 2001:db8:ffff::1 198.51.100.2 2001:db8:ffff::2 65000 ipv6
    exabgp_neighbor 198.51.100.9 198.51.100.2 198.51.100.2 65009 ipv4
} >"$WORK/exabgp.conf"
exabgp_env "$PIPE" exabgp "$WORK/exabgp.pid" >"$WORK/exabgp.env"
mkdir -p "$WORK/run"
mkfifo -m 600 "$WORK/run/$PIPE.in" "$WORK/run/$PIPE.out"
chown -R exabgp:exabgp "$WORK"

ip netns exec "$P-up" bird -c "$WORK/up.conf" -s "$WORK/up.ctl" -P "$WORK/up.pid"
B=(birdc -s "$WORK/up.ctl")
# Every call under a timeout: exabgpcli spins (100% CPU) for ever when the answer's end never
# comes (its "no answer for 5 s" check is never reached while the FIFO reads as end-of-file).
X=(timeout 10 exabgpcli --root "$WORK" --env "$WORK/exabgp.env")
EXABGP_CMD="exabgp --root $WORK --env $WORK/exabgp.env $WORK/exabgp.conf"

# until_ok SECONDS WHAT COMMAND...: polls every 0.1 s until the command succeeds.
until_ok() {
    local tries=$(($1 * 10)) what="$2" i
    shift 2
    for i in $(seq "$tries"); do "$@" >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "never: $what" >&2
    tail -20 "$WORK/exabgp.log" >&2
    exit 1
}
# gone PID: the process has ended (a zombie counts as ended).
gone() { [[ ! -e "/proc/$1" ]] || grep -q '^State:[[:space:]]*Z' "/proc/$1/status" 2>/dev/null; }
start_exabgp() {
    rm -f "$WORK/exabgp.pid"
    # shellcheck disable=SC2086
    ip netns exec "$P-s1" setsid $EXABGP_CMD >>"$WORK/exabgp.log" 2>&1 </dev/null &
    EXABGP_PID=$!
    until_ok 20 "exabgp writes its pid file" test -s "$WORK/exabgp.pid"
}
# established ADDR: the summary lists the peer as established (it lists no other state).
established() { "${X[@]}" show neighbor summary | awk -v a="$1" '$1 == a && / established / {f = 1} END {exit !f}'; }
not_established() { ! established "$1"; }
# up_a_second ADDR: established and the up/down column shows a duration (below 1 s it says "down").
up_a_second() { "${X[@]}" show neighbor summary | awk -v a="$1" '$1 == a && / established / && $3 != "down" {f = 1} END {exit !f}'; }
# upstream_has PREFIX AS_PATH [LINE...]: the upstream's route for PREFIX has that path and lines.
upstream_has() {
    local r line
    r="$("${B[@]}" show route "$1" all)"
    grep -qx $'\tBGP.as_path: '"$2" <<<"$r" || return 1
    shift 2
    for line in "$@"; do grep -qx $'\t'"$line" <<<"$r" || return 1; done
}
rib_out_empty() { [[ -z "$("${X[@]}" show adj-rib out)" ]]; }
upstream_lacks() {
    local r
    r="$("${B[@]}" show route "$1" || true)" # birdc exits 1 with "Network not found"
    grep -q 'Network not found' <<<"$r"
}
# import_stat PROTOCOL updates|withdraws: what the upstream received on that session.
import_stat() { "${B[@]}" show protocols all "$1" | awk -v w="Import $2:" '$0 ~ w {print $3; exit}'; }
# cli WORDS...: one command that must succeed. exabgpcli exits 0 even when ExaBGP answers
# "error"; standard error is what tells.
cli() {
    local err rc=0
    err="$("${X[@]}" "$@" 2>&1 >/dev/null)" || rc=$?
    [[ -z "$err" && $rc -eq 0 ]] || { echo "exabgpcli $* (exit $rc): $err" >&2; exit 1; }
}

start_exabgp
until_ok 30 "IPv4 session up" established 198.51.100.1
until_ok 30 "IPv6 session up" established 2001:db8:ffff::1
until_ok 10 "IPv4 session up for a second" up_a_second 198.51.100.1
until_ok 10 "IPv6 session up for a second" up_a_second 2001:db8:ffff::1

README=()
NOTES=()
# capture FILE WHAT COMMAND: exabgpcli's standard output, as it is, and its exit status.
capture() {
    local file="$1" what="$2" cmd="$3" rc=0 words
    read -ra words <<<"$cmd"
    "${X[@]}" "${words[@]}" >"$OUT/$file" 2>/dev/null || rc=$?
    README+=("| \`$file\` | $what | \`$cmd\` | $rc |")
}
# capture_all FILE WHAT COMMAND: standard output and error together (ExaBGP's refusals come
# on standard error only, with exit status 0).
capture_all() {
    local file="$1" what="$2" cmd="$3" rc=0 words
    read -ra words <<<"$cmd"
    "${X[@]}" "${words[@]}" >"$OUT/$file" 2>&1 || rc=$?
    README+=("| \`$file\` | $what | \`$cmd\` | $rc |")
}

A4="neighbor 198.51.100.1 announce route 203.0.113.0/24 next-hop self"
A6="neighbor 2001:db8:ffff::1 announce route 2001:db8:53::/48 next-hop self"
W4="neighbor 198.51.100.1 withdraw route 203.0.113.0/24"
W6="neighbor 2001:db8:ffff::1 withdraw route 2001:db8:53::/48"
DEPREF="as-path [65100 65100 65100] med 500 community [65535:0]"

capture version.txt "ExaBGP's version" "version"
capture help.txt "the commands ExaBGP knows" "help"
capture neighbor-summary.txt "198.51.100.1 and 2001:db8:ffff::1 established; 198.51.100.9 (never up) is not listed: the summary shows established peers only" "show neighbor summary"
capture neighbor-extensive.txt "all three neighbors with their state (ESTABLISHED, ESTABLISHED, ACTIVE or CONNECT or IDLE), capabilities, families, message counts" "show neighbor extensive"
capture neighbor-configuration.txt "the neighbors as configured" "show neighbor configuration"
capture neighbor-json.txt "there is no JSON: a hint to give summary, extensive or configuration" "show neighbor json"
capture adj-rib-out-initial.txt "nothing announced yet: empty" "show adj-rib out"

# Announced: each prefix to the neighbor of its family only.
capture_all announce-ipv4.txt "announcing, accepted: no output at all (standard output and error)" "$A4"
capture_all announce-ipv6.txt "announcing the IPv6 prefix; next-hop self is the session's local address 2001:db8:ffff::2" "$A6"
until_ok 20 "203.0.113.0/24 at the upstream" upstream_has 203.0.113.0/24 65100 "BGP.next_hop: 198.51.100.2"
until_ok 20 "2001:db8:53::/48 at the upstream" upstream_has 2001:db8:53::/48 65100 "BGP.next_hop: 2001:db8:ffff::2"
capture adj-rib-out.txt "announced: one line a route, \`neighbor ADDR AFI SAFI PREFIX next-hop ...\`" "show adj-rib out"
capture adj-rib-out-extensive.txt "announced, with the neighbor's full description and the attributes" "show adj-rib out extensive"
capture adj-rib-out-neighbor.txt "announced, only what is kept for one neighbor" "show adj-rib out 198.51.100.1"
capture adj-rib-out-json.txt "\`json\` is no option: read as a neighbor filter matching nothing, so the answer is EMPTY with exit 0 (not \"nothing announced\")" "show adj-rib out json"
capture adj-rib-in.txt "what the upstream sends (export none): empty" "show adj-rib in"

# De-preferred: the same routes announced again with the drain attributes.
UPD0="$(import_stat s1v4 updates)"
WD0="$(import_stat s1v4 withdraws)"
# Meanwhile the upstream's table is read every 10 ms: is either route ever missing?
(
    while :; do
        echo poll >>"$WORK/watch"
        if upstream_lacks 203.0.113.0/24 || upstream_lacks 2001:db8:53::/48; then echo missing >>"$WORK/watch"; fi
        sleep 0.01
    done
) &
WATCH_PID=$!
cli neighbor 198.51.100.1 announce route 203.0.113.0/24 next-hop self $DEPREF
cli neighbor 2001:db8:ffff::1 announce route 2001:db8:53::/48 next-hop self $DEPREF
until_ok 20 "203.0.113.0/24 de-preferred at the upstream" upstream_has 203.0.113.0/24 "65100 65100 65100" "BGP.med: 500" "BGP.community: (65535,0)"
until_ok 20 "2001:db8:53::/48 de-preferred at the upstream" upstream_has 2001:db8:53::/48 "65100 65100 65100" "BGP.med: 500" "BGP.community: (65535,0)"
UPD1="$(import_stat s1v4 updates)"
WD1="$(import_stat s1v4 withdraws)"
kill "$WATCH_PID"
WATCH_PID=
POLLS="$(grep -c poll "$WORK/watch" || true)"
MISSING="$(grep -c missing "$WORK/watch" || true)"
capture adj-rib-out-depref.txt "de-preferred: the same lines (the short form shows no attributes)" "show adj-rib out"
capture adj-rib-out-extensive-depref.txt "de-preferred: \`as-path [ 65100 65100 65100 ] med 500 community 65535:0\`" "show adj-rib out extensive"
NOTES+=("- Re-announcing a prefix with other attributes replaces the route in place: the upstream's IPv4 session received updates $UPD0 -> $UPD1 and withdraws $WD0 -> $WD1 across the de-prefer step (BIRD's \`Import updates/withdraws\` received); the upstream's table, read every 10 ms meanwhile ($POLLS reads), lacked either route $MISSING times.")
NOTES+=("- \`as-path [65100 65100 65100]\` is sent as given: the upstream sees \`BGP.as_path: 65100 65100 65100\` (3 times, ExaBGP does not add its own AS to a path it is given). With no as-path, ExaBGP sends \`65100\`. For 3 prepends on top of the own AS, give 4.")

# Withdrawn.
capture_all withdraw-ipv4.txt "withdrawing, accepted: no output at all" "$W4"
cli $W6
until_ok 20 "203.0.113.0/24 gone from the upstream" upstream_lacks 203.0.113.0/24
until_ok 20 "2001:db8:53::/48 gone from the upstream" upstream_lacks 2001:db8:53::/48
capture adj-rib-out-empty.txt "withdrawn: empty" "show adj-rib out"
capture adj-rib-out-extensive-empty.txt "withdrawn: empty" "show adj-rib out extensive"
capture_all withdraw-not-announced.txt "withdrawing a route that is not announced: no error, exit 0 (ExaBGP logs \"route removed\")" "$W4"

# Refusals: exit status 0, two lines on standard error, nothing on standard output.
capture_all bad-command.txt "a command ExaBGP does not have: standard output and error together" "show bgp summary"
capture_all bad-route.txt "a route ExaBGP cannot parse (/33): standard output and error together" "neighbor 198.51.100.1 announce route 203.0.113.0/33 next-hop self"
capture_all bad-attribute.txt "an attribute ExaBGP does not know: standard output and error together" "neighbor 198.51.100.1 announce route 203.0.113.0/24 next-hop self medd 500"
capture_all unknown-neighbor.txt "an address that is no neighbor: standard output and error together" "neighbor 198.51.100.7 announce route 203.0.113.0/24 next-hop self"
capture adj-rib-out-after-refusals.txt "after the refusals: still empty" "show adj-rib out"

# No neighbor named: every neighbor gets the route, the never-up one too; one of the wrong
# family does not (ExaBGP logs "the route family is not configured on neighbor").
cli announce route 203.0.113.0/24 next-hop self
cli announce route 2001:db8:53::/48 next-hop self
until_ok 20 "203.0.113.0/24 at the upstream" upstream_has 203.0.113.0/24 65100
until_ok 20 "2001:db8:53::/48 at the upstream" upstream_has 2001:db8:53::/48 65100
capture adj-rib-out-all-neighbors.txt "\`announce route\` without \`neighbor ADDR\`: kept for every neighbor of the family, 198.51.100.9 (never up) included" "show adj-rib out"
cli withdraw route 203.0.113.0/24
cli withdraw route 2001:db8:53::/48
until_ok 20 "203.0.113.0/24 gone from the upstream" upstream_lacks 203.0.113.0/24
until_ok 20 "2001:db8:53::/48 gone from the upstream" upstream_lacks 2001:db8:53::/48
until_ok 20 "adj-rib out empty" rib_out_empty

# Timings: one exabgpcli call, and withdraw -> the route gone from the upstream (birdc polled
# every 10 ms).
ns() { date +%s%N; }
CALLS=()
for _ in 1 2 3 4 5; do
    t0=$(ns); "${X[@]}" show neighbor summary >/dev/null; t1=$(ns)
    CALLS+=("$(((t1 - t0) / 1000000))")
done
CLI_MS=()
GONE_MS=()
AFTER_MS=()
for _ in 1 2 3 4 5; do
    cli $A4
    until_ok 20 "203.0.113.0/24 at the upstream" upstream_has 203.0.113.0/24 65100
    t0=$(ns)
    cli $W4
    t1=$(ns)
    for i in $(seq 1000); do upstream_lacks 203.0.113.0/24 && break; sleep 0.01; done
    t2=$(ns)
    upstream_lacks 203.0.113.0/24 || { echo "withdrawn route never left the upstream" >&2; exit 1; }
    CLI_MS+=("$(((t1 - t0) / 1000000))")
    GONE_MS+=("$(((t2 - t0) / 1000000))")
    AFTER_MS+=("$(((t2 - t1) / 1000000))")
done
NOTES+=("- Timings on this run (ms, 5 rounds): one \`exabgpcli show neighbor summary\` call: ${CALLS[*]}; \`exabgpcli ... withdraw route\` call: ${CLI_MS[*]}; from starting the withdraw call to the route gone from the upstream BIRD (birdc polled every 10 ms): ${GONE_MS[*]}, of which after the call had returned: ${AFTER_MS[*]}.")

# The upstream shuts the IPv4 session, with the IPv4 route announced.
cli $A4
until_ok 20 "203.0.113.0/24 at the upstream" upstream_has 203.0.113.0/24 65100
"${B[@]}" disable s1v4 >/dev/null
until_ok 20 "IPv4 session down at ExaBGP" not_established 198.51.100.1
capture neighbor-summary-session-down.txt "the upstream disabled the IPv4 session: 198.51.100.1 is no longer listed" "show neighbor summary"
capture neighbor-extensive-session-down.txt "the IPv4 neighbor after the upstream shut it (IDLE, ACTIVE or CONNECT; \`down for\`)" "show neighbor 198.51.100.1 extensive"
capture adj-rib-out-session-down.txt "the route is still kept for the neighbor that is down" "show adj-rib out"
"${B[@]}" enable s1v4 >/dev/null
t0=$(ns)
until_ok 120 "IPv4 session up again" established 198.51.100.1
until_ok 20 "203.0.113.0/24 sent again after the session came back" upstream_has 203.0.113.0/24 65100
t1=$(ns)
NOTES+=("- Routes are kept for a neighbor while its session is down and sent again when it comes back: after \`birdc enable s1v4\` the session was up and 203.0.113.0/24 back at the upstream in $(((t1 - t0) / 1000000)) ms, with no command.")

# ExaBGP stopped (SIGTERM), with both routes announced.
cli $A6
until_ok 20 "2001:db8:53::/48 at the upstream" upstream_has 2001:db8:53::/48 65100
kill "$(cat "$WORK/exabgp.pid")"
until_ok 20 "exabgp ends" gone "$EXABGP_PID"
until_ok 20 "203.0.113.0/24 gone from the upstream" upstream_lacks 203.0.113.0/24
until_ok 20 "2001:db8:53::/48 gone from the upstream" upstream_lacks 2001:db8:53::/48
rc=0; t0=$(ns)
"${X[@]}" show neighbor summary >"$OUT/daemon-down.txt" 2>&1 || rc=$?
t1=$(ns)
README+=("| \`daemon-down.txt\` | exabgp not running, its pipes left in place: standard output and error together; no newline at the end; answered after $(((t1 - t0) / 100000000 / 10)).$(((t1 - t0) / 100000000 % 10)) s (exabgpcli's own 5 s alarm, under \`timeout 10\`) | \`show neighbor summary\` | $rc |")
mkdir "$WORK/aside"
mv "$WORK/run/$PIPE.in" "$WORK/run/$PIPE.out" "$WORK/aside/"
rc=0
"${X[@]}" show neighbor summary >"$OUT/no-pipes.txt" 2>&1 || rc=$?
README+=("| \`no-pipes.txt\` | the named pipes missing: the folders exabgpcli scanned (WORK is a temporary folder of the run); standard output and error together | \`show neighbor summary\` | $rc |")
mv "$WORK/aside/$PIPE.in" "$WORK/aside/$PIPE.out" "$WORK/run/"

# ExaBGP started again: what was announced through the cli is gone.
start_exabgp
until_ok 30 "IPv4 session up after the restart" established 198.51.100.1
until_ok 30 "IPv6 session up after the restart" established 2001:db8:ffff::1
capture adj-rib-out-after-restart.txt "after exabgp restarted: empty, the routes announced through the cli are gone" "show adj-rib out"
upstream_lacks 203.0.113.0/24 && upstream_lacks 2001:db8:53::/48 || { echo "routes back after the restart?" >&2; exit 1; }
NOTES+=("- When exabgp stops (SIGTERM) the upstream drops its routes with the sessions; when it starts again the routes announced through the cli are gone (only routes in the configuration come back), so whoever drives it must announce them again.")
NOTES+=("- exabgpcli's exit status says nothing about ExaBGP's answer: a refused command exits 0 with \`ExaBGP returns an error (see ExaBGP's logs for more information)\` and \`use help for a list of available commands\` on standard error; the reason is only in ExaBGP's log. It exits 1 only when it cannot reach ExaBGP.")
NOTES+=("- \`show neighbor summary\` is fixed-width text (\`%-15s %-7s %9s %-12s %10d %10d\`: peer, AS, up/down, state, updates sent, updates received), with established peers only. An IPv6 address longer than 15 characters pushes the other columns right; the up/down column is Python's timedelta (\`0:00:07\`, and past a day \`1 day, 0:00:07\`, with spaces), and says \`down\` for a session established less than a second ago.")
NOTES+=("- \`show neighbor extensive\`: \`state\` is upper case (ESTABLISHED, ACTIVE, IDLE, CONNECT, OPENSENT, OPENCONFIRM); \`up for\` or \`down for\` (the latter also for a session up less than a second, and its value is not the time since the session went down); the Remote ID column shows the site's own router id, not the peer's (ExaBGP 4.2.21 prints the router id it sent).")
NOTES+=("- Not captured here (it does not repeat the same way): 8 exabgpcli calls at once (4 \`show neighbor extensive\`, 4 \`show adj-rib out\`) against one ExaBGP got each other's answers, one a torn piece of one, one crashed (exit 1, ExaBGP's \`EXABGP HAD AN INTERNAL ISSUE\` report with \`TypeError: endswith first arg must be str or a tuple of str, not bytes\` in exabgpcli's clearing of stale pipe data) and one never ended (killed by \`timeout 10\`, exit 124). ExaBGP itself went on and the next lone call answered right. One pair of pipes carries every client's answers: calls must be serialised, and each run under a timeout.")
NOTES+=("- No answer is JSON in 4.2.21: \`show neighbor json\` gives a hint, \`show adj-rib out json\` gives nothing. \`json\` applies to the messages sent to \`process\` programs (encoder json), not to the cli.")

{
    echo "# ExaBGP fixtures"
    echo
    echo "Captured by \`scripts/lab/capture-exabgp-fixtures.sh\` from ExaBGP $(exabgp --version 2>&1 | awk '/^ExaBGP/ {print $3}') (Debian) and BIRD $(bird --version 2>&1 | awk '{print $3}') on $(date -u +%Y-%m-%d), unedited."
    echo "The site (AS 65100, ExaBGP) peers with an upstream BIRD (AS 65000) over 198.51.100.0/30 and 2001:db8:ffff::/64;"
    echo "a third neighbor, 198.51.100.9 (AS 65009), never comes up. Every command went through \`exabgpcli\` (named pipes),"
    echo "each announced prefix checked at the upstream with birdc before the capture."
    echo
    echo "| file | what | command | exabgpcli exit |"
    echo "|---|---|---|---|"
    printf '%s\n' "${README[@]}"
    echo
    echo "## What was seen"
    echo
    printf '%s\n' "${NOTES[@]}"
    echo
    echo "## How ExaBGP ran"
    echo
    echo "In the site namespace, in the foreground under setsid: \`exabgp --root WORK --env WORK/exabgp.env WORK/exabgp.conf\`,"
    echo "with the FIFOs \`WORK/run/$PIPE.in\` and \`WORK/run/$PIPE.out\` made beforehand (mkfifo, owned by user exabgp)."
    echo "Every exabgpcli call: \`exabgpcli --root WORK --env WORK/exabgp.env COMMAND...\`. WORK/exabgp.env:"
    echo
    echo '```ini'
    sed "s|$WORK|WORK|g" "$WORK/exabgp.env"
    echo '```'
    echo
    echo "WORK/exabgp.conf:"
    echo
    echo '```'
    cat "$WORK/exabgp.conf"
    echo '```'
} >"$OUT/README.md"
echo "captured $(ls "$OUT" | wc -l) files into $OUT"
printf '%s\n' "${NOTES[@]}"
