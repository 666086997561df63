# Sourced by the benchmark scripts (run from the repository root): the simulated fleet they
# measure against, and cleanup.

source scripts/free-port.sh
source scripts/make-test-pki.sh
source scripts/bench/swift-build.sh
BENCH_WORK=$(mktemp -d)
BENCH_CLEANUPS=()
bench_cleanup() {
    local c
    for c in "${BENCH_CLEANUPS[@]}"; do eval "$c" || true; done
    rm -rf "$BENCH_WORK"
}
trap bench_cleanup EXIT

# bench_require TOOL... : exits with the apt-get line when one is missing.
bench_require() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "$tool is missing: apt-get install $*"; exit 1; }
    done
}

# bench_build CONFIG PRODUCT... : builds the products; BIN is their folder.
bench_build() {
    local config=$1 product; shift
    for product in "$@"; do bench_swift_build -c "$config" --product "$product"; done
    BIN=.build/$config
}

# bench_simulate N [tls] : N simulated agents in one process (not counted in any figure), on
# free ports; FLEET is a fleet config for them, SIM the process. With tls they serve https
# with a certificate of a test CA that FLEET names (tls_ca_file).
bench_simulate() {
    local base tls=()
    base=$(free_port_range "$1")
    FLEET=$BENCH_WORK/fleet.toml
    if [ "${2:-}" = tls ]; then
        make_test_pki "$BENCH_WORK/pki" || { cat "$BENCH_WORK/pki/openssl.log"; exit 1; }
        tls=(--tls-certificate "$BENCH_WORK/pki/agent.pem" --tls-key "$BENCH_WORK/pki/agent.key")
    fi
    "$BIN/anycast-agent" simulate --sites "$1" --base-port "$base" --log-level error "${tls[@]}" --fleet-out "$FLEET.tmp" >/dev/null 2>&1 &
    SIM=$!
    BENCH_CLEANUPS+=("kill $SIM 2>/dev/null")
    local _
    for _ in $(seq 1 600); do
        if [ -s "$FLEET.tmp" ]; then
            if [ "${2:-}" = tls ]; then sed "s#^\[fleet\]\$#[fleet]\ntls_ca_file = \"$BENCH_WORK/pki/ca.pem\"#" "$FLEET.tmp" >"$FLEET"
            else mv "$FLEET.tmp" "$FLEET"; fi
            return 0
        fi
        sleep 0.1
    done
    echo "the simulated fleet did not start"; exit 1
}

# bench_dash_in_tmux SESSION SOCKET [DIR] : anycast-dash (DIR's, BIN's by default) watching
# FLEET in a 200x60 tmux session; DASH is its process, its errors go to $BENCH_WORK/SESSION.err.
bench_dash_in_tmux() {
    local session=$1 sock=$2 dir=${3:-$BIN}
    local err=$BENCH_WORK/$session.err
    tmux -S "$sock" new-session -d -s "$session" -x 200 -y 60 \
        "$dir/anycast-dash --fleet $FLEET 2>$err; echo exited \$? >>$err; sleep 600"
    BENCH_CLEANUPS+=("tmux -S $sock kill-server 2>/dev/null")
    local _ pane
    for _ in $(seq 1 100); do
        pane=$(tmux -S "$sock" list-panes -t "$session" -F '#{pane_pid}' 2>/dev/null) || true
        # The pane runs a shell around the dashboard (to keep its error output): take its child.
        DASH=$(pgrep -P "$pane" -f anycast-dash 2>/dev/null) && return 0
        sleep 0.1
    done
    echo "the dashboard did not start:"; cat "$err"; exit 1
}
