// libFuzzer's entry point. The target's body is fuzzStats (fuzz/entries/FuzzStats.swift, listed in
// stats.files), which FuzzRegressionTests replays too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzStats(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
