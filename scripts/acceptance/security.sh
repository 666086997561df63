#!/usr/bin/env bash
# Transport security and token hygiene against the real binaries (issue 8, item 4): the agent
# serving https with mutual TLS (certificates made here with openssl), what curl and the
# dashboard see for each mistake (no client certificate, a rogue CA, no CA, plain HTTP), TLS
# and token files checked at load with file:line, drains rate-limited per token, request
# bodies capped, and a slow request cut off (slowloris). No root needed: all on loopback.
set -uo pipefail
source "$(dirname "$0")/lib.sh"
for tool in openssl curl python3; do command -v $tool >/dev/null || { echo "$tool is missing"; exit 1; }; done

P=$WORK/pki
make_test_pki "$P" || { cat "$P/openssl.log"; echo "openssl could not make the test PKI"; exit 1; }

BASE=$(free_port_range 2)
"$BIN/anycast-agent" simulate --sites 2 --base-port "$BASE" --log-level warning \
    --tls-certificate "$P/agent.pem" --tls-key "$P/agent.key" --tls-client-ca "$P/ca.pem" \
    --fleet-out "$WORK/simulated.toml" >"$WORK/simulate.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/simulated.toml" 60 || { cat "$WORK/simulate.log"; echo "simulate did not start"; exit 1; }
URL=https://127.0.0.1:$BASE
MTLS=(--cacert "$P/ca.pem" --cert "$P/dash.pem" --key "$P/dash.key")
code() { curl -s --max-time 5 -o "$WORK/body" -w '%{http_code}' "$@"; }

# Slowloris, in the background while the rest runs: half a request over TLS, then nothing.
python3 - "$BASE" "$P" >"$WORK/slow.out" 2>&1 <<'PY' &
import socket, ssl, sys, time
port, pki = int(sys.argv[1]), sys.argv[2]
ctx = ssl.create_default_context(cafile=f"{pki}/ca.pem")
ctx.load_cert_chain(f"{pki}/dash.pem", f"{pki}/dash.key")
s = ctx.wrap_socket(socket.create_connection(("127.0.0.1", port)), server_hostname="127.0.0.1")
s.sendall(b"GET /v1/status HTTP/1.1\r\nHost: x\r\n")   # the rest never comes
start = time.monotonic(); s.settimeout(60)
try:
    while s.recv(4096): pass
except (ssl.SSLError, OSError): pass
print(f"closed after {time.monotonic() - start:.1f} s")
PY
SLOW=$!

check "https + the fleet CA + a client certificate → 200" bash -c "[ \$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' ${MTLS[*]} -H 'Authorization: Bearer demo-read' $URL/v1/status) = 200 ]"
check "mutual TLS: no client certificate → refused in the handshake" bash -c "
    ! curl -s --max-time 5 --cacert '$P/ca.pem' -H 'Authorization: Bearer demo-read' $URL/v1/status -o /dev/null"
check "mutual TLS: a certificate from another CA → refused in the handshake" bash -c "
    ! curl -s --max-time 5 --cacert '$P/ca.pem' --cert '$P/rogue.pem' --key '$P/rogue.key' -H 'Authorization: Bearer demo-read' $URL/v1/status -o /dev/null"
check "without the fleet CA the agent's certificate is not trusted (curl exit 60)" bash -c "
    curl -s --max-time 5 --cert '$P/dash.pem' --key '$P/dash.key' $URL/v1/status -o /dev/null; [ \$? = 60 ]"
