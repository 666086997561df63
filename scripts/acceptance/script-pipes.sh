#!/usr/bin/env bash
# No test script's own shell ends a pipe in `grep -q` (under pipefail such a check fails at
# random): scripts/check/pipe-grep.py passes on this repository, and fails, naming file:line,
# on a script that does it, while `bash -c` strings, here-documents and comments pass.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
CHECK=$ROOT/scripts/check/pipe-grep.py

check "this repository: no pipe in a script's own shell ends in grep -q" python3 "$CHECK" "$ROOT"

# scratch SCRIPT: a tree with scripts/t.sh holding SCRIPT; the check's output is in $WORK/lint.
scratch() {
    rm -rf "$WORK/tree" && mkdir -p "$WORK/tree/scripts" && printf '%s\n' "$1" >"$WORK/tree/scripts/t.sh"
    python3 "$CHECK" "$WORK/tree" >"$WORK/lint"
}
fails_at() {  # fails_at LINE SCRIPT: the check fails and names scripts/t.sh:LINE
    scratch "$2" && return 1
    grep -q "^scripts/t.sh:$1: " "$WORK/lint" || { cat "$WORK/lint"; return 1; }
}
check "a function whose pipe ends in grep -q fails, named" fails_at 2 $'set -o pipefail\nup() { ip route | grep -q via; }'
check "grep -Eq and grep --quiet are found too" fails_at 1 'ip route | grep -Eq "via (a|b)"; ip route | grep --quiet via'
check "a pipe that ends in grep >/dev/null passes" scratch 'up() { ip route | grep via >/dev/null; }'
check "|| is not a pipe" scratch 'grep -q via "$f" || grep -q via "$g"'
check "a bash -c string over two lines passes" scratch $'check "x" bash -c "ip route |\n    grep -q via"'
check "a here-document and a comment pass" scratch $'python3 - <<\'PY\'\nprint("a | grep -q b")\nPY\n# a | grep -q b'

summary script-pipes
