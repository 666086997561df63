#!/usr/bin/env python3
"""same_look.py A B: two `tmux capture-pane -e -p` files of the same view, compared cell by
cell: the character and how it looks (colours, bold, dim, reverse, underline). Figures and
sparkline bars are masked (two demo fleets draw different ones), the header and status lines
(whose figures move the text after them) are left out, and a blank is compared by the colour
it shows only (curses clears runs of blanks with `el`, which keeps no foreground), and blanks
past the end of the shorter of two rows not at all. Prints the
first differences; exit 1 if there is one."""
import re
import sys

SGR = re.compile(r"\x1b\[([0-9;:]*)m")
PLAIN = {"fg": None, "bg": None, "bold": 0, "dim": 0, "underline": 0, "reverse": 0}


def apply(codes, style):
    parts = [int(p) if p else 0 for p in codes.split(";")] if codes else [0]
    style = dict(style)
    i = 0
    while i < len(parts):
        p = parts[i]
        if p == 0: style = dict(PLAIN)
        elif p == 1: style["bold"] = 1
        elif p == 2: style["dim"] = 1
        elif p == 4: style["underline"] = 1
        elif p == 7: style["reverse"] = 1
        elif p == 22: style["bold"] = style["dim"] = 0
        elif p == 24: style["underline"] = 0
        elif p == 27: style["reverse"] = 0
        elif 30 <= p <= 37: style["fg"] = p - 30
        elif 90 <= p <= 97: style["fg"] = p - 90 + 8
        elif 40 <= p <= 47: style["bg"] = p - 40
        elif 100 <= p <= 107: style["bg"] = p - 100 + 8
        elif p == 39: style["fg"] = None
        elif p == 49: style["bg"] = None
        elif p in (38, 48) and i + 1 < len(parts):
            key = "fg" if p == 38 else "bg"
            if parts[i + 1] == 5 and i + 2 < len(parts):
                style[key] = parts[i + 2]
                i += 2
            elif parts[i + 1] == 2 and i + 4 < len(parts):
                style[key] = tuple(parts[i + 2:i + 5])
                i += 4
        i += 1
    return style


def cells(path):
    style = dict(PLAIN)
    rows = []
    for line in open(path, encoding="utf-8").read().split("\n"):
        row, i = [], 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                style = apply(m.group(1), style)
                i = m.end()
                continue
            row.append((line[i], style))
            i += 1
        rows.append(row)
    return rows


def look(cell):
    char, style = cell
    if char == " ":
        return (" ", style["fg"] if style["reverse"] else style["bg"], style["reverse"])
    masked = "9" if char.isdigit() or char in ".k%▁▂▃▄▅▆▇█" else char
    return (masked, tuple(sorted(style.items(), key=lambda kv: kv[0])))


a, b = cells(sys.argv[1]), cells(sys.argv[2])
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
