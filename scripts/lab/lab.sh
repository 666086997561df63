#!/usr/bin/env bash
# Anycast lab: a real dual-stack anycast DNS service on one machine, in network namespaces.
# An upstream router (BIRD, AS 65000) spreads traffic with ECMP over N sites, IPv4 and IPv6;
# each site runs a routing daemon (AS 65100: BIRD, FRR, GoBGP or ExaBGP), Unbound on
# 203.0.113.53 and 2001:db8:53::53, and anycast-agent; a client namespace runs dnsperf over
# both families. The dashboard reaches the agents from the root namespace over per-site
# management veths.
#
#   lab up [--sites N] [--daemons LIST] [--dir D] [--rate QPS] [--bin DIR] [--etcd]
#   lab status [--dir D]
#   lab down [--dir D]
#
# See scripts/lab/README.md. Conventions as scripts/lab/bird-pair.sh: LAB_PREFIX (default
# "acl") names the namespaces ${LAB_PREFIX}-up, -cl, -s1..sN; daemons are killed by their pid
# files after checking /proc/PID/comm; down is idempotent and touches only what the lab made.
set -Eeuo pipefail

LAB_CMD="${LAB_CMD:-$0}"
SCRIPT_DIR="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/../.." && pwd)"

MARKER=".anycast-lab"           # present in every work dir the lab made; down removes only those
ANYCAST_ADDR="203.0.113.53"
ANYCAST_PREFIX="203.0.113.0/24"
ANYCAST6_ADDR="2001:db8:53::53"
ANYCAST6_PREFIX="2001:db8:53::/48"
DAEMON_KINDS="bird frr gobgp exabgp"
AGENT_PORT=9100
WAIT_SECS="${LAB_WAIT_SECS:-20}"
MAX_SITES=8
source "$SCRIPT_DIR/site-daemons.bash"

log() { echo "lab: $*" >&2; }
die() { local code="$1"; shift; echo "lab: $*" >&2; exit "$code"; }

usage() {
    cat >&2 <<'USAGE'
usage: lab up [--sites N] [--daemons bird,frr,gobgp,exabgp] [--dir D] [--rate QPS] [--bin DIR] [--etcd]
       lab status [--dir D]
       lab daemon K start|stop|kill [--dir D]
       lab down [--dir D]
USAGE
    exit 2
}

# ---------------------------------------------------------------- arguments and settings

