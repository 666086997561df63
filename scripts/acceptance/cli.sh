#!/usr/bin/env bash
# The command lines as README documents them, run as built: every exit status of anycast-dash
# and anycast-agent that needs no root, with the message that goes with it; --help; how a
# drain reports its wait; and the text table of snapshot and watch with names in CJK, emoji
# and combining characters (measured here with Python's own Unicode tables).
set -uo pipefail
source "$(dirname "$0")/lib.sh"
DASH=$BIN/anycast-dash
AGENT=$BIN/anycast-agent

# status CODE REGEX COMMAND...: the command (standard input not a terminal) exits CODE and
# what it printed matches REGEX; else both are shown.
status() {
    local want=$1 regex=$2; shift 2
    "$@" </dev/null >"$WORK/out" 2>"$WORK/err"
    local got=$?
    if [ "$got" = "$want" ] && cat "$WORK/out" "$WORK/err" | grep -Eq -- "$regex"; then return 0; fi
    echo "exit $got (want $want), output (want /$regex/):"; cat "$WORK/out" "$WORK/err"; return 1
}

# 1. Usage errors exit 2 (not ArgumentParser's 64), with the message and the usage.
usage() { status 2 "$1" "${@:2}" && grep -q '^Usage: ' "$WORK/err"; }
check "anycast-dash --bogus: exit 2, unknown option, usage" usage "Unknown option '--bogus'" "$DASH" --bogus
check "anycast-dash a stray argument: exit 2" usage "Unexpected argument 'nosuch'" "$DASH" nosuch
check "snapshot --format xml: exit 2" usage "xml" "$DASH" snapshot --demo --format xml
check "snapshot --samples 0: exit 2" usage "--samples must be from 1 to 3600" "$DASH" snapshot --demo --samples 0
check "snapshot --demo --fleet F: exit 2" usage "give either --fleet or --demo, not both" "$DASH" snapshot --demo --fleet /tmp/x.toml
check "snapshot --demo-sites 0: exit 2" usage "--demo-sites must be from 1 to 5000" "$DASH" snapshot --demo --demo-sites 0
check "watch --cycles 0: exit 2" usage "--cycles must be at least 1" "$DASH" watch --demo --cycles 0
check "drain without a site: exit 2" usage "Missing expected argument '<site>'" "$DASH" drain
check "drain without --reason: exit 2" usage "Missing expected argument '--reason <reason>'" "$DASH" drain ams1 --demo --yes
check "drain --wait 0: exit 2" usage "--wait must be from 0.001 to 3600 seconds" "$DASH" drain ams1 --demo --reason r --yes --wait 0
check "drain --wait soon: exit 2" usage "soon" "$DASH" drain ams1 --demo --reason r --yes --wait soon
check "undrain --bogus: exit 2" usage "Unknown option '--bogus'" "$DASH" undrain ams1 --demo --bogus
check "drain with an empty reason: exit 2 with why" status 2 "reason" "$DASH" drain ams1 --demo --reason '' --yes
check "anycast-agent bogus: exit 2" usage "Unexpected argument 'bogus'" "$AGENT" bogus
check "anycast-agent run without --config: exit 2" usage "Missing expected argument '--config <config>'" "$AGENT" run
check "anycast-agent run --log-level loud: exit 2" usage "--log-level must be one of: trace, debug, info" "$AGENT" run --config /tmp/x.toml --log-level loud
check "anycast-agent check-config without a file: exit 2" usage "Missing expected argument '<file>'" "$AGENT" check-config
check "anycast-agent simulate --sites 0: exit 2" usage "--sites must be from 1 to 5000" "$AGENT" simulate --sites 0
check "anycast-agent simulate with a missing TLS file: exit 2" status 2 "$WORK/none.pem" \
    "$AGENT" simulate --sites 1 --base-port "$(free_port_range 1)" --tls-certificate "$WORK/none.pem" --tls-key "$WORK/none.key"

# 2. --help exits 0 on standard output, and names one default subcommand: open.
check "anycast-dash --help: exit 0, open is the one default subcommand" bash -c "
    '$DASH' --help >'$WORK/help' 2>&1 || exit 1; cat '$WORK/help'
    [ \$(grep -ci 'default' '$WORK/help') = 1 ] && grep -Eq '^ +open +.*\\(default\\)' '$WORK/help' &&
    grep -Eq '^ +watch +Print the fleet table again every poll interval' '$WORK/help' &&
    grep -q 'Exit status: 0 done; 2 usage or config error' '$WORK/help'"
