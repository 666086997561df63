import Foundation

/// Reads and validates a site agent's config file (TOML). Every problem is a `ConfigError`
/// with the file and line, so `anycast-agent` can print it and refuse to start.
public enum AgentConfigLoader {
    /// Loads the file at `path`; relative token files and the state directory are resolved
    /// against the file's folder.
    public static func load(
        path: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> AgentConfig {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, message: "cannot read the agent config: \(error.localizedDescription)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(text, file: path, environment: environment, baseDirectory: folder)
    }

    /// Parses agent config text; `file` names it in errors. Relative paths are resolved
    /// against `baseDirectory` (left as written when it is `nil`).
    public static func parse(
        _ text: String, file: String, environment: [String: String] = [:], baseDirectory: String? = nil
    ) throws(ConfigError) -> AgentConfig {
        let root = try TOMLDocument(source: text, file: file).rootReader
        try root.rejectUnknownKeys(["site", "listen", "token", "state", "router", "bird", "frr", "gobgp", "exabgp", "service", "traffic", "probe", "health", "policy", "coordination"])

        let site = try requiredTable(root, "site", file: file)
        try site.rejectUnknownKeys(["id", "name", "region", "location"])
        let id = try site.requiredString("id")
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw site.error("id", "site id '\(id)' may hold only letters, digits, '-' and '_'")
        }
        let identity = SiteIdentity(
            // The name defaults to the id, as a fleet config's site name does.
            id: id, name: try site.string("name") ?? id, region: try site.requiredString("region"),
            location: try site.string("location"))

        let listen = try requiredTable(root, "listen", file: file)
        try listen.rejectUnknownKeys(["address", "port", "changes_per_minute", "tls_certificate", "tls_key", "tls_client_ca"])
        let address = try listen.string("address") ?? AgentConfig.defaultListenAddress
        guard address == "localhost" || IPPrefix.isAddress(address) else {
            throw listen.error("address", "'listen.address' = \"\(address)\" must be an IPv4 or IPv6 address (without brackets) or localhost")
        }
        guard let port = try listen.int("port") else { throw listen.error(nil, "'listen.port' is required") }
        guard (1...65535).contains(port) else { throw listen.error("port", "'listen.port' = \(port) must be 1–65535") }
        let changesPerMinute = try listen.int("changes_per_minute") ?? AgentConfig.defaultChangesPerMinute
        guard (1...100_000).contains(changesPerMinute) else {
            throw listen.error("changes_per_minute", "'listen.changes_per_minute' = \(changesPerMinute) must be 1–100000")
        }
        let tls = try readListenTLS(listen, baseDirectory: baseDirectory)

        let state = try requiredTable(root, "state", file: file)
        try state.rejectUnknownKeys(["dir", "reconcile_interval"])
        let stateDirectory = resolvePath(try state.requiredString("dir"), against: baseDirectory)
        let reconcileInterval = try state.duration("reconcile_interval") ?? AgentConfig.defaultReconcileInterval

        let router = try readRouter(root, file: file)

        let tokens = try readTokens(root, environment: environment, baseDirectory: baseDirectory)
        let services = try readServices(root, file: file, router: router)
        let traffic = try readTraffic(root, baseDirectory: baseDirectory)
        let probe = try readProbe(root)
        var health = HealthConfig()
        if let h = try root.table("health") {
            try h.rejectUnknownKeys(["rise", "fall"])
            health.rise = try h.int("rise") ?? health.rise
            health.fall = try h.int("fall") ?? health.fall
            guard (1...100).contains(health.rise) else { throw h.error("rise", "'health.rise' must be 1–100") }
            guard (1...100).contains(health.fall) else { throw h.error("fall", "'health.fall' must be 1–100") }
        }
        let policy = try readPolicy(root)
        let coordination = try CoordinationConfigReader.read(root, agent: true, baseDirectory: baseDirectory, environment: environment)
        if let auto = services.first(where: \.autoWithdraw), probe == nil {
            throw ConfigError(file: file, line: nil, message: "service '\(auto.name)' has auto_withdraw = true but there is no [probe] to tell its health")
        }

        return AgentConfig(
            site: identity, listenAddress: address, listenPort: port, changesPerMinute: changesPerMinute, tls: tls, tokens: tokens,
            stateDirectory: stateDirectory, reconcileInterval: reconcileInterval, router: router, services: services,
            traffic: traffic, probe: probe, health: health, policy: policy, coordination: coordination)
    }

