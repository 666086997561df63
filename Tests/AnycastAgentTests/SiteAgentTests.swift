import AnycastAgent
import AnycastCore
import Foundation
import Testing

@Suite struct SiteAgentTests {
    @Test func ratesComeFromCounterDeltasAndSurviveResets() async throws {
        let traffic = ManualTrafficSource()
        let agent = await TestAgent.make(traffic: traffic)
        #expect(await agent.status().traffic.qps == nil, "one reading gives no rate")
        traffic.advance(seconds: 1, queries: 1500)
        await agent.refresh()
        #expect(await agent.status().traffic.qps == 1500)
        traffic.restart()  // the DNS server restarted; its counter is back at 0
        traffic.advance(seconds: 0, queries: 300)
        await agent.refresh()
        #expect(await agent.status().traffic.qps == 300)
        traffic.advance(seconds: 10, queries: 10_000)  // a gap: averaged, but not drawn as one second
        await agent.refresh()
        let s = await agent.status()
        #expect(s.traffic.qps == 1000)
        #expect(s.traffic.history.map(\.qps) == [1500, 300])
    }

    /// The status says which daemons the agent drives, so the dashboard's detail can show it;
    /// an agent configured without them leaves the field out (older dashboards ignore it).
    @Test func theStatusNamesTheDaemons() async throws {
        var configuration = SiteAgentConfiguration(
            identity: SiteIdentity(id: "ams1", name: "Amsterdam", region: "eu"), services: TestAgent.services,
            backends: .init(routes: FakeRouteController(), traffic: ManualTrafficSource(), store: InMemoryDesiredStateStore()))
        configuration.daemons = ["bird", "unbound"]
        let agent = SiteAgent(configuration)
        await agent.start()
        let status = await agent.status()
        #expect(status.agent.daemons == ["bird", "unbound"])
        let json = String(decoding: try AgentJSON.encoder().encode(status), as: UTF8.self)
        #expect(json.contains("\"daemons\":[\"bird\",\"unbound\"]"), "\(json.prefix(300))")
        let plain = await TestAgent.make().status()
        #expect(plain.agent.daemons == nil)
        #expect(!String(decoding: try AgentJSON.encoder().encode(plain), as: UTF8.self).contains("daemons"))
    }

    @Test func historyAfterReturnsOnlyNewerPoints() async throws {
        let traffic = ManualTrafficSource()
        let agent = await TestAgent.make(traffic: traffic)
        for _ in 0..<5 {
            traffic.advance(seconds: 1, queries: 100)
            await agent.refresh()
        }
        let all = await agent.status().traffic.history
        #expect(all.count == 5)
        let newer = await agent.status(historyAfter: all[2].t).traffic.history
        #expect(newer == Array(all[3...]))
        #expect(await agent.status(historyPoints: 2).traffic.history == Array(all[3...]))
    }

    @Test func constantTimeTokenComparison() {
        let auth = TokenAuthenticator(tokens: TestAgent.tokens)
        #expect(auth.authenticate("read-secret")?.name == "noc-read")
        #expect(auth.authenticate("operate-secret")?.scope == .operate)
        #expect(auth.authenticate("read-secret ") == nil)
        #expect(auth.authenticate("") == nil)
        #expect(auth.authenticate("read-secre") == nil)
        #expect(auth.authenticate("READ-SECRET") == nil)
    }
}
