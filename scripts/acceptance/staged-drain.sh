#!/usr/bin/env bash
# Staged drains and drain leases on a real (virtual) anycast network: scripts/lab/lab with 3
# sites, each service with a de-prefer step (BIRD origin anycast4_depref: AS path prepended 3
# times and 65535:0; withdraw_below 0.1, stage_timeout 30s), checked from the network itself:
# the upstream's BIRD table (`birdc show route all`), its kernel multipath route, Unbound's
# counters, and a dnsperf run of its own across each scenario (>= 99.9% answered). Needs root.
#   a. staged drain from the dashboard's keys: de-prefer, then the withdraw once the rate is
#      under withdraw_below; events and audit log; the time from the confirming Enter to the
#      withdraw, next to a hard drain's ("stage": "withdraw")
#   b. hold at the de-prefer step (anycast-dash drain --stage deprefer), then move on to the
#      withdraw with the dashboard's `w` key (typed confirmation)
#   c. a lease of 20 s (anycast-dash drain --for 20s) that ends while the site's agent is
#      stopped (kill -9): announced at start
#   d. a lease that ends while the site's Unbound is stopped: stays withdrawn (auto), comes
#      back by itself with Unbound
set -uo pipefail
source "$(dirname "$0")/lib.sh"

export LAB_PREFIX="asd$$"
LAB=$WORK/lab
T="tmux -S $WORK/tmux.sock"   # screen, wait_for, keys and typed (lib.sh) drive it
PERF=""
finish() {
    if [ "$FAILED" -gt 0 ]; then
        echo "== lab logs (failures above)"
        for f in "$LAB"/s*/agent.log "$LAB"/s*/bird.log "$LAB"/up/bird.log; do
            [ -f "$f" ] && { echo "-- $f"; tail -n 8 "$f"; }
        done
        echo "-- the dashboard:"; $T capture-pane -t dash -p 2>/dev/null
    fi
    [ -z "$PERF" ] || kill "$PERF" 2>/dev/null
    unwatch
    $T kill-server 2>/dev/null || true
    bash "$ROOT/scripts/lab/lab" down --dir "$LAB" >/dev/null 2>&1 || true
    cleanup
}
trap finish EXIT
if ! bash "$ROOT/scripts/lab/lab" up --sites 3 --dir "$LAB" --rate 1500 --bin "$BIN" >"$WORK/up.out" 2>&1; then
    echo "FAIL - scripts/lab/lab up"; tail -30 "$WORK/up.out"; FAILED=1; summary "staged-drain"; exit 1
