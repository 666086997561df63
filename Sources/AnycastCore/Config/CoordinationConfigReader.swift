/// Reads `[coordination]` of an agent or fleet config, with file:line errors.
enum CoordinationConfigReader {
    /// The table, or nil when the config has none. `agent` allows the keys only an agent uses
    /// (`lease_ttl`, `on_coordination_loss`), else the fleet's (`lock_ttl`).
    static func read(_ root: TOMLTableReader, agent: Bool, baseDirectory: String?, environment: [String: String]) throws(ConfigError) -> CoordinationConfig? {
        guard let t = try root.table("coordination") else { return nil }
        var keys: Set<String> = ["kind", "endpoints", "prefix", "timeout", "tls_ca_file", "tls_client_certificate", "tls_client_key",
                                 "username", "password_file", "password_env"]
        if agent { keys.formUnion(["lease_ttl", "on_coordination_loss"]) } else { keys.insert("lock_ttl") }
        try t.rejectUnknownKeys(keys)
        let kind = try t.requiredString("kind")
        guard kind == "etcd" else { throw t.error("kind", "'coordination.kind' = \"\(kind)\": the only kind is \"etcd\"") }
        guard let endpoints = try t.stringArray("endpoints"), !endpoints.isEmpty else {
            throw t.error(t.has("endpoints") ? "endpoints" : nil, "'coordination.endpoints' must list the etcd members' client URLs, e.g. [\"http://10.0.0.1:2379\"]")
        }
        for e in endpoints {
            if let problem = AgentURL.problem(with: e) {
                throw t.error("endpoints", "'coordination.endpoints': bad URL \"\(e)\": \(problem)")
            }
        }
        var config = CoordinationConfig(endpoints: endpoints)
        if let prefix = try t.string("prefix") {
            guard prefix.hasPrefix("/"), prefix.count > 1, !prefix.hasSuffix("/"), !prefix.contains("//"),
                  prefix.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7f }) else {
                throw t.error("prefix", "'coordination.prefix' = \"\(prefix)\" must be a key path such as \"/anycast-dash/prod\": starting with '/', not ending with one, printable ASCII")
            }
            config.prefix = prefix
        }
        if let timeout = try t.duration("timeout") {
            guard timeout >= .milliseconds(100), timeout <= .seconds(60) else {
                throw t.error("timeout", "'coordination.timeout' must be from 100ms to 60s")
            }
            config.timeout = timeout
        }
        if let ttl = try t.duration("lease_ttl") {
            guard ttl >= .seconds(2), ttl <= .seconds(300), ttl.components.attoseconds == 0 else {
                throw t.error("lease_ttl", "'coordination.lease_ttl' must be whole seconds from 2s to 5m (etcd leases count in seconds)")
            }
            guard ttl > config.timeout * 2 else {
                throw t.error("lease_ttl", "'coordination.lease_ttl' must be more than twice 'coordination.timeout', so a renewal that times out once does not lose the record")
            }
            config.leaseTTL = ttl
        }
        if let rule = try t.string("on_coordination_loss") {
            guard let r = CoordinationConfig.LossRule(rawValue: rule) else {
                throw t.error("on_coordination_loss", "'coordination.on_coordination_loss' = \"\(rule)\" must be \"hold\" (keep announcing; the default) or \"local\" (decide alone)")
            }
            config.onLoss = r
        }
        if let ttl = try t.duration("lock_ttl") {
            guard ttl >= .seconds(5), ttl <= .seconds(600), ttl.components.attoseconds == 0 else {
                throw t.error("lock_ttl", "'coordination.lock_ttl' must be whole seconds from 5s to 10m (etcd leases count in seconds)")
            }
            config.lockTTL = ttl
        }
        try readCredentials(t, into: &config, baseDirectory: baseDirectory, environment: environment)
        config.caFile = try t.pemFile("tls_ca_file", holds: .certificates, what: "etcd CA file", folder: baseDirectory)
        config.clientCertificateFile = try t.pemFile("tls_client_certificate", holds: .certificates, what: "etcd client certificate file", folder: baseDirectory)
        config.clientKeyFile = try t.pemFile("tls_client_key", holds: .privateKey, what: "etcd client key file", folder: baseDirectory)
        if (config.clientCertificateFile == nil) != (config.clientKeyFile == nil) {
            let given = config.clientCertificateFile == nil ? "tls_client_key" : "tls_client_certificate"
            throw t.error(given, "a client certificate needs both 'coordination.tls_client_certificate' and 'coordination.tls_client_key' (found only \(given))")
        }
        let tlsGiven = config.caFile != nil || config.clientCertificateFile != nil
        if tlsGiven, let plain = endpoints.first(where: { !$0.lowercased().hasPrefix("https://") }) {
            throw t.error("endpoints", "'coordination.endpoints' has \"\(plain)\", but TLS files are given: use https:// for every member")
        }
        return config
    }

    /// `username` with one of `password_file` / `password_env` (no password in the config
    /// itself: configs get copied and committed), resolved now so a bad one fails at load.
    private static func readCredentials(
        _ t: TOMLTableReader, into config: inout CoordinationConfig, baseDirectory: String?, environment: [String: String]
    ) throws(ConfigError) {
        let username = try t.string("username")
        let file = try t.string("password_file")
        let variable = try t.string("password_env")
        if file != nil && variable != nil {
            throw t.error("password_env", "give only one of 'coordination.password_file' and 'coordination.password_env'")
        }
        let passwordKey = file != nil ? "password_file" : "password_env"
        guard let username else {
            if file != nil || variable != nil { throw t.error(passwordKey, "'coordination.\(passwordKey)' needs 'coordination.username'") }
            return
        }
        guard !username.isEmpty, !username.contains(where: \.isNewline) else { throw t.error("username", "'coordination.username' must be a non-empty name") }
        let source: TokenSource
        if let file {
            source = .file(file.hasPrefix("/") || baseDirectory == nil ? file : baseDirectory! + "/" + file)
        } else if let variable {
            source = .environment(variable)
        } else {
            throw t.error("username", "'coordination.username' needs a password: give 'coordination.password_file' (a file only you can read) or 'coordination.password_env'")
        }
        do { config.password = try source.resolve(environment: environment) } catch {
            throw t.error(passwordKey, "'coordination.\(passwordKey)': \(error.description)")
        }
        config.username = username
        config.passwordSource = source
    }
}
