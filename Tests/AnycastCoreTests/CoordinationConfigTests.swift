import AnycastCore
import Foundation
import Testing

/// `[coordination]` in the agent's and the fleet's config: what is read, the defaults, and each
/// mistake with its line.
@Suite struct CoordinationConfigTests {
    static let agent = AgentConfigLoaderTests.minimal

    static func agentConfig(_ table: String) throws(ConfigError) -> AgentConfig {
        try AgentConfigLoader.parse(agent + table, file: "agent.toml", baseDirectory: nil)
    }

    static let fleet = """
        [fleet]
        name = "prod"
        min_active_sites = 2
        max_concurrent_changes = 1
        [[region]]
        name = "eu"
        min_active = 1
        max_concurrent_changes = 1
        [[site]]
        id = "ams1"
        region = "eu"
        url = "http://127.0.0.1:9100"
        token = "t"

        """

    @Test func anAgentReadsItsCoordinationAndTheEffectiveConfigLoadsBack() throws {
        let config = try Self.agentConfig("""
            [coordination]
            kind = "etcd"
            endpoints = ["http://127.0.0.1:2379", "http://[::1]:2379"]
            prefix = "/anycast-dash/prod"
            timeout = "1500ms"
            lease_ttl = "6s"
            on_coordination_loss = "local"

            """)
        let c = try #require(config.coordination)
        #expect(c.endpoints == ["http://127.0.0.1:2379", "http://[::1]:2379"])
        #expect(c.prefix == "/anycast-dash/prod" && c.timeout == .milliseconds(1500) && c.leaseTTL == .seconds(6) && c.onLoss == .local)
        let again = try AgentConfigLoader.parse(AgentConfigWriter.effective(config), file: "effective.toml", baseDirectory: nil)
        #expect(again == config)
    }

