# Shared helpers for the acceptance scripts: pass/fail bookkeeping, free ports, cleanup.
# Sourced, not run.
#
# The scripts run with pipefail, so a test that ends a pipe in `grep -q` can fail at random:
# grep leaves at the first match, and a writer still writing dies of SIGPIPE, which fails the
# pipe. In the scripts' own shell a pipe ends in `grep PATTERN >/dev/null`, which reads to the
# end, or grep reads the files itself. (`bash -c` strings have no pipefail.)
# scripts/check/pipe-grep.py finds any that do (script-pipes.sh runs it).

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${ANYCAST_BIN:-$ROOT/.build/debug}
PASSED=0
FAILED=0
CLEANUP=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/anycast-accept.XXXXXX")
# The dashboard remembers settings per fleet: never in the home of whoever runs the tests.
export XDG_STATE_HOME="$WORK/state"

cleanup() {
    local pid
    for pid in "${CLEANUP[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${CLEANUP[@]}"; do wait "$pid" 2>/dev/null || true; done
    # A session tmux has just ended may still be writing its last files here: try again.
    rm -rf "$WORK" 2>/dev/null || { sleep 1; rm -rf "$WORK"; }
}
trap cleanup EXIT

# check NAME COMMAND...: runs the command, counts and prints the result.
check() {
    local name=$1; shift
    if "$@" >"$WORK/check.out" 2>&1; then
        PASSED=$((PASSED + 1)); echo "ok   - $name"
    else
        FAILED=$((FAILED + 1)); echo "FAIL - $name"; sed 's/^/       /' "$WORK/check.out" | tail -n 20
    fi
}

source "$ROOT/scripts/free-port.sh"

# wait_for_file PATH SECONDS
wait_for_file() {
    local i
    for ((i = 0; i < $2 * 10; i++)); do [ -s "$1" ] && return 0; sleep 0.1; done
    return 1
}

# wait_until SECONDS COMMAND...: runs the command every 50 ms until it succeeds or time is up.
wait_until() {
    local end=$(( $(date +%s%N) + $1 * 1000000000 )); shift
    while [ "$(date +%s%N)" -lt "$end" ]; do "$@" && return 0; sleep 0.05; done
    return 1
}

# not COMMAND...: succeeds when the command fails (for wait_until and check).
not() { ! "$@"; }

