#!/usr/bin/env bash
# Captures RAW BIRD control-socket replies (codes and all, exactly the bytes BIRD sent)
# from a live two-router lab (scripts/lab/bird-pair.sh) into DIR_OUT, plus a README.md.
#
#   capture-bird-fixtures.sh DIR_OUT      e.g. Tests/AnycastAgentTests/Fixtures/bird
#
# Needs root, bird2, iproute2, python3. LAB_PREFIX (default "acdcap") names the namespaces.
set -euo pipefail

[[ $# -eq 1 ]] || { echo "usage: $0 DIR_OUT" >&2; exit 2; }
HERE="$(cd "$(dirname "$0")" && pwd)"
mkdir -p "$1"
OUT="$(cd "$1" && pwd)"
export LAB_PREFIX="${LAB_PREFIX:-acdcap}"
WORK="$(mktemp -d /tmp/bird-capture.XXXXXX)"

cleanup() {
    "$HERE/bird-pair.sh" down "$WORK" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

"$HERE/bird-pair.sh" up "$WORK"

python3 - "$WORK" "$OUT" "$LAB_PREFIX" <<'PY'
import datetime, os, re, socket, subprocess, sys, time

work, out, prefix = sys.argv[1], sys.argv[2], sys.argv[3]
SITE = os.path.join(work, "site.ctl")
UP = os.path.join(work, "up.ctl")
NS_UP = prefix + "-up"
readme_rows = []

def read_reply(sock):
    """Reads until the end-of-reply line: 4 digits then a space (protocols.md)."""
    buf = b""
    while True:
        for line in buf.split(b"\n")[:-1]:
            if len(line) >= 5 and line[:4].isdigit() and line[4:5] == b" ":
                return buf
        chunk = sock.recv(65536)
        if not chunk:
            raise SystemExit("BIRD closed the socket mid-reply: %r" % buf)
        buf += chunk

def raw(path, command):
    """Fresh connection: greeting, one command; returns (greeting bytes, reply bytes)."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.settimeout(10)
    s.connect(path)
    try:
        greeting = read_reply(s)
        s.sendall(command.encode() + b"\n")
        return greeting, read_reply(s)
    finally:
        s.close()

def save(name, data, command, where, how):
    with open(os.path.join(out, name + ".txt"), "wb") as f:
        f.write(data)
    readme_rows.append((name, command, where, how))
    print("captured %-44s %5d bytes" % (name, len(data)))

def cap(name, path, command, how):
    _, reply = raw(path, command)
    save(name, reply, command, "upstream" if path == UP else "site", how)
    return reply

def wait_for(path, command, pattern, what, timeout=60):
    deadline = time.time() + timeout
    while time.time() < deadline:
        _, reply = raw(path, command)
        if re.search(pattern, reply):
            return reply
        time.sleep(0.5)
    raise SystemExit("timed out waiting for %s; last reply: %r" % (what, reply))

def run(*args):
    subprocess.run(args, check=True)

# --- session up ---------------------------------------------------------------------
greeting, version = raw(SITE, "show status")
save("greeting", greeting, "(none: sent on connect)", "site", "first line on a fresh connection")
bird_version = re.search(rb"1000-(BIRD [^\n]*)", version).group(1).decode()
wait_for(SITE, "show route export upstream", rb"2001:db8:53::/48", "both routes exported")
wait_for(UP, "show route", rb"2001:db8:53::/48", "upstream learned the IPv6 route")

cap("show-status", SITE, "show status", "lab up")
cap("show-protocols", SITE, "show protocols", "lab up, session Established")
cap("show-protocols-all", SITE, "show protocols all", "lab up, session Established")
cap("show-protocols-all-upstream-established", SITE, "show protocols all upstream",
    "lab up, session Established")
cap("show-route-export-upstream", SITE, "show route export upstream",
    "lab up: 203.0.113.0/24 and 2001:db8:53::/48 exported")
cap("upstream-show-protocols", UP, "show protocols",
    "on the upstream (default short time format), session Established")
cap("upstream-show-route", UP, "show route",
    "on the upstream: the same routes without `all` (AS summary `[AS65100i]`)")
cap("upstream-show-route-all", UP, "show route all",
    "on the upstream: routes learned from the site (BGP attributes) and the ECMP static")
cap("upstream-show-route-ecmp", UP, "show route for 192.0.2.0/24 all",
    "on the upstream: static `multipath` route with two next hops")
cap("upstream-show-route-protocol-multipath", UP, "show route protocol multipath",
    "on the upstream: the ECMP route without `all`")

# --- drain / undrain ----------------------------------------------------------------
cap("disable-anycast4", SITE, 'disable anycast4 "drained by alice: CHG-1"', "anycast4 enabled")
cap("show-protocols-all-anycast4-disabled", SITE, "show protocols all anycast4",
    "right after the disable with a message")
cap("disable-anycast4-already", SITE, "disable anycast4", "anycast4 already disabled")
raw(SITE, "disable anycast6")
cap("show-route-export-upstream-empty", SITE, "show route export upstream",
    "anycast4 and anycast6 both disabled")
cap("enable-anycast4", SITE, "enable anycast4", "anycast4 disabled")
cap("enable-anycast4-already", SITE, "enable anycast4", "anycast4 already enabled")
raw(SITE, "enable anycast6")

# --- asynchronous messages and a UTF-8 disable message -----------------------------
# Connection A asks for log echo (`echo all`); connection B disables anycast6 with a
# non-ASCII reason and enables it again; BIRD then writes `+...` lines to A. The whole byte
# stream of A (greeting, echo reply, async lines, reply to `show protocols`) is one file.
a = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
a.settimeout(10)
a.connect(SITE)
stream = read_reply(a)
a.sendall(b"echo all\n")
stream += read_reply(a)
cap("disable-anycast6-utf8", SITE, 'disable anycast6 "drained by zo\u00eb: CHG-2 \u2713"',
    "anycast6 enabled; message with non-ASCII characters")
cap("show-protocols-all-anycast6-disabled-utf8", SITE, "show protocols all anycast6",
    "after the UTF-8 disable")
raw(SITE, "enable anycast6")
time.sleep(1)
a.sendall(b"show protocols\n")
stream += read_reply(a)
a.close()
save("stream-echo-async", stream, "`echo all`, then `show protocols`", "site",
     "whole stream of one connection (greeting, `echo all` reply, `+` lines logged while "
     "another connection disabled and enabled anycast6, then the `show protocols` reply)")
if b"\n+" not in stream:
    raise SystemExit("no asynchronous lines captured: %r" % stream)

# --- errors -------------------------------------------------------------------------
cap("error-disable-undefined", SITE, "disable nosuchproto", "name is not a known symbol")
cap("error-no-protocols-match", SITE, 'show protocols all "nosuch*"', "pattern matches nothing")
cap("error-disable-no-match", SITE, 'disable "nosuch*"', "pattern matches nothing")
cap("error-garbage", SITE, "foo bar", "not a command")

# --- session down -------------------------------------------------------------------
Q = "show protocols all upstream"
raw(UP, "disable s1")
wait_for(SITE, Q, rb"BGP state:\s+Active", "Active after upstream `disable s1`")
cap("show-protocols-all-upstream-active", SITE, Q,
    "upstream ran `disable s1`: site sees Administrative shutdown, goes Active")

run("ip", "-n", NS_UP, "route", "add", "blackhole", "198.51.100.2/32")
wait_for(SITE, Q, rb"BGP state:\s+Connect", "Connect after blackholing the site on the upstream")
cap("show-protocols-all-upstream-connect", SITE, Q,
    "s1 still disabled and `ip route add blackhole 198.51.100.2/32` on the upstream: "
    "the site's SYN gets no answer (no RST), so it sits in Connect")

run("ip", "-n", NS_UP, "route", "del", "blackhole", "198.51.100.2/32")
raw(UP, "enable s1")
wait_for(SITE, Q, rb"BGP state:\s+Established", "Established again", timeout=180)
conf = os.path.join(work, "up.conf")
with open(conf) as f:
    text = f.read()
with open(conf, "w") as f:
    f.write(text.replace("neighbor 198.51.100.2 as 65100;", "neighbor 198.51.100.2 as 65101;"))
raw(UP, "configure")
wait_for(SITE, Q, rb"BGP state:\s+Idle", "Idle after the upstream expects AS 65101")
cap("show-protocols-all-upstream-idle", SITE, Q,
    "session re-established, then the upstream's config changed to `neighbor ... as 65101` "
    "and `configure`: the upstream sends Bad peer AS, the site waits in Idle")

# --- README -------------------------------------------------------------------------
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
with open(os.path.join(out, "README.md"), "w") as f:
    f.write("# BIRD control-socket fixtures\n\n")
    f.write("Raw bytes read from the BIRD control socket (not birdc output), unedited.\n")
    f.write("Captured by `scripts/lab/capture-bird-fixtures.sh` from the two-router lab\n")
    f.write("`scripts/lab/bird-pair.sh` (site AS 65100 with statics anycast4/anycast6 and BGP\n")
    f.write("`upstream`; upstream AS 65000 with BGP `s1` and static `multipath`), with\n")
    f.write("%s on %s. The site uses `timeformat protocol iso long;`\n" % (bird_version, now))
    f.write("and `timeformat route iso long;` (\"2026-11-27 20:06:49\", no milliseconds); the\n")
    f.write("upstream keeps BIRD's default (\"20:06:49.632\"). Each file except greeting.txt holds the reply to\n")
    f.write("one command sent on a fresh connection (the greeting was read and dropped), except\n")
    f.write("stream-echo-async.txt, which is everything one connection received.\n\n")
    f.write("| File | Router | Command | State when captured |\n|---|---|---|---|\n")
    for name, command, where, how in readme_rows:
        f.write("| %s.txt | %s | `%s` | %s |\n" % (name, where, command.replace("|", "\\|"), how))
    f.write("""
Regenerate with `sudo scripts/lab/capture-bird-fixtures.sh Tests/AnycastAgentTests/Fixtures/bird`
(timestamps, timers and link-local addresses will differ). Do not edit the captures.

Format details seen in these captures (BIRD 2.0.12):
- Table headings inside `show route` are `1007` rows too (`1007-Table master4:`), tables are
  separated by a continuation line holding one space; with `all`, each further route
  starts a new `1007-` line after its `1008`/`1012` lines, and an empty `1007-` line precedes
  the next table heading.
- Next hops are continuation lines ` \\tvia ADDR on IFACE` (ECMP adds ` weight N`);
  a route whose next hop differs from the BGP neighbour shows `[s1 TIME from ADDR]`.
- An empty reply (nothing exported) is the single line `0000 `.
- In `show protocols`, Since with iso long is two words and the Info column is not aligned
  with the heading; a protocol with no details gets an empty `1006-` line; every
  `show protocols all` block ends with a continuation line holding one space.
- Asynchronous lines (after `echo all`) are `+` and the log text, with no code:
  `+Disabling protocol anycast6`.
- Down BGP sessions add `Connect delay:` (Active) or `Error wait:` (Idle) lines; `Routes:`
  appears only for channels that are UP. A disabled protocol's reason is `Message:`.
""")
print("wrote", os.path.join(out, "README.md"))
PY
