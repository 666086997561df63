import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// Replays the fuzzers' seed corpora and every input a fuzzer ever crashed on
/// (`fuzz/regressions/TARGET/`, added by `scripts/fuzz/run.sh`) through the same parsers, so a
/// crash once found stays fixed. Each input must be answered (parsed or refused), never trap.
/// The targets of the SwiftPM fuzz package (fuzz/package/Sources/NAME) are replayed here as
/// their entry points do it, except statusstream (StatusStreamFuzzRegressionTests, in
/// AnycastPollerTests, which can see the parser).
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
        for target in ["prometheus", "bird", "stats", "dns", "fleetconfig", "agentconfig", "apirequest", "statusupdate"] {
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
    // The config loaders, as fuzz/package/Sources/{fleetconfig,agentconfig} call them: files
    // named relatively are looked for in a folder that does not exist, a fixed environment.
    static let configBase = "/nonexistent/anycast-fuzz"

    @Test func fleetConfig() throws {
        let environment = ["FRA1_TOKEN": "fra1-secret", "READ_TOKEN": "read-secret", "EMPTY": ""]
        var loaded: [String: FleetConfig] = [:]
        var refused: [String: ConfigError] = [:]
        for (name, bytes) in try Self.inputs("fleetconfig") {
            do {
                loaded[name] = try FleetConfigLoader.parse(
                    source: String(decoding: bytes, as: UTF8.self), file: "fleet.toml", baseDirectory: Self.configBase, environment: environment)
            } catch {
                refused[name] = error
            }
        }
        let good = try #require(loaded["fuzz/corpus/fleetconfig/fleet-env-and-inline-tokens.toml"], "a seed loads")
        #expect(good.sites.map(\.id) == ["ams1", "fra1", "iad1"])
        #expect(good.sites[1].token == "fra1-secret")
        let tokenFile = try #require(refused["fuzz/corpus/fleetconfig/fleet-valid-token-file.toml"], "its token file is not there")
        #expect(tokenFile.line == 20 && tokenFile.message.contains("/nonexistent/anycast-fuzz/ams1.token"), "\(tokenFile)")
    }

    @Test func agentConfig() throws {
        let environment = ["ANYCAST_AGENT_OPERATE_TOKEN": "operate-secret", "READ_TOKEN": "read-secret", "EMPTY": ""]
        var loaded: [String: AgentConfig] = [:]
        for (name, bytes) in try Self.inputs("agentconfig") {
            guard let config = try? AgentConfigLoader.parse(
                String(decoding: bytes, as: UTF8.self), file: "agent.toml", environment: environment, baseDirectory: Self.configBase)
            else { continue }
            _ = AgentConfigWriter.effective(config)  // what `anycast-agent check-config` prints
            loaded[name] = config
        }
        let good = try #require(loaded["fuzz/corpus/agentconfig/agent-unbound-env-tokens.toml"], "a seed loads")
        #expect(good.tokens.map(\.value) == ["read-secret", "operate-secret", "runbook-secret"])
        #expect(good.services.map(\.name) == ["dns", "dns-resolver"])
        #expect(good.stateDirectory == "/nonexistent/anycast-fuzz/state")
        #expect(loaded["fuzz/corpus/agentconfig/broken-values.toml"] == nil)
    }

    // The body of POST /v1/drain and /v1/undrain, as fuzz/package/Sources/apirequest reads it
    // (AgentAPI.decodeBody, then validate()), and the JSON round trip of a valid request.
    static func apiRequest<T: Codable & Equatable>(_ type: T.Type, _ bytes: [UInt8], validate: (T) throws -> Void) -> T? {
        guard !bytes.isEmpty, let request = try? AgentJSON.decoder().decode(T.self, from: Data(bytes)),
              (try? validate(request)) != nil else { return nil }
        let back = (try? AgentJSON.encoder().encode(request)).flatMap { try? AgentJSON.decoder().decode(T.self, from: $0) }
        #expect(back == request, "a valid \(T.self) survives encode and decode")
        return request
    }

    @Test func apiRequest() throws {
        var drains: [String: DrainRequest] = [:]
        var undrains: [String: UndrainRequest] = [:]
        for (name, bytes) in try Self.inputs("apirequest") {
            drains[name] = Self.apiRequest(DrainRequest.self, bytes) { try $0.validate() }
            undrains[name] = Self.apiRequest(UndrainRequest.self, bytes) { try $0.validate() }
        }
        #expect(drains["fuzz/corpus/apirequest/drain-docs-example.json"] == DrainRequest(service: "dns", reason: "CHG-1234 router maintenance", operator: "alice"))
        #expect(undrains["fuzz/corpus/apirequest/undrain-force.json"] == UndrainRequest(operator: "noc-oncall", force: true))
        #expect(drains["fuzz/corpus/apirequest/drain-unicode-escapes.json"]?.operator == "J\u{F6}rg")
        for broken in ["broken-blank-reason", "broken-operator-control", "broken-too-long", "broken-types", "broken-truncated"] {
            #expect(drains["fuzz/corpus/apirequest/\(broken).json"] == nil, "\(broken) is refused")
        }
    }

    // The fast status-update reader against JSONDecoder, as fuzz/package/Sources/statusupdate
    // checks it: where the reader answers, it answers what JSONDecoder answers.
    @Test func statusUpdate() throws {
        var fastRead: Set<String> = []
        var decoded: [String: StatusUpdate] = [:]
        for (name, bytes) in try Self.inputs("statusupdate") {
            let fast = bytes.withUnsafeBytes { FlatStatusUpdateReader.read($0) }
            let slow = try? AgentJSON.decoder().decode(StatusUpdate.self, from: Data(bytes))
            if let fast {
                fastRead.insert(name)
                #expect(fast == slow, "\(name)")
            }
            decoded[name] = slow
        }
        #expect(fastRead.contains("fuzz/corpus/statusupdate/update-unchanged-docs.json"), "the common form is read fast")
        #expect(decoded["fuzz/corpus/statusupdate/update-unchanged-docs.json"]?.rcodes == ["NOERROR": 79487745, "SERVFAIL": 3997])
        #expect(decoded["fuzz/corpus/statusupdate/update-with-status-active.json"]?.status?.site.id == "ams1")
        #expect(!fastRead.contains("fuzz/corpus/statusupdate/update-with-status-active.json"), "a nested status is left to JSONDecoder")
    }
}

