#if !FUZZ_SOURCES_COMPILED_IN
import AnycastAgent
#endif

/// Fuzz target dns: the DNS message decoder (what the probe reads back from the server).
/// Returns the message, or nil when the decoder refuses the bytes.
@discardableResult
func fuzzDNS(_ bytes: [UInt8]) -> DNSMessage? {
    try? DNSMessage(decoding: bytes)
}
