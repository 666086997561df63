#!/usr/bin/env bash
# The repository holds source only: scripts/check/repo-files.sh passes on this repository and
# fails, naming the file, on a repository with a file over 5 MiB or an ELF core dump.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
CHECK=$ROOT/scripts/check/repo-files.sh

check "this repository: no tracked file over 5 MiB, no core dump" "$CHECK" "$ROOT"

# scratch_repo DIR: an empty git repository with one small source file.
scratch_repo() {
    git init -q "$1" && echo 'let x = 1' >"$1/a.swift" && git -C "$1" add a.swift
}

fails_naming() {  # fails_naming DIR FILE: the check fails and its output names FILE
    local out; out=$("$CHECK" "$1") && return 1
    grep -q -- "$2" <<<"$out"
}

r=$WORK/big; scratch_repo "$r"
head -c $((5 * 1024 * 1024 + 1)) /dev/zero >"$r/blob.bin"; git -C "$r" add blob.bin
check "a tracked file of 5 MiB + 1 byte fails, named" fails_naming "$r" blob.bin

r=$WORK/limit; scratch_repo "$r"
head -c $((5 * 1024 * 1024)) /dev/zero >"$r/blob.bin"; git -C "$r" add blob.bin
check "a tracked file of exactly 5 MiB passes" "$CHECK" "$r"

r=$WORK/dump; scratch_repo "$r"
sleep 30 & victim=$!
if command -v gcore >/dev/null 2>&1 && gcore -o "$r/dump" "$victim" >/dev/null 2>&1; then
    mv "$r/dump.$victim" "$r/core"
else  # no gdb: the 64-byte ELF header of a core file (ELFCLASS64, little endian, ET_CORE)
    printf '\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x04\x00\x3e\x00' >"$r/core"
    head -c 44 /dev/zero >>"$r/core"
fi
kill "$victim" 2>/dev/null; wait "$victim" 2>/dev/null
git -C "$r" add -f core
check "a tracked ELF core dump (small) fails, named" fails_naming "$r" "core is an ELF core dump"

r=$WORK/elf; scratch_repo "$r"
cp /bin/true "$r/tool"; git -C "$r" add tool
check "an ELF executable is not taken for a core dump" "$CHECK" "$r"

ignored() { local f; for f in "$@"; do git -C "$ROOT" check-ignore -q --no-index "$f" || return 1; done; }
check ".gitignore keeps core dumps out (core, core.*, vgcore.*)" ignored core core.123 Sources/x/core vgcore.9

summary repo-files
