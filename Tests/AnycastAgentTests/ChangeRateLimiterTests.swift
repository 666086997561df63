@testable import AnycastAgent
import AnycastCore
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

/// Drains and undrains per token: a burst of the configured number, then one every 60/n s;
/// more are answered 429 with Retry-After.
@Suite struct ChangeRateLimiterTests {
    @Test func aBurstThenTheRefillRate() {
        let limiter = ChangeRateLimiter(perMinute: 3)
        let t0 = ContinuousClock.now
        #expect((0..<3).allSatisfy { _ in limiter.admit("ops", now: t0) == nil }, "a burst of three")
        let wait = limiter.admit("ops", now: t0)
        #expect(wait == .seconds(20), "then one every 20 s: \(String(describing: wait))")
        #expect(limiter.admit("other", now: t0) == nil, "each token has its own")
        #expect(limiter.admit("ops", now: t0 + .seconds(10)) == .seconds(10), "half refilled: 10 s to go")
        #expect(limiter.admit("ops", now: t0 + .seconds(20)) == nil)
        #expect(limiter.admit("ops", now: t0 + .seconds(21)) != nil)
        #expect((0..<3).allSatisfy { _ in limiter.admit("ops", now: t0 + .seconds(600)) == nil }, "never more than the burst saved up")
        #expect(limiter.admit("ops", now: t0 + .seconds(600)) != nil)
    }

    @Test func theAPIAnswers429WithRetryAfter() async throws {
        let agent = await TestAgent.make()
        let app = Application(router: AgentAPI.router(agent: agent, tokens: TestAgent.tokens, changesPerMinute: 2))
        let op: HTTPFields = [.authorization: "Bearer operate-secret"]
        try await app.test(.router) { client in
            for path in ["/v1/drain", "/v1/undrain"] {
                let r = try await client.execute(uri: path, method: .post, headers: op, body: ByteBuffer(string: #"{"reason":"r","operator":"a"}"#))
                #expect(r.status == .ok)
            }
            let refused = try await client.execute(uri: "/v1/drain", method: .post, headers: op, body: ByteBuffer(string: #"{"reason":"r","operator":"a"}"#))
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] == "30")
            let body = try AgentJSON.decoder().decode(APIErrorBody.self, from: Data(refused.body.readableBytesView))
            #expect(body.error == "rate_limited" && body.message.contains("token 'noc-operate' may send 2 drains and undrains a minute"), "\(body)")
            #expect(await agent.status().services.allSatisfy { $0.desired == .announce }, "the refused drain changed nothing")
        }
    }
}
