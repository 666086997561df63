#!/usr/bin/env bash
# The command lines as README documents them, run as built: every exit status of anycast-dash
# and anycast-agent that needs no root, with the message that goes with it; --help; how a
# drain reports its wait, step by step for a staged drain (de-prefer, then withdraw), held at
# de-prefer and moved on with --now, with a lease and a ticket, extended; what an agent too old
# for those is spared; and the text table of snapshot and watch with names in CJK, emoji
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
    # grep reads the files itself: a `cat | grep -q` fails under pipefail when grep has matched
    # and gone before cat writes the second file.
    if [ "$got" = "$want" ] && grep -Eq -- "$regex" "$WORK/out" "$WORK/err"; then return 0; fi
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
check "drain --for soon: exit 2, how to write a lease" usage "--for: 'soon' is not a duration: give a number and a unit: 45s, 90m, 2h or 1d" \
    "$DASH" drain ams1 --demo --reason r --yes --for soon
check "drain --for 0s: exit 2" usage "--for: '0s' is shorter than the shortest lease, 1s" "$DASH" drain ams1 --demo --reason r --yes --for 0s
check "drain --for 400d: exit 2" usage "--for: '400d' is longer than the longest lease, 366d" "$DASH" drain ams1 --demo --reason r --yes --for 400d
check "drain --stage deprefer --now: exit 2" usage "give either --stage or --now, not both" \
    "$DASH" drain ams1 --demo --reason r --yes --stage deprefer --now
check "drain --stage later: exit 2" usage "'later'" "$DASH" drain ams1 --demo --reason r --yes --stage later
check "drain --ticket of 101 characters: exit 2" usage "--ticket: ticket is longer than 100 characters" \
    "$DASH" drain ams1 --demo --reason r --yes --ticket "$(printf 'C%.0s' {1..101})"
check "extend without --for: exit 2" usage "Missing expected argument '--for <duration>'" "$DASH" extend ams1 --demo
check "extend without a site: exit 2" usage "Missing expected argument '<site>'" "$DASH" extend --demo --for 1h
check "extend --for 90x: exit 2" usage "--for: '90x' is not a duration" "$DASH" extend ams1 --demo --for 90x
check "extend --bogus: exit 2" usage "Unknown option '--bogus'" "$DASH" extend ams1 --demo --for 1h --bogus
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
check "anycast-dash drain --help: --for, --ticket, --stage and --now" bash -c "
    '$DASH' drain --help >'$WORK/help' 2>&1 && grep -q -- '--for <duration>' '$WORK/help' && grep -q -- '--ticket <ticket>' '$WORK/help' &&
    grep -q -- '--stage <stage>' '$WORK/help' && grep -q -- '--now' '$WORK/help'"
check "anycast-dash extend --help: exit 0, --for" bash -c "
    '$DASH' extend --help >'$WORK/help' 2>&1 && grep -q -- '--for <duration>' '$WORK/help' && grep -q 'Extend the lease' '$WORK/help'"
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
# The demo's dns service drains in stages (de-prefer, then withdraw at under 10% of its rate).
check "drain on the demo fleet: exit 0 once withdrawn, the time it took in s or ms" status 0 \
    "^ams1: withdrawn from every peer after ([0-9]+ ms|[0-9]+(\\.[0-9])? s); status DRAINED" \
    "$DASH" drain ams1 --demo --reason "CHG-1 acceptance" --yes --operator acceptance
check "undrain on the demo fleet: exit 0 once announced" status 0 "^ams1: announced to every peer after" \
    "$DASH" undrain ams1 --demo --yes
check "drain --wait 0.3 (routes move after 1.5 s): exit 4, 'within 300 ms', waiting for the de-prefer" status 4 \
    "ams1: the agent accepted the drain, but the routes did not change within 300 ms: waited for dns to be de-preferred \\(AS path prepended 3 times, community 65535:0\\) at every peer$" \
    "$DASH" drain ams1 --demo --reason "CHG-2 acceptance" --yes --wait 0.3
check "drain --now --wait 1.25: exit 4, 'within 1.25 s', waiting for the withdrawal" status 4 \
    "the routes did not change within 1.25 s: waited for dns to be withdrawn from every peer$" \
    "$DASH" drain ams1 --demo --reason "CHG-3 acceptance" --yes --wait 1.25 --now
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

