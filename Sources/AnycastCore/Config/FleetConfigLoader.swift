import Foundation

/// Reads and validates a fleet config file (TOML). Every problem is a `ConfigError` with the
/// file and line, so `anycast-dash` can print it and exit with status 2.
public enum FleetConfigLoader {
    /// Loads the file at `path`; relative token files are read relative to the file's folder.
    public static func load(path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> FleetConfig {
        let source: String
        do {
            source = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw ConfigError(file: path, line: nil, message: "cannot read the fleet config: \(error.localizedDescription)")
        }
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent().path
        return try parse(source: source, file: path, baseDirectory: folder, environment: environment)
    }

    /// Parses fleet config text; `file` names it in errors.
    public static func parse(
        source: String, file: String, baseDirectory: String = ".",
        environment: [String: String] = [:]
    ) throws(ConfigError) -> FleetConfig {
        let root = try TOMLDocument(source: source, file: file).rootReader
        try root.rejectUnknownKeys(["fleet", "region", "site", "coordination"])
        guard let fleet = try root.table("fleet") else {
            throw ConfigError(file: file, line: nil, message: "the [fleet] table is missing")
        }
        try fleet.rejectUnknownKeys(["name", "poll_interval", "request_timeout", "unreachable_after", "min_active_sites", "max_concurrent_changes", "theme", "mouse", "max_response_kib",
                                   "tls_ca_file", "tls_client_certificate", "tls_client_key"])
        let name = try fleet.requiredString("name")
        let interval = try fleet.duration("poll_interval") ?? .seconds(1)
        let timeout = try fleet.duration("request_timeout")
        if let timeout, timeout >= interval {
            throw fleet.error("request_timeout", "'fleet.request_timeout' must be shorter than 'fleet.poll_interval'")
        }
        let unreachableAfter = try fleet.int("unreachable_after") ?? 3
        if unreachableAfter < 1 { throw fleet.error("unreachable_after", "'fleet.unreachable_after' must be at least 1") }
        let minActive = try fleet.int("min_active_sites") ?? 0
        if minActive < 0 { throw fleet.error("min_active_sites", "'fleet.min_active_sites' must not be negative") }
        let maxChanges = try fleet.int("max_concurrent_changes")
        if let maxChanges, maxChanges < 1 { throw fleet.error("max_concurrent_changes", "'fleet.max_concurrent_changes' must be at least 1") }
        let maxResponseKiB = try fleet.int("max_response_kib") ?? FleetConfig.defaultMaxResponseBytes / 1024
        if !(16...1_048_576).contains(maxResponseKiB) {
            throw fleet.error("max_response_kib", "'fleet.max_response_kib' must be from 16 to 1048576 (KiB)")
        }

        let tls = try readTLS(fleet, baseDirectory: baseDirectory)

        var regions: [RegionConfig] = []
        for r in try root.tableArray("region") {
            try r.rejectUnknownKeys(["name", "min_active", "max_concurrent_changes"])
            let regionName = try r.requiredString("name")
            if regions.contains(where: { $0.name == regionName }) {
                throw r.error("name", "region '\(regionName)' is defined twice")
            }
            let regionMin = try r.int("min_active") ?? 0
            if regionMin < 0 { throw r.error("min_active", "'min_active' must not be negative") }
            let regionChanges = try r.int("max_concurrent_changes")
            if let regionChanges, regionChanges < 1 { throw r.error("max_concurrent_changes", "'max_concurrent_changes' must be at least 1") }
            regions.append(RegionConfig(name: regionName, minActive: regionMin, maxConcurrentChanges: regionChanges))
        }

        var sites: [SiteConfig] = []
        var firstLine: [String: Int] = [:]
        for s in try root.tableArray("site") {
            try s.rejectUnknownKeys(["id", "name", "region", "url", "token", "token_file", "token_env", "read_token", "read_token_file", "read_token_env", "capacity_qps", "location", "tls"])
            let id = try s.requiredString("id")
            guard id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" || $0 == "." }) else {
                throw s.error("id", "site id '\(id)' may hold only letters, digits, '-', '_' and '.'")
            }
            if let earlier = firstLine[id] {
                throw s.error("id", "duplicate site id '\(id)' (first defined on line \(earlier))")
            }
            firstLine[id] = s.line("id") ?? 0
            let region = try s.requiredString("region")
            if !regions.contains(where: { $0.name == region }) {
                let known = regions.isEmpty ? "no [[region]] is defined" : "known regions: \(regions.map(\.name).joined(separator: ", "))"
                throw s.error("region", "site '\(id)' names unknown region '\(region)'; \(known)")
            }
            let url = try s.requiredString("url")
            if let problem = AgentURL.problem(with: url) {
                throw s.error("url", "site '\(id)': bad url \"\(url)\": \(problem)")
            }
            let tls = try s.bool("tls") ?? false
            if tls && !url.lowercased().hasPrefix("https://") {
                throw s.error("url", "site '\(id)' is marked tls = true, so its url must be https://, not \"\(url)\" (its tokens are never sent in the clear)")
            }
            let (token, tokenSource) = try readToken(s, id: id, prefix: "", baseDirectory: baseDirectory, environment: environment)
            let (readToken, readSource) = try readToken(s, id: id, prefix: "read_", baseDirectory: baseDirectory, environment: environment)
            let capacity = try s.number("capacity_qps")
            if let capacity, capacity <= 0 { throw s.error("capacity_qps", "'capacity_qps' must be positive") }
            sites.append(SiteConfig(
                id: id, name: try s.string("name") ?? id, region: region, url: url,
                token: token, tokenSource: tokenSource, readToken: readToken, readTokenSource: readSource, capacityQPS: capacity,
                location: try s.string("location"), tls: tls))
        }
        if sites.isEmpty {
            throw ConfigError(file: file, line: nil, message: "no [[site]] is defined")
        }
        let coordination = try CoordinationConfigReader.read(root, agent: false, baseDirectory: baseDirectory, environment: environment)
        var config = FleetConfig(
            name: name, pollInterval: interval, requestTimeout: timeout,
            unreachableAfter: unreachableAfter, minActiveSites: minActive,
            theme: try fleet.string("theme"), maxResponseBytes: maxResponseKiB * 1024, tls: tls, regions: regions, sites: sites,
            maxConcurrentChanges: maxChanges, coordination: coordination)
        config.mouse = try fleet.bool("mouse") ?? true
        return config
    }

