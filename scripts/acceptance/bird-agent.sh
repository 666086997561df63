#!/usr/bin/env bash
# The site agent against a real BIRD 2: a site BIRD and an upstream BIRD in two network
# namespaces with a real BGP session (scripts/lab/bird-pair.sh), the agent beside the site's
# BIRD on its control socket. Drain and undrain through the HTTP API and watch the upstream's
# routing table; kill -9 and restart the agent; undo a manual `birdc enable`; stop BIRD and
# start it again; malformed requests. Needs root, iproute2 and bird2.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

bird_site_lab "bird-agent" "acd$$"
PORT=$(free_port_range 1)
STATE=$WORK/state
bird_site_agent_config "$WORK/agent.toml" "$PORT" "$STATE" 2s
URL=http://127.0.0.1:$PORT
R=(-H "Authorization: Bearer read-secret")
O=(-H "Authorization: Bearer operate-secret")

AGENT=""
status() { curl -s "${R[@]}" "$URL/v1/status"; }

check "check-config prints the effective config without secrets" bash -c "'$BIN/anycast-agent' check-config '$WORK/agent.toml' | grep -q 'anycast4' && ! '$BIN/anycast-agent' check-config '$WORK/agent.toml' | grep -q operate-secret"
printf '[site]\nid = "s1"\nname = "x"\nregion = "eu"\n[listen]\nport = "nine"\n' >"$WORK/bad.toml"
check "check-config on a bad file exits 2 with file:line" bash -c "'$BIN/anycast-agent' check-config '$WORK/bad.toml' 2>&1 >/dev/null | grep -q 'bad.toml:6'; [ \${PIPESTATUS[0]} -eq 2 ]"

# check-config asks the running BIRD whether the protocols exist: a de-prefer step whose
# protocol BIRD does not have is an error naming the service and the protocol.
{ cat "$WORK/agent.toml"; printf '[service.deprefer]\nbird_protocols = ["anycast4_depref"]\nprepend = 3\n'; } >"$WORK/agent-depref.toml"
check "check-config: a de-prefer protocol missing from BIRD is an error (exit 2) naming the service and the protocol" bash -c "
    '$BIN/anycast-agent' check-config '$WORK/agent-depref.toml' >/dev/null 2>'$WORK/depref.err'; [ \$? = 2 ] &&
    grep -q \"service 'dns' has a de-prefer step, but its de-prefer protocol anycast4_depref\" '$WORK/depref.err' || { cat '$WORK/depref.err'; exit 1; }"
check "check-config --offline does not ask BIRD" bash -c "'$BIN/anycast-agent' check-config --offline '$WORK/agent-depref.toml' | grep -q anycast4_depref"

check "the agent starts and answers /healthz" start_agent "$WORK/agent.toml" "$URL"
check "the upstream has the site's IPv4 and IPv6 routes before the drain" bash -c "$(declare -f upstream_has wait_until); UP_CTL='$UP_CTL'; wait_until 15 upstream_has 203.0.113.0/24 && upstream_has 2001:db8:53::/48"
check "status: the BGP peer is established and the service announced" bash -c "for i in \$(seq 1 40); do s=\$(curl -s -H 'Authorization: Bearer read-secret' $URL/v1/status); echo \"\$s\" | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s[\"peers\"][0][\"state\"]==\"established\" and s[\"services\"][0][\"observed\"]==\"announced\", s' 2>/dev/null && exit 0; sleep 0.25; done; echo \"\$s\"; exit 1"
check "a read token cannot drain (403)" bash -c "[ \$(curl -s -o /dev/null -w '%{http_code}' -H 'Authorization: Bearer read-secret' -X POST -d '{\"reason\":\"x\",\"operator\":\"eve\"}' $URL/v1/drain) = 403 ]"

# Drain: time from the API call to the route gone at the upstream.
T0=$(date +%s%N)
curl -s "${O[@]}" -X POST -d '{"service":"dns","reason":"CHG-42 lab drain","operator":"alice"}' "$URL/v1/drain" >"$WORK/drain.json"
wait_until 5 not upstream_has 203.0.113.0/24
T1=$(date +%s%N)
DRAIN_MS=$(( (T1 - T0) / 1000000 ))
echo "       drain: the upstream lost the route $DRAIN_MS ms after the API call"
check "drain: the upstream loses the route in under 1 s" test "$DRAIN_MS" -lt 1000
check "drain: the IPv6 route is gone too" bash -c "$(declare -f upstream_has wait_until not); UP_CTL='$UP_CTL'; wait_until 1 not upstream_has 2001:db8:53::/48"
check "drain: the BGP session stays up (a drain is not a shutdown)" bash -c "birdc -s '$SITE_CTL' show protocols upstream | grep -q Established"
check "drain: status says withdrawn, desired drain, with the record" bash -c "for i in \$(seq 1 40); do curl -s -H 'Authorization: Bearer read-secret' $URL/v1/status | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"services\"][0]; assert d[\"observed\"]==\"withdrawn\" and d[\"desired\"]==\"drain\" and d[\"drain\"][\"operator\"]==\"alice\"' 2>/dev/null && exit 0; sleep 0.25; done; exit 1"
check "drain: BIRD keeps the reason as the protocol's message" bash -c "birdc -s '$SITE_CTL' show protocols all anycast4 | grep -q 'drained by alice: CHG-42 lab drain'"
check "drain: the audit log has the entry (operator, token, client, reason, result)" bash -c "grep '\"kind\":\"drain\"' '$STATE/audit.log' | grep -q '\"token\":\"noc-operate\"' && grep '\"kind\":\"drain\"' '$STATE/audit.log' | grep -q 'CHG-42' && grep '\"kind\":\"drain\"' '$STATE/audit.log' | grep -q '\"client\":\"127.0.0.1'"
check "drain: verified through the export tables (event)" bash -c "for i in \$(seq 1 40); do curl -s -H 'Authorization: Bearer read-secret' '$URL/v1/events?since=0' | grep -q drain_verified && exit 0; sleep 0.25; done; exit 1"