CMD="${1:-}"
[[ -n "$CMD" ]] || usage
shift
# lab daemon K ACTION: site K's routing daemon started, stopped (SIGTERM) or killed (SIGKILL),
# as tests do to show what a drain does when the daemon goes away.
DAEMON_SITE=""; DAEMON_ACTION=""
if [[ "$CMD" == daemon ]]; then
    [[ $# -ge 2 ]] || usage
    DAEMON_SITE="$1"; DAEMON_ACTION="$2"; shift 2
    [[ "$DAEMON_SITE" =~ ^[1-9][0-9]*$ ]] || die 2 "daemon: K must be a site number (got '$DAEMON_SITE')"
    [[ " start stop kill " == *" $DAEMON_ACTION "* ]] || die 2 "daemon: the action is start, stop or kill (got '$DAEMON_ACTION')"
fi
SITES=""
DAEMONS_ARG=""
DIR_ARG="/tmp/anycast-lab"
RATE=2000
BIN_DIR="$REPO_ROOT/.build/debug"
ETCD=0
while [[ $# -gt 0 ]]; do
    case "$1" in
        --sites) [[ $# -ge 2 ]] || usage; SITES="$2"; shift 2 ;;
        --daemons) [[ $# -ge 2 ]] || usage; DAEMONS_ARG="$2"; shift 2 ;;
        --dir) [[ $# -ge 2 ]] || usage; DIR_ARG="$2"; shift 2 ;;
        --rate) [[ $# -ge 2 ]] || usage; RATE="$2"; shift 2 ;;
        --bin) [[ $# -ge 2 ]] || usage; BIN_DIR="$2"; shift 2 ;;
        --etcd) ETCD=1; shift ;;
        -h|--help) usage ;;
        *) echo "lab: unknown argument '$1'" >&2; usage ;;
    esac
done
if [[ "$CMD" != up ]]; then
    [[ -z "$SITES" && -z "$DAEMONS_ARG" && "$RATE" == 2000 && "$BIN_DIR" == "$REPO_ROOT/.build/debug" && "$ETCD" == 0 ]] \
        || die 2 "--sites, --daemons, --rate, --bin and --etcd are options of 'up' only"
fi
# --daemons names each site's routing daemon in turn (repeated when there are more sites);
# without it every site runs BIRD. --sites defaults to 3, or to the number of daemons named.
DAEMONS=()
if [[ -n "$DAEMONS_ARG" ]]; then
    IFS=, read -ra DAEMONS <<<"$DAEMONS_ARG"
    for d in "${DAEMONS[@]}"; do
        [[ " $DAEMON_KINDS " == *" $d "* ]] || die 2 "--daemons: '$d' is not one of ${DAEMON_KINDS// /, }"
    done
    [[ -n "$SITES" ]] || SITES="${#DAEMONS[@]}"
fi
[[ -n "$SITES" ]] || SITES=3
[[ "$SITES" =~ ^[0-9]+$ ]] && (( SITES >= 1 && SITES <= MAX_SITES )) \
    || die 2 "--sites must be 1..$MAX_SITES (got '$SITES')"
[[ "$RATE" =~ ^[0-9]+$ ]] && (( RATE >= 1 )) || die 2 "--rate must be a positive number of queries per second"
[[ -n "$DIR_ARG" && "$DIR_ARG" != / ]] || die 2 "--dir must not be empty or /"
DIR="$(realpath -m -- "$DIR_ARG")"
[[ "$DIR" != / ]] || die 2 "--dir must not be /"

PREFIX="${LAB_PREFIX:-acl}"
[[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,9}$ ]] \
    || die 2 "LAB_PREFIX must be 1-10 lower-case letters/digits starting with a letter (got '$PREFIX')"

ns_up() { echo "${1}-up"; }
ns_cl() { echo "${1}-cl"; }
ns_co() { echo "${1}-co"; }          # the coordination namespace: three etcd members (--etcd)
ns_site() { echo "${1}-s${2}"; }
mgmt_if() { echo "${1}-m${2}"; }      # root-namespace end of site K's management veth

# Addresses (documentation ranges only). Site K (1..8):
#   upstream link 198.51.100.4K/30: upstream .4K+1 (dev sK), site .4K+2 (dev uplink)
#   management    198.51.100.(128+4K)/30: root .128+4K+1 (dev PREFIX-mK), site .128+4K+2 (dev mgmt)
#   (not 192.0.2.0/24: some hosts, this CI kind among them, use that range on their own network)
# Client link 198.51.100.0/30: upstream .1 (dev cl), client .2 (dev uplink).
#   IPv6: site K's upstream link 2001:db8:ffKK::/64 (upstream ::1, site ::2); client link
#   2001:db8:ff00::/64 (upstream ::1, client ::2)
link_up_addr() { echo "198.51.100.$((4 * $1 + 1))"; }
link_up6_addr() { printf '2001:db8:ff%02x::1' "$1"; }
link_site6_addr() { printf '2001:db8:ff%02x::2' "$1"; }
link_site_addr() { echo "198.51.100.$((4 * $1 + 2))"; }
mgmt_root_addr() { echo "198.51.100.$((128 + 4 * $1 + 1))"; }
mgmt_site_addr() { echo "198.51.100.$((128 + 4 * $1 + 2))"; }
#   coordination  198.51.100.(192+4K)/30: etcd namespace .192+4K+1 (dev sK), site .192+4K+2 (dev coord)
#   root to etcd  198.51.100.240/30: root .241 (dev PREFIX-co), etcd namespace .242 (dev root)
coord_etcd_addr() { echo "198.51.100.$((192 + 4 * $1 + 1))"; }
coord_site_addr() { echo "198.51.100.$((192 + 4 * $1 + 2))"; }
ETCD_ROOT_ADDR="198.51.100.242"
ETCD_PREFIX="/anycast-lab"
etcd_port() { echo "$((23790 + $1))"; }   # member M (1..3) serves clients on 2379M
site_region() {
    case "$1" in
        1|2) echo eu ;;
        3) echo na ;;
        *) local r=(eu na ap); echo "${r[$(( ($1 - 4) % 3 ))]}" ;;
    esac
}

now_ms() { date +%s%3N; }

# site_daemon K: site K's routing daemon (lab.env's DAEMONS once the lab is up).
site_daemon() {
    if (( ${#DAEMONS[@]} )); then echo "${DAEMONS[$(( ($1 - 1) % ${#DAEMONS[@]} ))]}"; else echo bird; fi
}
frr_pathspace() { ns_site "$PREFIX" "$1"; }   # FRR's pathspace is the site's namespace

# ---------------------------------------------------------------- down

# Prints the pid in $1 if it names a live process whose comm is $2.
verified_pid() {
    local pidfile="$1" comm="$2" pid
    [[ -f "$pidfile" ]] || return 0
    pid="$(tr -dc '0-9' <"$pidfile" 2>/dev/null || true)"
    [[ -n "$pid" ]] || return 0
    if [[ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == "$comm" ]]; then echo "$pid"; fi
}

# TERM the given pids, wait up to $1 tenths of a second for all, then KILL what is left.
stop_pids() {
    local tenths="$1"; shift
    [[ $# -gt 0 ]] || return 0
    kill "$@" 2>/dev/null || true
    local i alive p
    for (( i = 0; i < tenths; i++ )); do
        alive=0
        for p in "$@"; do
            if kill -0 "$p" 2>/dev/null; then alive=1; fi
        done
        (( alive )) || return 0
        sleep 0.1
    done
    kill -9 "$@" 2>/dev/null || true
}

lab_namespaces() { # the namespaces of prefix $1 that exist
    ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^${1}-(up|cl|co|s[0-9]+)$" || true
}

down_prefix() { # $1 = prefix
    local p="$1" ns pids
    for ns in $(lab_namespaces "$p"); do
        pids="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)"
        # shellcheck disable=SC2086
        [[ -z "${pids// /}" ]] || stop_pids 30 $pids
        ip netns del "$ns" 2>/dev/null || true
    done
    # Management veths whose namespace end vanished (half-built lab) stay in the root namespace.
    local ifname
    for ifname in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 \
                    | grep -E "^${p}-(m[0-9]+|co)$" || true); do
        ip link del "$ifname" 2>/dev/null || true
    done
    # FRR's run and config folders, by pathspace (the site's namespace name).
    rm -rf /var/run/frr/"$p"-s[0-9]* /etc/frr/"$p"-s[0-9]*
}

# Labs of other prefixes hold the same addresses: their management links are in the root
# namespace too, and the kernel would send this lab's requests to the older link. One whose
# namespaces hold no process (left behind by a run that was killed) is taken down; one still
# running is an error, since two labs cannot be up at once.
clear_other_labs() {
    local other ns live
    for other in $(ip -o link show 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1 \
                   | sed -nE 's/^([a-z][a-z0-9]{0,9})-(m[0-9]+|co)$/\1/p' | sort -u); do
        [[ "$other" != "$PREFIX" ]] || continue
        live=""
        for ns in $(lab_namespaces "$other"); do
            live+="$(ip netns pids "$ns" 2>/dev/null | tr '\n' ' ' || true)"
        done
        [[ -z "${live// /}" ]] \
            || die 1 "another lab (prefix $other) is up and uses the same addresses: take it down first (LAB_PREFIX=$other $LAB_CMD down --dir ITS-DIR)"
        log "taking down a lab left behind by a run that was killed (prefix $other: no process in its namespaces)"
        down_prefix "$other"
    done
}

down() {
    local prefixes=("$PREFIX") recorded="" pids=() f pid
    if [[ -f "$DIR/$MARKER" ]]; then
        recorded="$(sed -n 's/^PREFIX=//p' "$DIR/lab.env" 2>/dev/null || true)"
        [[ -n "$recorded" && "$recorded" != "$PREFIX" && "$recorded" =~ ^[a-z][a-z0-9]{0,9}$ ]] \
            && prefixes+=("$recorded")
        # Processes by pid file, checked against their command name (pid files survive crashes).
        for f in "$DIR"/cl/dnsperf.pid "$DIR"/cl/dnsperf6.pid; do pid="$(verified_pid "$f" dnsperf)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/s*/gobgpd.pid; do pid="$(verified_pid "$f" gobgpd)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/s*/exabgp/exabgp.pid; do pid="$(verified_pid "$f" exabgp)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/s*/agent.pid; do pid="$(verified_pid "$f" anycast-agent)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/s*/unbound.pid; do pid="$(verified_pid "$f" unbound)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/up/bird.pid "$DIR"/s*/bird.pid; do pid="$(verified_pid "$f" bird)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        for f in "$DIR"/co/e*.pid; do pid="$(verified_pid "$f" etcd)"; [[ -z "$pid" ]] || pids+=("$pid"); done
        stop_pids 30 "${pids[@]}"
    fi
    local p
    for p in "${prefixes[@]}"; do down_prefix "$p"; done
    if [[ -f "$DIR/$MARKER" ]]; then
        rm -rf -- "$DIR"
    elif [[ -d "$DIR" ]] && [[ -z "$(ls -A "$DIR")" ]]; then
        rmdir -- "$DIR"
    elif [[ -e "$DIR" ]]; then
        log "$DIR was not made by the lab (no $MARKER): left as it is"
    fi
}

# ---------------------------------------------------------------- up: checks

require_root() { [[ "$(id -u)" == 0 ]] || die 2 "needs root (network namespaces): run it with sudo"; }

require_tools() {
    local missing=() pkgs=() t pkg
    declare -A pkg_of=([bird]=bird2 [birdc]=bird2 [unbound]=unbound [unbound-control]=unbound
                       [dnsperf]=dnsperf [ip]=iproute2 [dig]=bind9-dnsutils [curl]=curl
                       [/usr/lib/frr/bgpd]=frr [vtysh]=frr [gobgpd]=gobgpd [gobgp]=gobgpd [exabgp]=exabgp)
    local tools=(bird birdc unbound unbound-control dnsperf ip dig curl) d
    for d in "${DAEMONS[@]}"; do
        case "$d" in
            frr) tools+=(/usr/lib/frr/bgpd vtysh) ;;
            gobgp) tools+=(gobgpd gobgp) ;;
            exabgp) tools+=(exabgp) ;;
        esac
    done
    for t in "${tools[@]}"; do
        if ! command -v "$t" >/dev/null 2>&1; then
            missing+=("$t")
            pkg="${pkg_of[$t]}"
            [[ " ${pkgs[*]-} " == *" $pkg "* ]] || pkgs+=("$pkg")
        fi
    done
    if (( ${#missing[@]} )); then
        echo "lab: missing: ${missing[*]}. Install with:" >&2
        echo "apt-get install -y ${pkgs[*]}" >&2
        exit 2
    fi
}

# ---------------------------------------------------------------- up: configs

write_upstream_conf() {
    local k
    {
        echo "# Upstream router (AS 65000), namespace $(ns_up "$PREFIX"): ECMP over the sites"
        echo "router id 198.51.100.1;"
        echo "log \"$DIR/up/bird.log\" all;"
        echo "timeformat protocol iso long;"
        echo "timeformat route iso long;"
        echo "protocol device {}"
        echo "protocol kernel { ipv4 { export all; }; merge paths on; }   # ECMP into the kernel"
        echo "protocol kernel { ipv6 { export all; }; merge paths on; }"
        echo "template bgp site {"
        echo "    local as 65000;"
        echo "    connect delay time 1; connect retry time 2; error wait time 1, 10;"
        echo "    ipv4 { import all; export none; };"
        echo "}"
        echo "template bgp site6 {"
        echo "    local as 65000;"
        echo "    connect delay time 1; connect retry time 2; error wait time 1, 10;"
        echo "    ipv6 { import all; export none; };"
        echo "}"
        echo "# One session per family and site: sK (IPv4) and sKv6 (IPv6)."
        for (( k = 1; k <= SITES; k++ )); do
            echo "protocol bgp s$k from site { local $(link_up_addr "$k"); neighbor $(link_site_addr "$k") as 65100; }"
            echo "protocol bgp s${k}v6 from site6 { local $(link_up6_addr "$k"); neighbor $(link_site6_addr "$k") as 65100; }"
        done
    } >"$DIR/up/bird.conf"
}

# The site daemons' configs: one session per family to the upstream; BIRD originates the
# prefixes from static protocols (the agent enables and disables them), the others start with
# no routes (the agent adds them).
write_bird_site_conf() { # $1 = K
    local k="$1" d="$DIR/s$1"
    cat >"$d/bird.conf" <<CONF
# Anycast site s$k (AS 65100), namespace $(ns_site "$PREFIX" "$k")
router id $(link_site_addr "$k");
log "$d/bird.log" all;
timeformat protocol iso long;
timeformat route iso long;
protocol device {}
protocol static anycast4 { ipv4; route $ANYCAST_PREFIX blackhole; }
protocol static anycast6 { ipv6; route $ANYCAST6_PREFIX blackhole; }
# The de-prefer step of a staged drain: the same prefixes, AS path prepended 3 times and the
# GRACEFUL_SHUTDOWN community (RFC 8326). Disabled until a drain enables them; the agent
# enables them before disabling anycast4/6, so the prefixes are never unannounced in between.
$(for f in 4:"$ANYCAST_PREFIX" 6:"$ANYCAST6_PREFIX"; do cat <<DEPREF
protocol static anycast${f%%:*}_depref {
    disabled;
    ipv${f%%:*} { preference 50; };
    route ${f#*:} blackhole {
        bgp_path.prepend(65100); bgp_path.prepend(65100); bgp_path.prepend(65100);
        bgp_community.add((65535,0));
    };
}
DEPREF
done)
protocol bgp upstream {
    local $(link_site_addr "$k") as 65100;
    neighbor $(link_up_addr "$k") as 65000;
    connect delay time 1; connect retry time 2; error wait time 1, 10;
    ipv4 { import none; export where proto = "anycast4" || proto = "anycast4_depref"; };
}
protocol bgp upstream6 {
    local $(link_site6_addr "$k") as 65100;
    neighbor $(link_up6_addr "$k") as 65000;
    connect delay time 1; connect retry time 2; error wait time 1, 10;
    ipv6 { import none; export where proto = "anycast6" || proto = "anycast6_depref"; };
}
CONF
}

# start_site_daemon K: starts site K's routing daemon in its namespace.
start_site_daemon() {
    local k="$1" d="$DIR/s$1" ns; ns="$(ns_site "$PREFIX" "$1")"
    case "$(site_daemon "$k")" in
        bird) ip netns exec "$ns" bird -c "$d/bird.conf" -s "$d/bird.ctl" -P "$d/bird.pid" ;;
        *) start_site_daemon_in "$(site_daemon "$k")" "$ns" "$d" ;;
    esac
}

# router_table K: the agent config's lines for site K's routing daemon.
router_table() {
    local k="$1" d="$DIR/s$1"
    case "$(site_daemon "$k")" in
        bird) printf '[bird]\nsocket = "%s"\n' "$d/bird.ctl" ;;
        frr) printf '[router]\nkind = "frr"\n\n[frr]\npathspace = "%s"\n' "$(frr_pathspace "$k")" ;;
        gobgp) printf '[router]\nkind = "gobgp"\n\n[gobgp]\napi = "%s"\n' "$GOBGP_API" ;;
        exabgp) printf '[router]\nkind = "exabgp"\n\n[exabgp]\npipe = "%s"\n' "$d/exabgp/run/exabgp" ;;
    esac
}

