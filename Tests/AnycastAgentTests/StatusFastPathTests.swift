@testable import AnycastAgent
import AnycastCore
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOEmbedded
import NIOHTTPTypes
import Testing

/// The fast path for `GET /v1/status`: what it answers, what it hands on to the router, and
/// that the answers on one connection keep their order.
@Suite struct StatusFastPathTests {
    static func channel(_ agent: SiteAgent) throws -> EmbeddedChannel {
        let handler = StatusFastPath(agent: agent, authenticator: TokenAuthenticator(tokens: TestAgent.tokens), serverName: "anycast-agent/test")
        return EmbeddedChannel(handler: handler)
    }

    static func request(_ path: String, token: String? = "read-secret", connection: String? = nil) -> [HTTPRequestPart] {
        var fields = HTTPFields()
        if let token { fields[.authorization] = "Bearer \(token)" }
        if let connection { fields[.connection] = connection }
        return [.head(HTTPRequest(method: .get, scheme: nil, authority: "agent", path: path, headerFields: fields)), .end(nil)]
    }

    /// Feeds a request; answers the parts handed on to the router and the parts answered here.
    static func send(_ parts: [HTTPRequestPart], on channel: EmbeddedChannel) throws -> (handedOn: [HTTPRequestPart], answered: [HTTPResponsePart]) {
        for part in parts { try channel.writeInbound(part) }
        var handedOn: [HTTPRequestPart] = []
        while let p = try channel.readInbound(as: HTTPRequestPart.self) { handedOn.append(p) }
        var answered: [HTTPResponsePart] = []
        while let p = try channel.readOutbound(as: HTTPResponsePart.self) { answered.append(p) }
        return (handedOn, answered)
    }

    @Test func aWarmCacheAnswersAnyValidTokenHereAndEverythingElseGoesOn() async throws {
        let agent = await TestAgent.make()
        let channel = try Self.channel(agent)

        // Cold cache: the router answers (and fills the cache).
        #expect(try Self.send(Self.request("/v1/status"), on: channel).handedOn.count == 2)
        try channel.writeOutbound(HTTPResponsePart.end(nil))  // the router's answer ends
        _ = try channel.readOutbound(as: HTTPResponsePart.self)
        let cached = try await agent.encodedStatus()

        for token in ["read-secret", "operate-secret"] {
            let r = try Self.send(Self.request("/v1/status", token: token), on: channel)
            #expect(r.handedOn.isEmpty, "answered here with the \(token) token")
            guard r.answered.count == 3, case .head(let head) = r.answered[0], case .body(let body) = r.answered[1], case .end = r.answered[2] else {
                Issue.record("expected head, body, end: \(r.answered)")
                continue
            }
            #expect(head.status == .ok)
            #expect(head.headerFields[.contentType] == "application/json")
            #expect(head.headerFields[.cacheControl] == "no-store")
            #expect(head.headerFields[.contentLength] == String(cached.readableBytes))
            #expect(head.headerFields[.server] == "anycast-agent/test")
            #expect(head.headerFields[.date]?.hasSuffix(" GMT") == true)
            #expect(body == cached)
        }
        // Anything else goes on untouched, for the router to answer (or refuse).
        for parts in [Self.request("/v1/status", token: "wrong"), Self.request("/v1/status", token: nil), Self.request("/v1/status?history=5"),
                      Self.request("/v1/status/update"), Self.request("/v1/status", connection: "close")] {
            let r = try Self.send(parts, on: channel)
            #expect(r.handedOn == parts, "\(parts)")
            #expect(r.answered.isEmpty)
            try channel.writeOutbound(HTTPResponsePart.end(nil))
            _ = try channel.readOutbound(as: HTTPResponsePart.self)
        }
        _ = try channel.finish()
    }

    @Test func answersOnOneConnectionKeepTheirOrder() async throws {
        let agent = await TestAgent.make()
        _ = try await agent.encodedStatus()  // warm
        let channel = try Self.channel(agent)
        // A request the router is still answering, then a status request pipelined behind it:
        // it must not overtake, so it goes to the router too.
        #expect(try Self.send(Self.request("/v1/events"), on: channel).handedOn.count == 2)
        let behind = try Self.send(Self.request("/v1/status"), on: channel)
        #expect(behind.handedOn.count == 2 && behind.answered.isEmpty, "handed on behind the first")
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        try channel.writeOutbound(HTTPResponsePart.end(nil))
        while try channel.readOutbound(as: HTTPResponsePart.self) != nil {}
        // Both answered: the next status request is answered here again.
        #expect(try Self.send(Self.request("/v1/status"), on: channel).answered.count == 3)
        _ = try channel.finish()
    }

    @Test func theLiveServerAnswersTheSameBytesEitherWay() async throws {
        let agent = await TestAgent.make()
        let app = AgentServer.application(agent: agent, tokens: TestAgent.tokens, host: "127.0.0.1", port: 0)
        try await app.test(.live) { client in
            let first = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer read-secret"])
            let second = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer read-secret"])
            #expect(first.status == .ok && second.status == .ok)
            #expect(first.body == second.body, "the router's answer and the fast path's are the same bytes")
            for name in [HTTPField.Name.contentType, .cacheControl, .contentLength, .server] {
                #expect(first.headers[name] == second.headers[name], "\(name)")
            }
            #expect(second.headers[.date] != nil)
            let refused = try await client.execute(uri: "/v1/status", method: .get, headers: [.authorization: "Bearer nope"])
            #expect(refused.status == .unauthorized, "an unknown token still meets the router's 401")
        }
    }
}
