#!/usr/bin/env python3
"""Reads `tmux capture-pane -e -p` from stdin and lists every visible character drawn in the
colour of its own background (explicit colours only: the terminal's defaults are its own
business). Exit 1 if there is one."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sgr_cells import cells  # noqa: E402

bad = []
for row, line in enumerate(cells(sys.stdin.read())):
    for ch, style in line:
        if not ch.isspace() and style["fg"] is not None and style["fg"] == style["bg"]:
            bad.append(f"row {row + 1}: {ch!r} in colour {style['fg']} on {style['bg']}")
for b in bad[:20]:
    print(b)
print(f"{len(bad)} characters drawn in their background's colour")
sys.exit(1 if bad else 0)
