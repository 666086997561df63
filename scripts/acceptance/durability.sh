#!/usr/bin/env bash
# Crash durability of the agent's drains against a real BIRD 2 (issue 8): the site BIRD and an
# upstream BIRD in two network namespaces (scripts/lab/bird-pair.sh), the agent beside the
# site's BIRD. Each cycle sends a drain or an undrain and kills the agent with SIGKILL at a
# random moment (before, during or after the request), restarts it, and checks:
#   - it starts, and the desired state is readable;
#   - every request it acknowledged (HTTP 200) is in the desired state;
#   - the audit log is intact: every line an entry, numbers rising, except half-written last
#     lines, which the restarted agent must report (every 7th cycle one is written on purpose:
#     a SIGKILL cannot tear a single write, a power cut can);
#   - the audit trail's last drain or undrain agrees with the desired state;
#   - after one reconcile BIRD does what the desired state says (protocol up or down, and the
#     upstream has the route or not).
# Usage: scripts/acceptance/durability.sh [--cycles N]   (default 30; the issue's run is 200)
# Needs root, iproute2 and bird2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
CYCLES=${DURABILITY_CYCLES:-30}
[ "${1:-}" = "--cycles" ] && CYCLES=$2

bird_site_lab "durability" "acr$$"
PORT=$(free_port_range 1)
STATE=$WORK/state
# changes_per_minute: the script's own pace, not a runaway client.
bird_site_agent_config "$WORK/agent.toml" "$PORT" "$STATE" 1s "changes_per_minute = 100000"
URL=http://127.0.0.1:$PORT
AGENT=""
check "the agent starts" start_agent "$WORK/agent.toml" "$URL" error
check "the upstream has the site's route before the first cycle" bash -c "$(declare -f upstream_has wait_until); UP_CTL='$UP_CTL'; wait_until 15 upstream_has 203.0.113.0/24"

