#!/usr/bin/env bash
# Package.swift lists exactly what each target imports: scripts/check/target-imports.py passes
# on this package and fails, naming file:line or the target, on a scratch package that imports
# a target it does not declare or declares one it never imports.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
CHECK=$ROOT/scripts/check/target-imports.py

check "this package: every target imports exactly what it declares" python3 "$CHECK" "$ROOT"

# scratch DIR DEPS_OF_A IMPORTS_OF_A: a package of targets A, B and C, where A declares DEPS_OF_A.
scratch() {
    mkdir -p "$1/Sources/A" "$1/Sources/B" "$1/Sources/C"
    cat >"$1/Package.swift" <<SWIFT
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "scratch", targets: [
    .target(name: "A", dependencies: [$2]),
    .target(name: "B", dependencies: ["C"]),
    .target(name: "C"),
])
SWIFT
    printf '%b' "$3" >"$1/Sources/A/A.swift"
    printf 'import C\nimport Foundation\npublic let b = c\n' >"$1/Sources/B/B.swift"
    printf 'public let c = 1\n' >"$1/Sources/C/C.swift"
}
fails_saying() {  # fails_saying DIR TEXT: the check fails and prints TEXT
    local out; out=$(python3 "$CHECK" "$1") && return 1
    echo "$out"; grep -qF -- "$2" <<<"$out"
}

scratch "$WORK/ok" '"B", "C"' 'import B\n@preconcurrency import C\npublic let a = b + c\n'
check "a scratch package that declares what it imports passes" python3 "$CHECK" "$WORK/ok"
scratch "$WORK/undeclared" '"B"' 'import B\nimport C\npublic let a = b + c\n'
check "an import reachable only through another target fails, with file:line" \
    fails_saying "$WORK/undeclared" "Sources/A/A.swift:2: target A imports C without declaring it a dependency"
scratch "$WORK/unused" '"B", "C"' 'import B\npublic let a = b\n'
check "a declared dependency that is never imported fails" \
    fails_saying "$WORK/unused" "target A declares C but never imports it"

# The dashboard must not reach the agent's server stack, however long the chain.
mkdir -p "$WORK/reach/Sources/AnycastDashboard" "$WORK/reach/Sources/Mid" "$WORK/reach/Sources/AnycastAgent"
cat >"$WORK/reach/Package.swift" <<'SWIFT'
// swift-tools-version:6.0
import PackageDescription
let package = Package(name: "reach", targets: [
    .target(name: "AnycastDashboard", dependencies: ["Mid"]),
    .target(name: "Mid", dependencies: ["AnycastAgent"]),
    .target(name: "AnycastAgent"),
])
SWIFT
printf 'import Mid\npublic let d = m\n' >"$WORK/reach/Sources/AnycastDashboard/D.swift"
printf 'import AnycastAgent\npublic let m = a\n' >"$WORK/reach/Sources/Mid/M.swift"
printf 'public let a = 1\n' >"$WORK/reach/Sources/AnycastAgent/A.swift"
check "the dashboard reaching the agent through another target fails, with the chain" \
    fails_saying "$WORK/reach" "target AnycastDashboard reaches AnycastAgent (AnycastDashboard -> Mid -> AnycastAgent)"

summary target-imports
