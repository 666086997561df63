import AnycastAgent
import AnycastCore
import Foundation
import Testing

/// Replays the fuzzers' seed corpora and every input a fuzzer ever crashed on
/// (`fuzz/regressions/TARGET/`, added by `scripts/fuzz/run.sh`) through each target's body,
/// the very function its libFuzzer entry point calls (fuzz/entries, linked into FuzzEntries/),
/// so a crash once found stays fixed. Each input must be answered (parsed or refused), never
/// trap, and keep the promises the body checks. The statusstream target is replayed by
/// StatusStreamFuzzRegressionTests, in AnycastPollerTests, which can see the parser.
@Suite struct FuzzRegressionTests {
    @Test func corporaAreThere() throws {
        for target in ["prometheus", "bird", "frr", "gobgp", "exabgp", "stats", "dns", "fleetconfig", "agentconfig", "apirequest", "statusupdate"] {
            #expect(try !FuzzInput.all(target).isEmpty, "\(target) has seeds")
        }
    }

    @Test func prometheus() throws {
        let parsed = try FuzzInput.replay("prometheus", through: fuzzPrometheus)
        #expect(parsed["fuzz/corpus/prometheus/dnsdist-metrics-1.txt"]??.samples.isEmpty == false, "a seed parses")
    }

    @Test func bird() throws {
        let replies = try FuzzInput.replay("bird", through: fuzzBird).values.map(\.count).reduce(0, +)
        #expect(replies > 0, "the seeds are replies the reader takes")
    }

    @Test func frr() throws {
        let read = try FuzzInput.replay("frr", through: fuzzFRR)
        #expect(read["fuzz/corpus/frr/summary-ipv4.json"] == 2, "a seed's two sessions are read")
    }

    @Test func gobgp() throws {
        let read = try FuzzInput.replay("gobgp", through: fuzzGoBGP)
        #expect(read["fuzz/corpus/gobgp/neighbor-list.json"] == 3, "a seed's three sessions are read")
    }

    @Test func exabgp() throws {
        let read = try FuzzInput.replay("exabgp", through: fuzzExaBGP)
        #expect(read["fuzz/corpus/exabgp/neighbor-extensive.txt"] == 3, "a seed's three sessions are read")
    }

    @Test func stats() throws {
        _ = try FuzzInput.replay("stats", through: fuzzStats)
    }

    @Test func dns() throws {
        let decoded = try FuzzInput.replay("dns", through: fuzzDNS).values.filter { $0 != nil }.count
        #expect(decoded >= 3, "the seeds are messages the decoder takes")
    }

    @Test func fleetConfig() throws {
        let results = try FuzzInput.replay("fleetconfig", through: fuzzFleetConfig)
        let good = try #require(try results["fuzz/corpus/fleetconfig/fleet-env-and-inline-tokens.toml"]?.get(), "a seed loads")
        #expect(good.sites.map(\.id) == ["ams1", "fra1", "iad1"])
        #expect(good.sites[1].token == "fra1-secret")
        guard case .failure(let tokenFile) = results["fuzz/corpus/fleetconfig/fleet-valid-token-file.toml"] else {
            Issue.record("its token file is not there: refused")
            return
        }
        #expect(tokenFile.line == 20 && tokenFile.message.contains("/nonexistent/anycast-fuzz/ams1.token"), "\(tokenFile)")
    }

    @Test func agentConfig() throws {
        let results = try FuzzInput.replay("agentconfig", through: fuzzAgentConfig)
        let good = try #require(try results["fuzz/corpus/agentconfig/agent-unbound-env-tokens.toml"]?.get(), "a seed loads")
        #expect(good.tokens.map(\.value) == ["read-secret", "operate-secret", "runbook-secret"])
        #expect(good.services.map(\.name) == ["dns", "dns-resolver"])
        #expect(good.stateDirectory == "/nonexistent/anycast-fuzz/state")
        #expect((try? results["fuzz/corpus/agentconfig/broken-values.toml"]?.get()) == nil)
    }

    @Test func apiRequest() throws {
        let results = try FuzzInput.replay("apirequest", through: fuzzAPIRequest)
        #expect(results["fuzz/corpus/apirequest/drain-docs-example.json"]?.drain == DrainRequest(service: "dns", reason: "CHG-1234 router maintenance", operator: "alice"))
        #expect(results["fuzz/corpus/apirequest/undrain-force.json"]?.undrain == UndrainRequest(operator: "noc-oncall", force: true))
        #expect(results["fuzz/corpus/apirequest/drain-unicode-escapes.json"]?.drain?.operator == "J\u{F6}rg")
        for broken in ["broken-blank-reason", "broken-operator-control", "broken-too-long", "broken-types", "broken-truncated"] {
            let result = results["fuzz/corpus/apirequest/\(broken).json"]
            #expect(result != nil && result?.drain == nil, "\(broken) is refused")
        }
    }

    @Test func statusUpdate() throws {
        let results = try FuzzInput.replay("statusupdate", through: fuzzStatusUpdate)
        let common = results["fuzz/corpus/statusupdate/update-unchanged-docs.json"]
        #expect(common?.fast != nil, "the common form is read fast")
        #expect(common?.decoded?.rcodes == ["NOERROR": 79487745, "SERVFAIL": 3997])
        let nested = results["fuzz/corpus/statusupdate/update-with-status-active.json"]
        #expect(nested?.decoded?.status?.site.id == "ams1")
        #expect(nested != nil && nested?.fast == nil, "a nested status is left to JSONDecoder")
    }
}
