#!/usr/bin/env bash
# Two-router lab for a routing daemon other than BIRD: an upstream BIRD (AS 65000) and one
# anycast site (AS 65100) running FRR's bgpd, gobgpd or ExaBGP, each in its own network namespace,
# joined by a veth, with an IPv4 and an IPv6 session (dual stack, one session per family, as
# sites usually peer).
#
#   daemon-pair.sh DAEMON up DIR      build the namespaces, start BIRD and the site's daemon
#                                     (DAEMON: frr, gobgp or exabgp), wait until both
#                                     sessions are Established
#   daemon-pair.sh DAEMON down DIR    stop both and delete the namespaces (idempotent)
#   daemon-pair.sh DAEMON start DIR   start the site's daemon again (after a test stopped or
#                                     killed it)
#   daemon-pair.sh DAEMON pid DIR     prints the site daemon's pid
#
# The site daemon's config has the sessions and no routes: the agent adds those (announce,
# de-prefer, withdraw), so a daemon that restarts announces nothing until the agent has said
# what it should.
#
# LAB_PREFIX (default "acf") names the namespaces ${LAB_PREFIX}-up and ${LAB_PREFIX}-s1, and
# FRR's pathspace (vtysh -N ${LAB_PREFIX}-s1). gobgpd's API is 127.0.0.1:50051 inside the
# site's namespace. ExaBGP's control pipes are DIR/exabgp/run/exabgp.in and .out (the agent's
# `[exabgp] pipe = "DIR/exabgp/run/exabgp"`). Needs root, bird2, iproute2, and frr, gobgpd or
# exabgp.
#
# Addresses (documentation ranges only, and only inside the namespaces):
#   link       198.51.100.0/30 (upstream .1, site .2); 2001:db8:ffff::1/64 and ::2/64
#   anycast    203.0.113.0/24 and 2001:db8:53::/48, announced by the agent
# The upstream's sessions are "s1" (IPv4) and "s1v6" (IPv6).
set -euo pipefail

PREFIX="${LAB_PREFIX:-acf}"
NS_UP="${PREFIX}-up"
NS_S1="${PREFIX}-s1"
WAIT_SECS="${LAB_WAIT_SECS:-30}"

usage() { echo "usage: $0 frr|gobgp|exabgp up|down|start|pid DIR" >&2; exit 2; }
[[ $# -eq 3 ]] || usage
DAEMON="$1"
CMD="$2"
[[ "$DAEMON" == frr || "$DAEMON" == gobgp || "$DAEMON" == exabgp ]] || usage
if [[ "$CMD" == up ]]; then mkdir -p "$3"; fi
if [[ -d "$3" ]]; then DIR="$(cd "$3" && pwd)"; else DIR="$3"; fi
source "$(dirname "${BASH_SOURCE[0]}")/site-daemons.bash"
RUN="$(frr_run_dir "$NS_S1")"

log() { echo "daemon-pair: $*" >&2; }

# stop PIDFILE COMM: stops the process the pid file names, only if it is COMM.
stop() {
    local pid
    [[ -f "$1" ]] || return 0
    pid="$(cat "$1" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == "$2" ]]; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$1"
}

site_pidfile() { site_daemon_pidfile "$DAEMON" "$NS_S1" "$DIR"; }

down() {
    stop "$DIR/up.pid" bird
    stop "$RUN/bgpd.pid" bgpd
    stop "$DIR/gobgpd.pid" gobgpd
    stop "$DIR/exabgp/exabgp.pid" exabgp
    local ns pids
    for ns in "$NS_UP" "$NS_S1"; do
        if ip netns list | awk '{print $1}' | grep -x "$ns" >/dev/null; then
            pids="$(ip netns pids "$ns" 2>/dev/null || true)"
            # shellcheck disable=SC2086
            [[ -z "$pids" ]] || { kill $pids 2>/dev/null || true; sleep 0.5; kill -9 $pids 2>/dev/null || true; }
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
    rm -rf "$RUN" "/etc/frr/$NS_S1"
    rm -f "$DIR/up.ctl"
}

write_configs() {
    write_upstream_conf
    write_site_daemon_conf "$DAEMON" "$NS_S1" "$DIR" s1 198.51.100.2 198.51.100.1 2001:db8:ffff::2 2001:db8:ffff::1
}

write_upstream_conf() {
    cat >"$DIR/up.conf" <<CONF
# Upstream router (AS 65000), namespace $NS_UP
router id 198.51.100.1;
protocol device {}
protocol bgp s1 { local 198.51.100.1 as 65000; neighbor 198.51.100.2 as 65100; ipv4 { import all; export none; }; }
protocol bgp s1v6 { local 2001:db8:ffff::1 as 65000; neighbor 2001:db8:ffff::2 as 65100; ipv6 { import all; export none; }; }
CONF
}

start_site() {
    start_site_daemon_in "$DAEMON" "$NS_S1" "$DIR" || { tail -20 "$DIR/exabgp/exabgp.log" "$DIR/gobgpd.log" "$RUN/bgpd.log" 2>/dev/null >&2; return 1; }
}

# established: both of the site's sessions are up (seen from the upstream BIRD).
established() {
    local out
    out="$(birdc -s "$DIR/up.ctl" show protocols 2>/dev/null || true)"
    grep -Eq '^s1 .*Established' <<<"$out" && grep -Eq '^s1v6 .*Established' <<<"$out"
}

wait_established() {
    local deadline=$((SECONDS + WAIT_SECS))
    while (( SECONDS < deadline )); do established && return 0; sleep 0.3; done
    log "the site's sessions are not Established after ${WAIT_SECS}s"
    birdc -s "$DIR/up.ctl" show protocols >&2 2>&1 || true
    return 1
}

up() {
    down
    trap 'log "up failed; tearing down"; down' ERR
    ip netns add "$NS_UP"
    ip netns add "$NS_S1"
    ip -n "$NS_UP" link set lo up
    ip -n "$NS_S1" link set lo up
    ip link add v-s1 netns "$NS_UP" type veth peer name v-up netns "$NS_S1"
    ip -n "$NS_UP" addr add 198.51.100.1/30 dev v-s1
    ip -n "$NS_S1" addr add 198.51.100.2/30 dev v-up
    ip -n "$NS_UP" addr add 2001:db8:ffff::1/64 dev v-s1 nodad
    ip -n "$NS_S1" addr add 2001:db8:ffff::2/64 dev v-up nodad
    ip -n "$NS_UP" link set v-s1 up
    ip -n "$NS_S1" link set v-up up
    write_configs
    ip netns exec "$NS_UP" bird -c "$DIR/up.conf" -s "$DIR/up.ctl" -P "$DIR/up.pid"
    start_site
    wait_established || { trap - ERR; down; return 1; }
    trap - ERR
    echo "upstream socket: $DIR/up.ctl"
    case "$DAEMON" in
        frr) echo "site: vtysh -N $NS_S1" ;;
        gobgp) echo "site: ip netns exec $NS_S1 gobgp -u ${GOBGP_API%:*} -p ${GOBGP_API##*:}" ;;
        exabgp) echo "site: exabgpcli --root $DIR/exabgp --env $DIR/exabgp/exabgp.env" ;;
    esac
}

case "$CMD" in
    up) up ;;
    down) down ;;
    start) start_site && wait_established ;;
    pid) cat "$(site_pidfile)" ;;
    *) usage ;;
esac
