#!/usr/bin/env python3
"""Package.swift lists exactly what each target imports: every module a target imports is one
of its declared dependencies, and every declared dependency is imported by it.

SwiftPM's `--explicit-target-dependency-import-check error` (also used by scripts/test) is
best effort: it looks only at targets of this package, never at other packages' products nor
at unused dependencies, and it passes silently whenever its import scan fails. This reads the
sources instead, so the rule holds whatever the toolchain does.

It also keeps the dashboard apart from the agent's server stack: the targets in NEVER_REACH
must not depend on those modules through any chain of this package's targets.

Usage: scripts/check/target-imports.py [PACKAGE_DIR]   (exit 1 and a line per mismatch)
"""
import json
import os
import re
import subprocess
import sys

# Modules of the toolchain and the OS, which no Package.swift declares.
SYSTEM = {
    "Foundation", "FoundationEssentials", "FoundationNetworking", "Dispatch", "Glibc", "Musl",
    "Darwin", "Android", "WinSDK", "Synchronization", "Testing", "XCTest", "_Concurrency",
    "_StringProcessing", "RegexBuilder", "Observation", "os", "ucrt",
}
# The dashboard's code and its tests link neither the agent nor its HTTP server and metrics
# (their fixtures come from AnycastSimulation's model).
SERVER_STACK = {"AnycastAgent", "AnycastSimulatedFleet", "Hummingbird", "HummingbirdCore", "HummingbirdTLS", "Prometheus"}
NEVER_REACH = {name: SERVER_STACK for name in ("AnycastDashboard", "AnycastTerminal", "AnycastTUI", "AnycastDashboardTests")}
IMPORT = re.compile(
    r"^\s*(?:@[A-Za-z_]+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|fileprivate|private)\s+)?"
    r"import\s+(?:(?:typealias|struct|class|enum|protocol|let|var|func|actor)\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def declared(target):
    """Module names a target's dependencies provide (a product's name is its module's name)."""
    names = set()
    for dep in target["dependencies"]:
        for kind in ("byName", "target", "product"):
            if kind in dep:
                names.add(dep[kind][0])
    return names


def reached(name, targets, path=()):
    """Each module `name` depends on, directly or through this package's targets, with the chain to it."""
    chains = {}
    for dep in sorted(declared(targets[name])):
        chain = path + (name, dep)
        chains.setdefault(dep, chain)
        if dep in targets and dep not in path:
            for far, far_chain in reached(dep, targets, path + (name,)).items():
                chains.setdefault(far, far_chain)
    return chains


def imports(directory):
    """Module name -> the first file:line importing it, over every .swift file below directory."""
    found = {}
    for root, _, files in os.walk(directory):
        for name in sorted(files):
            if not name.endswith(".swift"):
                continue
            path = os.path.join(root, name)
            with open(path, encoding="utf-8") as f:
                in_comment = False
                for number, line in enumerate(f, 1):
                    stripped = line.strip()
                    if stripped.startswith("/*"):
                        in_comment = True
                    if in_comment:
                        in_comment = "*/" not in stripped
                        continue
                    m = IMPORT.match(line)
                    if m:
                        found.setdefault(m.group(1), f"{path}:{number}")
    return found


def main():
    package = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "../.."))
    dump = subprocess.run(["swift", "package", "dump-package"], cwd=package, capture_output=True, text=True)
    if dump.returncode != 0:
        print(f"target-imports: swift package dump-package failed:\n{dump.stderr}")
        return 2
    manifest = json.loads(dump.stdout)
    problems = []
    for target in manifest["targets"]:
        if target["type"] in ("system", "binary", "plugin", "macro"):
            continue
        default = "Tests" if target["type"] == "test" else "Sources"
        directory = os.path.join(package, target.get("path") or os.path.join(default, target["name"]))
        used = imports(directory)
        wanted = declared(target)
        module = target["name"].replace("-", "_")
        for name, where in sorted(used.items()):
            if name not in wanted and name not in SYSTEM and name != module:
                problems.append(f"{where}: target {target['name']} imports {name} without declaring it a dependency")
        for name in sorted(wanted - set(used)):
            problems.append(f"Package.swift: target {target['name']} declares {name} but never imports it")
    targets = {t["name"]: t for t in manifest["targets"]}
    for name, forbidden in NEVER_REACH.items():
        if name not in targets:
            continue
        for dep, chain in sorted(reached(name, targets).items()):
            if dep in forbidden:
                problems.append(f"Package.swift: target {name} reaches {dep} ({' -> '.join(chain)}); it must not link the agent's server stack")
    for p in problems:
        print(f"target-imports: {p}")
    if not problems:
        print(f"target-imports: each of {len(manifest['targets'])} targets imports exactly what it declares")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
