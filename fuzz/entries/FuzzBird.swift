#if !FUZZ_SOURCES_COMPILED_IN
import AnycastAgent
#endif
import Foundation

/// Fuzz target bird: BIRD's control-socket replies, read from raw bytes in two pieces (as a
/// socket may deliver them; byte 0 picks the split), then every reply through the
/// `show protocols` and `show route` parsers. Returns the replies read (none when the reader
/// refuses the bytes). Shared by the libFuzzer entry point (fuzz/targets/bird.swift, this
/// file compiled with the agent's sources) and FuzzRegressionTests (AnycastAgent as a module).
@discardableResult
func fuzzBird(_ bytes: [UInt8]) -> [BirdReply] {
    var reader = BirdReplyReader()
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var replies: [BirdReply] = []
    do {
        replies += try reader.feed(bytes[..<split])
        replies += try reader.feed(bytes[split...])
    } catch {
        return []
    }
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    for reply in replies {
        _ = try? BirdProtocolParser.parse(reply, now: now)
        _ = try? BirdRouteParser.parse(reply, now: now)
    }
    return replies
}
