#!/usr/bin/env bash
# Captures RAW BIRD control-socket replies (codes and all, exactly the bytes BIRD sent)
# from a live two-router lab (scripts/lab/bird-pair.sh) into DIR_OUT, plus a README.md.
# For the de-prefer captures the site gets a second origin (anycast4_depref) by `configure`
# and a second site BIRD (namespace PREFIX-s2) joins the upstream for a while.
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
    # The second site of the de-prefer captures (bird-pair.sh knows only up and s1).
    local pid
    pid="$(cat "$WORK/s2.pid" 2>/dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ && "$(cat "/proc/$pid/comm" 2>/dev/null || true)" == bird ]]; then
        kill "$pid" 2>/dev/null || true
    fi
    ip netns del "$LAB_PREFIX-s2" 2>/dev/null || true
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

def stop_second_site(work, prefix):
    """Stops the second site's BIRD (checked by /proc/PID/comm) and deletes its namespace."""
    pidfile = os.path.join(work, "s2.pid")
    try:
        pid = int(open(pidfile).read().strip())
        with open("/proc/%d/comm" % pid) as f:
            if f.read().strip() == "bird":
                os.kill(pid, 15)
                for _ in range(50):
                    if not os.path.exists("/proc/%d" % pid):
                        break
                    time.sleep(0.1)
    except (OSError, ValueError):
        pass
    subprocess.run(["ip", "netns", "del", prefix + "-s2"], stderr=subprocess.DEVNULL)

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

def second_site(work, prefix):
    """A second site BIRD (AS 65100) in namespace PREFIX-s2, link 198.51.100.8/30 (upstream
    .9, site .10), announcing 203.0.113.0/24 normally; the upstream gets `protocol bgp s2`
    by `configure`."""
    ns = prefix + "-s2"
    run("ip", "netns", "add", ns)
    run("ip", "-n", ns, "link", "set", "lo", "up")
    run("ip", "link", "add", "v-s2", "netns", NS_UP, "type", "veth", "peer", "name", "v-up", "netns", ns)
    run("ip", "-n", NS_UP, "addr", "add", "198.51.100.9/30", "dev", "v-s2")
    run("ip", "-n", ns, "addr", "add", "198.51.100.10/30", "dev", "v-up")
    run("ip", "-n", NS_UP, "link", "set", "v-s2", "up")
    run("ip", "-n", ns, "link", "set", "v-up", "up")
    conf = os.path.join(work, "s2.conf")
    with open(conf, "w") as f:
        f.write("router id 198.51.100.10;\n"
                "protocol device {}\n"
                "protocol static anycast4 { ipv4; route 203.0.113.0/24 blackhole; }\n"
                "protocol bgp upstream {\n"
                "    local 198.51.100.10 as 65100;\n"
                "    neighbor 198.51.100.9 as 65000;\n"
                "    ipv4 { import none; export where proto = \"anycast4\"; };\n"
                "}\n")
    run("ip", "netns", "exec", ns, "bird", "-c", conf, "-s", os.path.join(work, "s2.ctl"),
        "-P", os.path.join(work, "s2.pid"))
    up_conf = os.path.join(work, "up.conf")
    with open(up_conf, "a") as f:
        f.write("protocol bgp s2 {\n"
                "    local 198.51.100.9 as 65000;\n"
                "    neighbor 198.51.100.10 as 65100;\n"
                "    ipv4 { import all; export none; };\n"
                "}\n")
    _, reply = raw(UP, "configure")
    if b"0003 " not in reply and b"0004 " not in reply:
        raise SystemExit("upstream configure failed: %r" % reply)

def remove_second_site(work, prefix):
    """Takes the second site down again: its BIRD, its namespace, `protocol bgp s2`."""
    stop_second_site(work, prefix)
    up_conf = os.path.join(work, "up.conf")
    with open(up_conf) as f:
        text = f.read()
    with open(up_conf, "w") as f:
        f.write(text[:text.index("protocol bgp s2 {")])
    raw(UP, "configure")

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

# --- de-prefer origin (staged drains) ------------------------------------------------
# The site gets a second origin of 203.0.113.0/24, disabled, of lower preference, whose route
# carries the de-prefer attributes (AS path prepended twice, MED 1000, 65535:0), and an export
# filter that accepts both; added with `configure` so that every capture above keeps the
# original config. A second site BIRD (AS 65100, namespace PREFIX-s2) announces the prefix
# normally, so the upstream holds the de-preferred path next to a better one.
site_conf = os.path.join(work, "site.conf")
with open(site_conf) as f:
    text = f.read()