write_site_confs() { # $1 = K
    local k="$1" d="$DIR/s$1" daemon; daemon="$(site_daemon "$1")"
    case "$daemon" in
        bird) write_bird_site_conf "$k" ;;
        *) write_site_daemon_conf "$daemon" "$(ns_site "$PREFIX" "$k")" "$d" "s$k" \
               "$(link_site_addr "$k")" "$(link_up_addr "$k")" "$(link_site6_addr "$k")" "$(link_up6_addr "$k")" ;;
    esac
    cat >"$d/unbound.conf" <<CONF
# Unbound of site s$k: answers only from local data, never recurses to the Internet.
server:
  interface: $ANYCAST_ADDR
  interface: $ANYCAST6_ADDR
  access-control: 0.0.0.0/0 allow
  access-control: ::/0 allow
  do-ip6: yes
  do-daemonize: yes
  username: ""
  chroot: ""
  directory: "$d"
  pidfile: "$d/unbound.pid"
  logfile: "$d/unbound.log"
  use-syslog: no
  verbosity: 1
  num-threads: 1
  extended-statistics: yes
  local-zone: "." static
  local-zone: "example.test." static
  local-data: 'site.example.test. TXT "s$k"'
remote-control:
  control-enable: yes
  control-interface: "$d/unbound.ctl"