# 5. Staged drains, leases and tickets on a fleet that outlives the commands (simulate's):
# each step printed as it is seen, held at de-prefer then moved on with --now, a lease and a
# ticket in snapshot's JSON, extend, and an agent too old for them (a proxy that hides
# drain_lifecycle from simulate's answers, as an older agent would) left untouched.
BASE=$(free_port_range 6)
"$AGENT" simulate --sites 6 --base-port "$BASE" --log-level warning --fleet-out "$WORK/staged.toml" >"$WORK/staged-sim.log" 2>&1 &
STAGED_PID=$!
CLEANUP+=("$STAGED_PID")
wait_for_file "$WORK/staged.toml" 60 || { cat "$WORK/staged-sim.log"; echo "simulate did not start"; exit 1; }
FLEET=(--fleet "$WORK/staged.toml" --yes --operator acceptance)

# in_order FILE REGEX...: each REGEX matches a line of FILE, each after the one before.
in_order() {
    local file=$1 line=0 n; shift
    for regex in "$@"; do
        n=$(tail -n +$((line + 1)) "$file" | grep -nE -m1 -- "$regex" | cut -d: -f1)
        [ -n "$n" ] || { echo "no line /$regex/ after line $line of:"; cat "$file"; return 1; }
        line=$((line + n))
    done
}
"$DASH" drain ams1 "${FLEET[@]}" --reason "CHG-10 staged" >"$WORK/staged.out" 2>&1
check "a staged drain: exit 0" test "$?" = 0
check "a staged drain prints each step it waits for: de-prefer verified, the traffic, the move on, the withdrawal" in_order "$WORK/staged.out" \
    "^  staged: de-prefer \\(AS path prepended 3 times, community 65535:0\\), then withdraw once the traffic is under 10% of the rate before the drain, or after 1m$" \
    "^drain of ams1 accepted by the agent$" \
    "^ams1: staged drain: de-prefer \\(AS path prepended 3 times, community 65535:0\\), then withdraw once the traffic is under 10% of the [0-9]+ qps before the drain, or after 1m$" \
    "^ams1: de-preferred \\(AS path prepended 3 times, community 65535:0\\), verified at every peer after [0-9.]+ (ms|s)$" \
    "^ams1: traffic [0-9.]+% of the [0-9]+ qps before the drain \\([0-9.]+ qps now\\); withdraws under 10%, or in [0-9]+s at the latest$" \
    "^ams1: moving on to withdraw: withdraw step of acceptance's drain: the site's rate is [0-9.]+ qps, under 10% of the [0-9]+ qps before the drain$" \
    "^ams1: withdrawn from every peer after [0-9.]+ s; status DRAINED$"
check "undrain of the staged drain: exit 0 once announced normally" status 0 "^ams1: announced to every peer after" "$DASH" undrain ams1 "${FLEET[@]}"

"$DASH" drain ams1 "${FLEET[@]}" --reason "CHG-11 hold" --stage deprefer >"$WORK/hold.out" 2>&1
check "drain --stage deprefer: exit 0 once the de-prefer is verified, held there" bash -c "[ $? = 0 ] &&
    grep -q '^ams1: de-preferred (AS path prepended 3 times, community 65535:0), verified at every peer after' '$WORK/hold.out' &&
    grep -q \"^ams1: held at the de-prefer step after .*: 'anycast-dash drain ams1 --now' withdraws it\" '$WORK/hold.out' &&
    ! grep -q 'withdrawn from every peer' '$WORK/hold.out' || { cat '$WORK/hold.out'; exit 1; }"
"$DASH" snapshot --fleet "$WORK/staged.toml" --format json --samples 1 >"$WORK/hold.json"
check "snapshot --format json of the held site: still announced, de-preferred at every peer, stage deprefer, hold" python3 - "$WORK/hold.json" <<'PY'
import json, sys
site = next(s for s in json.load(open(sys.argv[1]))["sites"] if s["id"] == "ams1")
dns = site["services"][0]
print(json.dumps(dns, indent=1))
assert dns["desired"] == "drain" and dns["observed"] == "announced" and dns["depreferred"] is True
assert all(p["depreferred"] is True for p in dns["peers"]) and dns["peers"]
assert dns["drain"]["stage"] == "deprefer" and dns["drain"]["hold"] is True and dns["drain"]["baseline_qps"] > 0
assert dns["deprefer"] == {"prepend": 3, "graceful_shutdown": True, "withdraw_below": 0.1, "stage_timeout": 60}
PY
check "drain --now on the held site: exit 0 once withdrawn, without waiting for the traffic" status 0 \
    "^ams1: withdrawn from every peer after ([0-9]+ ms|[0-9.]+ s); status DRAINED" "$DASH" drain ams1 "${FLEET[@]}" --reason "CHG-11 go on" --now
check "drain --now moved it on: no de-prefer or traffic line" bash -c "! grep -Eq 'de-preferred|traffic' '$WORK/out'"
check "undrain of the moved-on drain: exit 0" status 0 "^ams1: announced to every peer after" "$DASH" undrain ams1 "${FLEET[@]}"