    @Test func defaultsAndNoCoordination() throws {
        let c = try #require(try Self.agentConfig("[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\n").coordination)
        #expect(c.prefix == "/anycast-dash" && c.timeout == .seconds(2) && c.leaseTTL == .seconds(10) && c.onLoss == .hold,
                "hold (fail static) unless told otherwise")
        #expect(try AgentConfigLoader.parse(Self.agent, file: "agent.toml", baseDirectory: nil).coordination == nil)
    }

    @Test func aFleetReadsItsCoordinationAndConcurrencyLimits() throws {
        let config = try FleetConfigLoader.parse(source: Self.fleet + "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\n", file: "fleet.toml")
        #expect(config.coordination?.endpoints == ["http://127.0.0.1:2379"])
        #expect(config.maxConcurrentChanges == 1 && config.regions[0].maxConcurrentChanges == 1)
        let budget = DrainBudget(config: config)
        #expect(budget == DrainBudget(minActiveSites: 2, regionMinimums: ["eu": 1], maxConcurrentChanges: 1, regionMaxConcurrentChanges: ["eu": 1]))
        let again = try FleetConfigLoader.parse(source: FleetConfigWriter.toml(config), file: "written.toml")
        #expect(again == config)
    }

    static let errorCases: [(String, String, Int, String)] = [
        ("kind", "[coordination]\nkind = \"consul\"\nendpoints = [\"http://127.0.0.1:2379\"]\n", 16, "the only kind is \"etcd\""),
        ("no endpoints", "[coordination]\nkind = \"etcd\"\n", 15, "'coordination.endpoints' must list"),
        ("empty endpoints", "[coordination]\nkind = \"etcd\"\nendpoints = []\n", 17, "'coordination.endpoints' must list"),
        ("bad endpoint", "[coordination]\nkind = \"etcd\"\nendpoints = [\"etcd1:2379\"]\n", 17, "bad URL \"etcd1:2379\""),
        ("bad prefix", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nprefix = \"anycast/\"\n", 18, "must be a key path"),
        ("short lease", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nlease_ttl = \"1s\"\n", 18, "whole seconds from 2s to 5m"),
        ("lease under two timeouts", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\ntimeout = \"3s\"\nlease_ttl = \"5s\"\n", 19, "more than twice"),
        ("rule", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\non_coordination_loss = \"withdraw\"\n", 18, "must be \"hold\""),
        ("unknown key", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\npassword = \"secret\"\n", 18, "unknown key 'password' in [coordination]"),
        ("user without password", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"dash\"\n", 18, "needs a password"),
        ("password without user", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\npassword_env = \"P\"\n", 18, "needs 'coordination.username'"),
        ("password unset", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"dash\"\npassword_env = \"ANYCAST_NO_SUCH_VARIABLE\"\n", 19, "ANYCAST_NO_SUCH_VARIABLE is not set"),
        ("two passwords", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"dash\"\npassword_env = \"P\"\npassword_file = \"/p\"\n", 19, "give only one of"),
        ("password file missing", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"dash\"\npassword_file = \"/nonexistent/etcd-password\"\n", 19, "/nonexistent/etcd-password"),
        ("lock_ttl is the fleet's", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nlock_ttl = \"30s\"\n", 18, "unknown key 'lock_ttl'"),
        ("TLS over http", "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\ntls_ca_file = \"/etc/ssl/certs/ca-certificates.crt\"\n", 17, "use https://"),
    ]

    @Test(arguments: errorCases)
    func reportsTheLine(what: String, table: String, line: Int, words: String) {
        do {
            _ = try Self.agentConfig(table)
            Issue.record("\(what): expected an error")
        } catch {
            #expect(error.line == line && error.message.contains(words), "\(what): \(error)")
        }
    }

    @Test func aFleetConfigHasNoAgentOnlyKeys() {
        do {
            _ = try FleetConfigLoader.parse(source: Self.fleet + "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\non_coordination_loss = \"local\"\n", file: "fleet.toml")
            Issue.record("on_coordination_loss is the agent's")
        } catch {
            #expect(error.line == 17 && error.message.contains("unknown key 'on_coordination_loss'"), "\(error)")
        }
    }

    @Test func credentialsComeFromAPrivateFileOrTheEnvironmentAndAreWrittenBackAsWhereTheyComeFrom() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("coord-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("etcd-password").path
        _ = FileManager.default.createFile(atPath: file, contents: Data("s3cret\n".utf8), attributes: [.posixPermissions: 0o600])
        let table = "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"dash\"\npassword_file = \"etcd-password\"\nlock_ttl = \"45s\"\n"
        let config = try FleetConfigLoader.parse(source: Self.fleet + table, file: "fleet.toml", baseDirectory: folder.path)
        let c = try #require(config.coordination)
        #expect(c.username == "dash" && c.password == "s3cret" && c.passwordSource == .file(file) && c.lockTTL == .seconds(45))
        let written = FleetConfigWriter.toml(config)
        #expect(!written.contains("s3cret"), "the password itself is never written out")
        #expect(try FleetConfigLoader.parse(source: written, file: "written.toml") == config)
        // A password file others can read is refused, as token files are.
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: file)
        #expect(throws: ConfigError.self) { try FleetConfigLoader.parse(source: Self.fleet + table, file: "fleet.toml", baseDirectory: folder.path) }

        let fromEnv = try AgentConfigLoader.parse(
            Self.agent + "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\nusername = \"site\"\npassword_env = \"ETCD_PW\"\n",
            file: "agent.toml", environment: ["ETCD_PW": "pw"], baseDirectory: nil)
        #expect(fromEnv.coordination?.password == "pw" && fromEnv.coordination?.passwordSource == .environment("ETCD_PW"))
        #expect(try FleetConfigLoader.parse(source: Self.fleet + "[coordination]\nkind = \"etcd\"\nendpoints = [\"http://127.0.0.1:2379\"]\n", file: "f.toml")
            .coordination?.lockTTL == .seconds(30), "locks live 30 s past their holder by default")
    }

    @Test func zeroConcurrentChangesIsRefused() {
        #expect(throws: ConfigError.self) {
            try FleetConfigLoader.parse(source: Self.fleet.replacingOccurrences(of: "max_concurrent_changes = 1\n[[region]]", with: "max_concurrent_changes = 0\n[[region]]"), file: "fleet.toml")
        }
    }
}