CONF
    cat >"$d/agent.toml" <<CONF
# anycast-agent of lab site s$k (runs inside namespace $(ns_site "$PREFIX" "$k"))
[site]
id = "s$k"
name = "Lab site $k"
region = "$(site_region "$k")"
location = "netns $(ns_site "$PREFIX" "$k")"

[listen]
address = "$(mgmt_site_addr "$k")"
port = $AGENT_PORT
# Tests send hundreds of drains a minute (races, timing); production keeps the default 30.
changes_per_minute = 600

[[token]]
name = "lab-read"
scope = "read"
file = "$DIR/read.token"

[[token]]
name = "lab-operate"
scope = "operate"
file = "$DIR/operate.token"

[state]
dir = "$d/state"
reconcile_interval = "5s"

$(router_table "$k")

[traffic]
kind = "unbound"
control = "$d/unbound.ctl"

[probe]
kind = "dns"
server = "$ANYCAST_ADDR"
name = "site.example.test"
type = "TXT"
interval = "1s"
timeout = "500ms"

[health]
rise = 3
fall = 3

[[service]]
name = "dns"
prefixes = ["$ANYCAST_PREFIX", "$ANYCAST6_PREFIX"]
$([[ "$(site_daemon "$k")" == bird ]] && echo 'bird_protocols = ["anycast4", "anycast6"]')
auto_withdraw = true

[service.deprefer]
$([[ "$(site_daemon "$k")" == bird ]] && echo 'bird_protocols = ["anycast4_depref", "anycast6_depref"]')
prepend = 3
graceful_shutdown = true
withdraw_below = 0.1
stage_timeout = "30s"
CONF
    if (( ETCD )); then
        local a; a="$(coord_etcd_addr "$k")"
        cat >>"$d/agent.toml" <<CONF

[coordination]
kind = "etcd"
endpoints = ["http://$a:$(etcd_port 1)", "http://$a:$(etcd_port 2)", "http://$a:$(etcd_port 3)"]
prefix = "$ETCD_PREFIX"
timeout = "2s"
lease_ttl = "6s"
on_coordination_loss = "hold"
CONF
    fi
    # How the agent is started, also by tests that restart it (after kill -9).
    cat >"$d/start-agent.sh" <<CONF
setsid ip netns exec $(ns_site "$PREFIX" "$k") sh -c 'echo \$\$ >"\$1"; shift; exec "\$@"' sh "$d/agent.pid" \\
    "$BIN_DIR/anycast-agent" run --config "$d/agent.toml" --log-level info </dev/null >>"$d/agent.log" 2>&1 &
CONF
}

# The three etcd members of --etcd, in the coordination namespace: clients on every address of
# that namespace (its links to the sites and to the root namespace), peers on its loopback.
write_etcd_starts() {
    local m cluster="" ns; ns="$(ns_co "$PREFIX")"
    for m in 1 2 3; do cluster+="${cluster:+,}e$m=http://127.0.0.1:$((23800 + m))"; done
    for m in 1 2 3; do
        cat >"$DIR/co/start-e$m.sh" <<CONF
setsid ip netns exec $ns sh -c 'echo \$\$ >"\$1"; shift; exec "\$@"' sh "$DIR/co/e$m.pid" \\
    etcd --name e$m --data-dir "$DIR/co/e$m" \\
    --listen-client-urls http://0.0.0.0:$(etcd_port "$m") --advertise-client-urls http://$ETCD_ROOT_ADDR:$(etcd_port "$m") \\
    --listen-peer-urls http://127.0.0.1:$((23800 + m)) --initial-advertise-peer-urls http://127.0.0.1:$((23800 + m)) \\
    --initial-cluster $cluster --initial-cluster-state new --heartbeat-interval 50 --election-timeout 500 \\
    </dev/null >>"$DIR/co/e$m.log" 2>&1 &
CONF
    done
}

etcd_ready() { # a read answered through the root namespace's link
    curl -sf -m 1 --noproxy '*' -o /dev/null -X POST "http://$ETCD_ROOT_ADDR:$(etcd_port 1)/v3/kv/range" -d '{"key":"AA=="}'
}