    /// `[fleet] tls_ca_file`, and `tls_client_certificate` with `tls_client_key` (both or
    /// neither), each checked to exist and hold what it should.
    static func readTLS(_ fleet: TOMLTableReader, baseDirectory: String) throws(ConfigError) -> FleetTLSConfig {
        let ca = try fleet.pemFile("tls_ca_file", holds: .certificates, what: "CA file", folder: baseDirectory)
        let certificate = try fleet.pemFile("tls_client_certificate", holds: .certificates, what: "client certificate file", folder: baseDirectory)
        let key = try fleet.pemFile("tls_client_key", holds: .privateKey, what: "client key file", folder: baseDirectory)
        if (certificate == nil) != (key == nil) {
            let given = certificate == nil ? "tls_client_key" : "tls_client_certificate"
            throw fleet.error(given, "a client certificate needs both 'fleet.tls_client_certificate' and 'fleet.tls_client_key' (found only \(given))")
        }
        return FleetTLSConfig(caFile: ca, clientCertificateFile: certificate, clientKeyFile: key)
    }

    /// Reads one of `{prefix}token`, `{prefix}token_file`, `{prefix}token_env` (at most one).
    static func readToken(
        _ s: TOMLTableReader, id: String, prefix: String, baseDirectory: String, environment: [String: String]
    ) throws(ConfigError) -> (String?, TokenSource?) {
        let sources = [("\(prefix)token", TokenSource.literal), ("\(prefix)token_file", TokenSource.file), ("\(prefix)token_env", TokenSource.environment)]
        var tokenSource: TokenSource?
        var tokenKey: String?
        for (key, make) in sources {
            guard let value = try s.string(key) else { continue }
            if let tokenKey {
                throw s.error(key, "site '\(id)': give only one of \(prefix)token, \(prefix)token_file, \(prefix)token_env (found \(tokenKey) and \(key))")
            }
            tokenKey = key
            let resolvedValue = key.hasSuffix("token_file") && !value.hasPrefix("/") ? baseDirectory + "/" + value : value
            tokenSource = make(resolvedValue)
        }
        guard let tokenSource else { return (nil, nil) }
        do {
            return (try tokenSource.resolve(environment: environment), tokenSource)
        } catch {
            throw s.error(tokenKey, "site '\(id)': \(error.description)")
        }
    }
}