: >"$WORK/cycles"   # one line a cycle: i op http_code torn(0/1) desired observed bird_state upstream(0/1)
started_fail=0
for i in $(seq 1 "$CYCLES"); do
    if [ $((RANDOM % 2)) = 0 ]; then op=drain; else op=undrain; fi
    curl -s -o /dev/null -w '%{http_code}' -m 5 -H "Authorization: Bearer operate-secret" -X POST \
        -d "{\"service\":\"dns\",\"reason\":\"dur-$i\",\"operator\":\"dur\"}" "$URL/v1/$op" >"$WORK/code" 2>/dev/null &
    CURL=$!
    sleep "$(printf "0.%03d" $((RANDOM % 40)))"   # 0-39 ms: before, during or after the request
    kill -9 "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null
    wait "$CURL" 2>/dev/null
    code=$(cat "$WORK/code" 2>/dev/null); code=${code:-000}
    torn=0
    if [ $((i % 7)) = 0 ] && [ -s "$STATE/audit.log" ]; then
        printf '{"seq":%d,"time":"2026-11-2' "$((900000 + i))" >>"$STATE/audit.log"   # half an entry, as a power cut leaves
        torn=1
    fi
    if ! start_agent "$WORK/agent.toml" "$URL" error; then started_fail=$((started_fail + 1)); echo "cycle $i: the agent did not start"; tail -5 "$WORK/agent.log"; break; fi
    # One reconcile: the agent reconciles as it starts; wait until it reports what BIRD shows.
    status=""
    for _ in $(seq 1 60); do
        status=$(curl -s -H "Authorization: Bearer read-secret" "$URL/v1/status")
        echo "$status" | python3 -c 'import json,sys; d=json.load(sys.stdin)["services"][0]; ok={"drain":"withdrawn","announce":"announced"}[d["desired"]]==d["observed"]; sys.exit(0 if ok else 1)' 2>/dev/null && break
        sleep 0.1
    done
    desired=$(echo "$status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["services"][0]["desired"])' 2>/dev/null || echo "?")
    observed=$(echo "$status" | python3 -c 'import json,sys; print(json.load(sys.stdin)["services"][0]["observed"])' 2>/dev/null || echo "?")
    bird_state=$(birdc -s "$SITE_CTL" show protocols anycast4 | awk '$1=="anycast4" {print $4}')
    up=0
    for _ in $(seq 1 20); do
        if upstream_has 203.0.113.0/24; then up=1; else up=0; fi
        { [ "$desired" = announce ] && [ $up = 1 ]; } || { [ "$desired" = drain ] && [ $up = 0 ]; } && break
        sleep 0.1
    done
    echo "$i $op $code $torn $desired $observed $bird_state $up" >>"$WORK/cycles"
    cp "$STATE/audit.log" "$WORK/audit.$i"
    curl -s -H "Authorization: Bearer read-secret" "$URL/v1/events?since=0&limit=10000" >"$WORK/events.$i"
done
echo "       $(wc -l <"$WORK/cycles") cycles: $(awk '$3==200' "$WORK/cycles" | wc -l) requests acknowledged before the kill, $(awk '$4==1' "$WORK/cycles" | wc -l) half-written entries"

check "the agent restarted after every SIGKILL" test "$started_fail" = 0
check "all $CYCLES cycles ran" test "$(wc -l <"$WORK/cycles")" = "$CYCLES"
check "every acknowledged request is in the desired state" python3 - "$WORK/cycles" <<'PY'
import sys
bad = [l for l in open(sys.argv[1]) if l.split()[2] == "200" and {"drain": "drain", "undrain": "announce"}[l.split()[1]] != l.split()[4]]
print("".join(bad)); sys.exit(1 if bad else 0)
PY
check "the audit log is intact after every restart; half-written entries were reported, none dropped silently" python3 - "$WORK" "$CYCLES" <<'PY'
import json, sys
work, cycles = sys.argv[1], int(sys.argv[2])
torn_so_far, problems = 0, []
for i in range(1, cycles + 1):
    line = open(f"{work}/cycles").read().splitlines()[i - 1].split()
    torn_so_far += int(line[3])
    lines = open(f"{work}/audit.{i}", "rb").read().split(b"\n")
    if lines[-1] != b"":
        problems.append(f"cycle {i}: the audit log does not end with a whole line")
    seqs, unreadable = [], 0
    for raw in lines[:-1]:
        try:
            seqs.append(json.loads(raw)["seq"])
        except Exception:
            unreadable += 1
    if unreadable != torn_so_far:
        problems.append(f"cycle {i}: {unreadable} unreadable lines, {torn_so_far} written half on purpose")
    if any(b <= a for a, b in zip(seqs, seqs[1:])):
        problems.append(f"cycle {i}: entry numbers do not rise")
    events = json.load(open(f"{work}/events.{i}"))["events"]
    started = [e for e in events if e["kind"] == "agent_started"][-1]["message"]
    if int(line[3]) and "cut short by a crash" not in started:
        problems.append(f"cycle {i}: a half-written entry was not reported: {started}")
    if torn_so_far and not int(line[3]) and "unreadable lines in the audit log were skipped" not in started:
        problems.append(f"cycle {i}: earlier half-written entries not reported: {started}")
print("\n".join(problems[:20])); sys.exit(1 if problems else 0)
PY
check "after every restart the audit trail's last drain or undrain agrees with the desired state" python3 - "$WORK" "$CYCLES" <<'PY'
import json, sys
work, cycles = sys.argv[1], int(sys.argv[2])
problems = []
for i in range(1, cycles + 1):
    desired = open(f"{work}/cycles").read().splitlines()[i - 1].split()[4]
    last = None
    for e in json.load(open(f"{work}/events.{i}"))["events"]:
        if e.get("service") != "dns" or e.get("result") == "not-recorded":
            continue
        k, r = e["kind"], e.get("result")
        if k in ("drain", "auto_withdraw") or (k == "drain_failed" and r == "recorded-not-applied"):
            last = "drain"
        elif k in ("undrain", "auto_announce") or (k == "undrain_failed" and r == "recorded-not-applied"):
            last = "announce"
    if (last or "announce") != desired:
        problems.append(f"cycle {i}: the trail says {last}, the desired state {desired}")
print("\n".join(problems[:20])); sys.exit(1 if problems else 0)
PY
check "after one reconcile BIRD and the upstream follow the desired state every time" python3 - "$WORK/cycles" <<'PY'
import sys
bad = []
for l in open(sys.argv[1]):
    i, op, code, torn, desired, observed, bird, up = l.split()
    want_bird, want_up = ("down", "0") if desired == "drain" else ("up", "1")
    if bird != want_bird or up != want_up or observed != {"drain": "withdrawn", "announce": "announced"}[desired]:
        bad.append(l)
print("".join(bad[:20])); sys.exit(1 if bad else 0)
PY
kill "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null
summary "durability"
