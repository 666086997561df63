import AnycastCore
import Foundation
import Testing

@Suite struct AgentConfigLoaderTests {
    /// The smallest valid config; the error cases below change one line of it.
    static let minimal = """
        [site]
        id = "ams1"
        name = "Amsterdam"
        region = "eu"
        [listen]
        port = 9100
        [state]
        dir = "/var/lib/anycast-agent"
        [bird]
        socket = "/run/bird/bird.ctl"
        [[service]]
        name = "dns"
        prefixes = ["203.0.113.0/24"]
        bird_protocols = ["anycast4"]

        """

    static func replacing(_ old: String, with new: String) -> String {
        precondition(minimal.contains(old), old)
        return minimal.replacingOccurrences(of: old, with: new)
    }

    static let environment = ["SET_TOKEN": "from-env", "EMPTY_TOKEN": ""]

    /// A temporary directory, removed afterwards.
    static func withTemporaryDirectory<T>(_ body: (String) throws -> T) throws -> T {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("agent-config-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        return try body(dir)
    }

    @Test func loadsAFullConfig() throws {
        let source = """
            [site]
            id = "fra-2_b"
            name = "Frankfurt \\"B\\""
            region = "eu"
            location = "Frankfurt, DE"
            [listen]
            address = "::1"
            port = 9443
            [[token]]
            name = "noc-read"
            scope = "read"
            env = "SET_TOKEN"
            [[token]]
            name = "noc-operate"
            scope = "operate"
            value = "inline-secret"
            [state]
            dir = "/srv/agent"
            reconcile_interval = "30s"
            [bird]
            socket = "/run/bird/bird.ctl"
            command_timeout = "500ms"
            drain_verify_deadline = "1m"
            [[service]]
            name = "dns"
            prefixes = [
              "203.0.113.0/24",
              "2001:db8:53::/48",
            ]
            bird_protocols = ["anycast4", "anycast6"]
            [[service]]
            name = "ntp"
            prefixes = ["198.51.100.123/32"]
            bird_protocols = ["ntp4"]
            """
        let config = try AgentConfigLoader.parse(source, file: "agent.toml", environment: Self.environment, baseDirectory: nil)
        #expect(config.site == SiteIdentity(id: "fra-2_b", name: "Frankfurt \"B\"", region: "eu", location: "Frankfurt, DE"))
        #expect(config.listenAddress == "::1")
        #expect(config.listenPort == 9443)
        #expect(config.tokens == [
            AgentTokenConfig(name: "noc-read", scope: .read, value: "from-env", source: .environment("SET_TOKEN")),
            AgentTokenConfig(name: "noc-operate", scope: .operate, value: "inline-secret", source: .literal("inline-secret")),
        ])
        #expect(config.stateDirectory == "/srv/agent")
        #expect(config.reconcileInterval == .seconds(30))
        #expect(config.bird == BirdConfig(socket: "/run/bird/bird.ctl", commandTimeout: .milliseconds(500), drainVerifyDeadline: .seconds(60)))
        #expect(config.services == [
            AgentServiceConfig(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], birdProtocols: ["anycast4", "anycast6"]),
            AgentServiceConfig(name: "ntp", prefixes: ["198.51.100.123/32"], birdProtocols: ["ntp4"]),
        ])
        #expect(config.serviceDefinitions[0] == ServiceDefinition(name: "dns", prefixes: ["203.0.113.0/24", "2001:db8:53::/48"], originProtocols: ["anycast4", "anycast6"]))
        #expect(!"\(config)".contains("inline-secret") && !"\(config)".contains("from-env"), "printing a config never shows a secret")
    }

    @Test func defaults() throws {
        let config = try AgentConfigLoader.parse(Self.minimal, file: "agent.toml", environment: [:], baseDirectory: nil)
        #expect(config.listenAddress == "127.0.0.1")
        #expect(config.changesPerMinute == 30, "30 drains and undrains a minute per token unless set")
        #expect(config.reconcileInterval == .seconds(10))
        #expect(config.router == .bird(BirdConfig(socket: "/run/bird/bird.ctl")), "no [router]: BIRD")
        #expect(config.router.commandTimeout == .seconds(2))
        #expect(config.router.drainVerifyDeadline == .seconds(5))
        #expect(config.tokens.isEmpty)
        #expect(config.site.location == nil)
    }

    @Test func sitesOfOtherDaemonsNameNoProtocols() throws {
        let source = Self.replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"frr\"\n[frr]\npathspace = \"site-1\"\ncommand_timeout = \"1s\"")
            .replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: "[service.deprefer]\nprepend = 2\ngraceful_shutdown = true\n")
        let config = try AgentConfigLoader.parse(source, file: "agent.toml")
        #expect(config.router == .frr(FRRConfig(pathspace: "site-1", commandTimeout: .seconds(1))))
        #expect(config.router.kind == "frr" && config.bird == nil)
        #expect(config.serviceDefinitions[0].originProtocols.isEmpty)
        #expect(config.serviceDefinitions[0].deprefer == DepreferStep(originProtocols: [], prepend: 2, gracefulShutdown: true))
        let written = AgentConfigWriter.effective(config)
        #expect(!written.contains("bird_protocols") && written.contains("[router]\nkind = \"frr\"") && written.contains("pathspace = \"site-1\""))
        #expect(try AgentConfigLoader.parse(written, file: "effective.toml") == config, "the effective config reads back the same")
        let gobgp = try AgentConfigLoader.parse(
            Self.replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"gobgp\"\n[gobgp]\napi = \"[::1]:50052\"")
                .replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), file: "agent.toml")
        #expect(gobgp.router == .gobgp(GoBGPConfig(api: "[::1]:50052")))
        #expect(GoBGPConfig(api: "[::1]:50052").hostAndPort! == ("::1", 50052))
        #expect(try AgentConfigLoader.parse(AgentConfigWriter.effective(gobgp), file: "effective.toml") == gobgp)
        let exabgp = try AgentConfigLoader.parse(
            Self.replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"exabgp\"\n[exabgp]\npipe = \"/run/exabgp/site\"")
                .replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), file: "agent.toml")
        #expect(exabgp.router == .exabgp(ExaBGPConfig(pipe: "/run/exabgp/site")))
        #expect(try AgentConfigLoader.parse(AgentConfigWriter.effective(exabgp), file: "effective.toml") == exabgp)
        let bird = try AgentConfigLoader.parse(Self.replacing("[bird]", with: "[router]\nkind = \"bird\"\n[bird]"), file: "agent.toml")
        #expect(bird.router == .bird(BirdConfig(socket: "/run/bird/bird.ctl")), "[router] kind = \"bird\" is the same as no [router]")
    }

    /// As in a fleet config, a site without a name is shown by its id.
    @Test func siteNameDefaultsToTheID() throws {
        let config = try AgentConfigLoader.parse(Self.replacing("name = \"Amsterdam\"\n", with: ""), file: "agent.toml")
        #expect(config.site.name == "ams1")
        let fleet = try FleetConfigLoader.parse(
            source: "[fleet]\nname = \"f\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"ams1\"\nregion = \"eu\"\nurl = \"http://127.0.0.1:9100\"\ntoken = \"t\"\n",
            file: "fleet.toml")
        #expect(fleet.sites[0].name == config.site.name, "the fleet config's default is the same")
    }

    static let errorCases: [(String, String, Int, String)] = [
        // (what, source, expected line, words the message must contain)
        ("syntax", replacing("port = 9100", with: "port = "), 6, "TOML syntax"),
        ("unknown top-level key", "colour = 1\n" + minimal, 1, "unknown key 'colour' at the top level"),
        ("unknown site key", replacing("region = \"eu\"", with: "region = \"eu\"\nweight = 1"), 5, "unknown key 'weight' in [site]"),
        ("unknown listen key", replacing("port = 9100", with: "port = 9100\nhost = \"x\""), 7, "unknown key 'host' in [listen]"),
        ("unknown state key", replacing("[state]", with: "[state]\ndirectory = \"/x\""), 8, "unknown key 'directory' in [state]"),
        ("unknown bird key", replacing("[bird]", with: "[bird]\ntimeout = \"1s\""), 10, "unknown key 'timeout' in [bird]"),
        ("unknown router kind", replacing("[bird]", with: "[router]\nkind = \"junos\"\n[bird]"), 10, "'router.kind' = \"junos\" must be one of bird, frr, gobgp, exabgp"),
        ("exabgp pipe with its suffix", replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"exabgp\"\n[exabgp]\npipe = \"/run/exabgp/exabgp.in\"").replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), 12, "'exabgp.pipe' = \"/run/exabgp/exabgp.in\" must be an absolute path without .in or .out"),
        ("bad gobgp api", replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"gobgp\"\n[gobgp]\napi = \"localhost\"").replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), 12, "'gobgp.api' = \"localhost\" must be HOST:PORT"),
        ("[bird] left in an FRR config", replacing("[bird]", with: "[router]\nkind = \"frr\"\n[bird]"), 11, "[bird] is for [router] kind = \"bird\", but this agent drives frr; remove [bird]"),
        ("[frr] in a BIRD config", minimal + "[frr]\npathspace = \"s1\"\n", 15, "[frr] is for [router] kind = \"frr\", but this agent drives bird (no [router] table: BIRD)"),
        ("bird_protocols in an FRR config", replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"frr\""), 14, "'bird_protocols' is for BIRD; with [router] kind = \"frr\" the agent announces the prefixes itself"),
        ("unknown frr key", replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"frr\"\n[frr]\nsocket = \"x\"").replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), 12, "unknown key 'socket' in [frr]"),
        ("bad frr pathspace", replacing("[bird]\nsocket = \"/run/bird/bird.ctl\"", with: "[router]\nkind = \"frr\"\n[frr]\npathspace = \"a b\"").replacingOccurrences(of: "bird_protocols = [\"anycast4\"]\n", with: ""), 12, "'frr.pathspace' = \"a b\" may hold only"),
        ("unknown service key", minimal + "withdraw_on_down = true\n", 15, "unknown key 'withdraw_on_down' in [[service]] #1"),
        ("unknown traffic kind", minimal + "[traffic]\nkind = \"bind\"\n", 16, "must be unbound, nsd or prometheus"),
        ("traffic without control", minimal + "[traffic]\nkind = \"unbound\"\n", 15, "'traffic.control' is required"),
        ("bad prometheus url", minimal + "[traffic]\nkind = \"prometheus\"\nurl = \"ftp://x\"\ncounter = \"q\"\n", 17, "the scheme must be http or https"),
        ("probe server not an address", minimal + "[probe]\nserver = \"dns.example\"\nname = \"a.example\"\n", 16, "must be an IPv4 or IPv6 address"),
        ("probe type unknown", minimal + "[probe]\nserver = \"192.0.2.53\"\nname = \"a.example\"\ntype = \"WKS2\"\n", 18, "'probe.type' = \"WKS2\" is not one of"),
        ("probe rcode unknown", minimal + "[probe]\nserver = \"192.0.2.53\"\nname = \"a.example\"\nexpect_rcode = \"OK\"\n", 18, "'probe.expect_rcode' = \"OK\""),
        ("probe timeout over interval", minimal + "[probe]\nserver = \"192.0.2.53\"\nname = \"a.example\"\ninterval = \"1s\"\ntimeout = \"2s\"\n", 19, "must not be longer than 'probe.interval'"),
        ("health rise zero", minimal + "[health]\nrise = 0\n", 16, "'health.rise' must be 1–100"),
        ("unknown token key", minimal + "[[token]]\nname = \"a\"\nscope = \"read\"\nvalue = \"s\"\nexpires = 1\n", 19, "unknown key 'expires' in [[token]] #1"),
        ("token as a table", minimal + "[token]\nname = \"a\"\n", 15, "must be written as [[token]] tables"),
        ("wrong type", replacing("port = 9100", with: "port = \"9100\""), 6, "'listen.port' must be an integer, not a string"),
        ("prefixes not an array", replacing("prefixes = [\"203.0.113.0/24\"]", with: "prefixes = \"203.0.113.0/24\""), 13, "must be an array of strings"),
        ("missing site id", replacing("id = \"ams1\"\n", with: ""), 1, "'site.id' is required"),
        ("missing site region", replacing("region = \"eu\"\n", with: ""), 1, "'site.region' is required"),
        ("missing listen port", replacing("port = 9100", with: "address = \"::1\""), 5, "'listen.port' is required"),
        ("missing state dir", replacing("dir = \"/var/lib/anycast-agent\"", with: "reconcile_interval = \"5s\""), 7, "'state.dir' is required"),
        ("missing bird socket", replacing("socket = \"/run/bird/bird.ctl\"", with: "command_timeout = \"1s\""), 9, "'bird.socket' is required"),
        ("empty site id", replacing("id = \"ams1\"", with: "id = \" \""), 2, "'site.id' must not be empty"),
        ("bad site id", replacing("id = \"ams1\"", with: "id = \"ams.1\""), 2, "site id 'ams.1' may hold only letters, digits, '-' and '_'"),
        ("port 0", replacing("port = 9100", with: "port = 0"), 6, "'listen.port' = 0 must be 1–65535"),
        ("no changes allowed", replacing("port = 9100", with: "port = 9100\nchanges_per_minute = 0"), 7, "'listen.changes_per_minute' = 0 must be 1–100000"),
        ("port too big", replacing("port = 9100", with: "port = 65536"), 6, "must be 1–65535"),
        ("host name as address", replacing("port = 9100", with: "address = \"agent.example.net\"\nport = 9100"), 6, "must be an IPv4 or IPv6 address"),
        ("bracketed IPv6 address", replacing("port = 9100", with: "address = \"[::1]\"\nport = 9100"), 6, "without brackets"),
        ("bad IPv4 address", replacing("port = 9100", with: "address = \"127.0.0.256\"\nport = 9100"), 6, "must be an IPv4 or IPv6 address"),
        ("bad duration", replacing("[state]", with: "[state]\nreconcile_interval = \"soon\""), 8, "'state.reconcile_interval' = \"soon\" is not a duration"),
        ("bad bird duration", replacing("[bird]", with: "[bird]\ndrain_verify_deadline = \"0s\""), 10, "'bird.drain_verify_deadline' = \"0s\" is not a duration"),
        ("service without name", replacing("name = \"dns\"\n", with: ""), 11, "'service[0].name' is required"),
        ("missing prefixes", replacing("prefixes = [\"203.0.113.0/24\"]\n", with: ""), 11, "'service[0].prefixes' is required"),
        ("empty prefixes", replacing("prefixes = [\"203.0.113.0/24\"]", with: "prefixes = []"), 13, "service 'dns': 'prefixes' must not be empty"),
        ("missing bird_protocols", replacing("bird_protocols = [\"anycast4\"]\n", with: ""), 11, "'service[0].bird_protocols' is required"),
        ("empty bird_protocols", replacing("bird_protocols = [\"anycast4\"]", with: "bird_protocols = []"), 14, "'bird_protocols' must not be empty"),
        ("bad protocol name", replacing("bird_protocols = [\"anycast4\"]", with: "bird_protocols = [\"anycast4\\\"; restart\"]"), 14, "BIRD protocol name"),
        ("bad service name", replacing("name = \"dns\"", with: "name = \"dns/v2\""), 12, "service name 'dns/v2' may hold only"),
        ("IPv4 host bits", replacing("203.0.113.0/24", with: "203.0.113.1/24"), 13, "service 'dns': bad prefix \"203.0.113.1/24\": host bits are set after /24"),
        ("IPv4 length", replacing("203.0.113.0/24", with: "203.0.113.0/33"), 13, "the prefix length must be 0–32"),
        ("IPv6 length", replacing("203.0.113.0/24", with: "2001:db8::/129"), 13, "the prefix length must be 0–128"),
        ("IPv6 host bits", replacing("203.0.113.0/24", with: "2001:db8:53::1/48"), 13, "host bits are set after /48"),
        ("two ::", replacing("203.0.113.0/24", with: "2001::db8::/32"), 13, "'2001::db8::' is not an IPv4 or IPv6 address"),
        ("no length", replacing("203.0.113.0/24", with: "203.0.113.0"), 13, "not in CIDR notation"),
        ("multi-line prefixes", replacing("prefixes = [\"203.0.113.0/24\"]", with: "prefixes = [\n  \"203.0.113.0/24\",\n  \"10.0.0.0/8x\",\n]"), 13, "bad prefix \"10.0.0.0/8x\""),
        ("duplicate service", minimal + "[[service]]\nname = \"dns\"\nprefixes = [\"198.51.100.0/24\"]\nbird_protocols = [\"p2\"]\n", 16, "duplicate service name 'dns' (first defined on line 12)"),
        ("prefix in two services", minimal + "[[service]]\nname = \"ntp\"\nprefixes = [\"203.0.113.0/24\"]\nbird_protocols = [\"p2\"]\n", 17, "prefix 203.0.113.0/24 is also in service 'dns'"),
        ("same prefix written twice", replacing("prefixes = [\"203.0.113.0/24\"]", with: "prefixes = [\"2001:db8::/32\", \"2001:0DB8:0::/32\"]"), 13, "is twice in this service"),
        ("protocol in two services", minimal + "[[service]]\nname = \"ntp\"\nprefixes = [\"198.51.100.0/24\"]\nbird_protocols = [\"anycast4\"]\n", 18, "BIRD protocol anycast4 also originates service 'dns'"),
        ("token without source", minimal + "[[token]]\nname = \"a\"\nscope = \"read\"\n", 15, "token 'a': give one of file, env or value"),
        ("token with two sources", minimal + "[[token]]\nname = \"a\"\nscope = \"read\"\nenv = \"SET_TOKEN\"\nvalue = \"s\"\n", 19, "token 'a': give only one of file, env and value (found env and value)"),
        ("token without scope", minimal + "[[token]]\nname = \"a\"\nvalue = \"s\"\n", 15, "'token[0].scope' is required"),
        ("bad scope", minimal + "[[token]]\nname = \"a\"\nscope = \"admin\"\nvalue = \"s\"\n", 17, "token 'a': scope \"admin\" must be read or operate"),
        ("duplicate token", minimal + "[[token]]\nname = \"a\"\nscope = \"read\"\nvalue = \"s1\"\n[[token]]\nname = \"a\"\nscope = \"operate\"\nvalue = \"s2\"\n", 20, "duplicate token name 'a' (first defined on line 16)"),
        ("same secret twice", minimal + "[[token]]\nname = \"a\"\nscope = \"read\"\nvalue = \"from-env\"\n[[token]]\nname = \"b\"\nscope = \"operate\"\nenv = \"SET_TOKEN\"\n", 22, "tokens 'a' and 'b' have the same secret"),
        ("missing env var", minimal + "[[token]]\nname = \"ops\"\nscope = \"operate\"\nenv = \"NOPE_NOT_SET\"\n", 18, "token 'ops': environment variable NOPE_NOT_SET is not set"),
        ("empty env var", minimal + "[[token]]\nname = \"ops\"\nscope = \"operate\"\nenv = \"EMPTY_TOKEN\"\n", 18, "token 'ops': environment variable EMPTY_TOKEN is empty"),
        ("missing token file", minimal + "[[token]]\nname = \"ops\"\nscope = \"operate\"\nfile = \"/nonexistent/ops.token\"\n", 18, "token 'ops': cannot read token file /nonexistent/ops.token"),
        ("empty token value", minimal + "[[token]]\nname = \"ops\"\nscope = \"operate\"\nvalue = \"  \"\n", 18, "token 'ops': the token value is empty"),
        ("deprefer without protocols", minimal + "[service.deprefer]\nprepend = 3\n", 15, "service 'dns' has a de-prefer step but names no de-prefer protocol"),
        ("deprefer sets nothing", minimal + "[service.deprefer]\nbird_protocols = [\"anycast4_depref\"]\n", 15, "the de-prefer step sets nothing"),
        ("deprefer reuses the normal origin", minimal + "[service.deprefer]\nbird_protocols = [\"anycast4\"]\nprepend = 2\n", 16, "both its normal and its de-prefer origin"),
        ("bad de-prefer protocol name", minimal + "[service.deprefer]\nbird_protocols = [\"\"]\nprepend = 2\n", 16, "BIRD protocol name \"\" may hold only"),
        ("withdraw_below not a share", minimal + "[service.deprefer]\nbird_protocols = [\"d4\"]\nprepend = 2\nwithdraw_below = 10\n", 18, "0.1 = 10%"),
        ("prepend too long", minimal + "[service.deprefer]\nbird_protocols = [\"d4\"]\nprepend = 40\n", 17, "must be 0–32"),
        ("unknown deprefer key", minimal + "[service.deprefer]\nbird_protocols = [\"d4\"]\nprepend = 2\nlocal_pref = 50\n", 18, "unknown key 'local_pref'"),
        ("bad max_lease", minimal + "[policy]\nmax_lease = \"forever\"\n", 16, "'policy.max_lease' = \"forever\" is not a duration"),
        ("unknown policy key", minimal + "[policy]\nmin_lease = \"1m\"\n", 16, "unknown key 'min_lease' in [policy]"),
        ("redacted placeholder", minimal + "[[token]]\nname = \"ops\"\nscope = \"operate\"\nvalue = \"<redacted>\"\n", 18, "placeholder <redacted>"),
    ]

    /// Each broken config must name the right line, so the operator can go straight to it.
    @Test(arguments: errorCases)
    func reportsTheLine(what: String, source: String, line: Int, words: String) {
        do {
            _ = try AgentConfigLoader.parse(source, file: "agent.toml", environment: Self.environment, baseDirectory: nil)
            Issue.record("\(what): expected an error")
        } catch {
            #expect(error.line == line, "\(what): \(error)")
            #expect(error.message.contains(words), "\(what): \(error)")
            #expect(error.description.hasPrefix("agent.toml:\(line): "), "\(what): \(error)")
        }
    }

    @Test func readsADepreferStepAndThePolicy() throws {
        let source = Self.minimal + """
            auto_withdraw = false
            [service.deprefer]
            bird_protocols = ["anycast4_depref"]
            prepend = 3
            med = 1000
            graceful_shutdown = true
            withdraw_below = 0.05
            stage_timeout = "2m"
            [policy]
            max_lease = "8h"
            require_lease = true

            """
        let config = try AgentConfigLoader.parse(source, file: "agent.toml", environment: Self.environment, baseDirectory: nil)
        let step = try #require(config.services[0].deprefer)
        #expect(step == DepreferStep(originProtocols: ["anycast4_depref"], prepend: 3, med: 1000, gracefulShutdown: true,
                                     withdrawBelow: 0.05, stageTimeout: .seconds(120)))
        #expect(config.serviceDefinitions[0].deprefer == step)
        #expect(config.policy == DrainPolicy(maxLease: .seconds(8 * 3600), requireLease: true))
        let again = try AgentConfigLoader.parse(AgentConfigWriter.effective(config), file: "effective.toml", environment: Self.environment, baseDirectory: nil)
        #expect(again == config, "the effective config loads back")

        let plain = try AgentConfigLoader.parse(Self.minimal, file: "agent.toml", environment: Self.environment, baseDirectory: nil)
        #expect(plain.services[0].deprefer == nil && plain.policy == .open, "without them: plain drains, no lease rules")
    }

    @Test(arguments: ["site", "listen", "state", "bird"])
    func missingTable(_ table: String) {
        let source = Self.minimal.replacingOccurrences(of: "[\(table)]", with: "[other_\(table)]")
        do {
            _ = try AgentConfigLoader.parse(source, file: "agent.toml", environment: [:], baseDirectory: nil)
            Issue.record("expected an error")
        } catch {
            // The renamed table is an unknown key first; without it, the table is missing.
            #expect(error.message.contains("unknown key 'other_\(table)'"), "\(error)")
        }
        let without = Self.minimal.components(separatedBy: "\n").filter { !$0.isEmpty }
        let start = without.firstIndex(of: "[\(table)]")!
        var lines = without
        lines.removeSubrange(start..<(lines[(start + 1)...].firstIndex { $0.hasPrefix("[") } ?? lines.endIndex))
        #expect(throws: ConfigError(file: "agent.toml", line: nil, message: "the [\(table)] table is missing")) {
            try AgentConfigLoader.parse(lines.joined(separator: "\n"), file: "agent.toml", environment: [:], baseDirectory: nil)
        }
    }

    @Test func noService() {
        let source = Self.minimal.components(separatedBy: "[[service]]")[0]
        #expect(throws: ConfigError(file: "agent.toml", line: nil, message: "no [[service]] is defined")) {
            try AgentConfigLoader.parse(source, file: "agent.toml", environment: [:], baseDirectory: nil)
        }
    }

    @Test func unreadableConfigNamesTheFile() {
        do {
            _ = try AgentConfigLoader.load(path: "/nonexistent/agent.toml", environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/agent.toml: cannot read the agent config"))
        }
    }

    @Test func relativePathsAreResolvedAgainstTheConfigFolder() throws {
        try Self.withTemporaryDirectory { dir in
            try FileManager.default.createDirectory(atPath: dir + "/etc/secrets", withIntermediateDirectories: true)
            try "read-secret\n".write(toFile: dir + "/etc/secrets/read.token", atomically: true, encoding: .utf8)
            try "".write(toFile: dir + "/etc/empty.token", atomically: true, encoding: .utf8)
            for file in ["/etc/secrets/read.token", "/etc/empty.token"] {
                try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + file)
            }
            let source = Self.replacing("dir = \"/var/lib/anycast-agent\"", with: "dir = \"../state\"")
                + "[[token]]\nname = \"r\"\nscope = \"read\"\nfile = \"secrets/read.token\"\n"
            try source.write(toFile: dir + "/etc/agent.toml", atomically: true, encoding: .utf8)

            let config = try AgentConfigLoader.load(path: dir + "/etc/agent.toml", environment: [:])
            #expect(config.tokens[0].value == "read-secret", "token files are trimmed")
            #expect(config.tokens[0].source == .file(dir + "/etc/secrets/read.token"))
            #expect(config.stateDirectory == dir + "/state")

            let unresolved = try AgentConfigLoader.parse(
                Self.replacing("dir = \"/var/lib/anycast-agent\"", with: "dir = \"state\""), file: "a.toml", environment: [:], baseDirectory: nil)
            #expect(unresolved.stateDirectory == "state", "without a base directory a relative path stays as written")

            do {
                _ = try AgentConfigLoader.parse(
                    Self.minimal + "[[token]]\nname = \"e\"\nscope = \"read\"\nfile = \"empty.token\"\n",
                    file: "a.toml", environment: [:], baseDirectory: dir + "/etc")
                Issue.record("an empty token file must be refused")
            } catch let error as ConfigError {
                #expect(error.line == 18 && error.message.contains("token 'e': token file \(dir)/etc/empty.token is empty"), "\(error)")
            }

            // As ssh does with keys: a token file others can read is refused, with the fix.
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: dir + "/etc/secrets/read.token")
            do {
                _ = try AgentConfigLoader.load(path: dir + "/etc/agent.toml", environment: [:])
                Issue.record("a token file readable by others must be refused")
            } catch let error as ConfigError {
                #expect(error.line == 18, "\(error)")
                #expect(error.message.contains("token 'r': token file \(dir)/etc/secrets/read.token is accessible by others (mode 644); "
                                               + "it must be readable by its owner only: chmod 600 \(dir)/etc/secrets/read.token"), "\(error)")
            }
        }
    }

    @Test func effectiveConfigLoadsBackAndNeverShowsASecret() throws {
        try Self.withTemporaryDirectory { dir in
            try "file-secret".write(toFile: dir + "/read.token", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/read.token")
            let env = ["OPS_TOKEN": "env-secret"]
            let original = AgentConfig(
                site: SiteIdentity(id: "nrt1", name: "Tokyo \"Otemachi\"\\1", region: "ap", location: "Tokyo, JP"),
                listenAddress: "2001:db8::10", listenPort: 8443,
                tokens: [
                    AgentTokenConfig(name: "read", scope: .read, value: "file-secret", source: .file(dir + "/read.token")),
                    AgentTokenConfig(name: "ops", scope: .operate, value: "env-secret", source: .environment("OPS_TOKEN")),
                ],
                stateDirectory: dir + "/state", reconcileInterval: .milliseconds(1500),
                router: .bird(BirdConfig(socket: "/run/bird/bird.ctl", commandTimeout: .milliseconds(250))),
                services: [
                    AgentServiceConfig(name: "dns", prefixes: ["192.0.2.0/24", "2001:db8:53::/48"], birdProtocols: ["a4", "a6"]),
                    AgentServiceConfig(name: "ntp", prefixes: ["0.0.0.0/0"], birdProtocols: ["ntp"]),
                ])
            let text = AgentConfigWriter.effective(original)
            #expect(text.contains("drain_verify_deadline = \"5s\""), "defaults are written out")
            #expect(text.contains("env = \"OPS_TOKEN\"") && text.contains("file = \"\(dir)/read.token\""))
            #expect(try AgentConfigLoader.parse(text, file: "effective.toml", environment: env, baseDirectory: nil) == original)

            // An inline value is printed as a placeholder, which the loader refuses to take as a secret.
            var withValue = original
            withValue.tokens.append(AgentTokenConfig(name: "bot", scope: .operate, value: "inline-secret", source: .literal("inline-secret")))
            let redacted = AgentConfigWriter.effective(withValue)
            for secret in ["file-secret", "env-secret", "inline-secret"] {
                #expect(!redacted.contains(secret), "the effective config must not show \(secret)")
            }
            #expect(redacted.contains("value = \"<redacted>\""))
            #expect(throws: ConfigError.self) {
                try AgentConfigLoader.parse(redacted, file: "effective.toml", environment: env, baseDirectory: nil)
            }
            let restored = redacted.replacingOccurrences(of: "value = \"<redacted>\"", with: "value = \"inline-secret\"")
            #expect(try AgentConfigLoader.parse(restored, file: "effective.toml", environment: env, baseDirectory: nil) == withValue)
        }
    }

    @Test func theExampleConfigLoads() throws {
        let repo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let example = try String(contentsOf: repo.appendingPathComponent("docs/agent.example.toml"), encoding: .utf8)
        try Self.withTemporaryDirectory { dir in
            try example.write(toFile: dir + "/agent.toml", atomically: true, encoding: .utf8)
            try "noc-read-secret\n".write(toFile: dir + "/noc-read.token", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir + "/noc-read.token")
            let config = try AgentConfigLoader.load(path: dir + "/agent.toml", environment: ["ANYCAST_AGENT_OPERATE_TOKEN": "operate-secret"])
            #expect(config.site.id == "ams1")
            #expect(config.tokens.map(\.scope) == [.read, .operate])
            #expect(config.tokens.map(\.value) == ["noc-read-secret", "operate-secret"])
            #expect(config.tokens[0].source == .file(dir + "/noc-read.token"))
            #expect(config.services.map(\.name).contains("dns"))
            #expect(config.services[0].prefixes == ["203.0.113.0/24", "2001:db8:53::/48"])
            #expect(config.stateDirectory == "/var/lib/anycast-agent")
        }
    }

    @Test func prefixValidator() {
        for valid in ["0.0.0.0/0", "10.0.0.0/8", "192.0.2.1/32", "::/0", "2001:db8::/32", "2001:db8:53::/48",
                      "::ffff:192.0.2.0/120", "fe80::/10", "2001:db8:0:0:0:0:0:1/128"] {
            #expect(IPPrefix.problem(with: valid) == nil, "\(valid)")
        }
        for invalid in ["10.0.0.0/", "/8", "10.0.0/8", "010.0.0.0/8", "10.0.0.0/-1", "10.0.0.0/08x", "1.2.3.4/8",
                        "2001:db8:::/32", "2001:db8::g/128", "12345::/16", "1:2:3:4:5:6:7:8:9/128", "1::2::3/128", "2001:db8::/33/1"] {
            #expect(IPPrefix.problem(with: invalid) != nil, "\(invalid)")
        }
        #expect(IPPrefix.canonical("2001:DB8::/32") == IPPrefix.canonical("2001:0db8:0::/32"))
        #expect(IPPrefix.isAddress("127.0.0.1") && IPPrefix.isAddress("::1") && !IPPrefix.isAddress("localhost"))
    }
}
