#!/usr/bin/env bash
# Two-router BIRD lab: an upstream router (AS 65000) and one anycast site (AS 65100),
# each in its own network namespace, joined by a veth.
#
#   bird-pair.sh up DIR     build the namespaces, start both BIRDs, wait for Established
#   bird-pair.sh down DIR   stop both BIRDs and delete the namespaces (idempotent)
#
# LAB_PREFIX (default "acd") names the namespaces: ${LAB_PREFIX}-up and ${LAB_PREFIX}-s1,
# so parallel runs with different prefixes coexist. Needs root, bird2 and iproute2.
#
# Addresses (documentation ranges only, and only inside the namespaces):
#   link         198.51.100.0/30     upstream .1, site .2; 2001:db8:ffff::1/64 and ::2/64
#   ecmp0        198.51.100.4/30     veth on the upstream (.5), second next hop .6 for the
#                                    ECMP static route 192.0.2.0/24 (protocol "multipath")
#   anycast      203.0.113.0/24, 2001:db8:53::/48 (site statics anycast4/anycast6)
set -euo pipefail

PREFIX="${LAB_PREFIX:-acd}"
NS_UP="${PREFIX}-up"
NS_S1="${PREFIX}-s1"
WAIT_SECS="${LAB_WAIT_SECS:-20}"

usage() { echo "usage: $0 up|down DIR" >&2; exit 2; }
[[ $# -eq 2 ]] || usage
CMD="$1"
if [[ "$CMD" == up ]]; then mkdir -p "$2"; fi
if [[ -d "$2" ]]; then DIR="$(cd "$2" && pwd)"; else DIR="$2"; fi

log() { echo "bird-pair: $*" >&2; }

stop_bird() { # $1 = pid file
    local pidfile="$1" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(cat "$pidfile" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && kill -0 "$pid" 2>/dev/null; then
        # Only kill it if it really is a bird process (pid files survive crashes).
        if [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == bird ]]; then
            kill "$pid" 2>/dev/null || true
            for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            kill -9 "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$pidfile"
}

down() {
    stop_bird "$DIR/up.pid"
    stop_bird "$DIR/site.pid"
    local ns
    for ns in "$NS_UP" "$NS_S1"; do
        if ip netns list | awk '{print $1}' | grep -x "$ns" >/dev/null; then
            # A bird started from another DIR with the same prefix may still live in it.
            local pids
            pids="$(ip netns pids "$ns" 2>/dev/null || true)"
            if [[ -n "$pids" ]]; then
                # shellcheck disable=SC2086
                kill $pids 2>/dev/null || true
                sleep 0.5
                # shellcheck disable=SC2086
                kill -9 $pids 2>/dev/null || true
            fi
            ip netns del "$ns" 2>/dev/null || true
        fi
    done
    rm -f "$DIR/up.ctl" "$DIR/site.ctl"
}

write_configs() {
    cat >"$DIR/up.conf" <<CONF
# Upstream router (AS 65000), namespace $NS_UP
router id 198.51.100.1;
# No timeformat here on purpose: the upstream shows BIRD's default short times
# (hh:mm:ss.sss), the site shows iso long; the fixtures cover both.
protocol device {}
# A route with two next hops (198.51.100.6 lives behind the dummy interface ecmp0).
protocol static multipath {
    ipv4;
    route 192.0.2.0/24 via 198.51.100.2 via 198.51.100.6;
}
protocol bgp s1 {
    local 198.51.100.1 as 65000;
    neighbor 198.51.100.2 as 65100;
    ipv4 { import all; export none; };
    ipv6 { import all; export none; };
}
CONF
    cat >"$DIR/site.conf" <<CONF
# Anycast site (AS 65100), namespace $NS_S1
router id 198.51.100.2;
timeformat protocol iso long;
timeformat route iso long;
protocol device {}
protocol static anycast4 { ipv4; route 203.0.113.0/24 blackhole; }
protocol static anycast6 { ipv6; route 2001:db8:53::/48 blackhole; }
# One session over IPv4 carrying both address families (multiprotocol BGP).
protocol bgp upstream {
    local 198.51.100.2 as 65100;
    neighbor 198.51.100.1 as 65000;
    ipv4 { import none; export where proto = "anycast4"; };
    ipv6 {
        import none;
        next hop address 2001:db8:ffff::2;
        export where proto = "anycast6";
    };
}
CONF
}

up() {
    down  # leftovers of an earlier run with the same prefix / DIR
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
    # Second next hop for the ECMP route: a veth whose both ends stay in the upstream
    # namespace (the kernel here has no dummy driver), 198.51.100.5/30 on ecmp0.
    ip -n "$NS_UP" link add ecmp0 type veth peer name ecmp0p
    ip -n "$NS_UP" addr add 198.51.100.5/30 dev ecmp0
    ip -n "$NS_UP" link set ecmp0p up
    ip -n "$NS_UP" link set ecmp0 up

    write_configs
    ip netns exec "$NS_UP" bird -c "$DIR/up.conf" -s "$DIR/up.ctl" -P "$DIR/up.pid"
    ip netns exec "$NS_S1" bird -c "$DIR/site.conf" -s "$DIR/site.ctl" -P "$DIR/site.pid"

    local deadline=$((SECONDS + WAIT_SECS)) out=""
    while (( SECONDS < deadline )); do
        out="$(birdc -s "$DIR/site.ctl" show protocols upstream 2>/dev/null || true)"
        if grep -Eq '^upstream[[:space:]].*Established' <<<"$out"; then
            echo "upstream socket: $DIR/up.ctl"
            echo "site socket:     $DIR/site.ctl"
            trap - ERR
            return 0
        fi
        sleep 0.5
    done
    log "site BGP session 'upstream' not Established after ${WAIT_SECS}s; last status:"
    echo "$out" >&2
    trap - ERR
    down
    return 1
}

case "$CMD" in
    up) up ;;
    down) down ;;
    *) usage ;;
esac
