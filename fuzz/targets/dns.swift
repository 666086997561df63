// libFuzzer's entry point. The target's body is fuzzDNS (fuzz/entries/FuzzDNS.swift, listed in
// dns.files), which FuzzRegressionTests replays too.
@_cdecl("LLVMFuzzerTestOneInput")
public func testOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    fuzzDNS(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