# kill -9 and restart: never re-announced.
kill -9 "$AGENT"; wait "$AGENT" 2>/dev/null
check "kill -9 leaves the route withdrawn" bash -c "$(declare -f upstream_has); UP_CTL='$UP_CTL'; sleep 1; ! upstream_has 203.0.113.0/24"
check "the restarted agent keeps the drain" start_agent "$WORK/agent.toml" "$URL"
check "after the restart: still withdrawn, desired drain, the audit entry served by /v1/events" bash -c "sleep 2; ! (birdc -s '$UP_CTL' show route 203.0.113.0/24 | grep -q 's1 ') && curl -s -H 'Authorization: Bearer read-secret' $URL/v1/status | python3 -c 'import json,sys; d=json.load(sys.stdin)[\"services\"][0]; assert d[\"desired\"]==\"drain\", d' && curl -s -H 'Authorization: Bearer read-secret' '$URL/v1/events?since=0' | grep -q CHG-42"

# A manual enable on a drained site is undone within one reconcile interval (2 s here).
birdc -s "$SITE_CTL" enable anycast4 >/dev/null
check "... and is withdrawn again within the reconcile interval, with a drift event" bash -c "$(declare -f upstream_has wait_until not); UP_CTL='$UP_CTL'; wait_until 4 not upstream_has 203.0.113.0/24 && curl -s -H 'Authorization: Bearer read-secret' '$URL/v1/events?since=0' | grep -q drift_corrected && grep -q drift_corrected '$STATE/audit.log'"

# Undrain.
curl -s "${O[@]}" -X POST -d '{"service":"dns","operator":"alice"}' "$URL/v1/undrain" >/dev/null
check "undrain: the upstream has the route again" bash -c "$(declare -f upstream_has wait_until); UP_CTL='$UP_CTL'; wait_until 5 upstream_has 203.0.113.0/24 && wait_until 5 upstream_has 2001:db8:53::/48"

# BIRD stopped: failure is data.
SITE_PID=$(cat "$LAB/site.pid")
kill "$SITE_PID"; for _ in $(seq 1 50); do kill -0 "$SITE_PID" 2>/dev/null || break; sleep 0.1; done
check "BIRD stopped: /healthz still answers" bash -c "sleep 1.5; curl -sf $URL/healthz >/dev/null"
check "BIRD stopped: status answers with the error and observed unknown" bash -c "curl -s -H 'Authorization: Bearer read-secret' $URL/v1/status | python3 -c 'import json,sys; s=json.load(sys.stdin); assert s[\"errors\"] and s[\"errors\"][0][\"source\"]==\"routes\" and \"socket\" in s[\"errors\"][0][\"message\"] and s[\"services\"][0][\"observed\"]==\"unknown\", s'"
check "BIRD stopped: a drain answers 503 with a clear message (and is recorded)" bash -c "out=\$(curl -s -w ' %{http_code}' -H 'Authorization: Bearer operate-secret' -X POST -d '{\"service\":\"dns\",\"reason\":\"while bird is down\",\"operator\":\"bob\"}' $URL/v1/drain); echo \"\$out\"; echo \"\$out\" | grep -q ' 503\$' && echo \"\$out\" | grep -q 'recorded'"
ip netns exec "${LAB_PREFIX}-s1" bird -c "$LAB/site.conf" -s "$SITE_CTL" -P "$LAB/site.pid"
check "BIRD back: the agent recovers by itself (no routing error, peers read again)" bash -c "for i in \$(seq 1 60); do curl -s -H 'Authorization: Bearer read-secret' $URL/v1/status | python3 -c 'import json,sys; s=json.load(sys.stdin); assert not [e for e in s[\"errors\"] if e[\"source\"]==\"routes\"] and s[\"peers\"]' 2>/dev/null && exit 0; sleep 0.25; done; exit 1"
check "BIRD back: the drain recorded while it was down is applied (no route at the upstream)" bash -c "$(declare -f upstream_has not wait_until); UP_CTL='$UP_CTL'; sleep 8; ! upstream_has 203.0.113.0/24 && birdc -s '$SITE_CTL' show protocols anycast4 | grep -q down"

