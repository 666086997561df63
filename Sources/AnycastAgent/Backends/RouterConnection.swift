import AnycastCore

/// The route controller for the configured daemon, and how to let go of what it holds open.
public struct RouterConnection: Sendable {
    public let controller: any RouteController
    /// Closes BIRD's control socket; nothing for daemons asked one command at a time.
    public let close: @Sendable () -> Void

    public static func make(_ router: RouterConfig) -> RouterConnection {
        switch router {
        case .bird(let bird):
            let client = BirdControlClient(socketPath: bird.socket, commandTimeout: bird.commandTimeout)
            return RouterConnection(controller: BirdRouteController(client: client), close: { client.close() })
        case .frr(let frr):
            let vtysh = VtyshClient(path: frr.vtysh, pathspace: frr.pathspace, timeout: frr.commandTimeout)
            return RouterConnection(controller: FRRRouteController(vtysh: vtysh), close: {})
        case .gobgp(let gobgp):
            return RouterConnection(controller: GoBGPRouteController(client: client(gobgp)), close: {})
        case .exabgp(let exabgp):
            let client = ExaBGPPipeClient(pipe: exabgp.pipe, timeout: exabgp.commandTimeout)
            return RouterConnection(controller: ExaBGPRouteController(client: client), close: {})
        }
    }

    static func client(_ gobgp: GoBGPConfig) -> GoBGPClient {
        let address = gobgp.hostAndPort ?? (host: "127.0.0.1", port: 50051)
        return GoBGPClient(cli: gobgp.cli, host: address.host, port: address.port, timeout: gobgp.commandTimeout)
    }

    /// What `check-config` finds wrong between the services and the running daemon: BIRD must
    /// have every protocol a service names; FRR must have a default `router bgp` to write the
    /// network statements under; gobgpd must answer; ExaBGP
    /// must answer through its pipes and have neighbors. Throws when the daemon cannot be asked.
    public static func problems(services: [ServiceDefinition], router: RouterConfig) async throws -> [String] {
        switch router {
        case .bird(let bird):
            let client = BirdControlClient(socketPath: bird.socket, commandTimeout: bird.commandTimeout)
            defer { client.close() }
            return try await BirdProtocolCheck.problems(services: services, client: client, socket: bird.socket)
        case .frr(let frr):
            let vtysh = VtyshClient(path: frr.vtysh, pathspace: frr.pathspace, timeout: frr.commandTimeout)
            let config = FRRRunningConfig.parse(try await vtysh.show("show running-config bgpd"))
            return config.localAS == nil
                ? ["FRR has no 'router bgp ASN' (default instance) to announce \(services.map(\.name).joined(separator: ", ")) from (show running-config bgpd)"]
                : []
        case .gobgp(let gobgp):
            // The answer is enough: gobgpd runs and its API takes commands.
            _ = try await client(gobgp).run(["global"])
            return []
        case .exabgp(let exabgp):
            let answer = try await ExaBGPPipeClient(pipe: exabgp.pipe, timeout: exabgp.commandTimeout).command("show neighbor extensive")
            return ExaBGPNeighborParser.sessions(from: answer, now: .now).isEmpty ? ["ExaBGP has no neighbor (show neighbor extensive)"] : []
        }
    }
}
