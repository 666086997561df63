/// Prints an agent config as TOML that `AgentConfigLoader` reads back: defaults filled in,
/// paths as resolved, and never a token secret.
public enum AgentConfigWriter {
    /// What is printed in place of an inline token value.
    public static let redacted = "<redacted>"

    /// The effective config as TOML, defaults filled in, token secrets never printed (only their
    /// source, e.g. `file = "..."` or `env = "..."`, and `value = "<redacted>"`).
    public static func effective(_ config: AgentConfig) -> String {
        var out = "# Effective configuration of the anycast agent of site \(config.site.id), defaults filled in.\n"
        out += "# Token secrets are not shown.\n\n"
        out += "[site]\n"
        out += "id = \(quote(config.site.id))\n"
        out += "name = \(quote(config.site.name))\n"
        out += "region = \(quote(config.site.region))\n"
        if let location = config.site.location { out += "location = \(quote(location))\n" }
        out += "\n[listen]\n"
        out += "address = \(quote(config.listenAddress))\n"
        out += "port = \(config.listenPort)\n"
        out += "changes_per_minute = \(config.changesPerMinute)\n"
        if let tls = config.tls {
            out += "tls_certificate = \(quote(tls.certificateFile))\n"
            out += "tls_key = \(quote(tls.keyFile))\n"
            if let ca = tls.clientCAFile { out += "tls_client_ca = \(quote(ca))\n" }
        }
        out += "\n[state]\n"
        out += "dir = \(quote(config.stateDirectory))\n"
        out += "reconcile_interval = \(quote(ConfigDuration.format(config.reconcileInterval)))\n"
        out += "\n[router]\nkind = \(quote(config.router.kind))\n"
        switch config.router {
        case .bird(let bird):
            out += "\n[bird]\n"
            out += "socket = \(quote(bird.socket))\n"
        case .frr(let frr):
            out += "\n[frr]\n"
            out += "vtysh = \(quote(frr.vtysh))\n"
            if let name = frr.pathspace { out += "pathspace = \(quote(name))\n" }
        case .gobgp(let gobgp):
            out += "\n[gobgp]\n"
            out += "cli = \(quote(gobgp.cli))\n"
            out += "api = \(quote(gobgp.api))\n"
        case .exabgp(let exabgp):
            out += "\n[exabgp]\n"
            out += "pipe = \(quote(exabgp.pipe))\n"
        }
        out += "command_timeout = \(quote(ConfigDuration.format(config.router.commandTimeout)))\n"
        out += "drain_verify_deadline = \(quote(ConfigDuration.format(config.router.drainVerifyDeadline)))\n"
        for token in config.tokens {
            out += "\n[[token]]\n"
            out += "name = \(quote(token.name))\n"
            out += "scope = \(quote(token.scope.rawValue))\n"
            switch token.source {
            case .file(let path): out += "file = \(quote(path))\n"
            case .environment(let variable): out += "env = \(quote(variable))\n"
            case .literal: out += "value = \(quote(redacted))\n"
            }
        }
        for service in config.services {
            out += "\n[[service]]\n"
            out += "name = \(quote(service.name))\n"
            out += "prefixes = \(array(service.prefixes))\n"
            if config.router.namesOriginProtocols { out += "bird_protocols = \(array(service.birdProtocols))\n" }
            out += "auto_withdraw = \(service.autoWithdraw)\n"
            if let d = service.deprefer {
                out += "\n[service.deprefer]\n"
                if config.router.namesOriginProtocols { out += "bird_protocols = \(array(d.originProtocols))\n" }
                out += "prepend = \(d.prepend)\n"
                if let med = d.med { out += "med = \(med)\n" }
                out += "graceful_shutdown = \(d.gracefulShutdown)\n"
                out += "withdraw_below = \(d.withdrawBelow)\n"
                out += "stage_timeout = \(quote(ConfigDuration.format(d.stageTimeout)))\n"
            }
        }
        switch config.traffic {
        case .none: break
        case .unbound(let control): out += "\n[traffic]\nkind = \"unbound\"\ncontrol = \(quote(control))\n"
        case .nsd(let control): out += "\n[traffic]\nkind = \"nsd\"\ncontrol = \(quote(control))\n"
        case .prometheus(let p):
            out += "\n[traffic]\nkind = \"prometheus\"\nurl = \(quote(p.url))\ncounter = \(quote(p.counter))\n"
            if !p.labels.isEmpty {
                out += "labels = { " + p.labels.keys.sorted().map { "\($0) = \(quote(p.labels[$0]!))" }.joined(separator: ", ") + " }\n"
            }
            if let r = p.rcodeLabel { out += "rcode_label = \(quote(r))\n" }
            if let h = p.latencyHistogram { out += "latency_histogram = \(quote(h))\n" }
        }
        if let p = config.probe {
            out += "\n[probe]\nkind = \"dns\"\nserver = \(quote(p.server))\nport = \(p.port)\nname = \(quote(p.name))\n"
            out += "type = \(quote(p.type))\nexpect_rcode = \(quote(p.expectRcode))\n"
            out += "interval = \(quote(ConfigDuration.format(p.interval)))\ntimeout = \(quote(ConfigDuration.format(p.timeout)))\n"
            out += "transport = \(quote(p.transport))\n"
        }
        out += "\n[health]\nrise = \(config.health.rise)\nfall = \(config.health.fall)\n"
        if config.policy != .open {
            out += "\n[policy]\n"
            if let max = config.policy.maxLease { out += "max_lease = \(quote(ConfigDuration.format(max)))\n" }
            out += "require_lease = \(config.policy.requireLease)\n"
        }
        if let c = config.coordination { out += FleetConfigWriter.coordination(c, agent: true) }
        return out
    }

    private static func quote(_ s: String) -> String { FleetConfigWriter.quote(s) }

    private static func array(_ items: [String]) -> String {
        "[" + items.map(quote).joined(separator: ", ") + "]"
    }
}
