import AnycastCore
import Foundation
import Testing
import Yams

/// Decodes every example of `docs/agent-api.yaml` with the type its `x-codable` names and
/// encodes it again: the document and the code cannot drift apart.
@Suite struct OpenAPIExampleTests {
    nonisolated(unsafe) static let document: [String: Any] = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let text = try! String(contentsOf: root.appendingPathComponent("docs/agent-api.yaml"), encoding: .utf8)
        return try! Yams.load(yaml: text) as! [String: Any]
    }()

    static var examples: [(String, String, Any)] {
        let components = document["components"] as! [String: Any]
        let examples = components["examples"] as! [String: Any]
        return examples.keys.sorted().map { name in
            let e = examples[name] as! [String: Any]
            return (name, e["x-codable"] as! String, e["value"]!)
        }
    }

    @Test func everyExampleNamesAType() {
        #expect(Self.examples.count >= 9)
        for (name, type, _) in Self.examples {
            #expect(["SiteStatus", "StatusUpdate", "DrainRequest", "ExtendRequest", "UndrainRequest", "EventsPage", "APIErrorBody"].contains(type), "\(name)")
        }
    }

    @Test func examplesRoundTripThroughTheCodableTypes() throws {
        for (name, type, value) in Self.examples {
            let json = try JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])
            let reencoded: Data
            switch type {
            case "SiteStatus": reencoded = try roundTrip(SiteStatus.self, json)
            case "StatusUpdate": reencoded = try roundTrip(StatusUpdate.self, json)
            case "DrainRequest": reencoded = try roundTrip(DrainRequest.self, json)
            case "ExtendRequest": reencoded = try roundTrip(ExtendRequest.self, json)
            case "UndrainRequest": reencoded = try roundTrip(UndrainRequest.self, json)
            case "EventsPage": reencoded = try roundTrip(EventsPage.self, json)
            case "APIErrorBody": reencoded = try roundTrip(APIErrorBody.self, json)
            default: Issue.record("\(name): unknown x-codable \(type)"); continue
            }
            let back = try JSONSerialization.jsonObject(with: reencoded)
            let problems = Self.differences(expected: value, actual: back, path: name)
            #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
        }
    }

    @Test func documentListsEveryEndpointTheRouterServes() {
        let paths = Set((Self.document["paths"] as! [String: Any]).keys)
        #expect(paths == ["/healthz", "/metrics", "/v1/status", "/v1/status/update", "/v1/status/stream", "/v1/drain", "/v1/undrain", "/v1/extend", "/v1/events"])
    }

    func roundTrip<T: Codable>(_ type: T.Type, _ data: Data) throws -> Data {
        try AgentJSON.encoder().encode(try AgentJSON.decoder().decode(T.self, from: data))
    }

    /// Every non-null value of the example must come back equal; the encoder may add only
    /// empty collections (defaults), never other data.
    static func differences(expected: Any, actual: Any?, path: String) -> [String] {
        switch expected {
        case let e as [String: Any]:
            guard let a = actual as? [String: Any] else { return ["\(path): object expected, got \(String(describing: actual))"] }
            var out: [String] = []
            for (k, v) in e where !(v is NSNull) {
                out += differences(expected: v, actual: a[k], path: "\(path).\(k)")
            }
            for (k, v) in a where e[k] == nil || e[k] is NSNull {
                let emptyDefault = (v as? [Any])?.isEmpty == true || (v as? [String: Any])?.isEmpty == true
                if !emptyDefault { out.append("\(path).\(k): added by the encoder: \(v)") }
            }
            return out
        case let e as [Any]:
            guard let a = actual as? [Any], a.count == e.count else { return ["\(path): array of \(e.count) expected"] }
            return zip(e, a).enumerated().flatMap { differences(expected: $1.0, actual: $1.1, path: "\(path)[\($0)]") }
        case let e as NSNumber:
            guard let a = actual as? NSNumber, abs(a.doubleValue - e.doubleValue) < 1e-9 else { return ["\(path): \(e) expected, got \(String(describing: actual))"] }
            return []
        case let e as String:
            guard let a = actual as? String, a == e else { return ["\(path): \"\(e)\" expected, got \(String(describing: actual))"] }
            return []
        default:
            return ["\(path): unexpected example value \(expected)"]
        }
    }
}
