/// The default theme, compiled in so the dashboard always has every role even when no theme
/// folder is found. `themes/default.toml` holds the same text (a test keeps them equal).
enum BuiltinTheme {
    static let defaultTOML = """
# anycast-dash default theme (dark). This file is the schema: every role is defined here, and
# a role missing from another theme falls back to its value here.
#
# A role is "#rrggbb" (foreground on the theme background), "#rrggbb on #rrggbb", or
# "default" (the terminal's own colour); add "bold" for emphasis.
name = "default"
description = "Dark, for long nights"

[roles]
background = "#1b1d23"
text = "#d4d7dd"
muted = "#808794"
border = "#3d4350"
title = "#e8eaee bold"
accent = "#61afef"
header = "#e8eaee on #2b303b bold"
ok = "#98c379"
warn = "#e5c07b bold"
critical = "#ff6b6b bold"
drained = "#56b6c2 bold"
unreachable = "#1b1d23 on #e06c75 bold"
selection = "#1b1d23 on #61afef"
sparkline = "#61afef"
live_badge = "#1b1d23 on #98c379 bold"
monitor_badge = "#1b1d23 on #c678dd bold"
dialog = "#d4d7dd on #262a33"
dialog_border = "#61afef on #262a33 bold"
input = "#e8eaee on #3d4350"
mark = "#e5c07b bold"
"""
}
