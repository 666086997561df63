#!/usr/bin/env bash
# A short run of every fuzz target (scripts/fuzz/run.sh, libFuzzer): each builds, runs 20,000
# inputs from its seed corpus and does not crash. The swiftc targets and the SwiftPM ones
# (fuzz/package, built in .build-fuzz: from a fresh clone that build is most of the time). The
# long runs are scripts/fuzz/run.sh alone. The seed is fixed, so a run here is repeatable: a
# failure is the change's, not a fresh draw's; new findings come from the long runs.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

bash "$ROOT/scripts/fuzz/run.sh" --runs 20000 --seed 1 >"$WORK/fuzz.out" 2>&1
for target in prometheus bird frr gobgp exabgp stats dns fleetconfig agentconfig apirequest statusupdate statusstream; do
    check "fuzz target $target: 20,000 runs, no crash" bash -c "grep -Eq '^fuzz: $target: Done 2[0-9]{4} runs .* no crash' '$WORK/fuzz.out' || { cat '$WORK/fuzz.out'; exit 1; }"
done
summary "fuzz-smoke"
