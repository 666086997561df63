# The routing daemons of a lab site other than BIRD (FRR's bgpd, gobgpd, ExaBGP): their
# configs and how they are started, shared by lab.sh (one site per daemon in the mixed lab)
# and daemon-pair.sh (one site against one upstream). Sourced, not run.
#
# A site (AS 65100) has one session per family to its upstream (AS 65000) and no routes: the
# agent adds those, so a daemon that restarts announces nothing until the agent has said what
# it should. Where each daemon keeps its files, for a site in namespace NS with folder DIR:
#   frr     /var/run/frr/NS/bgpd.{conf,pid,log} (FRR's pathspace is NS: vtysh -N NS)
#   gobgp   DIR/gobgpd.{toml,pid,log}; its API on 127.0.0.1:50051 inside NS
#   exabgp  DIR/exabgp/exabgp.{conf,env,pid,log}; its control pipes DIR/exabgp/run/exabgp.{in,out}

GOBGP_API="127.0.0.1:50051"

frr_run_dir() { echo "/var/run/frr/$1"; }   # NS

# site_daemon_pidfile DAEMON NS DIR: the daemon's pid file; its command name is
# site_daemon_comm DAEMON.
site_daemon_pidfile() {
    case "$1" in
        frr) echo "$(frr_run_dir "$2")/bgpd.pid" ;;
        gobgp) echo "$3/gobgpd.pid" ;;
        exabgp) echo "$3/exabgp/exabgp.pid" ;;
    esac
}
site_daemon_comm() { case "$1" in frr) echo bgpd ;; gobgp) echo gobgpd ;; *) echo "$1" ;; esac; }

# gobgp_global ROUTER_ID, gobgp_neighbor ADDRESS PEER_AS AFI_SAFI: gobgpd.toml's parts for a
# site of AS 65100 (AFI_SAFI: ipv4-unicast or ipv6-unicast).
gobgp_global() { printf '[global.config]\n  as = 65100\n  router-id = "%s"\n' "$1"; }
gobgp_neighbor() {
    printf '[[neighbors]]\n  [neighbors.config]\n    neighbor-address = "%s"\n    peer-as = %s\n' "$1" "$2"
    printf '  [[neighbors.afi-safis]]\n    [neighbors.afi-safis.config]\n      afi-safi-name = "%s"\n' "$3"
}

# exabgp_neighbor ADDRESS ROUTER_ID LOCAL_ADDRESS PEER_AS FAMILY: one neighbor of ExaBGP's
# config for a site of AS 65100 (FAMILY: ipv4 or ipv6, unicast).
exabgp_neighbor() {
    printf 'neighbor %s {\n    router-id %s;\n    local-address %s;\n    local-as 65100;\n    peer-as %s;\n    family { %s unicast; }\n}\n' "$@"
}

# exabgp_env PIPENAME USER PIDFILE: ExaBGP's environment file: the cli on, answering `done` to
# each command (ack), in the foreground, logging to standard output.
exabgp_env() {
    printf "[exabgp.api]\ncli = true\nack = true\npipename = '%s'\n\n" "$1"
    printf "[exabgp.daemon]\ndaemonize = false\nuser = '%s'\npid = '%s'\n\n" "$2" "$3"
    printf "[exabgp.log]\ndestination = 'stdout'\n"
}

# write_site_daemon_conf DAEMON NS DIR NAME SITE4 UP4 SITE6 UP6: the config of site NAME whose
# addresses on its upstream link are SITE4 and SITE6, the upstream's UP4 and UP6.
write_site_daemon_conf() {
    local daemon=$1 ns=$2 dir=$3 name=$4 site4=$5 up4=$6 site6=$7 up6=$8
    case "$daemon" in
        frr)
            local run; run="$(frr_run_dir "$ns")"
            mkdir -p "$run"
            cat >"$run/bgpd.conf" <<CONF
