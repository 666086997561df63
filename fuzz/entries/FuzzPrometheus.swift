#if !FUZZ_SOURCES_COMPILED_IN
import AnycastAgent
#endif

/// Fuzz target prometheus: the Prometheus text parser (what a DNS server's /metrics sends),
/// strict and lenient. Returns the strict parse, or nil when it refuses the text.
@discardableResult
func fuzzPrometheus(_ bytes: [UInt8]) -> PrometheusExposition? {
    let text = String(decoding: bytes, as: UTF8.self)
    _ = PrometheusTextParser.parseLenient(text)
    return try? PrometheusTextParser.parse(text)
}
