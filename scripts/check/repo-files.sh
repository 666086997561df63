#!/usr/bin/env bash
# Git holds source only: fails, naming each file, when a tracked file is over 5 MiB or is an
# ELF core dump. Run by scripts/test before anything is built.
# Usage: scripts/check/repo-files.sh [REPO_DIR]
set -uo pipefail
cd "${1:-$(dirname "$0")/../..}" || exit 2
limit=$((5 * 1024 * 1024))
bad=0
while IFS= read -r -d '' f; do
    [ -f "$f" ] || continue          # deleted in the work tree but not yet from the index
    size=$(stat -c %s -- "$f")
    if [ "$size" -gt "$limit" ]; then
        echo "repo-files: $f is $size bytes, over the 5 MiB limit: keep it out of git"
        bad=1
    fi
    # An ELF core file: magic 7f 45 4c 46, then e_type (bytes 16-17, little endian) = 4 (ET_CORE).
    if [ "$size" -ge 18 ] && [ "$(head -c 4 -- "$f" | od -An -tx1 | tr -d ' \n')" = 7f454c46 ] \
        && [ "$(dd if="$f" bs=1 skip=16 count=2 2>/dev/null | od -An -tx1 | tr -d ' \n')" = 0400 ]; then
        echo "repo-files: $f is an ELF core dump: remove it (git rm --cached) and keep it out of git"
        bad=1
    fi
done < <(git ls-files -z)
[ "$bad" -eq 0 ] && echo "repo-files: every tracked file is under 5 MiB and none is a core dump"
exit "$bad"
