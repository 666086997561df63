// libFuzzer's entry point. The target's body is fuzzBird (fuzz/entries/FuzzBird.swift, listed in
// bird.files), which FuzzRegressionTests replays too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzBird(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
