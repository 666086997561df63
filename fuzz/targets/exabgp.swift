// libFuzzer's entry point. The target's body is fuzzExaBGP (fuzz/entries/FuzzExaBGP.swift, listed
// in exabgp.files), which FuzzRegressionTests replays too. A broken promise traps, so libFuzzer
// keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do { try fuzzExaBGP(Array(UnsafeBufferPointer(start: data, count: size))) } catch { fatalError("\(error)") }
    return 0
}
