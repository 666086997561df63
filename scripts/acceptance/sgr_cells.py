"""The cells of a `tmux capture-pane -e -p` capture: each row a list of (character, style),
the style a dict of fg, bg (None for the terminal's own; 0-255, or ("rgb", (r, g, b))), bold,
dim, underline and reverse. tmux writes only the SGR changes from one cell to the next, across
rows too, so the style is carried along. Cells written from the terminal's line-drawing set
(between SO and SI) are read as the characters a VT100 shows for them. Used by
invisible_cells.py and same_look.py."""
import re

SGR = re.compile(r"\x1b\[([0-9;]*)m")
LINE_DRAWING = dict(zip("qxlkmjtuwvn0a~fgoprs`yz{|}", "─│┌┐└┘├┤┬┴┼█▒·°±⎺⎻⎼⎽◆≤≥π≠£"))
PLAIN = {"fg": None, "bg": None, "bold": 0, "dim": 0, "underline": 0, "reverse": 0}


def apply(codes, style):
    """The style after the SGR parameters `codes` (as in `ESC [ codes m`)."""
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
            if parts[i + 1] == 5 and i + 2 < len(parts):
                value = parts[i + 2]
                i += 2
            elif parts[i + 1] == 2 and i + 4 < len(parts):
                value = ("rgb", tuple(parts[i + 2:i + 5]))
                i += 4
            else:
                value = None
            style["fg" if p == 38 else "bg"] = value
        i += 1
    return style


def cells(text):
    """Rows of (character, style) for a capture's text."""
    style = dict(PLAIN)
    shifted = False
    rows = []
    for line in text.split("\n"):
        row, i = [], 0
        while i < len(line):
            m = SGR.match(line, i)
            if m:
                style = apply(m.group(1), style)
                i = m.end()
                continue
            if line[i] in "\x0e\x0f":
                shifted = line[i] == "\x0e"
            else:
                row.append((LINE_DRAWING.get(line[i], line[i]) if shifted else line[i], style))
            i += 1
        rows.append(row)
    return rows
