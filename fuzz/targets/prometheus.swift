// libFuzzer's entry point. The target's body is fuzzPrometheus (fuzz/entries/FuzzPrometheus.swift,
// listed in prometheus.files), which FuzzRegressionTests replays too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzPrometheus(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