write_fleet() {
    local k regions=() r
    for (( k = 1; k <= SITES; k++ )); do
        r="$(site_region "$k")"
        [[ " ${regions[*]-} " == *" $r "* ]] || regions+=("$r")
    done
    {
        echo "# Dashboard fleet of the anycast lab in $DIR (made by scripts/lab/lab up)"
        echo "[fleet]"
        echo "name = \"lab\""
        echo "poll_interval = \"1s\""
        echo "min_active_sites = $(( SITES >= 2 ? 2 : 1 ))"
        for r in "${regions[@]}"; do
            echo
            echo "[[region]]"
            echo "name = \"$r\""
            echo "min_active = 1"
        done
        for (( k = 1; k <= SITES; k++ )); do
            echo
            echo "[[site]]"
            echo "id = \"s$k\""
            echo "name = \"Lab site $k\""
            echo "region = \"$(site_region "$k")\""
            echo "url = \"http://$(mgmt_site_addr "$k"):$AGENT_PORT\""
            echo "token_file = \"$DIR/operate.token\""
            echo "read_token_file = \"$DIR/read.token\""
            echo "capacity_qps = 5000"
            echo "location = \"netns $(ns_site "$PREFIX" "$k")\""
        done
        if (( ETCD )); then
            echo
            echo "[coordination]"
            echo "kind = \"etcd\""
            echo "endpoints = [\"http://$ETCD_ROOT_ADDR:$(etcd_port 1)\", \"http://$ETCD_ROOT_ADDR:$(etcd_port 2)\", \"http://$ETCD_ROOT_ADDR:$(etcd_port 3)\"]"
            echo "prefix = \"$ETCD_PREFIX\""
            echo "timeout = \"1s\""
            echo "lock_ttl = \"5s\""
        fi
    } >"$DIR/fleet.toml"
}

new_token() { od -An -N24 -tx1 /dev/urandom | tr -d ' \n'; }

# ---------------------------------------------------------------- up: checks while waiting

