import NIOCore

// Fuzz target: the dashboard's reader of `GET /v1/status/stream` answers (StatusStreamParser,
// compiled in from Sources/AnycastPoller through a symlink), fed the bytes whole and in two
// pieces split at a point the input chooses, then the close. Byte 0 picks the split, byte 1
// the line limit; the rest is the answer. Never traps; every line is within the limit and
// holds no newline; and when both ways read the answer without a failure they give the same
// events (the parser promises: read whole or in pieces, the same events).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzStatusStream(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    guard size >= 2 else { return 0 }
    let all = UnsafeBufferPointer(start: data, count: size)
    let answer = all[2...]
    let maxLine = [64, 1024, 4 * 1024 * 1024][Int(all[1]) % 3]
    let split = answer.startIndex + Int(all[0]) % (answer.count + 1)
    let whole = StatusStreamFuzz.read([answer[...]], maxLine: maxLine)
    let pieces = StatusStreamFuzz.read([answer[..<split], answer[split...]], maxLine: maxLine)
    if let whole, let pieces, whole != pieces {
        fatalError("read whole: \(whole); in two pieces at \(split - answer.startIndex): \(pieces)")
    }
    return 0
}

enum StatusStreamFuzz {
    /// The events of `pieces` fed in turn then closed; nil when the parser refuses the answer.
    static func read(_ pieces: [Slice<UnsafeBufferPointer<UInt8>>], maxLine: Int) -> [StatusStreamParser.Event]? {
        var parser = StatusStreamParser(maxLineBytes: maxLine)
        var events: [StatusStreamParser.Event] = []
        do {
            for piece in pieces {
                var buffer = ByteBuffer(bytes: piece)
                try parser.feed(&buffer) { events.append($0) }
            }
            events += try parser.closed()
        } catch {
            return nil
        }
        for case .line(let line) in events {
            if line.readableBytes > maxLine { fatalError("a line of \(line.readableBytes) bytes, over the limit of \(maxLine)") }
            if line.readableBytesView.contains(10) { fatalError("a line holding a newline") }
        }
        return events
    }
}
