@testable import AnycastPoller
import Foundation
import NIOCore
import Testing

/// Replays the status stream fuzzer's seed corpus and every input it ever crashed on
/// (`fuzz/corpus/statusstream`, `fuzz/regressions/statusstream`) as its entry point
/// (fuzz/package/Sources/statusstream) does: byte 0 picks a split point, byte 1 the line limit,
/// the rest is the answer, read whole and in two pieces; never a trap, and when both ways read
/// it without a failure, the same events. (Here, not in FuzzRegressionTests: the parser is
/// internal to AnycastPoller.)
@Suite struct StatusStreamFuzzRegressionTests {
    typealias Event = StatusStreamParser.Event
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func inputs() throws -> [(String, [UInt8])] {
        var all: [(String, [UInt8])] = []
        for folder in ["fuzz/corpus/statusstream", "fuzz/regressions/statusstream"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                all.append(("\(folder)/\(name)", Array(try Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return all
    }

    /// The events of `pieces` fed in turn, then the close; nil when the parser refuses the answer.
    static func read(_ pieces: [ArraySlice<UInt8>], maxLine: Int) -> [Event]? {
        var parser = StatusStreamParser(maxLineBytes: maxLine)
        var events: [Event] = []
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
            #expect(line.readableBytes <= maxLine && !line.readableBytesView.contains(10))
        }
        return events
    }

    @Test func corpusAndRegressions() throws {
        var read: [String: [Event]] = [:]
        let inputs = try Self.inputs()
        #expect(!inputs.isEmpty, "statusstream has seeds")
        for (name, bytes) in inputs where bytes.count >= 2 {
            let answer = bytes[2...]
            let maxLine = [64, 1024, 4 * 1024 * 1024][Int(bytes[1]) % 3]
            let split = answer.startIndex + Int(bytes[0]) % (answer.count + 1)
            let whole = Self.read([answer], maxLine: maxLine)
            let pieces = Self.read([answer[..<split], answer[split...]], maxLine: maxLine)
            if let whole, let pieces { #expect(whole == pieces, "\(name)") }
            read[name] = whole
        }
        let stream = try #require(read["fuzz/corpus/statusstream/stream-200-three-lines-ended.bin"], "a seed is read")
        #expect(stream.count == 4 && stream.last == .ended)
        #expect(read["fuzz/corpus/statusstream/refused-401-content-length.bin"]?.first.map {
            if case .refused(status: 401, _) = $0 { true } else { false }
        } == true)
        #expect(read["fuzz/corpus/statusstream/broken-line-over-limit.bin"] == nil)
    }
}
