#!/usr/bin/env bash
# Fuzzing with libFuzzer (issue 8): builds each target in fuzz/targets (NAME.swift, the entry
# point, and NAME.files, the project sources it needs) with `swiftc -sanitize=fuzzer` and runs
# it from its committed seed corpus (fuzz/corpus/NAME) for --runs iterations or --seconds. What
# it learns goes to a scratch corpus (not committed). A crash stops it: the input is copied to
# fuzz/regressions/NAME/, where `FuzzRegressionTests` replays it in every `swift test`, and the
# script fails. Targets: prometheus, bird (control-socket replies, protocols, routes), stats
# (unbound/nsd-control), dns (the probe's message decoder).
# Usage: scripts/fuzz/run.sh [--runs N | --seconds N] [TARGET...]   (default: 100000 runs, all)
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=100000; SECONDS_RUN=""; TARGETS=()
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        -*) echo "usage: $0 [--runs N | --seconds N] [TARGET...]"; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
[ ${#TARGETS[@]} -eq 0 ] && for f in fuzz/targets/*.swift; do TARGETS+=("$(basename "$f" .swift)"); done
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0
for t in "${TARGETS[@]}"; do
    [ -f "fuzz/targets/$t.swift" ] || { echo "fuzz: no target $t"; status=1; continue; }
    # shellcheck disable=SC2046
    if ! swiftc -O -sanitize=fuzzer -parse-as-library "fuzz/targets/$t.swift" $(cat "fuzz/targets/$t.files") -o "$WORK/$t" 2>"$WORK/$t.build"; then
        echo "fuzz: $t does not build:"; grep error: "$WORK/$t.build" | head; status=1; continue
    fi
    mkdir -p "$WORK/corpus-$t"
    limit=(-runs="$RUNS"); [ -n "$SECONDS_RUN" ] && limit=(-max_total_time="$SECONDS_RUN")
    if "$WORK/$t" "${limit[@]}" -max_len=65536 -artifact_prefix="$WORK/crash-$t-" "$WORK/corpus-$t" "fuzz/corpus/$t" >"$WORK/$t.log" 2>&1; then
        runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$WORK/$t.log" | tail -1)
        cov=$(grep -Eo 'cov: [0-9]+' "$WORK/$t.log" | tail -1)
        echo "fuzz: $t: ${runs:-done}, $cov, no crash"
    else
        status=1
        crash=$(ls "$WORK"/crash-"$t"-* 2>/dev/null | head -1)
        echo "fuzz: $t CRASHED:"; grep -E "Fatal error|ERROR: libFuzzer|SUMMARY" "$WORK/$t.log" | head -5
        if [ -n "$crash" ]; then
            mkdir -p "fuzz/regressions/$t"
            cp "$crash" "fuzz/regressions/$t/"
            echo "fuzz: the input is fuzz/regressions/$t/$(basename "$crash"): fix the parser; FuzzRegressionTests replays it"
        fi
    fi
done
exit $status
