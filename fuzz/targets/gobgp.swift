// libFuzzer's entry point. The target's body is fuzzGoBGP (fuzz/entries/FuzzGoBGP.swift, listed
// in gobgp.files), which FuzzRegressionTests replays too. A broken promise traps, so libFuzzer
// keeps the input.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do { try fuzzGoBGP(Array(UnsafeBufferPointer(start: data, count: size))) } catch { fatalError("\(error)") }
    return 0
}