check "extend of a site nobody drained: exit 4, nothing to extend" status 4 "anycast-dash: fra1: nothing to extend: dns is not drained by an operator" \
    "$DASH" extend fra1 --fleet "$WORK/staged.toml" --for 1h
check "extend of a site not in the fleet: exit 2" status 2 "no site 'nosuch' in fleet 'simulated'" "$DASH" extend nosuch --fleet "$WORK/staged.toml" --for 1h
check "drain --for 30s --ticket CHG-1: exit 0, the lease's end and the ticket said" status 0 \
    "^fra1: lease until [0-9T:.-]+Z \\(30s from now\\): the agent undrains by itself then; ticket CHG-1$" \
    "$DASH" drain fra1 "${FLEET[@]}" --reason "CHG-1 leased" --for 30s --ticket CHG-1
"$DASH" snapshot --fleet "$WORK/staged.toml" --format json --samples 1 >"$WORK/lease.json"
check "snapshot --format json: the drain's lease_until (30 s after it began), ticket, stage and baseline_qps" python3 - "$WORK/lease.json" <<'PY'
import json, sys
from datetime import datetime
site = next(s for s in json.load(open(sys.argv[1]))["sites"] if s["id"] == "fra1")
drain = site["services"][0]["drain"]
print(json.dumps(drain, indent=1))
t = lambda v: datetime.fromisoformat(v.replace("Z", "+00:00"))
assert drain["ticket"] == "CHG-1" and drain["operator"] == "acceptance" and drain["mode"] == "operator"
assert abs((t(drain["lease_until"]) - t(drain["since"])).total_seconds() - 30) < 0.01, "lease_until is not 30 s after since"
assert drain["stage"] == "withdraw" and drain["baseline_qps"] > 0
PY
check "extend fra1 --for 1h: exit 0, the new end (1h after the old one, so 1h and the old lease's rest from now, rounded up)" status 0 "^fra1: lease until [0-9T:.-]+Z \\(1h(1m)? from now\\): the agent undrains it by itself then$" \
    "$DASH" extend fra1 --fleet "$WORK/staged.toml" --for 1h --operator acceptance --reason "CHG-1 vendor late"
"$DASH" snapshot --fleet "$WORK/staged.toml" --format json --samples 1 >"$WORK/extended.json"
check "snapshot --format json after extend: lease_until moved 1 h on" python3 - "$WORK/lease.json" "$WORK/extended.json" <<'PY'
import json, sys
from datetime import datetime
def until(path):
    site = next(s for s in json.load(open(path))["sites"] if s["id"] == "fra1")
    return datetime.fromisoformat(site["services"][0]["drain"]["lease_until"].replace("Z", "+00:00"))
moved = (until(sys.argv[2]) - until(sys.argv[1])).total_seconds()
assert abs(moved - 3600) < 0.01, moved
PY
check "undrain of the leased drain: exit 0" status 0 "^fra1: announced to every peer after" "$DASH" undrain fra1 "${FLEET[@]}"

# An older agent: the same simulated agent behind a proxy that leaves drain_lifecycle out of its
# answers, has no status stream and no /v1/extend, and notes every POST it is sent.
cat >"$WORK/old-agent.py" <<'PY'
import json, sys, urllib.error, urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
upstream, port, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
def strip(value):
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k != "drain_lifecycle"}
    return [strip(v) for v in value] if isinstance(value, list) else value
class Old(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *args): pass
    def answer(self, status, body):
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
    def forward(self, method):
        if "/stream" in self.path or self.path.startswith("/v1/extend"):
            return self.answer(404, b'{"error":"not_found","message":"no such path"}')
        data = self.rfile.read(int(self.headers.get("Content-Length") or 0)) if method == "POST" else None
        if method == "POST":
            with open(log, "a") as f: f.write(f"POST {self.path}\n")
        request = urllib.request.Request(upstream + self.path, data=data, method=method,
                                         headers={k: v for k, v in self.headers.items() if k.lower() in ("authorization", "content-type")})
        try:
            with urllib.request.urlopen(request, timeout=10) as r: status, body = r.status, r.read()
        except urllib.error.HTTPError as e:
            status, body = e.code, e.read()
        try:
            body = json.dumps(strip(json.loads(body))).encode()
        except ValueError:
            pass
        self.answer(status, body)
    def do_GET(self): self.forward("GET")
    def do_POST(self): self.forward("POST")