check "plain HTTP to the https agent → 400 with a JSON error saying to use https" bash -c "
    [ \$(curl -s --max-time 5 -o '$WORK/plain' -w '%{http_code}' http://127.0.0.1:$BASE/v1/status) = 400 ] &&
    python3 -c 'import json; b=json.load(open(\"$WORK/plain\")); assert b[\"error\"]==\"tls_required\" and \"https\" in b[\"message\"], b'"
check "a client certificate does not replace the token: none → 401" bash -c "[ \$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' ${MTLS[*]} $URL/v1/status) = 401 ]"

# The dashboard over https: the fleet's CA file and its client certificate.
fleet() {  # fleet FILE [EXTRA [ext]]: the simulated fleet config with [fleet] lines added
    python3 - "$WORK/simulated.toml" "$1" "${2:-}" <<'PY'
import sys
src, out, extra = sys.argv[1], sys.argv[2], sys.argv[3].replace("\\n", "\n")
text = open(src).read().replace("[fleet]\n", "[fleet]\n" + extra, 1)
open(out, "w").write(text)
PY
}
fleet "$WORK/mtls.toml" "tls_ca_file = \"$P/ca.pem\"\ntls_client_certificate = \"$P/dash.pem\"\ntls_client_key = \"$P/dash.key\"\n"
check "dashboard with the CA and a client certificate: both sites ACTIVE" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/mtls.toml' --samples 2 | tee '$WORK/snap1' | grep -q 'active 2'"
fleet "$WORK/nocert.toml" "tls_ca_file = \"$P/ca.pem\"\n"
check "dashboard without a client certificate: each site says the agent requires one" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/nocert.toml' --samples 1 >'$WORK/snap2'; cat '$WORK/snap2';
    [ \$(grep -c 'the agent requires a client certificate' '$WORK/snap2') = 2 ]"
fleet "$WORK/noca.toml" "tls_client_certificate = \"$P/dash.pem\"\ntls_client_key = \"$P/dash.key\"\n"
check "dashboard without the CA file: each site says the certificate is not trusted" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/noca.toml' --samples 1 >'$WORK/snap3'; cat '$WORK/snap3';
    [ \$(grep -c \"the agent's certificate is not trusted\" '$WORK/snap3') = 2 ]"
sed 's#https://#http://#; /^tls = true$/d' "$WORK/mtls.toml" >"$WORK/plain.toml"
check "dashboard with an http:// URL: each site is told to use https" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/plain.toml' --samples 1 >'$WORK/snap4'; cat '$WORK/snap4';
    [ \$(grep -c 'tls_required: this agent serves https only' '$WORK/snap4') = 2 ]"

# Files checked at load, with file:line: the config is refused and nothing is polled.
sed 's#https://#http://#' "$WORK/mtls.toml" >"$WORK/tls-http.toml"
check "fleet: tls = true with an http:// url → exit 2, file:line" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/tls-http.toml' --samples 1 2>'$WORK/e1'; [ \$? = 2 ] &&
    grep -Eq 'tls-http.toml:[0-9]+: site .ams1. is marked tls = true, so its url must be https://' '$WORK/e1'"
cp "$P/dash.key" "$WORK/open.key"; chmod 644 "$WORK/open.key"
fleet "$WORK/openkey.toml" "tls_ca_file = \"$P/ca.pem\"\ntls_client_certificate = \"$P/dash.pem\"\ntls_client_key = \"$WORK/open.key\"\n"
check "fleet: a client key others can read → exit 2, file:line, chmod 600" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/openkey.toml' --samples 1 2>'$WORK/e2'; [ \$? = 2 ] && cat '$WORK/e2' &&
    grep -q 'openkey.toml:4: client key file $WORK/open.key is accessible by others (mode 644); it must be readable by its owner only: chmod 600 $WORK/open.key' '$WORK/e2'"
echo demo-operate >"$WORK/ams1.token"; chmod 640 "$WORK/ams1.token"
sed 's#^token = "demo-operate"#token_file = "'"$WORK"'/ams1.token"#' "$WORK/mtls.toml" >"$WORK/opentoken.toml"
check "fleet: a token file others can read → exit 2, file:line, chmod 600" bash -c "
    '$BIN/anycast-dash' snapshot --fleet '$WORK/opentoken.toml' --samples 1 2>'$WORK/e3'; [ \$? = 2 ] && cat '$WORK/e3' &&
    grep -Eq 'opentoken.toml:[0-9]+: .*token file $WORK/ams1.token is accessible by others \\(mode 640\\).*chmod 600' '$WORK/e3'"

# The real agent (`run`) with TLS; BIRD is not there, which it shows as data.
AGENT_PORT=$(free_port_range 1)
SITE_CTL=$WORK/no-bird.ctl
mkdir -p "$WORK/state"
bird_site_agent_config "$WORK/agent.toml" "$AGENT_PORT" "$WORK/state" 10s \
    "tls_certificate = \"$P/agent.pem\"
tls_key = \"$P/agent.key\"
tls_client_ca = \"$P/ca.pem\""
check "agent check-config accepts the TLS files" "$BIN/anycast-agent" check-config "$WORK/agent.toml"
sed "s#$P/agent.key#$WORK/open.key#" "$WORK/agent.toml" >"$WORK/agent-openkey.toml"
check "agent: a TLS key others can read → exit 2, file:line, chmod 600" bash -c "
    '$BIN/anycast-agent' check-config '$WORK/agent-openkey.toml' 2>'$WORK/e4'; [ \$? = 2 ] && cat '$WORK/e4' &&
    grep -q 'agent-openkey.toml:9: TLS key file $WORK/open.key is accessible by others (mode 644); it must be readable by its owner only: chmod 600 $WORK/open.key' '$WORK/e4'"
sed "s#tls_certificate = \"$P/agent.pem\"#tls_certificate = \"$P/agent.key\"#; s#tls_key = \"$P/agent.key\"#tls_key = \"$P/agent.pem\"#" "$WORK/agent.toml" >"$WORK/agent-swapped.toml"
check "agent: certificate and key the wrong way round → exit 2, file:line, says so" bash -c "
    '$BIN/anycast-agent' check-config '$WORK/agent-swapped.toml' 2>'$WORK/e5'; [ \$? = 2 ] && cat '$WORK/e5' &&
    grep -q 'agent-swapped.toml:8: .*wrong way round' '$WORK/e5'"
sed "s#$P/agent.key#$P/dash.key#" "$WORK/agent.toml" >"$WORK/agent-mismatch.toml"
check "agent run: a key that is not the certificate's → exit 2 with both files named" bash -c "
    timeout 10 '$BIN/anycast-agent' run --config '$WORK/agent-mismatch.toml' 2>'$WORK/e6'; [ \$? = 2 ] && cat '$WORK/e6' &&
    grep -q 'the TLS key file $P/dash.key cannot be used with the certificate $P/agent.pem' '$WORK/e6'"
"$BIN/anycast-agent" run --config "$WORK/agent.toml" >"$WORK/agent.log" 2>&1 &
CLEANUP+=($!)
AGENT=https://127.0.0.1:$AGENT_PORT
check "agent run serves https with mutual TLS (BIRD's absence shown as data)" wait_until 20 bash -c "
    curl -s --max-time 2 ${MTLS[*]} -H 'Authorization: Bearer read-secret' $AGENT/v1/status -o '$WORK/st' &&
    python3 -c 'import json; s=json.load(open(\"$WORK/st\")); assert s[\"site\"][\"id\"]==\"s1\" and s[\"errors\"], s[\"errors\"]'"
check "agent run logs that it listens with client certificates required" grep -q 'scheme=https (client certificates required)' "$WORK/agent.log"
check "agent run: plain HTTP → 400 tls_required" bash -c "[ \$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1:$AGENT_PORT/v1/status) = 400 ]"

# Drains and undrains are rate-limited per token: a burst of 30 (the default), then 429.
AMS=$URL
limit_out=$WORK/limit
: >"$limit_out"
for i in $(seq 1 31); do
    if [ $((i % 2)) = 1 ]; then path=drain; body='{"reason":"CHG-8 rate test","operator":"acceptance"}'; else path=undrain; body='{"reason":"CHG-8 rate test","operator":"acceptance"}'; fi
    curl -s --max-time 5 -o /dev/null -D "$WORK/h$i" -w '%{http_code}\n' "${MTLS[@]}" -H 'Authorization: Bearer demo-operate' -d "$body" "$AMS/v1/$path" >>"$limit_out"
done
check "30 drains and undrains from one token are taken" bash -c "[ \$(head -30 '$limit_out' | grep -c '^200$') = 30 ]"
check "the 31st within the minute → 429 with Retry-After" bash -c "
    [ \$(sed -n 31p '$limit_out') = 429 ] && grep -Eiq '^retry-after: [0-9]+' '$WORK/h31'"
check "another token is not held back by it (read token: 403, not 429)" bash -c "
    [ \$(curl -s --max-time 5 -o /dev/null -w '%{http_code}' ${MTLS[*]} -H 'Authorization: Bearer demo-read' -d '{\"reason\":\"x\",\"operator\":\"t\"}' $AMS/v1/drain) = 403 ]"

# Request bodies are capped (64 KiB): a 100 KiB body → 413 with a JSON error.
python3 -c 'print("{\"reason\":\"" + "x" * 100000 + "\",\"operator\":\"t\"}")' >"$WORK/big.json"
check "a 100 KiB request body → 413 with a JSON error" bash -c "
    [ \$(curl -s --max-time 5 -o '$WORK/b413' -w '%{http_code}' ${MTLS[*]} -H 'Authorization: Bearer demo-operate' --data-binary @'$WORK/big.json' $URL/v1/drain) = 413 ] &&
    grep -q payload_too_large '$WORK/b413'"

# The slow request: the agent closes it 30 s after it began (not before, not never).
wait "$SLOW"
check "slowloris: half a request is cut off after 30 s" bash -c "cat '$WORK/slow.out'; grep -Eq 'closed after (29|3[0-2])\\.[0-9] s' '$WORK/slow.out'"

summary security
