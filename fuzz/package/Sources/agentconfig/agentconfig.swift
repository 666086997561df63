// libFuzzer's entry point. The target's body is fuzzAgentConfig in FuzzAgentConfig.swift (a link to
// fuzz/entries), which FuzzRegressionTests replays too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzAgentConfig(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
