#!/usr/bin/env bash
# Fuzzing with libFuzzer. Each target's body is one function in fuzz/entries
# (fuzzBird, fuzzFleetConfig, ...), which the regression tests call too; the fuzzer's own
# entry point (`LLVMFuzzerTestOneInput`) only hands it the input. Two kinds of target, run alike:
# - fuzz/targets/NAME.swift (the entry point) with NAME.files (the body's file in fuzz/entries
#   and the project sources it needs, compiled in: FUZZ_SOURCES_COMPILED_IN), built with
#   `swiftc -sanitize=fuzzer`: prometheus, bird (control-socket replies, protocols, routes),
#   frr (vtysh's JSON: sessions, routes sent, outbound route-maps),
#   stats (unbound/nsd-control), dns (the probe's message decoder);
# - fuzz/package/Sources/NAME/ (the entry point and links to its body in fuzz/entries),
#   executables of the SwiftPM package fuzz/package (it depends on this package by path),
#   built with `swift build --sanitize=fuzzer` in .build-fuzz (or $FUZZ_SCRATCH): fleetconfig
#   and agentconfig (the config loaders, TOMLKit has C++ in it), apirequest (drain/undrain
#   bodies), statusupdate (the fast status-update reader against JSONDecoder), statusstream
#   (the dashboard's status stream parser).
# Each runs from its committed seed corpus (fuzz/corpus/NAME) for --runs iterations or
# --seconds. What it learns goes to a scratch corpus (not committed). A crash (or an input
# that takes over 30 s) stops it: the input is copied to fuzz/regressions/NAME/, where
# `FuzzRegressionTests` (and `StatusStreamFuzzRegressionTests`) replay it in every
# `swift test`, and the script fails.
# --seed N makes a run repeatable (libFuzzer's -seed; by default each run draws its own): CI's
# smoke run uses one, so a CI result depends on the change it tests and not on the draw, and
# finding new inputs is left to the longer runs here.
# Usage: scripts/fuzz/run.sh [--runs N | --seconds N] [--seed N] [TARGET...]   (default: 100000 runs, all)
set -uo pipefail
cd "$(dirname "$0")/../.."
RUNS=100000; SECONDS_RUN=""; SEED=""; TARGETS=()
SCRATCH=${FUZZ_SCRATCH:-$PWD/.build-fuzz}
while [ $# -gt 0 ]; do
    case $1 in
        --runs) RUNS=$2; shift 2 ;;
        --seconds) SECONDS_RUN=$2; shift 2 ;;
        --seed) SEED=$2; shift 2 ;;
        -*) echo "usage: $0 [--runs N | --seconds N] [--seed N] [TARGET...]"; exit 2 ;;
        *) TARGETS+=("$1"); shift ;;
    esac
done
if [ ${#TARGETS[@]} -eq 0 ]; then
    for f in fuzz/targets/*.swift; do TARGETS+=("$(basename "$f" .swift)"); done
    for d in fuzz/package/Sources/*/; do TARGETS+=("$(basename "$d")"); done
fi
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
status=0

# The SwiftPM targets asked for, built in one `swift build` (one product when only one is).
SPM=()
for t in "${TARGETS[@]}"; do [ -d "fuzz/package/Sources/$t" ] && SPM+=("$t"); done
spm_built=0
if [ ${#SPM[@]} -gt 0 ]; then
    product=(); [ ${#SPM[@]} -eq 1 ] && product=(--product "${SPM[0]}")
    spm=(swift build --package-path fuzz/package --scratch-path "$SCRATCH" -c release --sanitize=fuzzer)
    started=$(date +%s)
    # Twice if need be: SwiftPM can plan a path dependency from its cached source list and miss
    # a file added to the project since; its failed build refreshes that list.
    if "${spm[@]}" "${product[@]}" >"$WORK/spm.build" 2>&1 || "${spm[@]}" "${product[@]}" >"$WORK/spm.build" 2>&1; then
        spm_built=1
        BIN=$("${spm[@]}" --show-bin-path 2>/dev/null)
        echo "fuzz: SwiftPM targets (${SPM[*]}) built in $(($(date +%s) - started)) s"
    fi
fi

for t in "${TARGETS[@]}"; do
    if [ -d "fuzz/package/Sources/$t" ]; then
        if [ "$spm_built" -ne 1 ]; then
            echo "fuzz: $t does not build:"; { grep error: "$WORK/spm.build" || tail -5 "$WORK/spm.build"; } | head; status=1; continue
        fi
        cp "$BIN/$t" "$WORK/$t"
    elif [ -f "fuzz/targets/$t.swift" ]; then
        # shellcheck disable=SC2046
        if ! swiftc -O -sanitize=fuzzer -parse-as-library -D FUZZ_SOURCES_COMPILED_IN "fuzz/targets/$t.swift" $(cat "fuzz/targets/$t.files") -o "$WORK/$t" 2>"$WORK/$t.build"; then
            echo "fuzz: $t does not build:"; grep error: "$WORK/$t.build" | head; status=1; continue
        fi
    else
        echo "fuzz: no target $t"; status=1; continue
    fi
    mkdir -p "$WORK/corpus-$t"
    limit=(-runs="$RUNS"); [ -n "$SECONDS_RUN" ] && limit=(-max_total_time="$SECONDS_RUN")
    [ -n "$SEED" ] && limit+=(-seed="$SEED")
    # SWIFT_BACKTRACE=enable=no: else the Swift runtime's crash handler takes the signal and
    # libFuzzer never writes the input that crashed. stdin is /dev/null: a config naming
    # /dev/stdin as a file must not wait for a terminal.
    if SWIFT_BACKTRACE=enable=no "$WORK/$t" "${limit[@]}" -max_len=65536 -timeout=30 -artifact_prefix="$WORK/crash-$t-" \
        "$WORK/corpus-$t" "fuzz/corpus/$t" </dev/null >"$WORK/$t.log" 2>&1; then
        runs=$(grep -Eo 'Done [0-9]+ runs in [0-9]+ second' "$WORK/$t.log" | tail -1)
        cov=$(grep -Eo 'cov: [0-9]+' "$WORK/$t.log" | tail -1)
        echo "fuzz: $t: ${runs:-done}, $cov, no crash"
    else
        status=1
        crash=$(ls "$WORK"/crash-"$t"-* 2>/dev/null | grep -v slow-unit | head -1)
        echo "fuzz: $t CRASHED:"; grep -E "Fatal error|Assertion|ERROR: libFuzzer|SUMMARY" "$WORK/$t.log" | head -5
        if [ -n "$crash" ]; then
            mkdir -p "fuzz/regressions/$t"
            cp "$crash" "fuzz/regressions/$t/"
            echo "fuzz: the input is fuzz/regressions/$t/$(basename "$crash"): fix the parser; FuzzRegressionTests replays it"
        fi
    fi
done
exit $status
