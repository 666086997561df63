#!/usr/bin/env python3
"""Fails, naming file:line, where a test script's own shell ends a pipe in `grep -q`.

The scripts run with pipefail: `grep -q` leaves at its first match, a writer still writing
dies of SIGPIPE, and the pipe fails though grep matched (a check that fails once in a hundred
runs under load). Such a pipe ends in `grep PATTERN >/dev/null`, which reads to the end, or
grep reads the files itself. Text in double quotes is not looked at: `bash -c "..."` strings
run without pipefail. Here-documents are skipped.

Usage: pipe-grep.py ROOT   (exit 0: none; 1: each one found is printed)
"""
import pathlib
import re
import sys

GREP_Q = re.compile(r'(?<![|])\|(?![|])\s*grep\s+(-[A-Za-z]*q[A-Za-z]*|--quiet|--silent)\b')
HEREDOC = re.compile(r"<<-?\s*(['\"]?)([A-Za-z_][A-Za-z0-9_]*)\1")


def unquoted(line: str, in_double: bool) -> tuple[str, bool]:
    """The parts of `line` outside quotes and comments, and whether a double quote is open at its end."""
    out, i = [], 0
    while i < len(line):
        c = line[i]
        if in_double:
            if c == '\\':
                i += 2
                continue
            if c == '"':
                in_double = False
            i += 1
            continue
        if c == '\\':
            i += 2
            continue
        if c == '#' and (i == 0 or line[i - 1] in ' \t;'):
            break
        if c == "'" and i > 0 and line[i - 1] == '$':  # $'...': backslash escapes a quote
            i += 1
            while i < len(line) and line[i] != "'":
                i += 2 if line[i] == '\\' else 1
            i += 1
            continue
        if c == "'":
            end = line.find("'", i + 1)
            i = len(line) if end < 0 else end + 1
            continue
        if c == '"':
            in_double = True
            i += 1
            continue
        out.append(c)
        i += 1
    return ''.join(out), in_double


def findings(path: pathlib.Path):
    in_double, heredoc = False, None
    for n, line in enumerate(path.read_text(errors='replace').split('\n'), 1):
        if heredoc:
            if line.strip() == heredoc:
                heredoc = None
            continue
        code, in_double = unquoted(line, in_double)
        if GREP_Q.search(code):
            yield n, line.strip()
        m = HEREDOC.search(code)
        if m:
            heredoc = m.group(2)


def main() -> int:
    root = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else '.')
    scripts = [p for p in (root / 'scripts').rglob('*') if p.suffix in ('.sh', '.bash')]
    scripts += [p for p in (root / 'scripts' / 'test', root / '.ci' / 'run') if p.exists()]
    bad = 0
    for path in sorted(scripts):
        for n, line in findings(path):
            print(f"{path.relative_to(root)}:{n}: a pipe ends in grep -q under pipefail: {line}")
            bad += 1
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
