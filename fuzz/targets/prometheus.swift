// Fuzz target: the Prometheus text parser (what a DNS server's /metrics sends).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPrometheus(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    _ = try? PrometheusTextParser.parse(text)
    _ = PrometheusTextParser.parseLenient(text)
    return 0
}
