#!/usr/bin/env bash
# Acceptance of `anycast-dash snapshot --demo`: a fleet with no setup at all, as JSON and as a table.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

"$BIN/anycast-dash" snapshot --demo --format json --samples 3 >"$WORK/demo.json" 2>"$WORK/demo.err"
check "snapshot --demo --format json exits 0" test $? = 0
check "valid JSON: ≥ 6 sites in ≥ 3 regions, each with qps > 0, peers, latency and fresh data" python3 - "$WORK/demo.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
sites = r["sites"]
assert len(sites) >= 6, len(sites)
assert len({s["region"] for s in sites}) >= 3
for s in sites:
    assert s["qps"] and s["qps"] > 0, s["id"]
    assert s["peers_total"] >= 2 and s["peers"], s["id"]
    assert s["latency"]["p50_ms"] > 0 and s["latency"]["p99_ms"] >= s["latency"]["p50_ms"], s["id"]
    assert s["reachability"] == "ok" and s["data_age_s"] < 2, (s["id"], s["reachability"], s["data_age_s"])
    assert s["status"] == "active", s["id"]
    assert s["history_points"] >= 300, s["id"]
assert r["poll"]["cycles"] == 3
print(len(sites), "sites,", len({s["region"] for s in sites}), "regions")
PY
"$BIN/anycast-dash" snapshot --demo --samples 2 >"$WORK/demo.txt" 2>&1
check "the table names every site and its status" bash -c "grep -q '^SITE ' '$WORK/demo.txt' && [ \$(grep -c ' ACTIVE ' '$WORK/demo.txt') -ge 6 ]"
"$BIN/anycast-dash" snapshot --fleet /nonexistent/fleet.toml >"$WORK/bad.out" 2>&1
check "a missing fleet config exits 2 with the file named" bash -c "[ $? = 2 ] && grep -q '/nonexistent/fleet.toml' '$WORK/bad.out'"
printf '[fleet]\nname = "x"\n\n[[site]]\nid = "a"\nregion = "eu"\nurl = "http://127.0.0.1:1"\n' >"$WORK/bad.toml"
"$BIN/anycast-dash" snapshot --fleet "$WORK/bad.toml" >"$WORK/bad2.out" 2>&1
check "a bad fleet config exits 2 with file:line" bash -c "[ $? = 2 ] && grep -q 'bad.toml:6: site .a. names unknown region' '$WORK/bad2.out'"

# Nothing the dashboard does needs privileges: as an ordinary user (nobody, when the tests run
# as root) it reaches every agent. (A socket option once set at the wrong level asked for
# CAP_NET_ADMIN, so every connection failed for ordinary users and only for them.)
as_user() { if [ "$(id -u)" = 0 ]; then runuser -u nobody -- "$@"; else "$@"; fi; }
check "as an ordinary user ($( [ "$(id -u)" = 0 ] && echo nobody || id -un)): every demo site is reached" bash -c "
    $(declare -f as_user); cd /; as_user env HOME=/tmp '$BIN/anycast-dash' snapshot --demo --samples 2 >'$WORK/user.out'; cat '$WORK/user.out'
    grep -q '^fleet demo: 12 sites in 5 regions' '$WORK/user.out' && [ \$(grep -Ec '^[a-z]{3}[0-9] ' '$WORK/user.out') = 12 ] &&
    ! grep -Eq 'PENDING|UNREACHABLE|STALE' '$WORK/user.out'"
summary "snapshot-demo"