server = ThreadingHTTPServer(("127.0.0.1", port), Old)
print("ready", flush=True)
server.serve_forever()
PY
OLD_PORT=$(free_port_range 1)
NRT_URL=$(python3 -c "
import sys, tomllib
print(next(s['url'] for s in tomllib.load(open(sys.argv[1], 'rb'))['site'] if s['id'] == 'nrt1'))" "$WORK/staged.toml")
python3 "$WORK/old-agent.py" "$NRT_URL" "$OLD_PORT" "$WORK/old-posts.log" >"$WORK/old-agent.out" 2>&1 &
CLEANUP+=("$!")
wait_for_file "$WORK/old-agent.out" 10
sed "s|$NRT_URL|http://127.0.0.1:$OLD_PORT|" "$WORK/staged.toml" >"$WORK/old.toml"
: >"$WORK/old-posts.log"
check "an older agent: drain --for 1h --ticket CHG-2 exits 4, says it does not support them, and sends nothing" bash -c "
    '$DASH' drain nrt1 --fleet '$WORK/old.toml' --yes --reason 'CHG-2 old' --for 1h --ticket CHG-2 >'$WORK/old.out' 2>&1
    [ \$? = 4 ] && grep -q 'anycast-dash: nrt1: the agent (version .*) does not support --for and --ticket: .*nothing was changed' '$WORK/old.out' &&
    [ ! -s '$WORK/old-posts.log' ] || { cat '$WORK/old.out' '$WORK/old-posts.log'; exit 1; }"
check "an older agent: drain --stage deprefer exits 4 and sends nothing" bash -c "
    '$DASH' drain nrt1 --fleet '$WORK/old.toml' --yes --reason 'CHG-2 old' --stage deprefer >'$WORK/old.out' 2>&1
    [ \$? = 4 ] && grep -q 'does not support --stage' '$WORK/old.out' && [ ! -s '$WORK/old-posts.log' ] || { cat '$WORK/old.out'; exit 1; }"
check "an older agent: extend exits 4, says it does not support extend, and sends nothing" bash -c "
    '$DASH' extend nrt1 --fleet '$WORK/old.toml' --for 1h >'$WORK/old.out' 2>&1
    [ \$? = 4 ] && grep -q 'does not support extend' '$WORK/old.out' && [ ! -s '$WORK/old-posts.log' ] || { cat '$WORK/old.out'; exit 1; }"
check "an older agent: a plain drain --now still goes to it, exit 0" bash -c "
    '$DASH' drain nrt1 --fleet '$WORK/old.toml' --yes --reason 'CHG-3 old' --now >'$WORK/old.out' 2>&1
    [ \$? = 0 ] && grep -q '^nrt1: withdrawn from every peer after' '$WORK/old.out' && grep -q 'POST /v1/drain' '$WORK/old-posts.log' || { cat '$WORK/old.out'; exit 1; }"
kill "$STAGED_PID"

# 6. The agent: a state folder it cannot make exits 2; a taken port stops it with 1; SIGTERM
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

# With [coordination] and nothing listening at its endpoint: the agent comes up failing static,
# says so in its status, and SIGTERM still ends it with 0 (its etcd client shut down cleanly).
{ cat "$WORK/agent.toml"; printf '\n[coordination]\nkind = "etcd"\nendpoints = ["http://127.0.0.1:1"]\ntimeout = "300ms"\n'; } >"$WORK/agent-etcd.toml"
"$AGENT" run --config "$WORK/agent-etcd.toml" --log-level warning >"$WORK/agent-etcd.out" 2>&1 &
AGENT_PID=$!
CLEANUP+=("$AGENT_PID")
coordination_lost() { curl -sf -H 'Authorization: Bearer read-secret' "http://127.0.0.1:$PORT/v1/status" | grep '"state":"lost"' >/dev/null; }
wait_until 10 coordination_lost
check "anycast-agent run with etcd unreachable: up, its status says coordination lost" coordination_lost
kill -TERM "$AGENT_PID"
wait "$AGENT_PID"
check "anycast-agent run with coordination ended by SIGTERM: exit 0, no crash" bash -c "[ $? = 0 ] && ! grep -q 'Fatal error' '$WORK/agent-etcd.out'"
check "anycast-dash budget apply of a fleet without [coordination]: exit 2, says so" status 2 "has no \\[coordination\\] table" \
    "$DASH" budget apply --fleet "$WORK/staged.toml"
{ cat "$WORK/staged.toml"; printf '\n[coordination]\nkind = "etcd"\nendpoints = ["http://127.0.0.1:1"]\ntimeout = "300ms"\n'; } >"$WORK/fleet-etcd.toml"
check "anycast-dash budget apply with etcd unreachable: exit 4 with the error" status 4 "cannot publish the budget: etcd unreachable" \
    "$DASH" budget apply --fleet "$WORK/fleet-etcd.toml"

# 7. snapshot and watch with names of every width: every line fits 80 columns and the columns
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
