#!/usr/bin/env bash
# Acceptance of the agent API against `anycast-agent simulate` (real binary, real HTTP):
# tokens and scopes, a drain that moves traffic to the region, drain idempotency, and the
# poller carrying on past an unreachable and a hung agent.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SITES=12
BASE=$(free_port_range $SITES)
"$BIN/anycast-agent" simulate --sites $SITES --base-port "$BASE" --seed 7 --log-level warning \
    --fleet-out "$WORK/fleet.toml" >"$WORK/simulate.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/fleet.toml" 60 || { cat "$WORK/simulate.log"; echo "simulate did not start"; exit 1; }

url() { echo "http://127.0.0.1:$((BASE + $1))"; }   # site i (0 = ams1, 3 = fra1, 6 = lhr1)
AMS=$(url 0)
status_code() { curl -s -o "$WORK/body" -w '%{http_code}' "$@"; }
qps() { curl -s -H 'Authorization: Bearer demo-read' "$1/v1/status?history=0" | python3 -c 'import json,sys; print(json.load(sys.stdin)["traffic"]["qps"] or 0)'; }

check "no token → 401 with a JSON error" bash -c "
    code=\$(curl -s -o '$WORK/b1' -w '%{http_code}' $AMS/v1/status); [ \"\$code\" = 401 ] &&
    python3 -c 'import json,sys; b=json.load(open(\"$WORK/b1\")); assert b[\"error\"]==\"unauthorized\", b'"
check "demo-read → status 200" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer demo-read' $AMS/v1/status) = 200 ]"
check "demo-read → drain 403" bash -c "
    [ \$(curl -s -o '$WORK/b2' -w '%{http_code}' -H 'Authorization: Bearer demo-read' -d '{\"reason\":\"x\",\"operator\":\"t\"}' $AMS/v1/drain) = 403 ] &&
    grep -q forbidden '$WORK/b2'"
check "healthz needs no token" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' $AMS/healthz) = 200 ]"

AMS_BEFORE=$(qps "$AMS"); FRA_BEFORE=$(qps "$(url 3)"); LHR_BEFORE=$(qps "$(url 6)")
DRAIN='{"reason":"acceptance: CHG-7 line card","operator":"acceptance"}'
check "demo-operate drain → 200, desired drain" bash -c "
    [ \$(curl -s -o '$WORK/d1' -w '%{http_code}' -H 'Authorization: Bearer demo-operate' -d '$DRAIN' $AMS/v1/drain) = 200 ] &&
    python3 -c 'import json; s=json.load(open(\"$WORK/d1\")); assert all(x[\"desired\"]==\"drain\" for x in s[\"services\"]), s[\"services\"]'"

# Within 10 s the drained site is under 5% of its rate before, and its region carries more.
ok=0
for _ in $(seq 1 10); do
    sleep 1
    AMS_NOW=$(qps "$AMS")
    python3 -c "import sys; sys.exit(0 if $AMS_NOW < 0.05 * $AMS_BEFORE else 1)" && { ok=1; break; }
done
check "ams1 under 5% of its rate within 10 s (before $AMS_BEFORE, now $AMS_NOW)" test $ok = 1
FRA_NOW=$(qps "$(url 3)"); LHR_NOW=$(qps "$(url 6)")
check "fra1 and lhr1 carry more (fra1 $FRA_BEFORE → $FRA_NOW, lhr1 $LHR_BEFORE → $LHR_NOW)" \
    python3 -c "import sys; sys.exit(0 if $FRA_NOW > $FRA_BEFORE and $LHR_NOW > $LHR_BEFORE else 1)"
check "a second identical drain → 200 with the same record" bash -c "
    [ \$(curl -s -o '$WORK/d2' -w '%{http_code}' -H 'Authorization: Bearer demo-operate' -d '$DRAIN' $AMS/v1/drain) = 200 ] &&
    python3 -c 'import json; a=json.load(open(\"$WORK/d1\")); b=json.load(open(\"$WORK/d2\")); ra=[s[\"drain\"] for s in a[\"services\"]]; rb=[s[\"drain\"] for s in b[\"services\"]]; assert ra==rb and ra[0], (ra, rb); assert b[\"services\"][0][\"observed\"]==\"withdrawn\"'"
check "the drain is in the event log once" bash -c "
    curl -s -H 'Authorization: Bearer demo-read' '$AMS/v1/events?since=0' |
    python3 -c 'import json,sys; e=json.load(sys.stdin)[\"events\"]; d=[x for x in e if x[\"kind\"]==\"drain\"]; assert len(d)==1 and d[0][\"actor\"]==\"acceptance\", e'"

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
