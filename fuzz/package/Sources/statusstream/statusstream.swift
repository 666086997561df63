// libFuzzer's entry point. The target's body is fuzzStatusStream in FuzzStatusStream.swift (a link
// to fuzz/entries), which StatusStreamFuzzRegressionTests replays too. A broken promise traps, so
// libFuzzer keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do { try fuzzStatusStream(Array(UnsafeBufferPointer(start: data, count: size))) } catch { fatalError("\(error)") }
    return 0
}
