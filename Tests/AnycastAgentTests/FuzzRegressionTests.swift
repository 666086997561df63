import AnycastAgent
import Foundation
import Testing

/// Replays the fuzzers' seed corpora and every input a fuzzer ever crashed on
/// (`fuzz/regressions/TARGET/`, added by `scripts/fuzz/run.sh`) through the same parsers, so a
/// crash once found stays fixed. Each input must be answered (parsed or refused), never trap.
@Suite struct FuzzRegressionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    static func inputs(_ target: String) throws -> [(String, [UInt8])] {
        var all: [(String, [UInt8])] = []
        for folder in ["fuzz/corpus/\(target)", "fuzz/regressions/\(target)"] {
            let dir = root.appendingPathComponent(folder)
            let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
            for name in names.sorted() where !name.hasPrefix(".") {
                all.append(("\(folder)/\(name)", Array(try Data(contentsOf: dir.appendingPathComponent(name)))))
            }
        }
        return all
    }

    @Test func corporaAreThere() throws {
        for target in ["prometheus", "bird", "stats", "dns"] {
            #expect(try !Self.inputs(target).isEmpty, "\(target) has seeds")
        }
    }

    @Test func prometheus() throws {
        for (_, bytes) in try Self.inputs("prometheus") {
            let text = String(decoding: bytes, as: UTF8.self)
            _ = try? PrometheusTextParser.parse(text)
            _ = PrometheusTextParser.parseLenient(text)
        }
        let seed = try #require(try Self.inputs("prometheus").first { $0.0.hasSuffix("dnsdist-metrics-1.txt") })
        #expect(try !PrometheusTextParser.parse(String(decoding: seed.1, as: UTF8.self)).samples.isEmpty, "a seed parses")
    }

    @Test func bird() throws {
        var parsed = 0
        for (_, bytes) in try Self.inputs("bird") {
            var reader = BirdReplyReader()
            let split = bytes.isEmpty ? 0 : Int(bytes[0]) % (bytes.count + 1)
            guard let replies = try? reader.feed(bytes[..<split]) + reader.feed(bytes[split...]) else { continue }
            parsed += replies.count
            for reply in replies {
                _ = try? BirdProtocolParser.parse(reply, now: Date())
                _ = try? BirdRouteParser.parse(reply, now: Date())
            }
        }
        #expect(parsed > 0, "the seeds are replies the reader takes")
    }

    @Test func stats() throws {
        for (_, bytes) in try Self.inputs("stats") { _ = StatsText(parsing: bytes).integer("total.num.queries") }
    }

    @Test func dns() throws {
        var decoded = 0
        for (_, bytes) in try Self.inputs("dns") where (try? DNSMessage(decoding: bytes)) != nil { decoded += 1 }
        #expect(decoded >= 3, "the seeds are messages the decoder takes")
    }
}
