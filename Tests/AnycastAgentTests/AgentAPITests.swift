import AnycastAgent
import AnycastCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@Suite struct AgentAPITests {
    static let read: HTTPFields = [.authorization: "Bearer read-secret"]
    static let operate: HTTPFields = [.authorization: "Bearer operate-secret"]

    func app(_ agent: SiteAgent) -> some ApplicationProtocol {
        Application(router: AgentAPI.router(agent: agent, tokens: TestAgent.tokens))
    }

    func json(_ s: String) -> ByteBuffer { ByteBuffer(string: s) }

    /// The JSON error body; a body that is not one fails the test.
    func error(_ response: TestResponse) -> APIErrorBody {
        #expect(response.headers[.contentType] == "application/json")
        do {
            return try AgentJSON.decoder().decode(APIErrorBody.self, from: Data(response.body.readableBytesView))
        } catch {
            Issue.record("not a JSON error body: \(String(buffer: response.body))")
            return APIErrorBody(error: "<undecodable>", message: String(buffer: response.body))
        }
    }

    func status(_ response: TestResponse) throws -> SiteStatus {
        try AgentJSON.decoder().decode(SiteStatus.self, from: Data(response.body.readableBytesView))
    }

    @Test func healthzNeedsNoToken() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { r in
                #expect(r.status == .ok)
                #expect(String(buffer: r.body) == #"{"status":"ok"}"#)
            }
        }
    }

    @Test func missingWrongAndUnknownTokensAre401() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            let refused: [String?] = [nil, "Basic cmVhZA==", "Bearer nope", "Bearer read-secre", "Bearer ", "Bearer", "Bearerread-secret",
                                       "Bearer read-secret x", "Bearer\tread-secret", "Beare read-secret", "Bearer read-secret2"]
            for value in refused {
                let headers: HTTPFields = value.map { [.authorization: $0] } ?? [:]
                try await client.execute(uri: "/v1/status", method: .get, headers: headers) { r in
                    #expect(r.status == .unauthorized, "\(headers)")
                    #expect(error(r).error == "unauthorized")
                }
            }
            // The scheme in any case; blanks around the token are not part of it.
            for value in ["bearer read-secret", "BEARER read-secret", "Bearer   read-secret", "Bearer read-secret \t"] {
                try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: value]) { r in
                    #expect(r.status == .ok, "\(value)")
                }
            }
        }
    }

    @Test func readTokenReadsButCannotDrain() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.read) { r in
                #expect(r.status == .ok)
                let s = try status(r)
                #expect(s.site.id == "ams1")
                #expect(s.services.map(\.name) == ["dns", "ntp"])
                #expect(s.services.allSatisfy { $0.desired == .announce && $0.observed == .announced })
            }
            for path in ["/v1/drain", "/v1/undrain"] {
                try await client.execute(uri: path, method: .post, headers: Self.read, body: json(#"{"reason":"x","operator":"o"}"#)) { r in
                    #expect(r.status == .forbidden)
                    let e = error(r)
                    #expect(e.error == "forbidden")
                    #expect(e.message.contains("noc-read"))
                    #expect(!e.message.contains("read-secret"), "a token is never echoed")
                }
            }
        }
    }

    @Test func drainIsIdempotentAndUndrainRestores() async throws {
        let routes = FakeRouteController()
        try await app(await TestAgent.make(routes: routes)).test(.router) { client in
            let body = json(#"{"service":"dns","reason":"CHG-1 maintenance","operator":"alice"}"#)
            let first = try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: body) { r in
                #expect(r.status == .ok)
                return try status(r)
            }
            let dns = try #require(first.services.first { $0.name == "dns" })
            #expect(dns.desired == .drain)
            #expect(dns.observed == .withdrawn)
            #expect(dns.drain?.operator == "alice")
            #expect(dns.drain?.reason == "CHG-1 maintenance")
            #expect(dns.drain?.mode == .operator)
            #expect(first.services.first { $0.name == "ntp" }?.desired == .announce, "only the named service is drained")

            let second = try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate,
                                                  body: json(#"{"service":"dns","reason":"again","operator":"bob"}"#)) { r in
                #expect(r.status == .ok)
                return try status(r)
            }
            #expect(second.services.first { $0.name == "dns" }?.drain == dns.drain, "a second drain keeps the existing record")
            #expect(routes.appliedCount == 1, "a second drain does not touch the routing daemon")

            try await client.execute(uri: "/v1/undrain", method: .post, headers: Self.operate, body: json(#"{"service":"dns","operator":"alice"}"#)) { r in
                #expect(r.status == .ok)
                let s = try status(r)
                #expect(s.services.allSatisfy { $0.desired == .announce && $0.drain == nil && $0.observed == .announced })
            }
            try await client.execute(uri: "/v1/events?since=0", method: .get, headers: Self.read) { r in
                #expect(r.status == .ok)
                let page = try AgentJSON.decoder().decode(EventsPage.self, from: Data(r.body.readableBytesView))
                let kinds = page.events.map(\.kind)
                #expect(kinds.contains(.drain) && kinds.contains(.undrain))
                #expect(kinds.filter { $0 == .drain }.count == 1)
                let drainEvent = try #require(page.events.first { $0.kind == .drain })
                #expect(drainEvent.actor == "alice" && drainEvent.service == "dns")
                #expect(drainEvent.message.contains("noc-operate") && drainEvent.message.contains("CHG-1 maintenance"))
                #expect(page.last == page.events.last?.seq)
                let later = page.last
                try await client.execute(uri: "/v1/events?since=\(later)", method: .get, headers: Self.read) { r2 in
                    let rest = try AgentJSON.decoder().decode(EventsPage.self, from: Data(r2.body.readableBytesView))
                    #expect(rest.events.isEmpty)
                }
            }
        }
    }

    @Test func statusUpdateCarriesTheWholeStatusOnlyWhenItChanged() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            func update(_ query: String) async throws -> StatusUpdate {
                try await client.execute(uri: "/v1/status/update" + query, method: .get, headers: Self.read) { r in
                    #expect(r.status == .ok)
                    return try AgentJSON.decoder().decode(StatusUpdate.self, from: Data(r.body.readableBytesView))
                }
            }
            let first = try await update("")
            let full = try #require(first.status, "no known revision: the whole status")
            #expect(full.services.map(\.name) == ["dns", "ntp"])
            #expect(full.traffic.history.isEmpty, "history travels once, in the flat field")

            let same = try await update("?known=\(first.revision)&history_after=9999999999")
            #expect(same.status == nil, "the caller holds this revision: only the fast figures")
            #expect(same.revision == first.revision)
            // Short enough for a string without a heap allocation (at most 15 UTF-8 bytes): the
            // dashboard keeps and compares one each line of every site.
            #expect(first.revision.utf8.count <= 15, "\(first.revision)")
            #expect(same.history.isEmpty)
            #expect(try await update("?known=stale").status != nil)

            // A drain changes the slow part: a new revision and the whole status again.
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate,
                                     body: json(#"{"service":"dns","reason":"CHG-2","operator":"alice"}"#)) { r in #expect(r.status == .ok) }
            let after = try await update("?known=\(first.revision)")
            #expect(after.revision != first.revision)
            #expect(after.status?.services.first { $0.name == "dns" }?.desired == .drain)
            try await client.execute(uri: "/v1/status/update?history_after=x", method: .get, headers: Self.read) { r in
                #expect(r.status == .badRequest)
            }
            try await client.execute(uri: "/v1/status/update", method: .get) { r in #expect(r.status == .unauthorized) }
        }
    }

    @Test func theEncodedStatusIsReusedUntilTheStateChanges() async throws {
        let traffic = ManualTrafficSource()
        let agent = await TestAgent.make(traffic: traffic)
        try await app(agent).test(.router) { client in
            func body() async throws -> String {
                try await client.execute(uri: "/v1/status", method: .get, headers: Self.read) { r in
                    #expect(r.status == .ok)
                    return String(buffer: r.body)
                }
            }
            let first = try await body()
            #expect(try await body() == first, "nothing changed: the same bytes")
            _ = try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate,
                                         body: json(#"{"service":"dns","reason":"CHG-3","operator":"alice"}"#)) { $0.status }
            let drained = try await body()
            #expect(drained != first && drained.contains("CHG-3"), "a drain shows at once")
            traffic.advance(seconds: 1, queries: 500)
            await agent.refresh()
            let refreshed = try await body()
            #expect(refreshed != drained && refreshed.contains("\"queries_total\":500"), "a refresh shows at once")
        }
    }

    @Test func drainWithoutServiceDrainsEveryService() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"reason":"site down for power work","operator":"alice"}"#)) { r in
                #expect(r.status == .ok)
                let current = try status(r)
                #expect(current.services.allSatisfy { $0.desired == .drain && $0.observed == .withdrawn })
            }
        }
    }

    @Test(arguments: [
        (#"{"operator":"alice"}"#, "reason is required"),
        (#"{"reason":"","operator":"alice"}"#, "reason is required"),
        (#"{"reason":"   ","operator":"alice"}"#, "reason is required"),
        (#"{"reason":5,"operator":"alice"}"#, "reason must be a string"),
        (#"{"reason":"r","operator":null}"#, "operator must be a string, not null"),
        (#"{"reason":"r","operator":"a","service":["dns"]}"#, "service must be a string"),
        (#"{"reason":"r""#, "not valid JSON"),
        (#"[1,2,3]"#, "the body must be an object of the documented shape"),
        ("", "a JSON body is required"),
        ("\u{FF}\u{FE}garbage", "not valid JSON"),
    ])
    func malformedDrainsAre400(body: String, words: String) async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(body)) { r in
                #expect(r.status == .badRequest)
                let e = error(r)
                #expect(e.error == "bad_request")
                #expect(e.message.contains(words), "\(e.message)")
            }
        }
    }

    @Test func longReasonIs400() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            let reason = String(repeating: "x", count: 501)
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"reason":"\#(reason)","operator":"a"}"#)) { r in
                #expect(r.status == .badRequest)
                #expect(error(r).message.contains("at most 500"))
            }
        }
    }

    @Test func bodiesOver64KiBAre413() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            let reason = String(repeating: "x", count: 70 * 1024)
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"reason":"\#(reason)","operator":"a"}"#)) { r in
                #expect(r.status == .contentTooLarge)
                #expect(error(r).error == "payload_too_large")
            }
        }
    }

    @Test func unknownServiceAndPathAre404() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"service":"smtp","reason":"r","operator":"a"}"#)) { r in
                #expect(r.status == .notFound)
                let e = error(r)
                #expect(e.error == "not_found")
                #expect(e.message.contains("smtp") && e.message.contains("dns, ntp"))
            }
            try await client.execute(uri: "/v2/everything", method: .get, headers: Self.read) { r in
                #expect(r.status == .notFound)
                #expect(error(r).error == "not_found")
            }
        }
    }

    @Test func badQueryParametersAre400() async throws {
        try await app(await TestAgent.make()).test(.router) { client in
            for uri in ["/v1/events?since=-1", "/v1/events?since=abc", "/v1/events?limit=0", "/v1/status?history=5000", "/v1/status?history_after=soon"] {
                try await client.execute(uri: uri, method: .get, headers: Self.read) { r in
                    #expect(r.status == .badRequest, "\(uri)")
                    #expect(error(r).error == "bad_request")
                }
            }
        }
    }

    @Test func backendFailureIsDataNotAnHTTPError() async throws {
        let routes = FakeRouteController()
        let traffic = ManualTrafficSource()
        let agent = await TestAgent.make(routes: routes, traffic: traffic)
        routes.fail("BIRD socket unreachable: connection refused")
        traffic.fail("unbound control socket gone")
        await agent.refresh()
        try await app(agent).test(.router) { client in
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.read) { r in
                #expect(r.status == .ok)
                let s = try status(r)
                #expect(s.services.allSatisfy { $0.observed == .unknown })
                #expect(s.traffic.qps == nil, "no rate pretending to be data")
                #expect(s.errors.map(\.source).sorted() == ["routes", "traffic"])
                #expect(s.errors.contains { $0.message.contains("BIRD socket unreachable") })
            }
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"service":"dns","reason":"r","operator":"a"}"#)) { r in
                #expect(r.status == .serviceUnavailable)
                #expect(error(r).message.contains("recorded"))
            }
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.read) { r in
                let current = try status(r)
                #expect(current.services.first { $0.name == "dns" }?.desired == .drain, "the desired state is kept for when the daemon returns")
            }
            try await client.execute(uri: "/healthz", method: .get) { r in #expect(r.status == .ok) }
        }
    }

    @Test func unpersistableDrainIsRefusedAndNotApplied() async throws {
        let routes = FakeRouteController()
        try await app(await TestAgent.make(routes: routes, store: FailingStore())).test(.router) { client in
            try await client.execute(uri: "/v1/drain", method: .post, headers: Self.operate, body: json(#"{"service":"dns","reason":"r","operator":"a"}"#)) { r in
                #expect(r.status == .internalServerError)
                #expect(error(r).error == "internal")
            }
            #expect(routes.appliedCount == 0, "a route never changes before its desired state is stored")
            try await client.execute(uri: "/v1/status", method: .get, headers: Self.read) { r in
                let current = try status(r)
                #expect(current.services.allSatisfy { $0.desired == .announce })
            }
        }
    }
}
