#!/usr/bin/env bash
# One disruption budget for people and machines, kept in etcd, on a real (virtual) anycast
# network: scripts/lab/lab up --etcd (3 sites, every service auto_withdraw, min_active_sites = 2,
# a three-member etcd in its own namespace, a coordination link per site). Checked from the
# network itself (the upstream's kernel multipath route) and from the agents' status. Needs root.
#   a. every site's probe fails at once (the probed name removed from every Unbound, which still
#      answers other names): exactly one site withdraws, the other two are held and still
#      announced; the name back: all announced again
#   b. two CLIs drain two different sites at the same moment, 100 times: exactly one succeeds
#      each time, and the network never has fewer than 2 sites
#   c. two sites' probes failing at the same moment, 5 times: exactly one withdraws
#   d. one etcd member killed: drains work
#   e. two killed (no quorum): agents fail static (no withdrawal with health failing, drains
#      refused, exit 3, unless overridden); quorum back: the held withdrawal goes ahead
#   f. one agent's coordination link down in its namespace: that agent fails static, the others
#      go on; its record expires and the budget counts the site as not active
#   g. an agent killed with SIGKILL: its record expires, the budget counts it as not active
#   h. operators' locks: alice's CLI holds s1's lock while it asks for her confirmation; bob's
#      drain is refused with her line (by his CLI, exit 3, and by the agent, 409 site_locked);
#      the lock is in snapshot JSON and on bob's dashboard, whose header shows etcd's members and
#      leader; alice's CLI killed: the lock ends with its lease and bob's drain goes ahead. An
#      agent killed: the dashboard shows its last record in etcd with its age
#   i. measured: a drain's API round trip with and without etcd; loss of quorum to fail static
set -uo pipefail
source "$(dirname "$0")/lib.sh"

export LAB_PREFIX="aco$$"
LAB=$WORK/lab
finish() {
    if [ "$FAILED" -gt 0 ]; then
        echo "== lab logs (failures above)"
        for f in "$LAB"/s*/agent.log "$LAB"/co/e1.log; do
            [ -f "$f" ] || continue
            echo "-- $f"
            # A crash's first lines say what; its backtrace's last lines do not.
            grep -m 1 -A 30 -E "Fatal error|Crash|💣" "$f" || tail -n 8 "$f"
        done
    fi
    tmux -S "$WORK/tmux.sock" kill-server 2>/dev/null || true
    bash "$ROOT/scripts/lab/lab" down --dir "$LAB" >/dev/null 2>&1 || true
    cleanup
}
trap finish EXIT
command -v etcd >/dev/null || { echo "FAIL - etcd is missing: apt-get install etcd-server etcd-client"; FAILED=1; summary coordination; exit 1; }
if ! bash "$ROOT/scripts/lab/lab" up --sites 3 --dir "$LAB" --rate 1500 --bin "$BIN" --etcd >"$WORK/up.out" 2>&1; then
    echo "FAIL - scripts/lab/lab up --etcd"; tail -30 "$WORK/up.out"; FAILED=1; summary coordination; exit 1
