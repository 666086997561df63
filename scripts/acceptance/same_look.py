#!/usr/bin/env python3
"""same_look.py [--narrow] A B: two `tmux capture-pane -e -p` files of the same view, compared cell by
cell: the character and how it looks (colours, bold, dim, reverse, underline).
- Figures and sparkline bars are masked: two demo fleets draw different ones.
- The header and status lines are left out: their figures move the text after them.
- A blank is compared by the colour it shows only: curses clears runs of blanks with `el`,
  which keeps no foreground. Blanks past the end of the shorter of two rows are not compared.
With --narrow, B was drawn in a locale that is not UTF-8: A's characters are compared by the
stand-ins B draws for them (NarrowGlyph.swift), and sparkline bars in either are masked.
Prints the first differences; exit 1 if there is one."""
import os
import sys
import unicodedata

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sgr_cells import cells  # noqa: E402


# What a narrow locale shows for each character: a line-drawing character as its plain line,
# others as ASCII, anything else as "?" (and a wide character as "?" and a blank).
LINES = {"─━═": "─", "│┃║": "│", "┌┏╔╭": "┌", "┐┓╗╮": "┐", "└┗╚╰": "└", "┘┛╝╯": "┘",
         "├┣╠": "├", "┤┫╣": "┤", "┬┳╦": "┬", "┴┻╩": "┴", "┼╋╬": "┼", "█": "█", "▒░▓": "▒",
         "·•": "·", "°": "°", "±": "±",
         "↑▲△": "^", "↓▼▽": "v", "→▶▸›»": ">", "←◀◂‹«": "<", "…": "~", "✓✔": "+", "✗✘×": "x",
         "●◆■": "*", "○◇□": "o", "—–": "-", "▁▂": "_", "▃": ".", "▄▅": "-", "▆": "=", "▇": "#",
         "µ": "u", "“”": '"', "‘’": "'"}
STAND_IN = {char: shown for chars, shown in LINES.items() for char in chars}


def narrowed(row):
    out = []
    for char, style in row:
        if ord(char) < 0x80:
            out.append((char, style))
        elif char in STAND_IN:
            out.append((STAND_IN[char], style))
        else:
            out.append(("?", style))
            if unicodedata.east_asian_width(char) in "WF":
                out.append((" ", style))
    return out


narrow = "--narrow" in sys.argv
bars = "_-=#█" if narrow else "▁▂▃▄▅▆▇█"


def look(cell):
    char, style = cell
    if char == " ":
        return (" ", style["fg"] if style["reverse"] else style["bg"], style["reverse"])
    masked = "9" if char.isdigit() or char in ".k%" + bars else char
    return (masked, tuple(sorted(style.items(), key=lambda kv: kv[0])))


paths = [arg for arg in sys.argv[1:] if arg != "--narrow"]
a, b = (cells(open(path, encoding="utf-8").read()) for path in paths[:2])
if narrow:
    a = [narrowed(row) for row in a]
height = min(len(a), len(b))
while height > 0 and not a[height - 1] and not b[height - 1]:
    height -= 1
diffs = []
for y in range(1, height - 1):
    for x, (ca, cb) in enumerate(zip(a[y], b[y])):
        if look(ca) != look(cb):
            diffs.append(f"row {y} column {x}: {look(ca)} against {look(cb)}")
    # tmux leaves out a row's trailing blanks that look like the terminal's own; which ones
    # depends on how they were written, so extra blanks at the end are not a difference.
    longer = a[y] if len(a[y]) > len(b[y]) else b[y]
    if any(char != " " for char, _ in longer[min(len(a[y]), len(b[y])):]):
        diffs.append(f"row {y}: {len(a[y])} cells against {len(b[y])}")
for d in diffs[:5]:
    print(d)
print(f"{len(diffs)} cells differ in rows 1 to {height - 2}")
sys.exit(1 if diffs else 0)