check "anycast-dash drain --help: exit 0, --wait takes fractions" bash -c "
    '$DASH' drain --help >'$WORK/help' 2>&1 && grep -q -- '--wait <wait>' '$WORK/help' && grep -q 'fractions too' '$WORK/help'"
check "anycast-agent --help: exit 0, exit statuses" bash -c "
    '$AGENT' --help >'$WORK/help' 2>&1 && grep -q 'Exit status: 0 done' '$WORK/help'"

# 3. Config errors exit 2 with file:line; the dashboard needs a terminal.
printf '[fleet]\nname = "x"\n\n[[site]]\nid = "a"\nregion = "eu"\nurl = "http://127.0.0.1:1"\n' >"$WORK/bad.toml"
check "drain with a bad fleet config: exit 2, file:line" status 2 "bad.toml:6: site .a. names unknown region" \
    "$DASH" drain a --fleet "$WORK/bad.toml" --reason r --yes
check "the dashboard without a terminal: exit 2, says to use snapshot" status 2 "needs a terminal.*anycast-dash snapshot" "$DASH" --demo
printf '[site]\nid = "s1"\nregion = "eu"\nbogus = 1\n' >"$WORK/agent-bad.toml"
check "anycast-agent check-config of a bad config: exit 2, file:line" status 2 "agent-bad.toml:[0-9]+:" "$AGENT" check-config "$WORK/agent-bad.toml"
check "anycast-agent run with a bad config: exit 2, file:line" status 2 "agent-bad.toml:[0-9]+:" "$AGENT" run --config "$WORK/agent-bad.toml"

# 4. The runbook commands against the in-process demo fleet: done, refused, not confirmed,
# unknown site, and routes not seen within a wait under a second.
check "drain on the demo fleet: exit 0 once withdrawn, the time it took in s or ms" status 0 \
    "^ams1: withdrawn from every peer after ([0-9]+ ms|[0-9]+(\\.[0-9])? s); status DRAINED" \
    "$DASH" drain ams1 --demo --reason "CHG-1 acceptance" --yes --operator acceptance
check "undrain on the demo fleet: exit 0 once announced" status 0 "^ams1: announced to every peer after" \
    "$DASH" undrain ams1 --demo --yes
check "drain --wait 0.3 (routes move after 1.5 s): exit 4, 'within 300 ms'" status 4 \
    "ams1: the agent accepted the drain, but the routes did not change within 300 ms$" \
    "$DASH" drain ams1 --demo --reason "CHG-2 acceptance" --yes --wait 0.3
check "drain --wait 1.25: exit 4, 'within 1.25 s'" status 4 "the routes did not change within 1.25 s$" \
    "$DASH" drain ams1 --demo --reason "CHG-3 acceptance" --yes --wait 1.25
check "drain the only site of a one-site fleet: exit 3, refused by the budget" status 3 "refused by the disruption budget" \
    "$DASH" drain ams1 --demo --demo-sites 1 --reason "CHG-4 acceptance" --yes
check "drain without --yes and no terminal: exit 2, asks for --yes" status 2 "pass --yes to confirm" \
    "$DASH" drain ams1 --demo --reason "CHG-5 acceptance"
check "drain of a site not in the fleet: exit 2" status 2 "no site 'nosuch' in fleet 'demo'" \
    "$DASH" drain nosuch --demo --reason r --yes

# An agent that does not answer: exit 4.
DOWN=$(free_port_range 1)
printf '[fleet]\nname = "down"\n[[region]]\nname = "eu"\n[[site]]\nid = "a"\nregion = "eu"\nurl = "http://127.0.0.1:%s"\ntoken = "t"\n' "$DOWN" >"$WORK/down.toml"
check "drain with the agent down: exit 4, unreachable" status 4 "a: agent unreachable: .*refused" \
    "$DASH" drain a --fleet "$WORK/down.toml" --reason r --yes

