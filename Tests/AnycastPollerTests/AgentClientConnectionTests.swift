import AnycastAgent
import AnycastCore
import AnycastPoller
import AnycastSimulatedFleet
import Foundation
import Hummingbird
import ServiceLifecycle
import Synchronization
import Testing

/// A one-off poll asks the agent to close its connection after answering; the client's pool
/// keeps the ordinary polls' connections.
@Suite struct AgentClientConnectionTests {
    @Test func aOneOffPollClosesItsConnectionAndAnOrdinaryOneKeepsIt() async throws {
        let answer = try AgentJSON.encoder().encode(
            await SimulatedFleet(siteCount: 1, seed: 3).agents[0].statusUpdate(known: nil, historyAfter: nil, historyPoints: 5))
        let seen = Headers()
        let router = Router()
        router.get("/v1/status/update") { request, _ -> Response in
            seen.add(request.headers[.connection] ?? "-")
            return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: answer)))
        }
        let ports = PortBox()
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                              onServerRunning: { await ports.set("app", $0.localAddress!.port!) }, logger: TestServers.logger)
        let group = ServiceGroup(services: [app], logger: TestServers.logger)
        let running = Task { try await group.run() }
        let site = SiteConfig(id: "a", name: "a", region: "r", url: "http://127.0.0.1:\(await ports.wait("app"))", token: "t")
        let http = AgentClient.makeHTTPClient()
        let client = AgentClient(http: http)

        _ = try await client.statusUpdate(of: site, known: nil, historyAfter: nil, timeout: .seconds(5), keepAlive: false)
        _ = try await client.statusUpdate(of: site, known: nil, historyAfter: nil, timeout: .seconds(5))
        #expect(seen.all == ["close", "-"])

        try await http.shutdown()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
    }

    final class Headers: Sendable {
        private let values = Mutex<[String]>([])
        func add(_ value: String) { values.withLock { $0.append(value) } }
        var all: [String] { values.withLock { $0 } }
    }
}