bgp_state() { # $1 = K [v6]; site K's session (IPv4, or IPv6 with v6) as the upstream sees it: "Established", "Active", ...
    local out
    out="$(birdc -s "$DIR/up/bird.ctl" show protocols all "s$1${2:-}" 2>/dev/null || true)"
    sed -n 's/^[[:space:]]*BGP state:[[:space:]]*//p' <<<"$out" | head -n 1
}
upstream_nexthops() { # number of next hops of the anycast prefix in the upstream's kernel
    ip -n "$(ns_up "$PREFIX")" route show "$ANYCAST_PREFIX" 2>/dev/null | grep -c "via 198\.51\.100\." || true
}
upstream_nexthops6() { # the same for the IPv6 prefix
    ip -n "$(ns_up "$PREFIX")" -6 route show "$ANYCAST6_PREFIX" 2>/dev/null | grep -c "via 2001:db8:ff" || true
}
upstream_has_site6() { # $1 = K
    ip -n "$(ns_up "$PREFIX")" -6 route show "$ANYCAST6_PREFIX" 2>/dev/null | grep -E "via $(link_site6_addr "$1")( |$)" >/dev/null
}
upstream_has_site() { # $1 = K
    ip -n "$(ns_up "$PREFIX")" route show "$ANYCAST_PREFIX" 2>/dev/null \
        | grep -E "via $(link_site_addr "$1")( |$)" >/dev/null
}
upstream_path() { # $1 = K; site K's path in the upstream's BIRD table: normal, de-preferred or none
    birdc -s "$DIR/up/bird.ctl" show route all "$ANYCAST_PREFIX" 2>/dev/null | awk -v tag="[s$1 " '
        /\[s[0-9]+ / { cur = index($0, tag) > 0; if (cur) found = 1 }
        cur && /BGP\.as_path:/ { hops = NF - 1 }
        cur && /BGP\.community:.*\(65535,0\)/ { gshut = 1 }
        END { print !found ? "none" : (hops > 1 || gshut) ? "de-preferred" : "normal" }'
}
# The lab's addresses live in namespaces on this machine: no proxy from the environment can
# reach them, so curl never asks one (--noproxy).
agent_answer() { # $1 = K; "ok", or curl's own words on why site K's agent did not answer
    local err
    err="$(curl -sSf -m 1 --noproxy '*' -o /dev/null "http://$(mgmt_site_addr "$1"):$AGENT_PORT/healthz" 2>&1)" && echo ok || echo "not answering (${err:-no message})"
}
agent_healthy() { [[ "$(agent_answer "$1")" == ok ]]; }
unbound_queries() { # $1 = K; total.num.queries or empty
    unbound-control -c "$DIR/s$1/unbound.conf" stats_noreset 2>/dev/null \
        | sed -n 's/^total\.num\.queries=//p' || true
}

fail_up() { # $1 = message, one line or more; prints log tails, then the message last, so a log cut short keeps why; tears down, exits 1
    trap - ERR
    local f
    for f in "$DIR"/up/bird.log "$DIR"/s*/bird.log "$DIR"/s*/unbound.log "$DIR"/s*/agent.log "$DIR"/cl/dnsperf.log; do
        [[ -s "$f" ]] || continue
        echo "----- tail ${f#"$DIR"/}" >&2
        tail -n 8 "$f" >&2
    done
    echo "----- upstream route: $(ip -n "$(ns_up "$PREFIX")" route show "$ANYCAST_PREFIX" 2>/dev/null | tr '\n' ' ')" >&2
    echo "----- upstream route6: $(ip -n "$(ns_up "$PREFIX")" -6 route show "$ANYCAST6_PREFIX" 2>/dev/null | tr '\n' ' ')" >&2
    log "FAILED: $1"
    if [[ "${LAB_KEEP_ON_FAILURE:-}" == 1 ]]; then
        log "LAB_KEEP_ON_FAILURE=1: left up for inspection; take it down with: $LAB_CMD down --dir $DIR"
    else
        log "tearing the lab down (set LAB_KEEP_ON_FAILURE=1 to keep it)"
        down
    fi
    exit 1
}

# ---------------------------------------------------------------- up

up() {
    require_root
    require_tools
    [[ -x "$BIN_DIR/anycast-agent" ]] \
        || die 2 "no anycast-agent in $BIN_DIR: run swift build first (cd $REPO_ROOT && swift build --product anycast-agent)"
    BIN_DIR="$(cd "$BIN_DIR" && pwd)"
    if [[ -e "$DIR" && ! -f "$DIR/$MARKER" ]]; then
        [[ -d "$DIR" && -z "$(ls -A "$DIR")" ]] \
            || die 2 "$DIR exists and was not made by the lab: choose another --dir"
    fi

    local t0 k ns_u ns_c ns_s
    t0="$(now_ms)"
    down
    clear_other_labs
    trap 'fail_up "a command failed on line $LINENO"' ERR

    mkdir -p "$DIR"
    touch "$DIR/$MARKER"
    printf 'PREFIX=%s\nSITES=%s\nRATE=%s\nBIN=%s\nETCD=%s\nDAEMONS=%s\n' "$PREFIX" "$SITES" "$RATE" "$BIN_DIR" "$ETCD" \
        "$(for (( k = 1; k <= SITES; k++ )); do printf '%s%s' "$([[ $k == 1 ]] || echo ,)" "$(site_daemon "$k")"; done)" >"$DIR/lab.env"
    mkdir -p "$DIR/up" "$DIR/cl"
    for (( k = 1; k <= SITES; k++ )); do mkdir -p "$DIR/s$k/state"; done
    ( umask 077; new_token >"$DIR/read.token"; new_token >"$DIR/operate.token" )
    chmod 600 "$DIR/read.token" "$DIR/operate.token"

    # Namespaces and links.
    ns_u="$(ns_up "$PREFIX")"; ns_c="$(ns_cl "$PREFIX")"
    echo "lab: namespaces $ns_u, $ns_c, $(ns_site "$PREFIX" 1)..$(ns_site "$PREFIX" "$SITES") in $DIR"
    ip netns add "$ns_u"; ip -n "$ns_u" link set lo up
    ip netns exec "$ns_u" sysctl -qw net.ipv4.ip_forward=1
    ip netns exec "$ns_u" sysctl -qw net.ipv4.fib_multipath_hash_policy=1   # hash on ports too
    ip netns exec "$ns_u" sysctl -qw net.ipv6.conf.all.forwarding=1
    ip netns exec "$ns_u" sysctl -qw net.ipv6.fib_multipath_hash_policy=1
    ip netns add "$ns_c"; ip -n "$ns_c" link set lo up
    ip link add cl netns "$ns_u" type veth peer name uplink netns "$ns_c"
    ip -n "$ns_u" addr add 198.51.100.1/30 dev cl
    ip -n "$ns_c" addr add 198.51.100.2/30 dev uplink
    ip -n "$ns_u" link set cl up
    ip -n "$ns_c" link set dev uplink up
    ip -n "$ns_c" route add default via 198.51.100.1
    ip -n "$ns_u" addr add 2001:db8:ff00::1/64 dev cl nodad
    ip -n "$ns_c" addr add 2001:db8:ff00::2/64 dev uplink nodad
    ip -n "$ns_c" -6 route add default via 2001:db8:ff00::1
    for (( k = 1; k <= SITES; k++ )); do
        ns_s="$(ns_site "$PREFIX" "$k")"
        ip netns add "$ns_s"; ip -n "$ns_s" link set lo up
        ip -n "$ns_s" addr add "$ANYCAST_ADDR/32" dev lo
        ip link add "s$k" netns "$ns_u" type veth peer name uplink netns "$ns_s"
        ip -n "$ns_u" addr add "$(link_up_addr "$k")/30" dev "s$k"
        ip -n "$ns_s" addr add "$(link_site_addr "$k")/30" dev uplink
        ip -n "$ns_u" link set "s$k" up
        ip -n "$ns_s" link set dev uplink up
        ip -n "$ns_s" route add default via "$(link_up_addr "$k")"
        ip -n "$ns_s" addr add "$ANYCAST6_ADDR/128" dev lo
        ip -n "$ns_u" addr add "$(link_up6_addr "$k")/64" dev "s$k" nodad
        ip -n "$ns_s" addr add "$(link_site6_addr "$k")/64" dev uplink nodad
        ip -n "$ns_s" -6 route add default via "$(link_up6_addr "$k")"
        ip link add "$(mgmt_if "$PREFIX" "$k")" type veth peer name mgmt netns "$ns_s"
        ip addr add "$(mgmt_root_addr "$k")/30" dev "$(mgmt_if "$PREFIX" "$k")"
        ip -n "$ns_s" addr add "$(mgmt_site_addr "$k")/30" dev mgmt
        ip link set "$(mgmt_if "$PREFIX" "$k")" up
        ip -n "$ns_s" link set mgmt up
    done
    if (( ETCD )); then
        local ns_e; ns_e="$(ns_co "$PREFIX")"
        mkdir -p "$DIR/co"
        ip netns add "$ns_e"; ip -n "$ns_e" link set lo up
        ip link add "${PREFIX}-co" type veth peer name root netns "$ns_e"
        ip addr add 198.51.100.241/30 dev "${PREFIX}-co"
        ip -n "$ns_e" addr add "$ETCD_ROOT_ADDR/30" dev root
        ip link set "${PREFIX}-co" up
        ip -n "$ns_e" link set root up
        for (( k = 1; k <= SITES; k++ )); do
            ns_s="$(ns_site "$PREFIX" "$k")"
            ip link add "s$k" netns "$ns_e" type veth peer name coord netns "$ns_s"
            ip -n "$ns_e" addr add "$(coord_etcd_addr "$k")/30" dev "s$k"
            ip -n "$ns_s" addr add "$(coord_site_addr "$k")/30" dev coord
            ip -n "$ns_e" link set "s$k" up
            ip -n "$ns_s" link set coord up
        done
        write_etcd_starts
        for k in 1 2 3; do bash "$DIR/co/start-e$k.sh"; done
        local until=$(( $(now_ms) + 20000 ))
        until etcd_ready; do
            (( $(now_ms) < until )) || fail_up "etcd did not answer within 20 s (logs: $DIR/co/e*.log)"
            sleep 0.2
        done
        write_fleet
        [[ -x "$BIN_DIR/anycast-dash" ]] || fail_up "--etcd needs anycast-dash in $BIN_DIR to publish the budget"
        "$BIN_DIR/anycast-dash" budget apply --fleet "$DIR/fleet.toml" || fail_up "anycast-dash budget apply failed"
        echo "lab: etcd (3 members) in $ns_e, budget published under $ETCD_PREFIX"
    fi

    # Daemons: BIRDs and Unbounds daemonize themselves with pid files.
    write_upstream_conf
    ip netns exec "$ns_u" bird -c "$DIR/up/bird.conf" -s "$DIR/up/bird.ctl" -P "$DIR/up/bird.pid"
    for (( k = 1; k <= SITES; k++ )); do
        ns_s="$(ns_site "$PREFIX" "$k")"
        write_site_confs "$k"
        start_site_daemon "$k"
        ip netns exec "$ns_s" unbound -c "$DIR/s$k/unbound.conf" >>"$DIR/s$k/unbound.log" 2>&1 \
            || fail_up "unbound of s$k did not start"
    done
    # Agents: started inside their site namespace, in their own session; the pid file is
    # written by the process that then becomes the agent (exec).
    for (( k = 1; k <= SITES; k++ )); do bash "$DIR/s$k/start-agent.sh"; done
    echo "lab: daemons started after $(( $(now_ms) - t0 )) ms; waiting for BGP, ECMP and agents (up to ${WAIT_SECS}s)"

    # Wait: every session Established, N next hops at the upstream, every agent answering.
    local deadline=$(( $(now_ms) + WAIT_SECS * 1000 )) est nh nh6 healthy last="" line
    while :; do
        est=0; healthy=0
        for (( k = 1; k <= SITES; k++ )); do
            [[ "$(bgp_state "$k")" == Established* && "$(bgp_state "$k" v6)" == Established* ]] && est=$((est + 1))
            agent_healthy "$k" && healthy=$((healthy + 1))
        done
        nh="$(upstream_nexthops)"; nh6="$(upstream_nexthops6)"
        line="BGP Established (both families) $est/$SITES, upstream next hops IPv4 $nh/$SITES IPv6 $nh6/$SITES, agents healthy $healthy/$SITES"
        if [[ "$line" != "$last" ]]; then
            echo "lab:   $(( $(now_ms) - t0 )) ms: $line"; last="$line"
        fi
        (( est == SITES && nh == SITES && nh6 == SITES && healthy == SITES )) && break
        if (( $(now_ms) > deadline )); then
            local sites=""
            for (( k = 1; k <= SITES; k++ )); do
                sites+=$'\n'"lab:   s$k ($(site_daemon "$k")): BGP IPv4 $(bgp_state "$k"), IPv6 $(bgp_state "$k" v6), agent $(agent_answer "$k")"
            done
            fail_up "not ready after ${WAIT_SECS}s: $line$sites"
        fi
        sleep 0.2
    done

    # Load from the client: 30 sockets, so the upstream's port hash spreads it over the sites.
    local i
    for i in $(seq 1 10); do
        for (( k = 0; k < 9; k++ )); do echo "site.example.test TXT"; done
        echo "nx$i.example.test A"
    done >"$DIR/cl/queries.txt"
    setsid ip netns exec "$ns_c" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$DIR/cl/dnsperf.pid" \
        dnsperf -s "$ANYCAST_ADDR" -d "$DIR/cl/queries.txt" -l 86400 -Q "$RATE" -c 30 -S 1 \
        </dev/null >>"$DIR/cl/dnsperf.log" 2>&1 &
    # And over IPv6, at a quarter of the rate.
    setsid ip netns exec "$ns_c" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$DIR/cl/dnsperf6.pid" \
        dnsperf -s "$ANYCAST6_ADDR" -d "$DIR/cl/queries.txt" -l 86400 -Q "$(( RATE / 4 > 0 ? RATE / 4 : 1 ))" -c 30 -S 1 \
        </dev/null >>"$DIR/cl/dnsperf6.log" 2>&1 &
    # Taking load: every site's Unbound counts queries (bounded wait).
    local loaded=0 q
    deadline=$(( $(now_ms) + 10000 ))
    while (( $(now_ms) < deadline )); do
        loaded=0
        for (( k = 1; k <= SITES; k++ )); do
            q="$(unbound_queries "$k")"
            [[ -n "$q" && "$q" -gt 0 ]] && loaded=$((loaded + 1))
        done
        (( loaded == SITES )) && break
        sleep 0.2
    done
    [[ -n "$(verified_pid "$DIR/cl/dnsperf.pid" dnsperf)" ]] || fail_up "dnsperf is not running"
    [[ -n "$(verified_pid "$DIR/cl/dnsperf6.pid" dnsperf)" ]] || fail_up "dnsperf over IPv6 is not running"
    if (( loaded == SITES )); then
        echo "lab:   $(( $(now_ms) - t0 )) ms: all $SITES sites take load (dnsperf at $RATE qps over IPv4, $(( RATE / 4 > 0 ? RATE / 4 : 1 )) over IPv6)"
    else
        echo "lab:   WARNING: only $loaded/$SITES sites see queries after 10 s (ECMP hash may not spread $RATE qps)" >&2
    fi
    trap - ERR

    write_fleet
    echo "lab: up in $(( $(now_ms) - t0 )) ms"
    echo
    status
    if [[ -x "$BIN_DIR/anycast-dash" ]]; then
        echo
        echo "lab: checking the fleet config: $BIN_DIR/anycast-dash snapshot --fleet $DIR/fleet.toml"
        local rc=0
        "$BIN_DIR/anycast-dash" snapshot --fleet "$DIR/fleet.toml" || rc=$?
        (( rc == 0 )) || echo "lab: WARNING: anycast-dash snapshot exited $rc: check $DIR/fleet.toml" >&2
    fi
    cat <<EOF

Fleet config: $DIR/fleet.toml   (tokens: $DIR/read.token, $DIR/operate.token)
Open the dashboard (from $REPO_ROOT):
  swift run anycast-dash --fleet $DIR/fleet.toml
  swift run anycast-dash --fleet $DIR/fleet.toml --monitor      # read-only
Status:  $LAB_CMD status --dir $DIR
Down:    $LAB_CMD down --dir $DIR
EOF
}

# ---------------------------------------------------------------- daemon

# site_daemon_pid K: the pid of site K's routing daemon, if it runs.
site_daemon_pid() {
    local k="$1" d="$DIR/s$1"
    local daemon; daemon="$(site_daemon "$k")"
    case "$daemon" in
        bird) verified_pid "$d/bird.pid" bird ;;
        *) verified_pid "$(site_daemon_pidfile "$daemon" "$(ns_site "$PREFIX" "$k")" "$d")" "$(site_daemon_comm "$daemon")" ;;
    esac
}