# 5. The agent: a state folder it cannot make exits 2; a taken port stops it with 1; SIGTERM
# ends it with 0 (systemd would mark a stopped agent failed otherwise).
SITE_CTL=$WORK/no-bird.ctl   # no BIRD: the agent runs and says so in its status
agent_config() { bird_site_agent_config "$1" "$2" "$3" 1s; }
PORT=$(free_port_range 1)
agent_config "$WORK/agent-nostate.toml" "$PORT" "$WORK/bad.toml/state"
check "anycast-agent run with a state folder it cannot make: exit 2, names it" status 2 "state directory $WORK/bad.toml/state" \
    "$AGENT" run --config "$WORK/agent-nostate.toml"
check "anycast-agent check-config of a good config: exit 0, the effective config" status 0 "127.0.0.1" \
    "$AGENT" check-config "$WORK/agent-nostate.toml"
agent_config "$WORK/agent.toml" "$PORT" "$WORK/state"
"$AGENT" run --config "$WORK/agent.toml" --log-level warning >"$WORK/agent.out" 2>&1 &
AGENT_PID=$!
CLEANUP+=("$AGENT_PID")
wait_until 10 curl -sf "http://127.0.0.1:$PORT/healthz" >/dev/null
check "anycast-agent run on a taken port: exit 1 with the error" status 1 "[Aa]ddress already in use" \
    "$AGENT" run --config "$WORK/agent.toml" --log-level warning
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
check "anycast-agent run ended by SIGTERM: exit 0" test "$?" = 0

# 6. snapshot and watch with names of every width: every line fits 80 columns and the columns
# line up by display width. The fleet is simulate's, which a SIGINT ends with 0 at the end.
BASE=$(free_port_range 6)
"$AGENT" simulate --sites 6 --base-port "$BASE" --log-level warning --fleet-out "$WORK/fleet.toml" >"$WORK/sim.log" 2>&1 &
SIM_PID=$!
CLEANUP+=("$SIM_PID")
wait_for_file "$WORK/fleet.toml" 60 || { cat "$WORK/sim.log"; echo "simulate did not start"; exit 1; }
python3 - "$WORK/fleet.toml" <<'PY'
import sys
names = iter(["東京データセンター", "🦘 Sydney 🌏", "Zu\u0308rich-O\u0308st", "大阪データセンター第二拠点・本番環境・冗長系統", "Ωmega Tōkyō", "São Paulo"])
path, section, out = sys.argv[1], "", []
for line in open(path, encoding="utf-8").read().splitlines():
    if line.startswith("["):
        section = line.strip()
    elif section == "[[site]]" and line.startswith("name = "):
        line = 'name = "%s"' % next(names)
    out.append(line)
open(path, "w", encoding="utf-8").write("\n".join(out) + "\n")
PY
cat >"$WORK/table-check.py" <<'PY'
import sys, unicodedata
def width(s):
    w = 0
    for c in s:
        if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf"):
            continue
        w += 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1
    return w
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
wide = [l for l in lines if width(l) > 80]
assert not wide, "wider than 80 columns: %r" % wide
header = next(l for l in lines if l.startswith("SITE "))
rows = [l for l in lines if l[:3].isalpha() and l[3:5].strip().isdigit()]
assert len(rows) == 6, rows
status_col = width(header[:header.index("STATUS")])
for r in rows:
    assert width(r) == width(header), "row ends at %d, header at %d: %r" % (width(r), width(header), r)
    badge = next(b for b in ("ACTIVE", "PENDING", "STALE", "UNREACHABLE") if " %s " % b in r)
    assert width(r[:r.index(" %s " % badge) + 1]) == status_col, "STATUS misaligned: %r" % r
assert any("東京データセンター" in r for r in rows) and any("Zu\u0308rich-O\u0308st" in r for r in rows)
assert any("大阪データ" in r and "…" in r for r in rows), "the long name is not cut with an ellipsis"
print("\n".join(lines))
PY
check "snapshot: every line ≤ 80 columns, the columns line up with CJK, emoji and combining names" bash -c "
    '$DASH' snapshot --fleet '$WORK/fleet.toml' --samples 1 >'$WORK/table.txt' && python3 '$WORK/table-check.py' '$WORK/table.txt'"
check "watch (not a terminal): the same table, every line ≤ 80 columns and aligned" bash -c "
    '$DASH' watch --fleet '$WORK/fleet.toml' --cycles 1 >'$WORK/watch.txt' && python3 '$WORK/table-check.py' '$WORK/watch.txt'"
kill -INT "$SIM_PID"
wait "$SIM_PID"
check "anycast-agent simulate ended by SIGINT: exit 0" test "$?" = 0
summary "cli"
