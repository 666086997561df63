#!/usr/bin/env python3
"""Reads `tmux capture-pane -e -p` from stdin and lists every visible character drawn in the
colour of its own background (explicit colours only: the terminal's defaults are its own
business). Exit 1 if there is one."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;]*)m")


def apply(codes, fg, bg):
    parts = [int(p) if p else 0 for p in codes.split(";")] if codes else [0]
    i = 0
    while i < len(parts):
        p = parts[i]
        if p == 0:
            fg = bg = None
        elif 30 <= p <= 37: fg = p - 30
        elif 90 <= p <= 97: fg = p - 90 + 8
        elif 40 <= p <= 47: bg = p - 40
        elif 100 <= p <= 107: bg = p - 100 + 8
        elif p == 39: fg = None
        elif p == 49: bg = None
        elif p in (38, 48) and i + 1 < len(parts):
            if parts[i + 1] == 5 and i + 2 < len(parts):
                value = ("p", parts[i + 2]) if parts[i + 2] >= 16 else parts[i + 2]
                i += 2
            elif parts[i + 1] == 2 and i + 4 < len(parts):
                value = ("rgb", tuple(parts[i + 2:i + 5]))
                i += 4
            else:
                value = None
            if p == 38: fg = value
            else: bg = value
        i += 1
    return fg, bg


bad = []
fg = bg = None
for row, line in enumerate(sys.stdin.read().split("\n")):
    pos = 0
    for m in SGR.finditer(line + "\x1b[m"):
        for ch in line[pos:m.start()]:
            if not ch.isspace() and fg is not None and fg == bg:
                bad.append(f"row {row + 1}: {ch!r} in colour {fg} on {bg}")
        fg, bg = apply(m.group(1), fg, bg) if m.start() < len(line) else (fg, bg)
        pos = m.end()
for b in bad[:20]:
    print(b)
print(f"{len(bad)} characters drawn in their background's colour")
sys.exit(1 if bad else 0)