fi
UP="${LAB_PREFIX}-up"; CL="${LAB_PREFIX}-cl"
READ=$(cat "$LAB/read.token"); OPERATE=$(cat "$LAB/operate.token")
agent() { echo "http://198.51.100.$((128 + 4 * $1 + 2)):9100"; }
link() { echo "198.51.100.$((4 * $1 + 2))"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
dash() { "$BIN/anycast-dash" "$@" --fleet "$LAB/fleet.toml"; }

# --- the network's view ---------------------------------------------------------------
has_nexthop() { ip -n "$UP" route show 203.0.113.0/24 | grep -E "via $(link "$1")( |$)" >/dev/null; }
queries() { unbound-control -c "$LAB/s$1/unbound.conf" stats_noreset 2>/dev/null | sed -n 's/^total\.num\.queries=//p'; }
grows() { local a b; a=$(queries "$1"); sleep "$2"; b=$(queries "$1"); [ $((b - a)) -gt 50 ]; }
steady() { local a b; a=$(queries "$1"); sleep 2; b=$(queries "$1"); [ $((b - a)) -le 5 ]; }
upstream_routes() { birdc -s "$LAB/up/bird.ctl" show route all 203.0.113.0/24 2>/dev/null; }
# path K: site K's path in the upstream's BIRD table, from `birdc show route all`:
# "absent", or "best|backup as_path=... community=..." (best: BIRD's `*`).
cat >"$WORK/path_of.py" <<'PY'
import re, sys

def path_of(site, text):
    routes, cur = [], None
    for line in text.splitlines():
        m = re.search(r"\[(\w+) [^\]]*\]( \*)?", line)
        if m and re.search(r"\b(unicast|blackhole|unreachable|prohibited)\b", line):
            cur = {"proto": m.group(1), "best": bool(m.group(2)), "attrs": {}}
            routes.append(cur)
            continue
        a = re.match(r"\s*(BGP\.\w+):\s*(.*)$", line)
        if a and cur is not None:
            cur["attrs"][a.group(1)] = a.group(2).strip()
    mine = [r for r in routes if r["proto"] == site]
    if not mine:
        return "absent"
    r = mine[0]
    return "%s as_path=%s community=%s" % ("best" if r["best"] else "backup",
           r["attrs"].get("BGP.as_path", "").replace(" ", "_"), r["attrs"].get("BGP.community", "-").replace(" ", "_"))

if __name__ == "__main__":
    print(path_of(sys.argv[1], sys.stdin.read()))
PY
path() { upstream_routes | python3 "$WORK/path_of.py" "s$1"; }
# watch_site K NAME: in the background, every 50 ms, site K's path at the upstream and whether its
# next hop is in the upstream's kernel route; each change is a line "EPOCH_MS PATH kernel=yes|no"
# in $WORK/watch-NAME.log, and the upstream's table when first de-preferred is kept in
# $WORK/watch-NAME.depref. unwatch stops it.
cat >"$WORK/watch.py" <<'PY'
import re, subprocess, sys, time
sys.path.insert(0, sys.argv[6])
ctl, ns, site, hop, out = sys.argv[1:6]
path = __import__("path_of").path_of
last, kept = None, False
while True:
    table = subprocess.run(["birdc", "-s", ctl, "show", "route", "all", "203.0.113.0/24"],
                           capture_output=True, text=True).stdout
    kernel = subprocess.run(["ip", "-n", ns, "route", "show", "203.0.113.0/24"], capture_output=True, text=True).stdout
    now = int(time.time() * 1000)
    state = "%s kernel=%s" % (path(site, table), "yes" if re.search(r"via %s( |$)" % re.escape(hop), kernel, re.M) else "no")
    if state != last:
        with open(out + ".log", "a") as f:
            f.write("%d %s\n" % (now, state))
        last = state
    if not kept and "65535,0" in state:
        with open(out + ".depref", "w") as f:
            f.write(table)
        kept = True
    time.sleep(0.05)
PY
WATCH=""
watch_site() {
    python3 "$WORK/watch.py" "$LAB/up/bird.ctl" "$UP" "s$1" "$(link "$1")" "$WORK/watch-$2" "$WORK" &
    WATCH=$!
    wait_for_file "$WORK/watch-$2.log" 10   # its first look, before anything changes
}
unwatch() { [ -z "$WATCH" ] || { kill "$WATCH" 2>/dev/null; wait "$WATCH" 2>/dev/null; WATCH=""; }; }
# first NAME REGEX: the time (epoch ms) of the first watched state matching REGEX, or nothing.
first() { grep -E -m1 " $2" "$WORK/watch-$1.log" 2>/dev/null | cut -d' ' -f1; }
DEPREF_STATE="backup as_path=65100_65100_65100_65100 community=[^ ]*\(65535,0\)"
# wait_first SECONDS NAME REGEX: until the watcher has seen it.
seen() { [ -n "$(first "$1" "$2")" ]; }
wait_first() { wait_until "$1" seen "$2" "$3"; }
# The de-preferred path: still in the table, not best, 3 prepends + the eBGP one, 65535:0.
depreferred() { [[ "$(path "$1")" == "backup as_path=65100_65100_65100_65100 community="*"(65535,0)"* ]]; }
# The normal path: one AS, no GRACEFUL_SHUTDOWN (best or not: ECMP marks one route best).
normal() { [[ "$(path "$1")" =~ ^(best|backup)\ as_path=65100\ community= && "$(path "$1")" != *"(65535,0)"* ]]; }
absent() { [ "$(path "$1")" = absent ]; }

# --- the agents' view -----------------------------------------------------------------
status() { curl -s -m 2 -H "Authorization: Bearer $READ" "$(agent "$1")/v1/status"; }
last_seq() { curl -s -m 2 -H "Authorization: Bearer $READ" "$(agent "$1")/v1/events?since=0&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["last"])'; }
post() { # post K PATH JSON: prints the HTTP status
    curl -s -m 10 -o "$WORK/post.out" -w '%{http_code}' -H "Authorization: Bearer $OPERATE" \
        -H 'Content-Type: application/json' -X POST -d "$3" "$(agent "$1")/v1/$2"
}
# service K PYTHON-EXPRESSION: evaluates it on site K's dns service (s) and its drain (d).
service() {
    status "$1" | python3 -c "
import json, sys
st = json.load(sys.stdin); s = [x for x in st['services'] if x['name'] == 'dns'][0]; d = s.get('drain') or {}
ok = $2
print(json.dumps({k: s.get(k) for k in ('desired', 'observed', 'depreferred')}), json.dumps(d))
sys.exit(0 if ok else 1)"
}
# events K SINCE FILE: site K's events after SINCE, one per line "kind change actor result | message".
events() {
    curl -s -m 2 -H "Authorization: Bearer $READ" "$(agent "$1")/v1/events?since=$2" | python3 -c '
import json, sys
for e in json.load(sys.stdin)["events"]:
    print(e["seq"], e["kind"], e.get("change") or "-", e["actor"], e.get("result") or "-", "|", e["message"])' >"$3"
}
# audit K SINCE FILE: the same lines from site K's audit log file.
audit() {
    python3 - "$LAB/s$1/state/audit.log" "$2" >"$3" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    e = json.loads(line)
    if e["seq"] > int(sys.argv[2]):
        print(e["seq"], e["kind"], e.get("change") or "-", e["actor"], e.get("result") or "-", "|", e["message"])
PY
}
# in_order FILE PATTERN...: FILE has lines matching each extended regex, in this order.
in_order() {
    local file=$1 n=0 p at; shift
    for p in "$@"; do
        at=$(tail -n +$((n + 1)) "$file" | grep -Enm1 -- "$p" | cut -d: -f1)
        [ -n "$at" ] || { echo "no line /$p/ after line $n of:"; cat "$file"; return 1; }
        n=$((n + at))
    done
}
start_agent_k() { # as scripts/lab/lab starts them: in the site's namespace, its own session
    setsid ip netns exec "${LAB_PREFIX}-s$1" sh -c 'echo $$ >"$1"; shift; exec "$@"' sh "$LAB/s$1/agent.pid" \
        "$BIN/anycast-agent" run --config "$LAB/s$1/agent.toml" --log-level info </dev/null >>"$LAB/s$1/agent.log" 2>&1 &
}
# both "COMMAND ARGS" X Y: the command succeeds with X and with Y appended.
both() { local c=$1; shift; local x; for x in "$@"; do $c $x || return 1; done; }
# pid_of FILE COMM: the pid in FILE if it is a live COMM process.
pid_of() { local p; p=$(cat "$1" 2>/dev/null); [ -n "$p" ] && [ "$(cat "/proc/$p/comm" 2>/dev/null)" = "$2" ] && echo "$p"; }

# --- dnsperf across each scenario -----------------------------------------------------
# A run of its own from the client for SECONDS, longer than the scenario; perf_check then
# waits for its end, so every query is either answered or timed out (dnsperf's 5 s), never
# cut off in flight.
perf_start() { # perf_start NAME SECONDS
    ip netns exec "$CL" dnsperf -s 203.0.113.53 -d "$LAB/cl/queries.txt" -l "$2" -Q 1000 -c 30 >"$WORK/perf-$1.out" 2>&1 &
    PERF=$!
    PERF_T0=$(now_ms)
    sleep 1
}
perf_check() { # perf_check NAME: the run covered the whole scenario and >= 99.9% was answered
    check "$1: dnsperf still running at the end of the scenario ($(( ($(now_ms) - PERF_T0) / 1000 )) s)" kill -0 "$PERF"
    wait "$PERF"; PERF=""
    check "$1: dnsperf throughout, at least 99.9% answered" python3 -c "
import re, sys; t = open('$WORK/perf-$1.out').read()
sent = int(re.search(r'Queries sent:\s+(\d+)', t).group(1)); done = int(re.search(r'Queries completed:\s+(\d+)', t).group(1))
print(done, 'of', sent, 'answered (%.3f%%)' % (100.0 * done / max(sent, 1))); sys.exit(0 if sent > 0 and done >= 0.999 * sent else 1)"
    sed -n 's/^  Queries \(sent\|completed\|lost\):/       dnsperf \1:/p' "$WORK/perf-$1.out"
}

$T new-session -d -s dash -x 160 -y 48 "$BIN/anycast-dash --fleet '$LAB/fleet.toml' --operator staged 2>'$WORK/dash.err'"
check "the dashboard shows the 3 lab sites ACTIVE" wait_for dash "3 sites: 3 active" 20
check "every site has a de-prefer step (status: prepend 3, 65535:0, withdraw_below 0.1, stage_timeout 30)" bash -c "
    for k in 1 2 3; do curl -s -H 'Authorization: Bearer $READ' http://198.51.100.\$((128 + 4 * k + 2)):9100/v1/status |
      python3 -c 'import json,sys; s=json.load(sys.stdin)[\"services\"][0]; d=s[\"deprefer\"]; assert (d[\"prepend\"], d[\"graceful_shutdown\"], d[\"withdraw_below\"], d[\"stage_timeout\"]) == (3, True, 0.1, 30), d' || exit 1; done"
ecmp_of_3() { [ "$(ip -n "$UP" route show 203.0.113.0/24 | grep -c 'via 198.51.100')" = 3 ] && normal 1 && normal 2 && normal 3; }
check "the upstream spreads the prefix over 3 next hops (ECMP), every path normal" ecmp_of_3

# ===================================================================== a. staged drain, keys
echo "# a. staged drain of s1 from the dashboard's keys"
perf_start a 30
SINCE1=$(last_seq 1)
keys dash / ; typed dash "s1"; keys dash Enter
keys dash d
check "a: the drain dialog opens" wait_for dash "Drain s1 .*Lab site 1" 5
typed dash "staged: lab drain"; keys dash Enter; typed dash "s1"
watch_site 1 a
keys dash Enter
T0=$(now_ms)
wait_first 5 a "$DEPREF_STATE"
check "a: the panel shows DE-PREFERRED with the traffic left and the time in the step" wait_for dash "DE-PREFERRED +[0-9]+% left · [0-9.]+s" 4
# s1's Unbound over one second of the de-prefer step (the withdraw comes ~3 s after it).
sleep 0.3; Q0=$(queries 1); sleep 1; Q1=$(queries 1); TQ1=$(now_ms)
check "a: the withdraw follows: s1's route leaves the upstream's BIRD table" wait_first 35 a absent
unwatch
T_DEPREF=$(first a "$DEPREF_STATE"); T_GONE=$(first a "backup .* kernel=no"); T_WITHDRAW=$(first a absent)
echo "       s1 at the upstream (EPOCH_MS PATH kernel-next-hop), the confirming Enter at $T0:"
sed 's/^/         /' "$WORK/watch-a.log"
check "a: at the upstream, s1's path was present but not best, with as_path 65100 x4 and (65535,0)" test -n "$T_DEPREF"
echo "       upstream (birdc show route all 203.0.113.0/24) in the de-prefer step:"
sed 's/^/         /' "$WORK/watch-a.depref"
check "a: ... and s1's next hop left the upstream's kernel multipath route at that step, before the withdraw" \
    test -n "$T_GONE" -a -n "$T_WITHDRAW" -a "${T_GONE:-0}" -lt "${T_WITHDRAW:-0}"
check "a: ... which keeps s2 and s3" both has_nexthop 2 3
check "a: in the de-prefer step s1's unbound counted only the probe ($((Q1 - Q0)) queries in 1 s)" test $((Q1 - Q0)) -le 3
check "a: ... (that second ended before the withdraw)" test "$TQ1" -lt "${T_WITHDRAW:-0}"
STAGED_MS=$((T_WITHDRAW - T0))
echo "       staged drain through the keys: de-preferred at the upstream $((T_DEPREF - T0)) ms after the confirming Enter, withdrawn after $STAGED_MS ms"
check "a: s2 and s3 carry the load" both grows "2 2" "3 2"
check "a: the panel shows DRAINED, verified" wait_for dash "DRAINED +verified" 30
events 1 "$SINCE1" "$WORK/events-a.txt"
audit 1 "$SINCE1" "$WORK/audit-a.txt"
check "a: events: drain (deprefer), de-prefer verified, drain (withdraw, under withdraw_below), drain verified" in_order "$WORK/events-a.txt" \
    "^[0-9]+ drain deprefer staged applied \| drain \(de-prefer step\) by staged" \
    "^[0-9]+ drain_verified deprefer .*de-prefer verified: announced with AS path prepended 3 times, community 65535:0" \
    "^[0-9]+ drain withdraw agent applied \| withdraw step of staged's drain: the site's rate is .* under 10%" \
    "^[0-9]+ drain_verified .* drain verified: withdrawn from every Established peer"
check "a: the audit log file (state/audit.log) has the same steps" in_order "$WORK/audit-a.txt" \
    "^[0-9]+ drain deprefer staged applied" "^[0-9]+ drain_verified deprefer" \
    "^[0-9]+ drain withdraw agent applied" "^[0-9]+ drain_verified "
sed 's/^/       event: /' "$WORK/events-a.txt"
keys dash u Enter; typed dash "s1"; keys dash Enter
check "a: undrain from the keys: s1's next hop is back" wait_until 5 has_nexthop 1
check "a: ... and its path at the upstream is normal again (no prepends, no 65535:0)" wait_until 5 normal 1
check "a: ... ACTIVE and verified" wait_for dash "ACTIVE +verified" 30
keys dash Escape
perf_check a

# Hard drain, for comparison: "stage": "withdraw" skips the de-prefer step.
echo "# a'. hard drain of s2 (stage withdraw) for comparison"
perf_start hard 10
SINCE2=$(last_seq 2)
watch_site 2 hard
T0=$(now_ms)
CODE=$(post 2 drain '{"service":"dns","reason":"hard: lab drain","operator":"hard","stage":"withdraw"}')
check "hard: POST /v1/drain stage withdraw answers 200" test "$CODE" = 200
check "hard: s2's route leaves the upstream's BIRD table" wait_first 10 hard absent
unwatch
HARD_MS=$(( $(first hard absent) - T0 ))
sed 's/^/         /' "$WORK/watch-hard.log"
check "hard: ... at once, never de-preferred" not grep -q 65535 "$WORK/watch-hard.log"
check "hard: ... and its next hop left the kernel route" not has_nexthop 2
echo "       hard drain (curl, stage withdraw): s2's route gone from the upstream's BIRD table after $HARD_MS ms"
events 2 "$SINCE2" "$WORK/events-hard.txt"
hard_events() { in_order "$WORK/events-hard.txt" '^[0-9]+ drain - hard applied' '^[0-9]+ drain_verified ' && ! grep ' deprefer ' "$WORK/events-hard.txt"; }
check "hard: events: drain (no de-prefer step), drain verified" hard_events
CODE=$(post 2 undrain '{"service":"dns","operator":"hard"}')
check "hard: undrain: s2 announced normally again" wait_until 5 normal 2
check "hard: ... and its next hop is back" wait_until 5 has_nexthop 2
perf_check hard
echo "       BENCH staged drain (keys, Enter -> withdrawn at the upstream): $STAGED_MS ms; hard drain (API, stage withdraw -> withdrawn): $HARD_MS ms"

# ===================================================================== b. hold, then withdraw
echo "# b. hold s1 at the de-prefer step, then move on"
perf_start b 30
SINCE1=$(last_seq 1)
watch_site 1 b
TB=$(now_ms)
dash drain s1 --stage deprefer --reason "hold: lab" --operator holder --yes >"$WORK/cli-hold.out" 2>&1
CODE=$?
check "b: anycast-dash drain s1 --stage deprefer exits 0" test "$CODE" = 0
sed 's/^/       cli: /' "$WORK/cli-hold.out"
check "b: s1 de-preferred at the upstream" wait_until 5 depreferred 1
check "b: ... its next hop gone from the kernel multipath route" wait_until 2 not has_nexthop 1
check "b: the agent holds it: stage deprefer, hold" service 1 "d.get('stage') == 'deprefer' and d.get('hold') is True and s['depreferred'] is True"
check "b: s1's unbound takes no more queries" wait_until 6 steady 1
# An unheld drain withdraws once its 3 s mean rate is under withdraw_below: ~3.5 s in (a).
while [ $(( $(now_ms) - TB )) -lt 10000 ]; do sleep 0.2; done
check "b: $(( ($(now_ms) - TB) / 1000 )) s after the drain, still de-preferred at the upstream (held past withdraw_below's trigger)" depreferred 1
check "b: ... no withdraw step in the events" bash -c "
    curl -s -H 'Authorization: Bearer $READ' '$(agent 1)/v1/events?since=$SINCE1' | python3 -c '
import json,sys; ev=json.load(sys.stdin)[\"events\"]; w=[e for e in ev if e.get(\"change\")==\"withdraw\"]; print(w); sys.exit(1 if w else 0)'"
keys dash / ; typed dash "s1"; keys dash Enter
check "b: the panel shows DE-PREFERRED and HELD" wait_for dash "DE-PREFERRED +HELD" 10
keys dash w
check "b: w opens the withdraw-now dialog" wait_for dash "Withdraw now: s1" 5
typed dash "hold: move on"; keys dash Enter
check "b: ... which waits for the typed site id" wait_for dash "type s1 to confirm" 5
typed dash "s1"
T0=$(now_ms)
keys dash Enter
check "b: the withdraw follows: s1's route leaves the upstream's BIRD table" wait_first 5 b absent
unwatch
keys dash Escape  # clear the filter: the later scenarios read other sites' panels
sed 's/^/         /' "$WORK/watch-b.log"
held_throughout() { # the watched states from the first de-preferred one to the withdraw are all de-preferred
    local from to
    from=$(grep -Enm1 " $DEPREF_STATE" "$WORK/watch-b.log" | cut -d: -f1); to=$(grep -nm1 " absent" "$WORK/watch-b.log" | cut -d: -f1)
    [ -n "$from" ] && [ -n "$to" ] && [ "$(sed -n "${from},$((to - 1))p" "$WORK/watch-b.log" | grep -Evc " $DEPREF_STATE")" = 0 ] &&
        [ "$(first b "$DEPREF_STATE")" -lt "$T0" ] && [ "$(first b absent)" -ge "$T0" ]
}
check "b: from the hold until the move on, s1's path stayed de-preferred at the upstream" held_throughout
echo "       held drain: de-preferred $(( $(first b "$DEPREF_STATE") - TB )) ms after the command started; moved on by w: withdrawn $(( $(first b absent) - T0 )) ms after the confirming Enter"
events 1 "$SINCE1" "$WORK/events-b.txt"
audit 1 "$SINCE1" "$WORK/audit-b.txt"
check "b: events: drain (deprefer, by holder), verified, drain (withdraw, by the dashboard's w), verified" in_order "$WORK/events-b.txt" \
    "^[0-9]+ drain deprefer holder applied" "^[0-9]+ drain_verified deprefer" \
    "^[0-9]+ drain withdraw staged applied \| withdraw step of the drain, by staged" "^[0-9]+ drain_verified "
check "b: ... and the audit log file" in_order "$WORK/audit-b.txt" \
    "^[0-9]+ drain deprefer holder applied" "^[0-9]+ drain withdraw staged applied"
sed 's/^/       event: /' "$WORK/events-b.txt"
CODE=$(post 1 undrain '{"service":"dns","operator":"holder"}')
check "b: undrain: s1 announced normally again" wait_until 5 normal 1
check "b: ... its next hop back" wait_until 5 has_nexthop 1
perf_check b

# ===================================================================== c. lease, agent killed
echo "# c. a 20 s lease on s2; the agent is killed during it and started after it ended"
perf_start c 45
SINCE2=$(last_seq 2)
T0=$(now_ms)
dash drain s2 --for 20s --ticket CHG-20 --reason "lease: lab" --operator leaser --yes >"$WORK/cli-lease.out" 2>&1
CODE=$?
check "c: anycast-dash drain s2 --for 20s exits 0" test "$CODE" = 0
sed 's/^/       cli: /' "$WORK/cli-lease.out"
check "c: the drain carries its lease end" service 2 "d.get('lease_until') is not None and d.get('ticket') == 'CHG-20'"
check "c: s2 is withdrawn (staged: de-prefer, then withdraw)" wait_until 15 absent 2
AGENT2=$(pid_of "$LAB/s2/agent.pid" anycast-agent)
kill -9 "$AGENT2"
echo "       killed s2's agent (pid $AGENT2) $(( $(now_ms) - T0 )) ms into the lease"
check "c: s2's agent is gone" wait_until 3 not curl -sf -m 1 -o /dev/null "$(agent 2)/healthz"
while [ $(( $(now_ms) - T0 )) -lt 24000 ]; do sleep 0.2; done
check "c: the lease ended with the agent stopped: the routes are untouched (s2 still withdrawn)" absent 2
T_START=$(now_ms)
start_agent_k 2
check "c: started again: the upstream has s2's route back, normal path" wait_until 20 normal 2
echo "       s2 announced again $(( $(now_ms) - T_START )) ms after the agent was started"
check "c: ... and its next hop in the kernel route" wait_until 3 has_nexthop 2
check "c: the agent announces: desired announce" service 2 "s['desired'] == 'announce' and not d"
events 2 "$SINCE2" "$WORK/events-c.txt"
check "c: events: lease_expired (undrain by lease) saying the lease ended while the agent was stopped" in_order "$WORK/events-c.txt" \
    "^[0-9]+ drain deprefer leaser applied" "^[0-9]+ drain withdraw agent applied" "^[0-9]+ agent_started " \
    "^[0-9]+ undrain lease_expired lease applied \| the lease of leaser's drain \(CHG-20\) ended at .* while the agent was stopped: dns announced again"
audit 2 "$SINCE2" "$WORK/audit-c.txt"
check "c: ... and the audit log file" in_order "$WORK/audit-c.txt" "^[0-9]+ undrain lease_expired lease applied"
sed 's/^/       event: /' "$WORK/events-c.txt"
perf_check c
check "c: the dashboard sees s2 again, all 3 active" wait_for dash "3 sites: 3 active" 30

# ===================================================================== d. lease, Unbound stopped
echo "# d. a lease on s3 that ends while its Unbound is stopped (auto_withdraw)"
perf_start d 35
SINCE3=$(last_seq 3)
T0=$(now_ms)
CODE=$(post 3 drain '{"service":"dns","reason":"lease: unbound down","operator":"leaser","lease":15}')
check "d: POST /v1/drain with lease 15 answers 200" test "$CODE" = 200
check "d: s3 is withdrawn" wait_until 15 absent 3
UNBOUND3=$(pid_of "$LAB/s3/unbound.pid" unbound)
kill "$UNBOUND3"
check "d: Unbound stopped at s3: its health check goes down" wait_until 10 service 3 "st['health'][0]['state'] == 'down'"
while [ $(( $(now_ms) - T0 )) -lt 18000 ]; do sleep 0.2; done
check "d: the lease ended: s3 stays withdrawn at the upstream" absent 3
check "d: ... held as the health check's withdrawal (drain mode auto)" wait_until 3 service 3 "s['desired'] == 'drain' and d.get('mode') == 'auto'"
check "d: ... shown AUTO-WITHDRAWN" wait_for dash "AUTO-WITHDRAWN" 10
events 3 "$SINCE3" "$WORK/events-d.txt"
check "d: events: lease_expired (auto_withdraw by lease) saying the health check is down" in_order "$WORK/events-d.txt" \
    "^[0-9]+ drain deprefer leaser applied" \
    "^[0-9]+ auto_withdraw lease_expired lease applied \| the lease of leaser's drain ended at .*; health check .* is down .* not announced again"
audit 3 "$SINCE3" "$WORK/audit-d.txt"
check "d: ... and the audit log file" in_order "$WORK/audit-d.txt" "^[0-9]+ auto_withdraw lease_expired lease applied"
ip netns exec "${LAB_PREFIX}-s3" unbound -c "$LAB/s3/unbound.conf" >>"$LAB/s3/unbound.log" 2>&1
check "d: Unbound back: s3 comes back by itself, normal path at the upstream" wait_until 20 normal 3
check "d: ... its next hop in the kernel route" wait_until 3 has_nexthop 3
check "d: ... auto_announce in the events, desired announce" bash -c "
    curl -s -H 'Authorization: Bearer $READ' '$(agent 3)/v1/events?since=$SINCE3' | grep -q '\"kind\":\"auto_announce\"' &&
    curl -s -H 'Authorization: Bearer $READ' '$(agent 3)/v1/status' | grep -q '\"desired\":\"announce\"'"
events 3 "$SINCE3" "$WORK/events-d.txt"
sed 's/^/       event: /' "$WORK/events-d.txt"
perf_check d
check "d: the dashboard: all 3 active" wait_for dash "3 sites: 3 active" 30

keys dash q
summary "staged-drain"