fi
UP="${LAB_PREFIX}-up"; CO="${LAB_PREFIX}-co"
READ=$(cat "$LAB/read.token"); OPERATE=$(cat "$LAB/operate.token")
agent() { echo "http://198.51.100.$((128 + 4 * $1 + 2)):9100"; }
now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
dash() { "$BIN/anycast-dash" "$@" --fleet "$LAB/fleet.toml"; }
nexthops() { ip -n "$UP" route show 203.0.113.0/24 | grep -c "nexthop via\|^203.0.113.0/24 via"; }
name_off() { unbound-control -c "$LAB/s$1/unbound.conf" local_data_remove site.example.test >/dev/null; }
name_on() { unbound-control -c "$LAB/s$1/unbound.conf" local_data "site.example.test. TXT \"s$1\"" >/dev/null; }
status() { curl -s -m 2 -H "Authorization: Bearer $READ" "$(agent "$1")/v1/status"; }
# field K EXPR: a Python expression over the site's status `s` (its service `d`).
field() { status "$1" | python3 -c "import json,sys; s=json.load(sys.stdin); d=s['services'][0]; print($2)" 2>/dev/null; }
withdrawn() { [ "$(field "$1" "d['desired'] == 'drain'")" = True ]; }
count_withdrawn() { local n=0 k; for k in 1 2 3; do withdrawn "$k" && n=$((n + 1)); done; echo "$n"; }
coord_state() { field "$1" "(s.get('coordination') or {}).get('state')"; }
etcdctl_() { ETCDCTL_API=3 ip netns exec "$CO" etcdctl --endpoints http://127.0.0.1:23791,http://127.0.0.1:23792,http://127.0.0.1:23793 --command-timeout=2s "$@"; }
record_present() { [ -n "$(etcdctl_ get --keys-only "/anycast-lab/sites/s$1" 2>/dev/null)" ]; }
kill_member() { kill -9 "$(cat "$LAB/co/e$1.pid")" 2>/dev/null; }
start_member() { bash "$LAB/co/start-e$1.sh"; }

# The checks below run these in `bash -c`.
export -f agent status field withdrawn count_withdrawn coord_state etcdctl_ record_present nexthops
export READ UP CO LAB
all_state() { for k in 1 2 3; do [ "$(coord_state "$k")" = "$1" ] || return 1; done; }
export -f all_state

check "every agent reaches etcd and finds the budget (coordination ok)" all_state ok
check "anycast-dash budget show: the budget the fleet config published" bash -c "'$BIN/anycast-dash' budget show --fleet '$LAB/fleet.toml' | grep -q 'min_active_sites 2'"
check "every site has its record in etcd" bash -c 'record_present 1 && record_present 2 && record_present 3'

# --- a. every probe fails at once ---------------------------------------------------------
for k in 1 2 3; do name_off "$k"; done
sleep 6   # fall 3 x 1 s, and the withdrawal
a_hops=$(nexthops); a_out=$(count_withdrawn)
check "a: every probe failing: exactly one site withdraws (upstream next hops 2, got $a_hops)" test "$a_hops" = 2 -a "$a_out" = 1
held=""; for k in 1 2 3; do withdrawn "$k" || held="$held $k"; done
for k in $held; do
    check "a: s$k is held, still announced, and says why" bash -c \
        "field $k \"d['observed'] == 'announced' and 'min_active' in (d.get('withdraw_held') or {}).get('reason', '')\" | grep -q True"
done
k=${held# }; k=${k%% *}
check "a: /metrics of a held site: anycast_service_withdraw_held{because=budget} 1" bash -c \
    "curl -s -H 'Authorization: Bearer $READ' $(agent "$k")/metrics | grep -q 'anycast_service_withdraw_held{service=\"dns\",because=\"budget\"} 1'"
dash snapshot --format json --samples 1 >"$WORK/a.json" 2>/dev/null
check "a: snapshot --format json: the budget's held withdrawals (2, by health) and every agent ok with etcd" python3 - "$WORK/a.json" <<'PY'
import json, sys
budget = json.load(open(sys.argv[1]))["budget"]
print(json.dumps(budget, indent=1))
held = budget["held_withdrawals"]
assert len(held) == 2 and all(h["requester"] == "health" and "min_active" in h["reason"] for h in held)
assert budget["coordination_not_ok"] == {}
PY
check "a: snapshot (text): the held sites' notes say why" bash -c "'$BIN/anycast-dash' snapshot --samples 1 --fleet '$LAB/fleet.toml' | grep -c 'withdrawal held (health)' | grep -q 2"
sleep 4
check "a: 4 s later still exactly one withdrawn (the others stay held)" test "$(nexthops)" = 2 -a "$(count_withdrawn)" = 1
for k in 1 2 3; do name_on "$k"; done
all_back() { [ "$(nexthops)" = 3 ] && for k in 1 2 3; do field "$k" "d.get('withdraw_held') is None" | grep True >/dev/null || return 1; done; }
wait_until 10 all_back
check "a: the name back: all 3 announced again, nothing held" all_back

# --- b. two CLIs at once ------------------------------------------------------------------
b_rounds=100; b_bad=0; b_violations=0; b_by_agent=0
for ((r = 1; r <= b_rounds; r++)); do
    dash drain s1 --now --yes --reason "race $r" --operator alice --wait 10 >"$WORK/b1.out" 2>&1 & p1=$!
    dash drain s2 --now --yes --reason "race $r" --operator bob --wait 10 >"$WORK/b2.out" 2>&1 & p2=$!
    wait $p1; e1=$?; wait $p2; e2=$?
    [ "$(nexthops)" -ge 2 ] || b_violations=$((b_violations + 1))
    # Refused by the agents' budget in etcd (both CLIs passed their own check) or by the CLI's own.
    grep -q "refused by the agent" "$WORK/b1.out" "$WORK/b2.out" && b_by_agent=$((b_by_agent + 1))
    if ! { [ "$e1" = 0 ] && [ "$e2" = 3 ]; } && ! { [ "$e1" = 3 ] && [ "$e2" = 0 ]; }; then
        b_bad=$((b_bad + 1)); echo "       round $r: exits $e1 and $e2"; tail -n 2 "$WORK/b1.out" "$WORK/b2.out" | sed 's/^/       /'
    fi
    for k in 1 2; do withdrawn "$k" && dash undrain "s$k" --yes --operator alice --reason done >/dev/null 2>&1; done
done
check "b: two CLIs draining s1 and s2 at once, $b_rounds times: exactly one succeeds (exit 0, the other 3) every time" test "$b_bad" = 0
check "b: the upstream never had fewer than 2 sites ($b_violations budget violations)" test "$b_violations" = 0
echo "       $b_by_agent of $b_rounds rounds were decided by the etcd transaction (both CLIs had passed their own budget check)"
grep -h "refused" "$WORK/b1.out" "$WORK/b2.out" | head -1 | sed 's/^/       refused: /'

# --- c. two probes failing at the same moment ---------------------------------------------
c_bad=0
for ((r = 1; r <= 5; r++)); do
    name_off 1 & name_off 2 & wait
    sleep 5
    n=$(count_withdrawn); [ "$n" = 1 ] && [ "$(nexthops)" = 2 ] || { c_bad=$((c_bad + 1)); echo "       round $r: $n withdrawn"; }
    name_on 1; name_on 2
    wait_until 10 bash -c '[ "$(nexthops)" = 3 ]'
    sleep 1
done
check "c: s1 and s2 failing at the same moment, 5 times: exactly one withdraws each time" test "$c_bad" = 0

# --- d. one member down -------------------------------------------------------------------
kill_member 1
check "d: one etcd member killed: drain s1 exits 0" bash -c "'$BIN/anycast-dash' drain s1 --now --yes --reason 'one member down' --fleet '$LAB/fleet.toml' >/dev/null 2>&1"
check "d: ... and undrain" bash -c "'$BIN/anycast-dash' undrain s1 --yes --fleet '$LAB/fleet.toml' >/dev/null 2>&1"
start_member 1
sleep 2

# --- e. no quorum -------------------------------------------------------------------------
kill_member 1; kill_member 2
lost_at=$(now_ms)
wait_until 10 all_state lost
lost_ms=$(( $(now_ms) - lost_at ))
check "e: without quorum every agent says coordination lost (after $lost_ms ms; renewal every 2 s + a 2 s timeout)" all_state lost
echo "       loss of quorum to fail static (every agent reports lost): $lost_ms ms"
name_off 2
# fall 3 x 1 s, then the withdrawal waits for etcd (a call's 2 s timeout, perhaps after a round's).
held_lost() { [ "$(nexthops)" = 3 ] && field 2 "'keeps announcing' in (d.get('withdraw_held') or {}).get('reason', '')" | grep True >/dev/null; }
wait_until 15 held_lost
check "e: s2's probe failing without quorum: still announced (3 next hops), held with the reason" held_lost
sleep 2
check "e: ... and 2 s later still announced" test "$(nexthops)" = 3
dash drain s1 --now --yes --reason "no quorum" >"$WORK/e.out" 2>&1; e_code=$?
check "e: a drain without quorum is refused: exit 3, the budget cannot be checked" bash -c "[ $e_code = 3 ] && grep -q 'cannot be checked' '$WORK/e.out'" 
start_member 1; start_member 2
wait_until 20 bash -c '[ "$(nexthops)" = 2 ]'
check "e: quorum back: s2's held withdrawal goes ahead (2 next hops)" bash -c '[ "$(nexthops)" = 2 ] && withdrawn 2'
name_on 2
wait_until 10 bash -c '[ "$(nexthops)" = 3 ]'

# --- f. one agent cut off -----------------------------------------------------------------
ip -n "${LAB_PREFIX}-s1" link set coord down
wait_until 10 bash -c '[ "$(coord_state 1)" = lost ]'
check "f: s1's coordination link down: s1 says lost, s2 and s3 still ok" bash -c \
    '[ "$(coord_state 1)" = lost ] && [ "$(coord_state 2)" = ok ] && [ "$(coord_state 3)" = ok ]'
wait_until 12 not record_present 1
check "f: s1's record expired with its lease (6 s)" not record_present 1
dash drain s2 --now --yes --reason "s1 unknown" >"$WORK/f.out" 2>&1; f_code=$?
check "f: the budget counts s1 as not active: drain s2 refused, exit 3, 2 of 2 active" bash -c "[ $f_code = 3 ] && grep -q '2 of 2 sites active' '$WORK/f.out'"
name_off 1; sleep 5
check "f: s1 fails static: its probe failing, still announced" test "$(nexthops)" = 3
name_on 1
ip -n "${LAB_PREFIX}-s1" link set coord up
wait_until 10 record_present 1
check "f: link back: s1's record is written again and it says ok" bash -c 'record_present 1 && [ "$(coord_state 1)" = ok ]'

# --- g. an agent killed -------------------------------------------------------------------
kill -9 "$(cat "$LAB/s3/agent.pid")"
wait_until 12 not record_present 3
check "g: s3's agent killed (SIGKILL): its record expired" not record_present 3
# The dashboard cannot reach s3 either and refuses by itself; the agent's own answer is the check.
g_code=$(curl -s -o "$WORK/g.out" -w '%{http_code}' -H "Authorization: Bearer $OPERATE" -H 'Content-Type: application/json' \
    -d '{"service":"dns","reason":"s3 unknown","operator":"carol","stage":"withdraw"}' "$(agent 2)/v1/drain")
check "g: the budget counts s3 as not active: s2's agent refuses a drain (409 budget_refused, 2 of 2 active)" bash -c \
    "[ $g_code = 409 ] && grep -q 'budget_refused' '$WORK/g.out' && grep -q '2 of 2 sites active' '$WORK/g.out' || { cat '$WORK/g.out'; exit 1; }"
bash "$LAB/s3/start-agent.sh"
wait_until 15 record_present 3
check "g: s3's agent back: its record too, and drain s2 goes ahead" bash -c "'$BIN/anycast-dash' drain s2 --now --yes --reason back --fleet '$LAB/fleet.toml' >/dev/null 2>&1"
dash undrain s2 --yes >/dev/null 2>&1

# --- h. operators' locks, and the dashboard's view of etcd ---------------------------------
T="tmux -S $WORK/tmux.sock"
screen() { $T capture-pane -t "$1" -p; }
lock_value() { etcdctl_ get --print-value-only "/anycast-lab/locks/s$1" 2>/dev/null; }
export -f lock_value
# alice's CLI takes s1's lock and waits at its confirmation prompt.
$T new-session -d -s alice -x 160 -y 20 "'$BIN/anycast-dash' drain s1 --now --reason 'lock test' --ticket CHG-7 --operator alice --fleet '$LAB/fleet.toml'; sleep 60"
wait_until 10 bash -c "$T capture-pane -t alice -p | grep -q 'type s1 to confirm'"
check "h: alice's CLI holds s1's lock in etcd while it asks her to confirm" bash -c "lock_value 1 | grep -q '\"holder\":\"alice\"'"
# bob's dashboard, on a wide terminal.
$T new-session -d -s bob -x 200 -y 50 "'$BIN/anycast-dash' --operator bob --fleet '$LAB/fleet.toml'; sleep 60"
h_code=0; dash drain s1 --now --yes --reason 'bob too' --operator bob >"$WORK/h.out" 2>&1 || h_code=$?
check "h: bob's drain of s1 is refused, exit 3, with alice's line" bash -c \
    "[ $h_code = 3 ] && grep -Eq 's1 is locked by alice: CHG-7, draining since [0-9]{2}:[0-9]{2} UTC' '$WORK/h.out' || { cat '$WORK/h.out'; exit 1; }"
h_http=$(curl -s -o "$WORK/h.json" -w '%{http_code}' -H "Authorization: Bearer $OPERATE" -H 'Content-Type: application/json' \
    -d '{"service":"dns","reason":"no lock","operator":"carol","stage":"withdraw"}' "$(agent 1)/v1/drain")
check "h: the agent itself refuses a drain without the lock (409 site_locked, alice's line)" bash -c \
    "[ $h_http = 409 ] && grep -q 'site_locked' '$WORK/h.json' && grep -q 'locked by alice: CHG-7' '$WORK/h.json' || { cat '$WORK/h.json'; exit 1; }"
check "h: s1 is still announced" test "$(nexthops)" = 3
dash snapshot --samples 1 --format json >"$WORK/h-snap.json" 2>/dev/null
check "h: snapshot --format json: the lock, and etcd's three members with a leader" python3 - "$WORK/h-snap.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
locks = r["budget"]["locks"]
assert [(l["site"], l["holder"], l["ticket"], l["action"]) for l in locks] == [("s1", "alice", "CHG-7", "drain")], locks
c = r["coordination"]
assert c["members_up"] == 3 and c["quorum"] and c["leader"] in ("e1", "e2", "e3"), c
PY
check "h: bob's dashboard: etcd's members and leader in the header" bash -c \
    "for i in \$(seq 20); do $T capture-pane -t bob -p | head -1 | grep -Eq 'etcd 3/3 · leader e[123] · [0-9.]+ ms' && exit 0; sleep 0.25; done; $T capture-pane -t bob -p | head -1; exit 1"
check "h: bob's dashboard: s1's panel says who holds it" bash -c "for i in \$(seq 20); do $T capture-pane -t bob -p | grep -q 'LOCKED alice: CHG-7' && exit 0; sleep 0.25; done; $T capture-pane -t bob -p; exit 1"
# bob tries from his dashboard's keys: the dialog, the reason, the typed site id; refused.
$T send-keys -t bob / ; $T send-keys -t bob -l s1; $T send-keys -t bob Enter; $T send-keys -t bob d
sleep 0.5; $T send-keys -t bob -l "bob from the dashboard"; $T send-keys -t bob Enter; $T send-keys -t bob -l s1; $T send-keys -t bob Enter
check "h: bob's drain from his dashboard's keys is refused with alice's line" bash -c \
    "for i in \$(seq 20); do $T capture-pane -t bob -p | grep -q 'locked by alice' && exit 0; sleep 0.25; done; $T capture-pane -t bob -p; exit 1"
check "h: ... and s1 is still announced" test "$(nexthops)" = 3
$T send-keys -t bob Escape; $T send-keys -t bob Escape
$T kill-session -t alice  # SIGHUP, then gone: as a dashboard or CLI that dies
kill -9 "$(pgrep -f "drain s1 --now --reason lock test" | head -1)" 2>/dev/null || true
t0=$(now_ms)
wait_until 12 bash -c '[ -z "$(lock_value 1)" ]'
h_gone=$(( $(now_ms) - t0 ))
check "h: alice's CLI killed: her lock ended with its lease (lock_ttl 5 s; gone after $h_gone ms)" bash -c '[ -z "$(lock_value 1)" ]'
check "h: ... and bob's drain of s1 goes ahead" bash -c "'$BIN/anycast-dash' drain s1 --now --yes --reason 'after alice' --operator bob --fleet '$LAB/fleet.toml' >/dev/null 2>&1"
dash undrain s1 --yes >/dev/null 2>&1
# An agent the dashboard cannot reach: the dashboard shows what its record in etcd says, with
# its age. The management link is taken down (not the agent killed), so the agent keeps its
# lease through its own link to etcd and the record stays: a killed agent's record ends with
# its lease (6 s here, checked in f), which would race the dashboard's 2 s reads of etcd.
ip link set "$LAB_PREFIX-m3" down
check "h: s3's agent out of the dashboard's reach: bob's dashboard shows its last record in etcd and its age" bash -c \
    "for i in \$(seq 60); do $T capture-pane -t bob -p | grep -Eq 'etcd record [0-9.]+s old: dns announced' && exit 0; sleep 0.25; done; $T capture-pane -t bob -p | grep -v '^ *$'; exit 1"
ip link set "$LAB_PREFIX-m3" up
$T kill-session -t bob 2>/dev/null || true

# --- i. the drain's API round trip with etcd and without ------------------------------------
drain_ms() { # K: ms of POST /v1/drain (hard withdraw) then undrain
    local t0 t1
    t0=$(date +%s%N)
    curl -s -m 5 -o /dev/null -H "Authorization: Bearer $OPERATE" -H 'Content-Type: application/json' \
        -d '{"service":"dns","reason":"timing","operator":"bench","stage":"withdraw"}' "$(agent "$1")/v1/drain"
    t1=$(date +%s%N)
    curl -s -m 5 -o /dev/null -H "Authorization: Bearer $OPERATE" -H 'Content-Type: application/json' \
        -d '{"service":"dns","operator":"bench"}' "$(agent "$1")/v1/undrain"
    sleep 1
    echo $(( (t1 - t0) / 1000000 ))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
with=$(for i in $(seq 10); do drain_ms 1; done | median)
kill "$(cat "$LAB/s1/agent.pid")"; sleep 1
check "i: s1's agent ended by SIGTERM without a crash (its etcd client shut down)" not grep -q "Fatal error" "$LAB/s1/agent.log"
sed -i '/^\[coordination\]/,$d' "$LAB/s1/agent.toml"
bash "$LAB/s1/start-agent.sh"
wait_until 10 curl -sf -m 1 -o /dev/null "$(agent 1)/healthz"
sleep 2
without=$(for i in $(seq 10); do drain_ms 1; done | median)
echo "       drain round trip (POST /v1/drain, hard withdraw), median of 10: $with ms with etcd, $without ms without"
check "i: drain round trips measured with and without etcd" test -n "$with" -a -n "$without"

summary coordination