! Anycast site $name (AS 65100), namespace $ns. No network statements: the agent writes them.
frr defaults traditional
hostname $name
log file $run/bgpd.log
!
router bgp 65100
 bgp router-id $site4
 no bgp ebgp-requires-policy
 no bgp network import-check
 neighbor $up4 remote-as 65000
 neighbor $up4 advertisement-interval 0
 neighbor $up6 remote-as 65000
 neighbor $up6 advertisement-interval 0
 address-family ipv4 unicast
  no neighbor $up6 activate
 exit-address-family
 address-family ipv6 unicast
  neighbor $up6 activate
 exit-address-family
!
CONF
            ;;
        gobgp)
            {
                echo "# Anycast site $name (AS 65100), namespace $ns. No routes: the agent adds them."
                gobgp_global "$site4"
                gobgp_neighbor "$up4" 65000 ipv4-unicast
                gobgp_neighbor "$up6" 65000 ipv6-unicast
            } >"$dir/gobgpd.toml"
            ;;
        exabgp)
            # The cli on, answering `done` to each command (ack), its pipes made beforehand.
            # It runs as root: ExaBGP's default user (nobody) could not open root's pipes.
            mkdir -p "$dir/exabgp/run"
            {
                echo "# Anycast site $name (AS 65100), namespace $ns. No routes: the agent announces them."
                exabgp_neighbor "$up4" "$site4" "$site4" 65000 ipv4
                exabgp_neighbor "$up6" "$site4" "$site6" 65000 ipv6
            } >"$dir/exabgp/exabgp.conf"
            exabgp_env exabgp root "$dir/exabgp/exabgp.pid" >"$dir/exabgp/exabgp.env"
            rm -f "$dir/exabgp/run/exabgp.in" "$dir/exabgp/run/exabgp.out"
            mkfifo -m 600 "$dir/exabgp/run/exabgp.in" "$dir/exabgp/run/exabgp.out"
            ;;
    esac
}

# start_site_daemon_in DAEMON NS DIR: starts the daemon in namespace NS (its config written by
# write_site_daemon_conf); returns once it has a pid file.
start_site_daemon_in() {
    local daemon=$1 ns=$2 dir=$3
    case "$daemon" in
        frr)
            local run; run="$(frr_run_dir "$ns")"
            mkdir -p "$run" "/etc/frr/$ns"
            touch "/etc/frr/$ns/vtysh.conf" "$run/bgpd.log"
            # bgpd reads its config and writes its log as frr: both live in its run folder,
            # since DIR may sit in a folder only root can enter.
            chown -R frr:frr "$run"
            ip netns exec "$ns" /usr/lib/frr/bgpd -N "$ns" -Z -d -f "$run/bgpd.conf" -i "$run/bgpd.pid" -u frr -g frr
            ;;
        gobgp)
            # gobgpd stays in the foreground; --pprof-disable: no listener on localhost:6060.
            setsid ip netns exec "$ns" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$dir/gobgpd.pid" \
                gobgpd -f "$dir/gobgpd.toml" -t toml --api-hosts "$GOBGP_API" --pprof-disable -p \
                </dev/null >>"$dir/gobgpd.log" 2>&1 &
            ;;
        exabgp)
            # A pid file left by a killed ExaBGP would stop the next one from starting.
            rm -f "$dir/exabgp/exabgp.pid"
            setsid ip netns exec "$ns" exabgp --root "$dir/exabgp" --env "$dir/exabgp/exabgp.env" "$dir/exabgp/exabgp.conf" \
                </dev/null >>"$dir/exabgp/exabgp.log" 2>&1 &
            ;;
    esac
    local pidfile _; pidfile="$(site_daemon_pidfile "$daemon" "$ns" "$dir")"
    for _ in $(seq 100); do [[ -s "$pidfile" ]] && return 0; sleep 0.1; done
    echo "$daemon wrote no pid file $pidfile" >&2
    return 1
}
