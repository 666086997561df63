#!/usr/bin/env bash
# `anycast-agent simulate` as a real process (real binary, real HTTP): it listens on the ports
# --base-port gives, writes a fleet config (--fleet-out) that the dashboard loads with the demo
# tokens, and runs its simulation on the wall clock (a drain takes the site's traffic away
# within 10 s of real time); `anycast-dash snapshot` carries on past an unreachable and a hung
# agent. What the API answers (tokens and scopes, drain, idempotency, the event log) is
# AgentAPITests'; a drain moving the traffic to the region over real HTTP, on a test clock,
# SimulatedDrainTests'.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SITES=12
BASE=$(free_port_range $SITES)
"$BIN/anycast-agent" simulate --sites $SITES --base-port "$BASE" --seed 7 --log-level warning \
    --fleet-out "$WORK/fleet.toml" >"$WORK/simulate.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/fleet.toml" 60 || { cat "$WORK/simulate.log"; echo "simulate did not start"; exit 1; }

AMS="http://127.0.0.1:$BASE"   # site 0: ams1
qps() { curl -s -H 'Authorization: Bearer demo-read' "$1/v1/status?history=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["traffic"]["qps"] or 0)'; }

# Within 10 s of wall-clock time the drained site is under 5% of its rate before.
AMS_BEFORE=$(qps "$AMS")
DRAINED=$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer demo-operate' \
    -d '{"reason":"acceptance: CHG-7 line card","operator":"acceptance"}' "$AMS/v1/drain")
ok=0
for _ in $(seq 1 10); do
    sleep 1
    AMS_NOW=$(qps "$AMS")
    python3 -c "import sys; sys.exit(0 if $AMS_NOW < 0.05 * $AMS_BEFORE else 1)" && { ok=1; break; }
done
check "a drain with the operate token (HTTP $DRAINED): ams1 under 5% of its rate within 10 s of wall-clock time (before $AMS_BEFORE, now $AMS_NOW)" \
    test "$DRAINED $ok" = "200 1"

# A fleet with one unreachable and one hung agent: the others are still polled every interval.
# The hung agent is hostile_agents.py's silent one (accepts, never answers).
python3 "$ROOT/scripts/acceptance/hostile_agents.py" --base-port 0 --sites silent --duration 120 \
    --manifest "$WORK/hung.manifest" >"$WORK/hung.log" 2>&1 &
CLEANUP+=($!)
wait_until 10 grep -qx ready "$WORK/hung.manifest" 2>/dev/null
HUNG=$(awk '$1 == "silent" {print $5}' "$WORK/hung.manifest")
DEAD=$(free_port_range 1)
python3 - "$WORK/fleet.toml" "$HUNG" "$DEAD" >"$WORK/mixed.toml" <<'PY'
import sys, re
text = open(sys.argv[1]).read()
blocks = text.split("\n[[site]]\n")
head, sites = blocks[0], blocks[1:4]          # three healthy sites
out = head + "".join("\n[[site]]\n" + b for b in sites)
for name, port in (("hung1", sys.argv[2]), ("dead1", sys.argv[3])):
    out += f'\n[[site]]\nid = "{name}"\nregion = "eu"\nurl = "http://127.0.0.1:{port}"\ntoken = "demo-read"\n'
print(out)
PY
START=$(date +%s.%N)
"$BIN/anycast-dash" snapshot --fleet "$WORK/mixed.toml" --samples 4 --format json >"$WORK/mixed.json" 2>"$WORK/mixed.err"
END=$(date +%s.%N)
check "snapshot with a hung and a dead agent still takes 4 cycles in about 4 intervals" \
    python3 -c "import sys; d=$END-$START; print('took', d); sys.exit(0 if d < 6.5 else 1)"
check "healthy sites fresh and polled every cycle; bad sites unreachable with their own errors" python3 - "$WORK/mixed.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sites = {s["id"]: s for s in r["sites"]}
assert r["poll"]["cycles"] == 4 and r["poll"]["missed_cycles"] == 0, r["poll"]
for id, s in sites.items():
    if id in ("hung1", "dead1"):
        assert s["reachability"] == "unreachable" and s["status"] == "unreachable", s
    else:
        assert s["reachability"] == "ok" and s["data_age_s"] < 1.5 and s["qps"] > 0, s
assert sites["hung1"]["error"].startswith("timed out"), sites["hung1"]["error"]
assert sites["dead1"]["error"] == "connection refused", sites["dead1"]["error"]
print({k: (v["reachability"], v.get("error")) for k, v in sites.items()})
PY

summary "simulate-api"