# summary NAME: the plain closing line, and the exit status.
summary() {
    echo "$1: $PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

# bird_site_lab NAME PREFIX: a site BIRD and an upstream BIRD with a real BGP session in two
# network namespaces named PREFIX-* (scripts/lab/bird-pair.sh), in $WORK/lab, taken down on
# exit; sets LAB, SITE_CTL and UP_CTL. Without the tools, or if the lab does not come up, the
# script NAME fails and ends here.
bird_site_lab() {
    local name=$1 tool
    for tool in bird birdc ip curl python3; do
        command -v $tool >/dev/null || { echo "FAIL - $tool is missing: apt-get install bird2 iproute2 curl python3"; FAILED=1; summary "$name"; exit 1; }
    done
    export LAB_PREFIX=$2
    LAB=$WORK/lab
    mkdir -p "$LAB"
    trap 'bash "$ROOT/scripts/lab/bird-pair.sh" down "$LAB" >/dev/null 2>&1 || true; cleanup' EXIT
    if ! bash "$ROOT/scripts/lab/bird-pair.sh" up "$LAB" >"$WORK/lab.out" 2>&1; then
        echo "FAIL - the two-router lab did not come up"; sed 's/^/       /' "$WORK/lab.out" | tail -20
        FAILED=1; summary "$name"; exit 1
    fi
    SITE_CTL=$LAB/site.ctl; UP_CTL=$LAB/up.ctl
}

# site_agent_head FILE PORT STATE_DIR RECONCILE [LISTEN_LINE]: the start of a lab site's agent
# config (site s1, listening on 127.0.0.1:PORT, the tokens read-secret and operate-secret, the
# state folder); LISTEN_LINE is added to [listen]. The routing daemon and services follow.
site_agent_head() {
    cat >"$1" <<TOML
[site]
id = "s1"
name = "Lab site 1"
region = "eu"
[listen]
address = "127.0.0.1"
port = $2
${5:-}
[[token]]
name = "noc-read"
scope = "read"
value = "read-secret"
[[token]]
name = "noc-operate"
scope = "operate"
value = "operate-secret"
[state]
dir = "$3"
reconcile_interval = "$4"
TOML
}

# bird_site_agent_config FILE PORT STATE_DIR RECONCILE [LISTEN_LINE]: the agent config of the
# lab's site s1 (service dns: 203.0.113.0/24 and 2001:db8:53::/48 from anycast4/anycast6).
bird_site_agent_config() {
    site_agent_head "$@"
    cat >>"$1" <<TOML
[bird]
socket = "$SITE_CTL"
[[service]]
name = "dns"
prefixes = ["203.0.113.0/24", "2001:db8:53::/48"]
bird_protocols = ["anycast4", "anycast6"]
TOML
}

# start_agent CONFIG URL [LOG_LEVEL]: starts the agent in the background (AGENT is its pid)
# and waits up to 10 s for its /healthz. With AGENT_NETNS set, the agent runs in that network
# namespace, and /healthz is asked there.
start_agent() {
    local in=()
    [ -z "${AGENT_NETNS:-}" ] || in=(ip netns exec "$AGENT_NETNS")
    "${in[@]}" "$BIN/anycast-agent" run --config "$1" --log-level "${3:-warning}" >>"$WORK/agent.log" 2>&1 &
    AGENT=$!
    CLEANUP+=("$AGENT")
    local _
    for _ in $(seq 1 200); do "${in[@]}" curl -sf "$2/healthz" >/dev/null && return 0; sleep 0.05; done
    return 1
}

# upstream_has PREFIX: the upstream BIRD has a route to PREFIX learned from the site (UP_CTL).
upstream_has() { birdc -s "$UP_CTL" show route "$1" 2>/dev/null | grep "s1 " >/dev/null; }

# tmux_session: a private tmux server (T is its command), killed on exit, and the helpers the
# scripts drive the real dashboard with: send-keys to type, capture-pane to see.
tmux_session() {
    command -v tmux >/dev/null || { echo "tmux is missing: apt-get install tmux"; exit 1; }
    SOCK="$WORK/tmux.sock"
    T="tmux -S $SOCK"
    trap '$T kill-server 2>/dev/null || true; cleanup' EXIT
}
# start NAME WIDTH HEIGHT COMMAND...: a session running the command, then a shell line that
# records the exit status ($WORK/NAME.exit) and the terminal state ($WORK/NAME.stty).
start() {
    local name=$1 w=$2 h=$3; shift 3
    $T new-session -d -s "$name" -x "$w" -y "$h" \
        "cd '$ROOT' && $* ; echo EXIT=\$? > '$WORK/$name.exit'; stty -a > '$WORK/$name.stty'; sleep 60"
}
screen() { $T capture-pane -t "$1" -p; }
# wait_for NAME REGEX SECONDS: until the screen matches.
wait_for() {
    local i
    for ((i = 0; i < $3 * 5; i++)); do screen "$1" | grep -E "$2" >/dev/null && return 0; sleep 0.2; done
    # Blank lines left out: what shows is what the check gets to print (its last 20 lines).
    echo "screen of $1 never matched /$2/:"; screen "$1" | grep -v "^ *$"; return 1
}
keys() { $T send-keys -t "$1" "${@:2}"; }
typed() { $T send-keys -t "$1" -l "$2"; }
# terminal_restored NAME: after the program in session NAME exited, echo and canonical mode
# are on, the cursor is visible and the alternate screen is left.
terminal_restored() {
    local i
    # The shell in the session writes NAME.exit, then NAME.stty: wait for the second.
    for i in $(seq 1 100); do [ -s "$WORK/$1.stty" ] && break; sleep 0.1; done
    grep -Eq '(^| )echo( |$)' "$WORK/$1.stty" && grep -Eq '(^| )icanon( |$)' "$WORK/$1.stty" &&
        [ "$($T display -p -t "$1" '#{alternate_on}#{cursor_flag}')" = 01 ]
}

# lab_with_dashboard NAME UP-ARGS...: scripts/lab/lab up UP-ARGS in $WORK/lab (LAB), with a
# private tmux server (T) for the dashboard (session dash); on exit, after a failed check,
# the tails of every site's agent, BIRD and Unbound logs and the dashboard's screen, then the
# lab is taken down. A lab that does not come up fails NAME here.
lab_with_dashboard() {
    local name=$1; shift
    LAB=$WORK/lab
    T="tmux -S $WORK/tmux.sock"   # screen, wait_for, keys and typed drive it
    trap lab_finish EXIT
    if ! bash "$ROOT/scripts/lab/lab" up "$@" --dir "$LAB" --bin "$BIN" >"$WORK/up.out" 2>&1; then
        echo "FAIL - scripts/lab/lab up $*"; tail -30 "$WORK/up.out"; FAILED=1; summary "$name"; exit 1
    fi
}
lab_finish() {
    if [ "$FAILED" -gt 0 ]; then
        echo "== lab logs (failures above)"
        local f
        for f in "$LAB"/s*/agent.log "$LAB"/s*/bird.log "$LAB"/s*/unbound.log; do
            [ -f "$f" ] && { echo "-- $f"; tail -n 8 "$f"; }
        done
        echo "-- the dashboard:"; $T capture-pane -t dash -p 2>/dev/null | grep -v '^ *$'
    fi
    $T kill-server 2>/dev/null || true
    bash "$ROOT/scripts/lab/lab" down --dir "$LAB" >/dev/null 2>&1 || true
    cleanup
}

source "$ROOT/scripts/make-test-pki.sh"
