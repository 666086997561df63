// Fuzz target: the DNS message decoder (what the probe reads back from the server).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDNS(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    _ = try? DNSMessage(decoding: Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}