# 100 malformed requests: the right 4xx each time, and the agent keeps serving.
python3 - "$URL" >"$WORK/malformed.out" 2>&1 <<'PY'
import json, sys, urllib.request, urllib.error
url = sys.argv[1]
op = {"Authorization": "Bearer operate-secret", "Content-Type": "application/json"}
cases = [
    ("/v1/drain", b"{not json", 400), ("/v1/drain", b'{"reason": 5, "operator": "a"}', 400),
    ("/v1/drain", b'{"reason": "r", "operator": []}', 400), ("/v1/drain", b'[]', 400),
    ("/v1/drain", b'{"service": "nope", "reason": "r", "operator": "a"}', 404),
    ("/v1/drain", b"x" * (70 * 1024), 413), ("/v1/undrain", b'{"service": 7, "operator": "a"}', 400),
    ("/v1/drain", b'{"reason": "", "operator": "a"}', 400), ("/v1/drain", b'', 400),
    ("/v1/undrain", b'{"operator": "' + b"a" * 300 + b'"}', 400),
]
bad = 0
for i in range(100):
    path, body, want = cases[i % len(cases)]
    req = urllib.request.Request(url + path, data=body, headers=op, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            got, text = r.status, r.read()
    except urllib.error.HTTPError as e:
        got, text = e.code, e.read()
    try:
        ok = got == want and "error" in json.loads(text)
    except Exception:
        ok = False
    if not ok:
        bad += 1
        print("case", i % len(cases), "wanted", want, "got", got, text[:120])
print("bad", bad)
sys.exit(1 if bad else 0)
PY
check "100 malformed requests: the right 4xx with a JSON error each time" bash -c "cat '$WORK/malformed.out'; grep -q '^bad 0' '$WORK/malformed.out'"
check "... and the agent still serves" bash -c "kill -0 $AGENT && curl -sf -H 'Authorization: Bearer read-secret' $URL/v1/status >/dev/null"

kill "$AGENT" 2>/dev/null; wait "$AGENT" 2>/dev/null
check "stopping the agent leaves routes as they are" bash -c "birdc -s '$SITE_CTL' show protocols anycast4 | grep -q down"

# The same site over https with mutual TLS: the runbook's `anycast-dash undrain`/`drain` move
# the real routes through it, and nothing without the fleet's client certificate gets in.
P=$WORK/pki
make_test_pki "$P" || { cat "$P/openssl.log"; exit 1; }
bird_site_agent_config "$WORK/agent-tls.toml" "$PORT" "$STATE" 2s "tls_certificate = \"$P/agent.pem\"
tls_key = \"$P/agent.key\"
tls_client_ca = \"$P/ca.pem\""
TLS_URL=https://127.0.0.1:$PORT
cat >"$WORK/fleet-tls.toml" <<TOML
[fleet]
name = "lab-tls"
tls_ca_file = "$P/ca.pem"
tls_client_certificate = "$P/dash.pem"
tls_client_key = "$P/dash.key"
[[region]]
name = "eu"
[[site]]
id = "s1"
region = "eu"
url = "$TLS_URL"
tls = true
token = "operate-secret"
read_token = "read-secret"
TOML
"$BIN/anycast-agent" run --config "$WORK/agent-tls.toml" --log-level warning >>"$WORK/agent.log" 2>&1 &
AGENT=$!; CLEANUP+=("$AGENT")
check "https agent: up with mutual TLS (a client certificate is required)" wait_until 10 bash -c "
    curl -sf --cacert '$P/ca.pem' --cert '$P/dash.pem' --key '$P/dash.key' $TLS_URL/healthz >/dev/null &&
    ! curl -s --max-time 2 --cacert '$P/ca.pem' $TLS_URL/healthz >/dev/null"
check "https agent: anycast-dash undrain over mutual TLS brings the route back at the upstream" bash -c "
    '$BIN/anycast-dash' undrain s1 --fleet '$WORK/fleet-tls.toml' --yes --operator carol --reason 'CHG-44 over TLS' &&
    $(declare -f upstream_has wait_until); UP_CTL='$UP_CTL'; wait_until 5 upstream_has 203.0.113.0/24"
check "https agent: anycast-dash drain over mutual TLS withdraws it again" bash -c "
    '$BIN/anycast-dash' drain s1 --fleet '$WORK/fleet-tls.toml' --yes --operator carol --reason 'CHG-45 over TLS' &&
    $(declare -f upstream_has wait_until not); UP_CTL='$UP_CTL'; wait_until 5 not upstream_has 203.0.113.0/24"
check "https agent: the audit log names the TLS changes" bash -c "grep -c 'over TLS' '$STATE/audit.log' | grep -q '^2$'"
check "https agent: the dashboard without a client certificate cannot reach it, and says why" bash -c "
    grep -v tls_client '$WORK/fleet-tls.toml' >'$WORK/fleet-nocert.toml'
    '$BIN/anycast-dash' snapshot --fleet '$WORK/fleet-nocert.toml' --samples 1 | tee /dev/stderr | grep -q 'requires a client certificate'"
summary "bird-agent"
