/// Reads `[coordination]` of an agent or fleet config, with file:line errors.
enum CoordinationConfigReader {
    /// The table, or nil when the config has none. `agent` allows the keys only an agent uses
    /// (`lease_ttl`, `on_coordination_loss`).
    static func read(_ root: TOMLTableReader, agent: Bool, baseDirectory: String?) throws(ConfigError) -> CoordinationConfig? {
        guard let t = try root.table("coordination") else { return nil }
        var keys: Set<String> = ["kind", "endpoints", "prefix", "timeout", "tls_ca_file", "tls_client_certificate", "tls_client_key"]
        if agent { keys.formUnion(["lease_ttl", "on_coordination_loss"]) }
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
}
