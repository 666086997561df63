import AnycastAgent
import AnycastCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Where the API once answered other than `docs/agent-api.yaml` says (schemathesis found them;
/// `scripts/acceptance/api-contract.sh` runs it against a simulated agent): each case here is
/// what the contract allows or refuses, answered as it says.
@Suite struct AgentAPIContractTests {
    static let read: HTTPFields = [.authorization: "Bearer read-secret"]
    static let operate: HTTPFields = [.authorization: "Bearer operate-secret"]

    func app(_ agent: SiteAgent) -> some ApplicationProtocol {
        Application(router: AgentAPI.router(agent: agent, tokens: TestAgent.tokens))
    }

    func errorBody(_ response: TestResponse) -> APIErrorBody? {
        try? AgentJSON.decoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
    }

    @Test func aMethodThePathDoesNotHaveIs405WithAllowAndAJSONError() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            let cases: [(String, HTTPRequest.Method, HTTPFields, String)] = [
                ("/v1/status", .post, Self.read, "GET"),
                ("/v1/status/stream", .delete, Self.read, "GET"),
                ("/v1/drain", .get, Self.operate, "POST"),
                ("/v1/undrain", .put, Self.read, "POST"),
                ("/v1/events", .head, Self.read, "GET"),
                ("/healthz", .post, [:], "GET"),
            ]
            for (path, method, headers, allow) in cases {
                try await client.execute(uri: path, method: method, headers: headers) { r in
                    #expect(r.status == .methodNotAllowed, "\(method) \(path)")
                    #expect(r.headers[.allow] == allow, "\(method) \(path)")
                    #expect(r.headers[.contentType] == "application/json")
                    #expect(errorBody(r)?.error == "method_not_allowed", "\(method) \(path): \(String(buffer: r.body))")
                }
            }
            // The token is checked first, as on every path but /healthz; unknown paths stay 404.
            try await client.execute(uri: "/v1/status", method: .post) { r in #expect(r.status == .unauthorized) }
            try await client.execute(uri: "/v1/nothing", method: .post, headers: Self.read) { r in
                #expect(r.status == .notFound)
                #expect(r.headers[.allow] == nil)
            }
        }
    }

    @Test func anEmptyKnownMeansNoRevisionAndAMalformedOneIs400() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            func update(_ query: String) async throws -> StatusUpdate {
                try await client.execute(uri: "/v1/status/update" + query, method: .get, headers: Self.read) { r in
                    #expect(r.status == .ok, "\(query)")
                    return try AgentJSON.decoder().decode(StatusUpdate.self, from: Data(r.body.readableBytesView))
                }
            }
            let empty = try await update("?known=")
            #expect(empty.status != nil, "known= holds no revision: the whole status")
            #expect(try await update("?known=\(empty.revision)").status == nil)
            #expect(try await update("?known=" + String(repeating: "a", count: 64)).status != nil, "well-formed but stale")
            for bad in ["a.b", "a%20b", String(repeating: "a", count: 65), "%C3%A9"] {
                try await client.execute(uri: "/v1/status/update?known=\(bad)", method: .get, headers: Self.read) { r in
                    #expect(r.status == .badRequest, "\(bad)")
                    #expect(errorBody(r)?.error == "bad_request")
                }
            }
        }
    }

    @Test func sinceTakesEveryUnsigned64BitSequenceNumberAndNoMore() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/events?since=18446744073709551615", method: .get, headers: Self.read) { r in
                #expect(r.status == .ok)
                let page = try AgentJSON.decoder().decode(EventsPage.self, from: Data(r.body.readableBytesView))
                #expect(page.events.isEmpty && page.last > 0)
            }
            try await client.execute(uri: "/v1/events?since=18446744073709551616", method: .get, headers: Self.read) { r in
                #expect(r.status == .badRequest)
                #expect(errorBody(r)?.message.contains("since") == true)
            }
        }
    }

    @Test func historyAfterTakesAnyJSONNumberAndNothingElse() async throws {
        let traffic = ManualTrafficSource()
        let agent = await TestAgent.make(traffic: traffic)
        for _ in 0..<3 {
            traffic.advance(seconds: 1, queries: 500)
            await agent.refresh()
        }
        try await app(agent).test(.router) { client in
            func history(after: String) async throws -> [RatePoint]? {
                try await client.execute(uri: "/v1/status?history_after=\(after)", method: .get, headers: Self.read) { r in
                    guard r.status == .ok else { return nil }
                    return try AgentJSON.decoder().decode(SiteStatus.self, from: Data(r.body.readableBytesView)).traffic.history
                }
            }
            // Beyond a Double's range, still a number: after every point, or before.
            let afterAll = try await history(after: "1e400"), beforeAll = try await history(after: "-1e400")
            #expect(afterAll?.isEmpty == true)
            #expect(beforeAll?.isEmpty == false)
            for good in ["0", "-0.5", "1796193959.123", "2E+3"] {
                let points = try await history(after: good)
                #expect(points != nil, "\(good)")
            }
            for bad in ["inf", "nan", "0x10", "%2B5", "1.", ".5", "01", "1e", ""] {
                let points = try await history(after: bad)
                #expect(points == nil, "\(bad)")
            }
        }
    }

    @Test func nullOptionalFieldsAreAsIfOmitted() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate,
                                     body: ByteBuffer(string: #"{"service":null,"reason":"CHG-9","operator":"alice"}"#)) { r in
                #expect(r.status == .ok)
                let status = try AgentJSON.decoder().decode(SiteStatus.self, from: Data(r.body.readableBytesView))
                #expect(status.services.allSatisfy { $0.desired == .drain }, "null service: every service")
            }
            try await client.execute(uri: "/v1/undrain", method: .post, headers: Self.operate,
                                     body: ByteBuffer(string: #"{"service":null,"reason":null,"force":null,"operator":"alice"}"#)) { r in
                #expect(r.status == .ok)
            }
        }
    }

    /// `POST /v1/extend` as `docs/agent-api.yaml` documents it: 409 with nothing drained, 404
    /// for an unknown service, 400 for a lease out of range, 405 for another method, and 200
    /// with the lease's new end once a drain is there (null optional fields as if omitted).
    @Test func extendAnswersWhatTheDocumentSays() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            func extend(_ body: String) async throws -> (HTTPResponse.Status, String?, SiteStatus?) {
                try await client.execute(uri: "/v1/extend", method: .post, headers: Self.operate, body: ByteBuffer(string: body)) { r in
                    (r.status, errorBody(r)?.error, try? AgentJSON.decoder().decode(SiteStatus.self, from: Data(r.body.readableBytesView)))
                }
            }
            let nothing = try await extend(#"{"lease":3600,"operator":"alice"}"#)
            #expect(nothing.0 == .conflict && nothing.1 == "conflict")
            let unknown = try await extend(#"{"service":"nosuch","lease":3600,"operator":"alice"}"#)
            #expect(unknown.0 == .notFound && unknown.1 == "not_found")
            for lease in ["0", "31622401", "1.5", "null"] {
                #expect(try await extend(#"{"lease":\#(lease),"operator":"alice"}"#).0 == .badRequest, "\(lease)")
            }
            try await client.execute(uri: "/v1/extend", method: .get, headers: Self.operate) { r in
                #expect(r.status == .methodNotAllowed && r.headers[.allow] == "POST")
            }
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate,
                                     body: ByteBuffer(string: #"{"service":"dns","reason":"CHG-1","operator":"alice","lease":60,"ticket":"CHG-1","stage":null}"#)) { r in
                #expect(r.status == .ok)
            }
            let extended = try await extend(#"{"service":"dns","lease":3600,"operator":"alice","reason":null}"#)
            #expect(extended.0 == .ok)
            let drain = try #require(extended.2?.services.first { $0.name == "dns" }?.drain)
            #expect(drain.ticket == "CHG-1")
            #expect(drain.leaseUntil.map { $0.timeIntervalSince(drain.since) } == 3660)
        }
    }

    /// The schema counts code points and judges white space per code point; a Character may
    /// hold several (`e` and a combining accent, a space and one).
    @Test func lengthsAndBlanknessAreCountedInCodePoints() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            func drain(reason: String, operator op: String) async throws -> (HTTPResponse.Status, String) {
                let body = try JSONEncoder().encode(["reason": reason, "operator": op])
                return try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: ByteBuffer(bytes: body)) { r in
                    (r.status, errorBody(r)?.message ?? "")
                }
            }
            let accented = String(repeating: "e\u{301}", count: 251)  // 251 Characters, 502 code points
            let long = try await drain(reason: accented, operator: "alice")
            #expect(long.0 == .badRequest && long.1.contains("502 characters"), "\(long)")
            #expect(try await drain(reason: "CHG-1", operator: String(repeating: "e\u{301}", count: 51)).0 == .badRequest)
            #expect(try await drain(reason: " \u{301}", operator: " \u{301}").0 == .ok, "an accent is not white space")
            #expect(try await drain(reason: "\u{3000}\u{A0}", operator: "alice").0 == .badRequest, "Unicode white space only")
        }
    }
}
