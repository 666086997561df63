# Sourced by the benchmark scripts: their one way to build.

# bench_swift_build ARGS... : swift build ARGS, once more if the first stops making progress
# (SwiftPM 6.3's build engine was seen here waiting forever with no compiler running).
bench_swift_build() {
    local status=0
    timeout 900 swift build "$@" >/dev/null || status=$?
    if [ "$status" = 124 ]; then
        echo "swift build $* made no progress in 15 min; once more" >&2
        status=0
        timeout 900 swift build "$@" >/dev/null || status=$?
    fi
    return "$status"
}