site_daemon_command() {
    [[ -f "$DIR/$MARKER" && -f "$DIR/lab.env" ]] || die 1 "no lab in $DIR"
    PREFIX="$(sed -n 's/^PREFIX=//p' "$DIR/lab.env")"
    SITES="$(sed -n 's/^SITES=//p' "$DIR/lab.env")"
    IFS=, read -ra DAEMONS <<<"$(sed -n 's/^DAEMONS=//p' "$DIR/lab.env")"
    local k="$DAEMON_SITE" daemon pid i
    (( k <= SITES )) || die 2 "daemon: the lab has sites 1..$SITES (got $k)"
    daemon="$(site_daemon "$k")"
    pid="$(site_daemon_pid "$k")"
    case "$DAEMON_ACTION" in
        stop|kill)
            [[ -n "$pid" ]] || die 1 "s$k's $daemon is not running"
            kill "$([[ $DAEMON_ACTION == kill ]] && echo -KILL || echo -TERM)" "$pid"
            for (( i = 0; i < 100; i++ )); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
            ! kill -0 "$pid" 2>/dev/null || die 1 "s$k's $daemon (pid $pid) is still running after 10 s"
            echo "lab: s$k's $daemon (pid $pid) $([[ $DAEMON_ACTION == kill ]] && echo killed || echo stopped)"
            ;;
        start)
            [[ -z "$pid" ]] || die 1 "s$k's $daemon is already running (pid $pid)"
            start_site_daemon "$k"
            # Up when both of its sessions are Established again (bounded wait).
            local deadline=$(( $(now_ms) + WAIT_SECS * 1000 ))
            until [[ "$(bgp_state "$k")" == Established* && "$(bgp_state "$k" v6)" == Established* ]]; do
                (( $(now_ms) < deadline )) || die 1 "s$k's $daemon started, but its sessions are not Established after ${WAIT_SECS}s"
                sleep 0.2
            done
            echo "lab: s$k's $daemon started (pid $(site_daemon_pid "$k")), both sessions Established"
            ;;
    esac
}

