/// Writes a fleet config as TOML that `FleetConfigLoader` reads back unchanged.
public enum FleetConfigWriter {
    public static func toml(_ config: FleetConfig) -> String {
        var out = "[fleet]\n"
        out += "name = \(quote(config.name))\n"
        out += "poll_interval = \(quote(ConfigDuration.format(config.pollInterval)))\n"
        out += "request_timeout = \(quote(ConfigDuration.format(config.requestTimeout)))\n"
        out += "unreachable_after = \(config.unreachableAfter)\n"
        out += "min_active_sites = \(config.minActiveSites)\n"
        if let m = config.maxConcurrentChanges { out += "max_concurrent_changes = \(m)\n" }
        if let theme = config.theme { out += "theme = \(quote(theme))\n" }
        if !config.mouse { out += "mouse = false\n" }
        if config.maxResponseBytes != FleetConfig.defaultMaxResponseBytes { out += "max_response_kib = \(config.maxResponseBytes / 1024)\n" }
        if let ca = config.tls.caFile { out += "tls_ca_file = \(quote(ca))\n" }
        if let cert = config.tls.clientCertificateFile { out += "tls_client_certificate = \(quote(cert))\n" }
        if let key = config.tls.clientKeyFile { out += "tls_client_key = \(quote(key))\n" }
        for r in config.regions {
            out += "\n[[region]]\nname = \(quote(r.name))\nmin_active = \(r.minActive)\n"
            if let m = r.maxConcurrentChanges { out += "max_concurrent_changes = \(m)\n" }
        }
        for s in config.sites {
            out += "\n[[site]]\nid = \(quote(s.id))\nname = \(quote(s.name))\nregion = \(quote(s.region))\nurl = \(quote(s.url))\n"
            switch s.tokenSource {
            case .file(let path)?: out += "token_file = \(quote(path))\n"
            case .environment(let name)?: out += "token_env = \(quote(name))\n"
            case .literal(let value)?: out += "token = \(quote(value))\n"
            case nil: if let t = s.token { out += "token = \(quote(t))\n" }
            }
            switch s.readTokenSource {
            case .file(let path)?: out += "read_token_file = \(quote(path))\n"
            case .environment(let name)?: out += "read_token_env = \(quote(name))\n"
            case .literal(let value)?: out += "read_token = \(quote(value))\n"
            case nil: if let t = s.readToken { out += "read_token = \(quote(t))\n" }
            }
            if let c = s.capacityQPS { out += "capacity_qps = \(Int(c.rounded()))\n" }
            if let l = s.location { out += "location = \(quote(l))\n" }
            if s.tls { out += "tls = true\n" }
        }
        if let c = config.coordination { out += coordination(c, agent: false) }
        return out
    }

    /// `[coordination]`; the agent's keys only for an agent's config.
    static func coordination(_ c: CoordinationConfig, agent: Bool) -> String {
        var out = "\n[coordination]\nkind = \"etcd\"\n"
        out += "endpoints = [" + c.endpoints.map(quote).joined(separator: ", ") + "]\n"
        out += "prefix = \(quote(c.prefix))\ntimeout = \(quote(ConfigDuration.format(c.timeout)))\n"
        if agent {
            out += "lease_ttl = \(quote(ConfigDuration.format(c.leaseTTL)))\n"
            out += "on_coordination_loss = \(quote(c.onLoss.rawValue))\n"
        } else {
            out += "lock_ttl = \(quote(ConfigDuration.format(c.lockTTL)))\n"
        }
        if let user = c.username { out += "username = \(quote(user))\n" }
        switch c.passwordSource {
        case .file(let path)?: out += "password_file = \(quote(path))\n"
        case .environment(let name)?: out += "password_env = \(quote(name))\n"
        case .literal?, nil: break
        }
        if let f = c.caFile { out += "tls_ca_file = \(quote(f))\n" }
        if let f = c.clientCertificateFile { out += "tls_client_certificate = \(quote(f))\n" }
        if let f = c.clientKeyFile { out += "tls_client_key = \(quote(f))\n" }
        return out
    }

    /// A TOML basic string.
    static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if u.value < 0x20 || u.value == 0x7F { out += String(format: "\\u%04X", u.value) } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}

import Foundation