depref = ('protocol static anycast4_depref {\n'
          '    disabled;\n'
          '    ipv4 { preference 50; };\n'
          '    route 203.0.113.0/24 blackhole {\n'
          '        bgp_path.prepend(65100); bgp_path.prepend(65100);\n'
          '        bgp_med = 1000; bgp_community.add((65535,0));\n'
          '    };\n'
          '}\n')
old_export = 'export where proto = "anycast4";'
if old_export not in text:
    raise SystemExit("site.conf has no %r to extend" % old_export)
text = text.replace(old_export, 'export where proto = "anycast4" || proto = "anycast4_depref";')
text = text.replace("protocol bgp upstream {", depref + "protocol bgp upstream {", 1)
with open(site_conf, "w") as f:
    f.write(text)
_, reply = raw(SITE, "configure")
if b"0003 " not in reply and b"0004 " not in reply:
    raise SystemExit("site configure failed: %r" % reply)
wait_for(SITE, "show protocols anycast4_depref", rb"anycast4_depref\s+Static\s+master4\s+down",
         "anycast4_depref configured, disabled")
wait_for(SITE, "show protocols upstream", rb"Established", "session Established after configure")
wait_for(SITE, "show route export upstream", rb"203.0.113.0/24", "203.0.113.0/24 exported again")
cap("show-route-export-upstream-all", SITE, "show route export upstream all",
    "anycast4 enabled, anycast4_depref configured and disabled: the normal route")

second_site(work, prefix)
wait_for(UP, "show route 203.0.113.0/24 all", rb"\[s2 ", "the second site's route at the upstream")
raw(SITE, "enable anycast4_depref")
raw(SITE, "disable anycast4")
wait_for(SITE, "show route export upstream all", rb"anycast4_depref[^\n]*\n(.*\n)*?.*65535,0",
         "the de-preferred route exported")
cap("show-route-export-upstream-all-depref", SITE, "show route export upstream all",
    "de-prefer step: anycast4_depref enabled, then anycast4 disabled "
    "(as_path shows the 2 prepends; the eBGP prepend comes on the wire)")
wait_for(UP, "show route 203.0.113.0/24 all", rb"\[s1 [^\n]*\n(.*\n)*?.*65100 65100 65100",
         "the de-preferred path at the upstream")
cap("upstream-show-route-all-depref", UP, "show route 203.0.113.0/24 all",
    "on the upstream: s1 de-preferred (as_path 65100 65100 65100, (65535,0); the MED of "
    "the static route is not sent over eBGP), present but not best; s2 (second site BIRD, "
    "normal route) is best")
raw(SITE, "enable anycast4")
raw(SITE, "disable anycast4_depref")
remove_second_site(work, prefix)
wait_for(UP, "show route 203.0.113.0/24 all", rb"\[s1 [^\n]*\*", "s1's normal route best again")

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
    f.write("For the de-prefer step of staged drains, the site is then given (by `configure`) a\n")
    f.write("second origin `anycast4_depref` of 203.0.113.0/24, disabled, `preference 50`, its\n")
    f.write("route carrying `bgp_path.prepend(65100)` twice, `bgp_med = 1000` and\n")
    f.write("`bgp_community.add((65535,0))`, and the export filter\n")
    f.write("`proto = \"anycast4\" || proto = \"anycast4_depref\"`; a second site BIRD (AS 65100,\n")
    f.write("BGP `s2` at the upstream, normal route) joins so that the upstream holds the\n")
    f.write("de-preferred path next to a better one. The de-prefer step is `enable anycast4_depref`\n")
    f.write("then `disable anycast4`, as the agent does it.\n\n")
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
- `show route export PEER all` gives the attributes as the site's table holds them: the
  prepends without the eBGP prepend of the session (`BGP.as_path: 65100 65100` for two),
  `BGP.med`, `BGP.community: (65535,0)`; the route names its origin protocol and
  preference (`[anycast4_depref TIME] * (50)`). A route with no BGP attributes has no
  `1012-` lines.
- At the upstream, the de-preferred path stays in the table without the `*` of the best
  route, with the session's prepend added (`BGP.as_path: 65100 65100 65100`) and the
  community, but WITHOUT the MED: over eBGP, BIRD sends a MED only when the export filter
  sets it (`export filter { if proto = "anycast4_depref" then bgp_med = 1000; ... }`, checked
  by hand: it then arrives), not when the static route carries it, although
  `show route export upstream all` lists it in both cases.
""")
print("wrote", os.path.join(out, "README.md"))
PY