# ---------------------------------------------------------------- status

status() {
    [[ -f "$DIR/$MARKER" && -f "$DIR/lab.env" ]] || { echo "lab: no lab in $DIR"; return 1; }
    local p n k st hop path q h agent pid
    p="$(sed -n 's/^PREFIX=//p' "$DIR/lab.env")"
    n="$(sed -n 's/^SITES=//p' "$DIR/lab.env")"
    PREFIX="$p"
    IFS=, read -ra DAEMONS <<<"$(sed -n 's/^DAEMONS=//p' "$DIR/lab.env")"
    echo "lab in $DIR (prefix $p, $n sites)"
    local st6 hop6
    for (( k = 1; k <= n; k++ )); do
        st="$(bgp_state "$k")"; [[ -n "$st" ]] || st="no session"
        st6="$(bgp_state "$k" v6)"; [[ -n "$st6" ]] || st6="no session"
        if upstream_has_site "$k"; then hop="yes"; else hop="no"; fi
        if upstream_has_site6 "$k"; then hop6="yes"; else hop6="no"; fi
        path="$(upstream_path "$k")"
        q="$(unbound_queries "$k")"; [[ -n "$q" ]] || q="unbound down"
        if agent_healthy "$k"; then h="ok"; else h="down"; fi
        agent="$(curl -s -m 1 --noproxy '*' -H "Authorization: Bearer $(cat "$DIR/read.token" 2>/dev/null)" \
            "http://$(mgmt_site_addr "$k"):$AGENT_PORT/v1/status" 2>/dev/null | agent_summary || true)"
        printf 's%-2s %-9s %-6s ipv4: bgp=%-13s nexthop=%-3s ipv6: bgp=%-13s nexthop=%-3s path=%-12s unbound.queries=%-9s agent=%-4s %s\n' \
            "$k" "($(site_region "$k"))" "$(site_daemon "$k")" "\"$st\"" "$hop" "\"$st6\"" "$hop6" "$path" "$q" "$h" "$agent"
    done
    echo "upstream route: $(ip -n "$(ns_up "$p")" route show "$ANYCAST_PREFIX" 2>/dev/null | tr -s ' \n' ' ')"
    echo "upstream route6: $(ip -n "$(ns_up "$p")" -6 route show "$ANYCAST6_PREFIX" 2>/dev/null | tr -s ' \n' ' ')"
    local r; r="$(sed -n 's/^RATE=//p' "$DIR/lab.env")"
    pid="$(verified_pid "$DIR/cl/dnsperf.pid" dnsperf)"
    if [[ -n "$pid" ]]; then echo "dnsperf IPv4: running (pid $pid, $r qps target; log $DIR/cl/dnsperf.log)"; else echo "dnsperf IPv4: not running"; fi
    pid="$(verified_pid "$DIR/cl/dnsperf6.pid" dnsperf)"
    if [[ -n "$pid" ]]; then echo "dnsperf IPv6: running (pid $pid, $(( r / 4 > 0 ? r / 4 : 1 )) qps target; log $DIR/cl/dnsperf6.log)"; else echo "dnsperf IPv6: not running"; fi
}

# Reads the agent's /v1/status JSON on stdin, prints "dns=DESIRED/OBSERVED step=STEP qps=N
# health=H" (python3 if any); STEP is announce, deprefer or withdraw, with hold, auto and the
# lease left when they apply.
agent_summary() {
    command -v python3 >/dev/null 2>&1 || { cat >/dev/null; return 0; }
    python3 -c '
import json, sys
try:
    s = json.load(sys.stdin)
except Exception:
    sys.exit(0)
import datetime
def step(x):
    # The drain step: announce, deprefer or withdraw (ServiceStatus.step), with its details.
    d = x.get("drain") or {}
    if x.get("desired") != "drain":
        return "announce"
    st = "deprefer" if d.get("stage") == "deprefer" else "withdraw"
    extra = []
    if d.get("mode") == "auto":
        extra.append("auto")
    if d.get("hold"):
        extra.append("hold")
    if x.get("depreferred") is not None and st == "deprefer":
        extra.append("exported de-preferred" if x["depreferred"] else "not yet de-preferred")
    if d.get("lease_until"):
        try:
            end = datetime.datetime.fromisoformat(d["lease_until"].replace("Z", "+00:00"))
            left = (end - datetime.datetime.now(datetime.timezone.utc)).total_seconds()
            extra.append("lease %ds left" % left if left > 0 else "lease ended")
        except ValueError:
            pass
    if d.get("ticket"):
        extra.append(d["ticket"])
    return st + ("(" + ", ".join(extra) + ")" if extra else "")
svc = " ".join("%s=%s/%s step=%s" % (x.get("name"), x.get("desired"), x.get("observed"), step(x))
               for x in s.get("services", []))
qps = (s.get("traffic") or {}).get("qps")
health = ",".join(str(h.get("state")) for h in s.get("health", []))
print("%s qps=%s health=%s" % (svc, "null" if qps is None else round(qps), health or "-"))
' 2>/dev/null || true
}

case "$CMD" in
    up) up ;;
    status) status ;;
    daemon) require_root; site_daemon_command ;;
    down) require_root; down; echo "lab: down ($DIR)" ;;
    *) usage ;;
esac
