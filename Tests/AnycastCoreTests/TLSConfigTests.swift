import AnycastCore
import Foundation
import Testing

/// The TLS keys of the agent config (`[listen] tls_*`) and the fleet config (`[fleet] tls_*`):
/// files are checked when the config loads, and every mistake is a config error with its line.
@Suite struct TLSConfigTests {
    static let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"

    /// A folder with `cert.pem`, `ca.pem` (0644) and `key.pem` (0600).
    static func withFiles<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tls-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for (name, text, mode) in [("cert.pem", certificate, 0o644), ("ca.pem", certificate, 0o644), ("key.pem", key, 0o600)] {
            try text.write(toFile: "\(dir)/\(name)", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: "\(dir)/\(name)")
        }
        return try body(dir)
    }

    static func agent(_ listen: String) -> String {
        AgentConfigLoaderTests.replacing("[listen]\nport = 9100\n", with: "[listen]\nport = 9100\n" + listen)
    }

    static func fleet(_ keys: String) -> String {
        "[fleet]\nname = \"x\"\n\(keys)[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"https://h:1\"\ntls = true\n"
    }

    @Test func agentTLSLoadsWithPathsResolvedAgainstTheConfigFolder() throws {
        try Self.withFiles { dir in
            let config = try AgentConfigLoader.parse(
                Self.agent("tls_certificate = \"cert.pem\"\ntls_key = \"\(dir)/key.pem\"\ntls_client_ca = \"ca.pem\"\n"),
                file: "agent.toml", baseDirectory: dir)
            #expect(config.tls == AgentTLSConfig(certificateFile: dir + "/cert.pem", keyFile: dir + "/key.pem", clientCAFile: dir + "/ca.pem"))
            #expect(try AgentConfigLoader.parse(Self.agent(""), file: "agent.toml").tls == nil, "no tls keys: plain HTTP")
            // The effective config writes them out, and they load back the same.
            let text = AgentConfigWriter.effective(config)
            #expect(try AgentConfigLoader.parse(text, file: "effective.toml", baseDirectory: nil).tls == config.tls)
        }
    }

    @Test(arguments: [
        ("only a certificate", "tls_certificate = \"cert.pem\"\n", "TLS needs both 'listen.tls_certificate' and 'listen.tls_key' (found only tls_certificate)"),
        ("a client CA alone", "tls_client_ca = \"ca.pem\"\n", "TLS needs both 'listen.tls_certificate' and 'listen.tls_key' (found only tls_client_ca)"),
        ("a missing certificate", "tls_certificate = \"nope.pem\"\ntls_key = \"key.pem\"\n", "cannot read TLS certificate file"),
        ("certificate and key swapped", "tls_certificate = \"key.pem\"\ntls_key = \"cert.pem\"\n", "holds no PEM certificate ('-----BEGIN CERTIFICATE-----') (it holds a private key: are the certificate and key the wrong way round?)"),
        ("a key in the CA's place", "tls_certificate = \"cert.pem\"\ntls_key = \"key.pem\"\ntls_client_ca = \"key.pem\"\n", "client CA file"),
    ])
    func agentTLSMistakesAreConfigErrorsWithTheLine(what: String, keys: String, words: String) throws {
        try Self.withFiles { dir in
            do {
                _ = try AgentConfigLoader.parse(Self.agent(keys), file: "agent.toml", baseDirectory: dir)
                Issue.record("\(what): expected an error")
            } catch let error as ConfigError {
                #expect(error.line == 7 || error.line == 8 || error.line == 9, "\(what): \(error)")
                #expect(error.description.hasPrefix("agent.toml:"), "\(what): \(error)")
                #expect(error.message.contains(words), "\(what): \(error)")
            }
        }
    }

    /// As ssh does with keys: a TLS key others can read is refused, with the fix.
    @Test(arguments: [0o644, 0o640, 0o604])
    func keysReadableByOthersAreRefused(mode: Int) throws {
        try Self.withFiles { dir in
            try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: dir + "/key.pem")
            do {
                _ = try AgentConfigLoader.parse(Self.agent("tls_certificate = \"cert.pem\"\ntls_key = \"key.pem\"\n"), file: "agent.toml", baseDirectory: dir)
                Issue.record("a key with mode \(String(mode, radix: 8)) was accepted by the agent")
            } catch let error as ConfigError {
                #expect(error.line == 8, "\(error)")
                #expect(error.message.contains("TLS key file \(dir)/key.pem is accessible by others (mode \(String(mode, radix: 8))); it must be readable by its owner only: chmod 600 \(dir)/key.pem"), "\(error)")
            }
            do {
                _ = try FleetConfigLoader.parse(
                    source: Self.fleet("tls_client_certificate = \"cert.pem\"\ntls_client_key = \"key.pem\"\n"), file: "fleet.toml", baseDirectory: dir)
                Issue.record("a key with mode \(String(mode, radix: 8)) was accepted by the dashboard")
            } catch let error as ConfigError {
                #expect(error.line == 4, "\(error)")
                #expect(error.message.contains("client key file \(dir)/key.pem is accessible by others"), "\(error)")
            }
        }
    }

    @Test func fleetTLSLoadsAndIsWrittenBack() throws {
        try Self.withFiles { dir in
            let config = try FleetConfigLoader.parse(
                source: Self.fleet("tls_ca_file = \"ca.pem\"\ntls_client_certificate = \"cert.pem\"\ntls_client_key = \"\(dir)/key.pem\"\n"),
                file: "fleet.toml", baseDirectory: dir)
            #expect(config.tls == FleetTLSConfig(caFile: dir + "/ca.pem", clientCertificateFile: dir + "/cert.pem", clientKeyFile: dir + "/key.pem"))
            #expect(config.sites[0].tls)
            let again = try FleetConfigLoader.parse(source: FleetConfigWriter.toml(config), file: "written.toml", baseDirectory: "/elsewhere")
            #expect(again.tls == config.tls)
            #expect(try FleetConfigLoader.parse(source: Self.fleet(""), file: "fleet.toml").tls.isDefault, "no tls keys: the system's trust store")
        }
    }

    @Test(arguments: [
        ("a certificate without its key", "tls_client_certificate = \"cert.pem\"\n", 3, "a client certificate needs both 'fleet.tls_client_certificate' and 'fleet.tls_client_key' (found only tls_client_certificate)"),
        ("a key without its certificate", "tls_client_key = \"key.pem\"\n", 3, "(found only tls_client_key)"),
        ("a missing CA file", "tls_ca_file = \"missing.pem\"\n", 3, "cannot read CA file"),
        ("a key as the CA", "tls_ca_file = \"key.pem\"\n", 3, "holds no PEM certificate"),
        ("a certificate as the key", "tls_client_certificate = \"cert.pem\"\ntls_client_key = \"ca.pem\"\n", 4, "client key file"),
    ])
    func fleetTLSMistakesAreConfigErrorsWithTheLine(what: String, keys: String, line: Int, words: String) throws {
        try Self.withFiles { dir in
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/ca.pem")
            do {
                _ = try FleetConfigLoader.parse(source: Self.fleet(keys), file: "fleet.toml", baseDirectory: dir)
                Issue.record("\(what): expected an error")
            } catch let error as ConfigError {
                #expect(error.line == line, "\(what): \(error)")
                #expect(error.description.hasPrefix("fleet.toml:\(line): "), "\(what): \(error)")
                #expect(error.message.contains(words), "\(what): \(error)")
            }
        }
    }

    @Test func aSiteMarkedTLSNeedsAnHTTPSURL() {
        let source = Self.fleet("").replacingOccurrences(of: "https://h:1", with: "http://h:1")
        #expect { try FleetConfigLoader.parse(source: source, file: "fleet.toml") } throws: {
            "\($0)".contains("fleet.toml:8: site 'a' is marked tls = true, so its url must be https://")
        }
    }
}
