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
        try root.rejectUnknownKeys(["site", "listen", "token", "state", "bird", "service"])

        let site = try requiredTable(root, "site", file: file)
        try site.rejectUnknownKeys(["id", "name", "region", "location"])
        let id = try site.requiredString("id")
        guard id.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") }) else {
            throw site.error("id", "site id '\(id)' may hold only letters, digits, '-' and '_'")
        }
        let identity = SiteIdentity(
            id: id, name: try site.requiredString("name"), region: try site.requiredString("region"),
            location: try site.string("location"))

        let listen = try requiredTable(root, "listen", file: file)
        try listen.rejectUnknownKeys(["address", "port"])
        let address = try listen.string("address") ?? AgentConfig.defaultListenAddress
        guard address == "localhost" || IPPrefix.isAddress(address) else {
            throw listen.error("address", "'listen.address' = \"\(address)\" must be an IPv4 or IPv6 address (without brackets) or localhost")
        }
        guard let port = try listen.int("port") else { throw listen.error(nil, "'listen.port' is required") }
        guard (1...65535).contains(port) else { throw listen.error("port", "'listen.port' = \(port) must be 1–65535") }

        let state = try requiredTable(root, "state", file: file)
        try state.rejectUnknownKeys(["dir", "reconcile_interval"])
        let stateDirectory = resolvePath(try state.requiredString("dir"), against: baseDirectory)
        let reconcileInterval = try state.duration("reconcile_interval") ?? AgentConfig.defaultReconcileInterval

        let birdTable = try requiredTable(root, "bird", file: file)
        try birdTable.rejectUnknownKeys(["socket", "command_timeout", "drain_verify_deadline"])
        let bird = BirdConfig(
            socket: try birdTable.requiredString("socket"),
            commandTimeout: try birdTable.duration("command_timeout") ?? BirdConfig.defaultCommandTimeout,
            drainVerifyDeadline: try birdTable.duration("drain_verify_deadline") ?? BirdConfig.defaultDrainVerifyDeadline)

        let tokens = try readTokens(root, environment: environment, baseDirectory: baseDirectory)
        let services = try readServices(root, file: file)

        return AgentConfig(
            site: identity, listenAddress: address, listenPort: port, tokens: tokens,
            stateDirectory: stateDirectory, reconcileInterval: reconcileInterval, bird: bird, services: services)
    }

    private static func requiredTable(_ root: TOMLTableReader, _ key: String, file: String) throws(ConfigError) -> TOMLTableReader {
        guard let table = try root.table(key) else {
            throw ConfigError(file: file, line: nil, message: "the [\(key)] table is missing")
        }
        return table
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

    private static func readServices(_ root: TOMLTableReader, file: String) throws(ConfigError) -> [AgentServiceConfig] {
        var services: [AgentServiceConfig] = []
        var firstLine: [String: Int] = [:]
        var prefixOwner: [String: String] = [:]
        var protocolOwner: [String: String] = [:]
        for s in try root.tableArray("service") {
            try s.rejectUnknownKeys(["name", "prefixes", "bird_protocols"])
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

            guard let protocols = try s.stringArray("bird_protocols") else {
                throw s.error(nil, "'\(s.keyPath("bird_protocols"))' is required")
            }
            guard !protocols.isEmpty else {
                throw s.error("bird_protocols", "service '\(name)': 'bird_protocols' must not be empty")
            }
            for proto in protocols {
                guard !proto.isEmpty, proto.count <= 64,
                      proto.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == ".") })
                else {
                    throw s.error("bird_protocols", "service '\(name)': BIRD protocol name \"\(proto)\" may hold only letters, digits, '_', '-' and '.'")
                }
                if let owner = protocolOwner[proto] {
                    let message = owner == name
                        ? "service '\(name)': BIRD protocol \(proto) is listed twice"
                        : "service '\(name)': BIRD protocol \(proto) also originates service '\(owner)'; draining one would withdraw both"
                    throw s.error("bird_protocols", message)
                }
                protocolOwner[proto] = name
            }
            services.append(AgentServiceConfig(name: name, prefixes: prefixes, birdProtocols: protocols))
        }
        if services.isEmpty {
            throw ConfigError(file: file, line: nil, message: "no [[service]] is defined")
        }
        return services
    }
}