    /// `[router] kind` (BIRD when there is no `[router]`, as configs before it was added say) and
    /// that daemon's own table; a table for another daemon is an error, so a half-migrated
    /// config is not run against the wrong daemon.
    private static func readRouter(_ root: TOMLTableReader, file: String) throws(ConfigError) -> RouterConfig {
        var kind = "bird"
        if let r = try root.table("router") {
            try r.rejectUnknownKeys(["kind"])
            kind = try r.requiredString("kind")
            guard RouterConfig.kinds.contains(kind) else {
                throw r.error("kind", "'router.kind' = \"\(kind)\" must be one of \(RouterConfig.kinds.joined(separator: ", "))")
            }
        }
        for other in RouterConfig.kinds where other != kind {
            if let t = try root.table(other) {
                throw t.error(nil, "[\(other)] is for [router] kind = \"\(other)\", but this agent drives \(kind)\(kind == "bird" && (try? root.table("router")) == nil ? " (no [router] table: BIRD)" : ""); remove [\(other)], or set [router] kind = \"\(other)\"")
            }
        }
        switch kind {
        case "frr":
            var frr = FRRConfig()
            if let t = try root.table("frr") {
                try t.rejectUnknownKeys(["vtysh", "pathspace", "command_timeout", "drain_verify_deadline"])
                frr.vtysh = try t.string("vtysh") ?? frr.vtysh
                guard frr.vtysh.hasPrefix("/") else { throw t.error("vtysh", "'frr.vtysh' = \"\(frr.vtysh)\" must be an absolute path") }
                if let name = try t.string("pathspace") {
                    guard !name.isEmpty, name.count <= 64, name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                        throw t.error("pathspace", "'frr.pathspace' = \"\(name)\" may hold only letters, digits, '-', '_' and '.' (it is vtysh -N)")
                    }
                    frr.pathspace = name
                }
                frr.commandTimeout = try t.duration("command_timeout") ?? frr.commandTimeout
                frr.drainVerifyDeadline = try t.duration("drain_verify_deadline") ?? frr.drainVerifyDeadline
            }
            return .frr(frr)
        case "gobgp":
            var gobgp = GoBGPConfig()
            if let t = try root.table("gobgp") {
                try t.rejectUnknownKeys(["cli", "api", "command_timeout", "drain_verify_deadline"])
                gobgp.cli = try t.string("cli") ?? gobgp.cli
                guard gobgp.cli.hasPrefix("/") else { throw t.error("cli", "'gobgp.cli' = \"\(gobgp.cli)\" must be an absolute path") }
                gobgp.api = try t.string("api") ?? gobgp.api
                guard gobgp.hostAndPort != nil else {
                    throw t.error("api", "'gobgp.api' = \"\(gobgp.api)\" must be HOST:PORT, gobgpd's --api-hosts (IPv6 in brackets: [::1]:50051)")
                }
                gobgp.commandTimeout = try t.duration("command_timeout") ?? gobgp.commandTimeout
                gobgp.drainVerifyDeadline = try t.duration("drain_verify_deadline") ?? gobgp.drainVerifyDeadline
            }
            return .gobgp(gobgp)
        case "exabgp":
            var exabgp = ExaBGPConfig()
            if let t = try root.table("exabgp") {
                try t.rejectUnknownKeys(["pipe", "command_timeout", "drain_verify_deadline"])
                exabgp.pipe = try t.string("pipe") ?? exabgp.pipe
                guard exabgp.pipe.hasPrefix("/"), !exabgp.pipe.hasSuffix(".in"), !exabgp.pipe.hasSuffix(".out") else {
                    throw t.error("pipe", "'exabgp.pipe' = \"\(exabgp.pipe)\" must be an absolute path without .in or .out: the folder and ExaBGP's pipename (exabgp.api.pipename), e.g. /run/exabgp/exabgp")
                }
                exabgp.commandTimeout = try t.duration("command_timeout") ?? exabgp.commandTimeout
                exabgp.drainVerifyDeadline = try t.duration("drain_verify_deadline") ?? exabgp.drainVerifyDeadline
            }
            return .exabgp(exabgp)
        default:
            let birdTable = try requiredTable(root, "bird", file: file)
            try birdTable.rejectUnknownKeys(["socket", "command_timeout", "drain_verify_deadline"])
            return .bird(BirdConfig(
                socket: try birdTable.requiredString("socket"),
                commandTimeout: try birdTable.duration("command_timeout") ?? BirdConfig.defaultCommandTimeout,
                drainVerifyDeadline: try birdTable.duration("drain_verify_deadline") ?? BirdConfig.defaultDrainVerifyDeadline))
        }
    }

    /// `[policy]`: `max_lease` (a duration) and `require_lease`.
    private static func readPolicy(_ root: TOMLTableReader) throws(ConfigError) -> DrainPolicy {
        guard let p = try root.table("policy") else { return .open }
        try p.rejectUnknownKeys(["max_lease", "require_lease"])
        let maxLease = try p.duration("max_lease")
        if let maxLease, maxLease < .seconds(1) { throw p.error("max_lease", "'policy.max_lease' must be at least 1s") }
        return DrainPolicy(maxLease: maxLease, requireLease: try p.bool("require_lease") ?? false)
    }

    /// Checks the BIRD protocol names of `t`'s `bird_protocols` and claims them for `service`:
    /// a protocol that another origin (of this service or another) already uses is an error,
    /// since disabling it would change both. `ownUse` says what a second use within the service is.
    private static func claim(
        _ protocols: [String], in t: TOMLTableReader, service name: String, owners: inout [String: String], ownUse: String
    ) throws(ConfigError) {
        for proto in protocols {
            guard !proto.isEmpty, proto.count <= 64,
                  proto.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
            else {
                throw t.error("bird_protocols", "service '\(name)': BIRD protocol name \"\(proto)\" may hold only letters, digits, '_', '-' and '.'")
            }
            if let owner = owners[proto] {
                let message = owner == name
                    ? "service '\(name)': BIRD protocol \(proto) \(ownUse)"
                    : "service '\(name)': BIRD protocol \(proto) also originates service '\(owner)'; draining one would withdraw both"
                throw t.error("bird_protocols", message)
            }
            owners[proto] = name
        }
    }

    /// `[service.deprefer]`: the protocols that originate the de-preferred route, its attributes
    /// (for verification: BIRD's config sets them) and when the drain moves on to withdraw.
    private static func readDeprefer(
        _ s: TOMLTableReader, service name: String, router: RouterConfig, protocolOwner: inout [String: String]
    ) throws(ConfigError) -> DepreferStep? {
        guard let d = try s.table("deprefer") else { return nil }
        try d.rejectUnknownKeys(["bird_protocols", "prepend", "med", "graceful_shutdown", "withdraw_below", "stage_timeout"])
        var protocols: [String] = []
        if !router.namesOriginProtocols {
            if d.keys.contains("bird_protocols") {
                throw d.error("bird_protocols", "'\(d.keyPath("bird_protocols"))' is for BIRD; with [router] kind = \"\(router.kind)\" the agent sets the de-prefer attributes itself: remove it")
            }
        } else if let named = try d.stringArray("bird_protocols"), !named.isEmpty {
            protocols = named
        } else {
            throw d.error("bird_protocols", "service '\(name)' has a de-prefer step but names no de-prefer protocol: give '\(d.keyPath("bird_protocols"))', the BIRD protocols that originate its prefixes with the de-prefer attributes (see the README, \"Staged drains\")")
        }
        if router.namesOriginProtocols {
            try claim(protocols, in: d, service: name, owners: &protocolOwner,
                      ownUse: "is both its normal and its de-prefer origin (or listed twice); the de-prefer step needs a protocol of its own")
        }
        let prepend = try d.int("prepend") ?? 0
        guard (0...32).contains(prepend) else { throw d.error("prepend", "'\(d.keyPath("prepend"))' must be 0–32") }
        let med = try d.int("med")
        if let med, !(0...Int(UInt32.max)).contains(med) { throw d.error("med", "'\(d.keyPath("med"))' must be 0–4294967295") }
        let graceful = try d.bool("graceful_shutdown") ?? false
        guard prepend > 0 || med != nil || graceful else {
            throw d.error(nil, "service '\(name)': the de-prefer step sets nothing: give prepend, med or graceful_shutdown = true (what the de-preferred route carries)")
        }
        let below = try d.number("withdraw_below") ?? DepreferStep.defaultWithdrawBelow
        guard below >= 0 && below < 1 else {
            throw d.error("withdraw_below", "'\(d.keyPath("withdraw_below"))' is a share of the rate before the drain: 0 to under 1 (0.1 = 10%)")
        }
        let timeout = try d.duration("stage_timeout") ?? DepreferStep.defaultStageTimeout
        guard timeout >= .seconds(1) else { throw d.error("stage_timeout", "'\(d.keyPath("stage_timeout"))' must be at least 1s") }
        return DepreferStep(originProtocols: protocols, prepend: prepend, med: med.map(UInt32.init), gracefulShutdown: graceful,
                            withdrawBelow: below, stageTimeout: timeout)
    }

    private static func requiredTable(_ root: TOMLTableReader, _ key: String, file: String) throws(ConfigError) -> TOMLTableReader {
        guard let table = try root.table(key) else {
            throw ConfigError(file: file, line: nil, message: "the [\(key)] table is missing")
        }
        return table
    }

    /// `[listen] tls_certificate` and `tls_key` (both or neither) and `tls_client_ca` (only with
    /// them), each checked to exist and hold what it should.
    private static func readListenTLS(_ listen: TOMLTableReader, baseDirectory: String?) throws(ConfigError) -> AgentTLSConfig? {
        let certificate = try listen.pemFile("tls_certificate", holds: .certificates, what: "TLS certificate file", folder: baseDirectory)
        let key = try listen.pemFile("tls_key", holds: .privateKey, what: "TLS key file", folder: baseDirectory)
        let clientCA = try listen.pemFile("tls_client_ca", holds: .certificates, what: "client CA file", folder: baseDirectory)
        guard let certificate, let key else {
            let given = [("tls_certificate", certificate), ("tls_key", key), ("tls_client_ca", clientCA)].filter { $0.1 != nil }.map(\.0)
            if given.isEmpty { return nil }
            throw listen.error(given.first, "TLS needs both 'listen.tls_certificate' and 'listen.tls_key' (found only \(given.joined(separator: " and ")))")
        }
        return AgentTLSConfig(certificateFile: certificate, keyFile: key, clientCAFile: clientCA)
    }

    /// `path` as written when absolute (or when there is no base), else under `base`.
    static func resolvePath(_ path: String, against base: String?) -> String {
        guard !path.hasPrefix("/"), let base else { return path }
        let baseURL = URL(fileURLWithPath: base, isDirectory: true)
        return URL(fileURLWithPath: path, relativeTo: baseURL).standardizedFileURL.path
    }

    private static func readTokens(
        _ root: TOMLTableReader, environment: [String: String], baseDirectory: String?
    ) throws(ConfigError) -> [AgentTokenConfig] {
        var tokens: [AgentTokenConfig] = []
        var firstLine: [String: Int] = [:]
        for t in try root.tableArray("token") {
            try t.rejectUnknownKeys(["name", "scope", "file", "env", "value"])
            let name = try t.requiredString("name")
            if let earlier = firstLine[name] {
                throw t.error("name", "duplicate token name '\(name)' (first defined on line \(earlier))")
            }
            firstLine[name] = t.line("name") ?? 0
            let scopeText = try t.requiredString("scope")
            guard let scope = AgentTokenScope(rawValue: scopeText) else {
                throw t.error("scope", "token '\(name)': scope \"\(scopeText)\" must be read or operate")
            }
            var sourceKey: String?
            for key in t.keys where ["file", "env", "value"].contains(key) {
                if let sourceKey {
                    throw t.error(key, "token '\(name)': give only one of file, env and value (found \(sourceKey) and \(key))")
                }
                sourceKey = key
            }
            let source: TokenSource
            let secret: String
            switch sourceKey {
            case "file":
                let path = resolvePath(try t.requiredString("file"), against: baseDirectory)
                source = .file(path)
                do { secret = try source.resolve(environment: environment) } catch {
                    throw t.error("file", "token '\(name)': \(error.description)")
                }
            case "env":
                let variable = try t.requiredString("env")
                source = .environment(variable)
                guard let value = environment[variable] else {
                    throw t.error("env", "token '\(name)': environment variable \(variable) is not set")
                }
                guard !value.trimmingWhitespace().isEmpty else {
                    throw t.error("env", "token '\(name)': environment variable \(variable) is empty")
                }
                secret = value
            case "value":
                guard let value = try t.string("value"), !value.trimmingWhitespace().isEmpty else {
                    throw t.error("value", "token '\(name)': the token value is empty")
                }
                guard value != AgentConfigWriter.redacted else {
                    throw t.error("value", "token '\(name)': the value is the placeholder \(AgentConfigWriter.redacted) from a printed config; put the real secret here, or better use file or env")
                }
                source = .literal(value)
                secret = value
            default:
                throw t.error(nil, "token '\(name)': give one of file, env or value")
            }
            if let twin = tokens.first(where: { $0.value == secret }) {
                throw t.error(sourceKey, "tokens '\(twin.name)' and '\(name)' have the same secret; give each token its own")
            }
            tokens.append(AgentTokenConfig(name: name, scope: scope, value: secret, source: source))
        }
        return tokens
    }

    private static func readServices(_ root: TOMLTableReader, file: String, router: RouterConfig) throws(ConfigError) -> [AgentServiceConfig] {
        var services: [AgentServiceConfig] = []
        var firstLine: [String: Int] = [:]
        var prefixOwner: [String: String] = [:]
        var protocolOwner: [String: String] = [:]
        for s in try root.tableArray("service") {
            try s.rejectUnknownKeys(["name", "prefixes", "bird_protocols", "auto_withdraw", "deprefer"])
            let name = try s.requiredString("name")
            guard name.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == ".") }) else {
                throw s.error("name", "service name '\(name)' may hold only letters, digits, '-', '_' and '.'")
            }
            if let earlier = firstLine[name] {
                throw s.error("name", "duplicate service name '\(name)' (first defined on line \(earlier))")
            }
            firstLine[name] = s.line("name") ?? 0

            guard let prefixes = try s.stringArray("prefixes") else {
                throw s.error(nil, "'\(s.keyPath("prefixes"))' is required")
            }
            guard !prefixes.isEmpty else { throw s.error("prefixes", "service '\(name)': 'prefixes' must not be empty") }
            for prefix in prefixes {
                if let problem = IPPrefix.problem(with: prefix) {
                    throw s.error("prefixes", "service '\(name)': bad prefix \"\(prefix)\": \(problem)")
                }
                let key = IPPrefix.canonical(prefix) ?? prefix
                if let owner = prefixOwner[key] {
                    let place = owner == name ? "twice in this service" : "also in service '\(owner)'"
                    throw s.error("prefixes", "service '\(name)': prefix \(prefix) is \(place)")
                }
                prefixOwner[key] = name
            }

            var protocols: [String] = []
            if router.namesOriginProtocols {
                guard let named = try s.stringArray("bird_protocols") else {
                    throw s.error(nil, "'\(s.keyPath("bird_protocols"))' is required")
                }
                guard !named.isEmpty else {
                    throw s.error("bird_protocols", "service '\(name)': 'bird_protocols' must not be empty")
                }
                try claim(named, in: s, service: name, owners: &protocolOwner, ownUse: "is listed twice")
                protocols = named
            } else if s.keys.contains("bird_protocols") {
                throw s.error("bird_protocols", "service '\(name)': 'bird_protocols' is for BIRD; with [router] kind = \"\(router.kind)\" the agent announces the prefixes itself: remove it")
            }
            let deprefer = try readDeprefer(s, service: name, router: router, protocolOwner: &protocolOwner)
            services.append(AgentServiceConfig(name: name, prefixes: prefixes, birdProtocols: protocols,
                                               autoWithdraw: try s.bool("auto_withdraw") ?? false, deprefer: deprefer))
        }
        if services.isEmpty {
            throw ConfigError(file: file, line: nil, message: "no [[service]] is defined")
        }
        return services
    }

    private static func readTraffic(_ root: TOMLTableReader, baseDirectory: String?) throws(ConfigError) -> TrafficConfig {
        guard let t = try root.table("traffic") else { return .none }
        let kind = try t.requiredString("kind")
        switch kind {
        case "unbound", "nsd":
            try t.rejectUnknownKeys(["kind", "control"])
            let control = resolvePath(try t.requiredString("control"), against: baseDirectory)
            return kind == "unbound" ? .unbound(control: control) : .nsd(control: control)
        case "prometheus":
            try t.rejectUnknownKeys(["kind", "url", "counter", "labels", "rcode_label", "latency_histogram"])
            let url = try t.requiredString("url")
            if let problem = AgentURL.problem(with: url) { throw t.error("url", "'traffic.url' = \"\(url)\": \(problem)") }
            var labels: [String: String] = [:]
            if let l = try t.table("labels") {
                for key in l.keys { labels[key] = try l.requiredString(key) }
            }
            return .prometheus(PrometheusTrafficConfig(
                url: url, counter: try t.requiredString("counter"), labels: labels,
                rcodeLabel: try t.string("rcode_label"), latencyHistogram: try t.string("latency_histogram")))
        default:
            throw t.error("kind", "'traffic.kind' = \"\(kind)\" must be unbound, nsd or prometheus")
        }
    }

    private static func readProbe(_ root: TOMLTableReader) throws(ConfigError) -> ProbeConfig? {
        guard let p = try root.table("probe") else { return nil }
        try p.rejectUnknownKeys(["kind", "server", "port", "name", "type", "expect_rcode", "interval", "timeout", "transport"])
        let kind = try p.string("kind") ?? "dns"
        guard kind == "dns" else { throw p.error("kind", "'probe.kind' = \"\(kind)\": only dns is known") }
        let server = try p.requiredString("server")
        guard IPPrefix.isAddress(server) else { throw p.error("server", "'probe.server' = \"\(server)\" must be an IPv4 or IPv6 address") }
        var probe = ProbeConfig(server: server, name: try p.requiredString("name"))
        probe.port = try p.int("port") ?? probe.port
        guard (1...65535).contains(probe.port) else { throw p.error("port", "'probe.port' must be 1–65535") }
        probe.type = (try p.string("type") ?? probe.type).uppercased()
        guard ProbeConfig.recordTypes.contains(probe.type) else {
            throw p.error("type", "'probe.type' = \"\(probe.type)\" is not one of \(ProbeConfig.recordTypes.sorted().joined(separator: ", "))")
        }
        probe.expectRcode = (try p.string("expect_rcode") ?? probe.expectRcode).uppercased()
        guard ProbeConfig.rcodes.contains(probe.expectRcode) else {
            throw p.error("expect_rcode", "'probe.expect_rcode' = \"\(probe.expectRcode)\" is not one of \(ProbeConfig.rcodes.sorted().joined(separator: ", "))")
        }
        probe.interval = try p.duration("interval") ?? probe.interval
        probe.timeout = try p.duration("timeout") ?? probe.timeout
        guard probe.timeout < probe.interval || probe.timeout == probe.interval else {
            throw p.error("timeout", "'probe.timeout' must not be longer than 'probe.interval'")
        }
        probe.transport = (try p.string("transport") ?? probe.transport).lowercased()
        guard probe.transport == "udp" || probe.transport == "tcp" else { throw p.error("transport", "'probe.transport' is udp or tcp") }
        return probe
    }
}
