import Foundation

// Fuzz target: BIRD's control-socket replies, read from raw bytes (in two pieces, as a socket
// may deliver them), then every reply through the `show protocols` and `show route` parsers.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBird(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    var reader = BirdReplyReader()
    let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
    var replies: [BirdReply] = []
    do {
        replies += try reader.feed(bytes[..<split])
        replies += try reader.feed(bytes[split...])
    } catch {
        return 0
    }
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    for reply in replies {
        _ = try? BirdProtocolParser.parse(reply, now: now)
        _ = try? BirdRouteParser.parse(reply, now: now)
    }
    return 0
}
