import AnycastCore
import ArgumentParser
import Foundation

/// CPU cost of decoding one `/v1/status` answer (the poller's main in-process cost per site).
struct DecodeBench: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "decode", abstract: "Median time to decode a status answer.")

    @Option(help: "A JSON file to decode (default: a typical answer of the type asked for, built in).") var file: String?
    @Option(help: "Decodes per measurement.") var iterations = 20_000
    @Option(help: "status (GET /v1/status), update (GET /v1/status/update with JSONDecoder) or update-flat (the same with the poller's FlatStatusUpdateReader).") var type = "status"
    @Flag(help: "With update-flat: each decode given the one before, as a status stream's reader does.") var asStream = false

    func run() throws {
        let data: Data
        if let file { data = try Data(contentsOf: URL(fileURLWithPath: file)) } else {
            let point = RatePoint(t: Date(timeIntervalSince1970: 1_795_797_689), qps: 1234.5)
            if type == "status" {
                var status = SyntheticFleet.snapshot(sites: 1).sites[0].status!
                status.traffic.history = [point]
                data = try AgentJSON.encoder().encode(status)
            } else {
                // A stream's line: the figures of a second and its point, the status held.
                data = try AgentJSON.encoder().encode(StatusUpdate(
                    revision: "2xf8vpnxaydxo", now: point.t, qps: point.qps, queriesTotal: 74_911_660,
                    rcodes: RcodeCounts(["NOERROR": 74_907_866, "SERVFAIL": 3_794]), sampledAt: point.t,
                    latency: LatencyStatus(p50Ms: 1.1, p95Ms: 2.52, p99Ms: 4.79, source: "simulated", successRatio: nil),
                    history: [point], status: nil))
            }
        }
        let decoder = AgentJSON.decoder()
        var sink = 0
        let start = ContinuousClock.now
        if type == "update-flat" {
            guard FlatStatusUpdateReader.read(data, statusDecoder: decoder) != nil else { throw ValidationError("not a flat status update: the poller would use JSONDecoder") }
            if asStream {
                // As `StatusStream.received` reads its lines: the line before lends its
                // strings and its history's storage.
                var previous = FlatStatusUpdateReader.read(data, statusDecoder: decoder)
                var spare: [RatePoint] = []
                for _ in 0..<iterations {
                    if var last = previous.take() { swap(&spare, &last.history); previous = consume last }
                    let update = data.withUnsafeBytes {
                        FlatStatusUpdateReader.read($0, statusDecoder: decoder, previous: previous, historyBuffer: &spare)
                    }!
                    sink &+= update.history.count
                    previous = update
                }
            } else {
                for _ in 0..<iterations { sink &+= FlatStatusUpdateReader.read(data, statusDecoder: decoder)!.history.count }
            }
        } else if type == "update" {
            for _ in 0..<iterations { sink &+= try decoder.decode(StatusUpdate.self, from: data).history.count }
        } else {
            for _ in 0..<iterations { sink &+= try decoder.decode(SiteStatus.self, from: data).peers.count }
        }
        let d = ContinuousClock.now - start
        let us = (Double(d.components.seconds) * 1e6 + Double(d.components.attoseconds) / 1e12) / Double(iterations)
        print(String(format: "decode: %d-byte %@ answer: %.3f µs per decode (%d iterations, check %d)", data.count, type, us, iterations, sink))
    }
}
