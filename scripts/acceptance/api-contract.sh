#!/usr/bin/env bash
# The agent's API against its contract, docs/agent-api.yaml, on a real `anycast-agent simulate`
# process: schemathesis (property-based tests generated from the OpenAPI document, from PyPI,
# pinned) runs every operation but the endless `GET /v1/status/stream` with every check (status
# codes, content types, headers, response schemas, invalid input refused and valid input taken,
# methods a path lacks answered 405, requests without a token refused): the GET operations with
# the read token, drain and undrain with the operate token. Any failure or warning it reports
# fails the script. The stream gets its own check: the lines of a live stream against the schema
# the document gives for a line. And --fleet-out, which holds the tokens, is owner-only.
set -uo pipefail
source "$(dirname "$0")/lib.sh"

SPEC=$ROOT/docs/agent-api.yaml
SCHEMATHESIS_VERSION=4.32.5
# A fixed seed: the same requests every run, so a failure is not luck; API_CONTRACT_SEED
# explores others.
SEED=${API_CONTRACT_SEED:-20261202}
EXAMPLES=${API_CONTRACT_EXAMPLES:-60}

# schemathesis in its own virtualenv, kept between runs (one per version).
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/anycast-dash
VENV=$CACHE/schemathesis-$SCHEMATHESIS_VERSION
if ! "$VENV/bin/schemathesis" --version 2>/dev/null | grep -F "$SCHEMATHESIS_VERSION" >/dev/null; then
    rm -rf "$VENV"
    mkdir -p "$CACHE"
    if ! { python3 -m venv "$VENV" &&
           "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"; } >"$WORK/pip.log" 2>&1; then
        echo "FAIL - cannot install schemathesis $SCHEMATHESIS_VERSION into $VENV (needs python3-venv and PyPI):"
        tail -20 "$WORK/pip.log" | sed 's/^/       /'
        rm -rf "$VENV"
        FAILED=1; summary api-contract; exit 1
    fi
fi
ST=$VENV/bin/schemathesis
PY=$VENV/bin/python

READ=contract-read
OPERATE=contract-operate
PORT=$(free_port_range 1)
URL=http://127.0.0.1:$PORT
"$BIN/anycast-agent" simulate --sites 1 --base-port "$PORT" --seed 11 --log-level warning \
    --read-token "$READ" --operate-token "$OPERATE" --fleet-out "$WORK/fleet.toml" >"$WORK/simulate.log" 2>&1 &
CLEANUP+=($!)
wait_for_file "$WORK/fleet.toml" 60 || { cat "$WORK/simulate.log"; echo "simulate did not start"; exit 1; }

check "--fleet-out writes the tokens into a file only its owner can read (mode 600)" \
    test "$(stat -c %a "$WORK/fleet.toml")" = 600

# The stream: every line is one StatusUpdate as the document's stream schema describes it. A
# drain during the stream moves the revision on, so a later line carries the whole status too.
check "GET /v1/status/stream: each line valid against the document's schema for a line" \
    "$PY" - "$SPEC" "$URL" "$READ" "$OPERATE" <<'PY'
import json, sys, threading, time, urllib.request
import jsonschema_rs, yaml

spec_path, url, read, operate = sys.argv[1:]
spec = yaml.safe_load(open(spec_path))
line_schema = spec["paths"]["/v1/status/stream"]["get"]["responses"]["200"]["content"]["application/x-ndjson"]["schema"]
# The line's schema, its references resolved against the whole document.
root = dict(spec, **{"$schema": "https://json-schema.org/draft/2020-12/schema"})
root.pop("$ref", None)
validator = jsonschema_rs.Draft202012Validator({**root, **line_schema}, validate_formats=True)

def problems(value):
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message}" for e in validator.iter_errors(value)]

# The validator must be able to say no (a schema that resolved to nothing would pass anything).
assert problems({"revision": 1, "now": "soon"}), "the validator accepts a broken line"

