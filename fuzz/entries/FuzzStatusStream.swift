#if !FUZZ_SOURCES_COMPILED_IN
@testable import AnycastPoller
#endif
import NIOCore

/// Fuzz target statusstream: the dashboard's reader of `GET /v1/status/stream` answers
/// (StatusStreamParser), fed the bytes whole and in two pieces split at a point the input
/// chooses, then the close. Byte 0 picks the split, byte 1 the line limit; the rest is the
/// answer. Never traps; every line is within the limit and holds no newline; and when both
/// ways read the answer without a failure they give the same events (the parser promises:
/// read whole or in pieces, the same events). Returns the events read whole, or nil when the
/// parser refuses the answer (or the input is too short to be one). Shared by the libFuzzer
/// entry point (fuzz/package, the parser's source compiled in) and
/// StatusStreamFuzzRegressionTests (AnycastPoller as a module: the parser is internal to it).
@discardableResult
func fuzzStatusStream(_ bytes: [UInt8]) throws(FuzzFailure) -> [StatusStreamParser.Event]? {
    guard bytes.count >= 2 else { return nil }
    let answer = bytes[2...]
    let maxLine = [64, 1024, 4 * 1024 * 1024][Int(bytes[1]) % 3]
    let split = answer.startIndex + Int(bytes[0]) % (answer.count + 1)
    let whole = try readStatusStream([answer], maxLine: maxLine)
    let pieces = try readStatusStream([answer[..<split], answer[split...]], maxLine: maxLine)
    if let whole, let pieces, whole != pieces {
        throw FuzzFailure(description: "read whole: \(whole); in two pieces at \(split - answer.startIndex): \(pieces)")
    }
    return whole
}

/// The events of `pieces` fed in turn then closed; nil when the parser refuses the answer.
private func readStatusStream(_ pieces: [ArraySlice<UInt8>], maxLine: Int) throws(FuzzFailure) -> [StatusStreamParser.Event]? {
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
        if line.readableBytes > maxLine { throw FuzzFailure(description: "a line of \(line.readableBytes) bytes, over the limit of \(maxLine)") }
        if line.readableBytesView.contains(10) { throw FuzzFailure(description: "a line holding a newline") }
    }
    return events
}
