@testable import AnycastPoller
import Testing

/// Replays the status stream fuzzer's seed corpus and every input it ever crashed on
/// (`fuzz/corpus/statusstream`, `fuzz/regressions/statusstream`) through the target's body,
/// fuzzStatusStream, the very function its libFuzzer entry point calls (fuzz/entries, linked
/// into FuzzEntries/): never a trap, and the same events read whole and in two pieces. (Here,
/// not in FuzzRegressionTests: the parser is internal to AnycastPoller.)
@Suite struct StatusStreamFuzzRegressionTests {
    @Test func corpusAndRegressions() throws {
        #expect(try !FuzzInput.all("statusstream").isEmpty, "statusstream has seeds")
        let read = try FuzzInput.replay("statusstream", through: fuzzStatusStream)
        let stream = try #require(read["fuzz/corpus/statusstream/stream-200-three-lines-ended.bin"] ?? nil, "a seed is read")
        #expect(stream.count == 4 && stream.last == .ended)
        #expect(read["fuzz/corpus/statusstream/refused-401-content-length.bin"]??.first.map {
            if case .refused(status: 401, _) = $0 { true } else { false }
        } == true)
        let overLimit = read["fuzz/corpus/statusstream/broken-line-over-limit.bin"]
        #expect(overLimit != nil && overLimit! == nil, "refused")
    }
}