request = urllib.request.Request(url + "/v1/status/stream?history=5", headers={"Authorization": "Bearer " + read})
stream = urllib.request.urlopen(request, timeout=10)
assert stream.headers["Content-Type"] == "application/x-ndjson", stream.headers["Content-Type"]

drained = []
def drain():
    time.sleep(1.5)
    body = json.dumps({"reason": "api-contract: a revision change", "operator": "acceptance"}).encode()
    answer = urllib.request.urlopen(urllib.request.Request(url + "/v1/drain", data=body, method="POST",
                                    headers={"Authorization": "Bearer " + operate, "Content-Type": "application/json"}), timeout=10)
    drained.append(answer.status)
threading.Thread(target=drain, daemon=True).start()

lines, with_status, revisions = 0, 0, set()
deadline = time.monotonic() + 20
while (lines < 6 or with_status < 2) and time.monotonic() < deadline:
    raw = stream.readline()
    assert raw.endswith(b"\n"), f"line {lines + 1} does not end in a newline: {raw[:200]!r}"
    line = json.loads(raw)
    found = problems(line)
    assert not found, f"line {lines + 1}: " + "; ".join(found[:10])
    lines += 1
    with_status += "status" in line
    revisions.add(line["revision"])
    if lines == 1:
        assert "status" in line, "the first line carries the whole status"
        assert line["status"]["services"][0]["desired"] == "announce", "a fresh agent, not drained yet"
print(f"{lines} lines valid, {with_status} with the whole status, {len(revisions)} revisions")
assert drained == [200], f"the drain was not answered 200: {drained}"
assert lines >= 6 and with_status >= 2 and len(revisions) >= 2, "the drain's revision never reached the stream"
PY

# Warnings (e.g. an operation that answered only 401, or only errors) fail the run too.
# Every warning fails the run except missing_test_data: POST /v1/extend rightly answers 404 to
# the random service names generated and 409 while nothing is drained, and whether a drain
# happened before it depends on the order the operations run in.
printf '[warnings]\nfail-on = ["missing_auth", "base_url_mismatch", "validation_mismatch", "missing_deserializer", "unused_openapi_auth", "unsupported_regex", "method_not_allowed", "unmatched_filter", "unresolvable_reference"]\n' >"$WORK/schemathesis.toml"

# schemathesis NAME TOKEN FILTER...: one run over the operations FILTER selects; its summary is
# the check's output.
schemathesis() {
    local name=$1 token=$2; shift 2
    # From $WORK: schemathesis keeps its replay files in the current directory.
    (cd "$WORK" && "$ST" --config-file "$WORK/schemathesis.toml" --no-color run "$SPEC" --url "$URL" \
        --header "Authorization: Bearer $token" --checks all --exclude-path /v1/status/stream "$@" \
        --max-examples "$EXAMPLES" --seed "$SEED" --request-timeout 10 --workers 1 \
        --report-dir "$WORK/schemathesis-report") >"$WORK/st-$name.log" 2>&1
    local status=$?
    sed -n '/^=* SUMMARY =*$/,$p' "$WORK/st-$name.log"
    return $status
}
# failures NAME: what run NAME found, in full, when it found something.
failures() {
    grep -q '^=* FAILURES =*$' "$WORK/st-$1.log" || grep -q '^=* WARNINGS =*$' "$WORK/st-$1.log" || return 0
    sed -n '/^=* \(FAILURES\|WARNINGS\) =*$/,/^=* SUMMARY =*$/p' "$WORK/st-$1.log" | head -200 | sed 's/^/       /'
}

check "schemathesis --checks all: the GET operations with the read token (seed $SEED)" \
    schemathesis read "$READ" --include-method GET
failures read
check "schemathesis --checks all: drain and undrain with the operate token (seed $SEED)" \
    schemathesis operate "$OPERATE" --include-method POST
failures operate

summary "api-contract"
