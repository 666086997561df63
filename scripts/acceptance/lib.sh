# Shared helpers for the acceptance scripts: pass/fail bookkeeping, free ports, cleanup.
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
BIN=${ANYCAST_BIN:-$ROOT/.build/debug}
PASSED=0
FAILED=0
CLEANUP=()
WORK=$(mktemp -d "${TMPDIR:-/tmp}/anycast-accept.XXXXXX")

cleanup() {
    local pid
    for pid in "${CLEANUP[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${CLEANUP[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
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
