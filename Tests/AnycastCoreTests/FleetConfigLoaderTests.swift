import AnycastCore
import Foundation
import Testing

@Suite struct FleetConfigLoaderTests {
    static let fixtures = Bundle.module.resourceURL!.appendingPathComponent("Fixtures")

    /// The fixtures in a fresh folder, with the token file private (a clone leaves it 0644).
    static func privateFixtures() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-fixtures-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: fixtures, to: dir)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: dir.appendingPathComponent("ams1.token").path)
        return dir
    }

    @Test func theMouseIsOnUnlessTheFleetSaysOtherwise() throws {
        let base = "[fleet]\nname = \"m\"\n%@[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://127.0.0.1:9100\"\ntoken = \"t\"\n"
        let on = try FleetConfigLoader.parse(source: base.replacingOccurrences(of: "%@", with: ""), file: "f.toml")
        #expect(on.mouse)
        let off = try FleetConfigLoader.parse(source: base.replacingOccurrences(of: "%@", with: "mouse = false\n"), file: "f.toml")
        #expect(!off.mouse)
        #expect(try FleetConfigLoader.parse(source: FleetConfigWriter.toml(off), file: "w.toml") == off)
        do {
            _ = try FleetConfigLoader.parse(source: base.replacingOccurrences(of: "%@", with: "mouse = \"no\"\n"), file: "f.toml")
            Issue.record("mouse = \"no\" is not a boolean")
        } catch {
            #expect(error.line == 3 && error.message.contains("mouse"), "\(error)")
        }
    }

    @Test func loadsAValidFleet() throws {
        let dir = try Self.privateFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("fleet-valid.toml").path
        let config = try FleetConfigLoader.load(path: path, environment: ["FRA1_TOKEN": "secret-from-env"])
        #expect(config.name == "dns-prod")
        #expect(config.pollInterval == .seconds(1))
        #expect(config.requestTimeout == .milliseconds(800), "the default timeout is 80% of the interval")
        #expect(config.minActiveSites == 2)
        #expect(config.theme == "default")
        #expect(config.maxResponseBytes == 4 * 1024 * 1024, "4 MiB unless set")
        #expect(config.regions == [RegionConfig(name: "eu", minActive: 1), RegionConfig(name: "na", minActive: 0)])
        #expect(config.sites.map(\.id) == ["ams1", "fra1", "iad1"])
        #expect(config.sites[0].token == "secret-from-file", "token files are read relative to the config and trimmed")
        #expect(config.sites[1].token == "secret-from-env")
        #expect(config.sites[2].token == "inline-secret")
        #expect(config.sites[2].name == "iad1", "the name defaults to the id")
        #expect(config.sites[0].capacityQPS == 50000)
        #expect(config.sites[2].capacityQPS == 75000.5)
    }

    /// Each broken config must name the right line, so the operator can go straight to it.
    @Test(arguments: [
        // (what, source, expected line, words the message must contain)
        ("syntax", "[fleet]\nname = \"x\"\npoll_interval = \n", 3, "TOML syntax"),
        ("unknown top-level key", "colour = 1\n[fleet]\nname = \"x\"\n", 1, "unknown key 'colour'"),
        ("unknown fleet key", "[fleet]\nname = \"x\"\n\npoll_intervall = \"1s\"\n", 4, "unknown key 'poll_intervall' in [fleet]"),
        ("unknown site key", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\nweight = 3\n", 9, "unknown key 'weight' in [[site]] #1"),
        ("duplicate site id", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:2\"\n", 10, "duplicate site id 'a' (first defined on line 6)"),
        ("bad url scheme", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"ftp://h:1\"\n", 8, "scheme must be http or https"),
        ("url without host", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://\"\n", 8, "bad url"),
        ("unknown region", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"apac\"\nurl = \"http://h:1\"\n", 7, "unknown region 'apac'; known regions: eu"),
        ("wrong type", "[fleet]\nname = \"x\"\nmin_active_sites = \"two\"\n", 3, "must be an integer, not a string"),
        ("bad duration", "[fleet]\nname = \"x\"\npoll_interval = \"fast\"\n", 3, "is not a duration"),
        ("a duration too long to hold", "[fleet]\nname = \"x\"\npoll_interval = \"99999999999999999999s\"\n", 3, "is not a duration of at most a year"),
        ("a table header without a name", "[fleet]\nname = \"x\"\n[\n", 3, "a table header must start with its name"),
        ("an array header without a name", "[fleet]\nname = \"x\"\n[[ # site\n", 3, "a table header must start with its name"),
        ("a header name toml++ cannot start", "[fleet]\nname = \"x\"\n\n[ärger]\n", 4, "a table header must start with its name"),
        ("tls site over plain http", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\ntls = true\n", 8, "site 'a' is marked tls = true, so its url must be https://, not \"http://h:1\""),
        ("response cap too small", "[fleet]\nname = \"x\"\n\nmax_response_kib = 1\n", 4, "'fleet.max_response_kib' must be from 16 to 1048576 (KiB)"),
        ("timeout not below interval", "[fleet]\nname = \"x\"\npoll_interval = \"1s\"\nrequest_timeout = \"2s\"\n", 4, "must be shorter"),
        ("two token sources", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\ntoken = \"t\"\ntoken_env = \"T\"\n", 10, "only one of token"),
        ("missing token env", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\ntoken_env = \"NOPE_NOT_SET\"\n", 9, "NOPE_NOT_SET is not set"),
        ("missing token file", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\ntoken_file = \"/nonexistent/t\"\n", 9, "cannot read token file"),
        ("duplicate region", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[region]]\nname = \"eu\"\n", 6, "defined twice"),
        ("site without url", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\n", 5, "'site[0].url' is required"),
        ("key after multi-line array", "[fleet]\nname = \"x\"\n[[region]]\nname = \"eu\"\n[[site]]\nid = \"a\"\nregion = \"eu\"\nurl = \"http://h:1\"\nlocation = \"\"\"\nfirst\n[fake]\n\"\"\"\nbogus = [\n  1,\n  2,\n]\nnope = 1\n", 13, "unknown key 'bogus'"),
    ])
    func reportsTheLine(what: String, source: String, line: Int, words: String) {
        do {
            _ = try FleetConfigLoader.parse(source: source, file: "fleet.toml")
            Issue.record("\(what): expected an error")
        } catch {
            #expect(error.line == line, "\(what): \(error)")
            #expect(error.message.contains(words), "\(what): \(error)")
            #expect(error.description.hasPrefix("fleet.toml:\(line): "), "\(what): \(error)")
        }
    }

    @Test func missingFleetTableAndNoSites() {
        #expect(throws: ConfigError(file: "f", line: nil, message: "the [fleet] table is missing")) {
            try FleetConfigLoader.parse(source: "", file: "f")
        }
        #expect(throws: ConfigError(file: "f", line: nil, message: "no [[site]] is defined")) {
            try FleetConfigLoader.parse(source: "[fleet]\nname = \"x\"\n", file: "f")
        }
    }

    @Test func unreadableFileNamesTheFile() {
        do {
            _ = try FleetConfigLoader.load(path: "/nonexistent/fleet.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.description.hasPrefix("/nonexistent/fleet.toml: cannot read"))
        }
    }

    @Test func writerOutputLoadsBackUnchanged() throws {
        let original = FleetConfig(
            name: "stage \"b\"", pollInterval: .milliseconds(1500), requestTimeout: .seconds(1), unreachableAfter: 4,
            minActiveSites: 3, theme: "light", maxResponseBytes: 512 * 1024,
            regions: [RegionConfig(name: "eu", minActive: 1), RegionConfig(name: "ap", minActive: 2)],
            sites: [
                SiteConfig(id: "ams1", name: "Amsterdam\\North", region: "eu", url: "http://127.0.0.1:9101", token: "t1", tokenSource: .literal("t1"), capacityQPS: 5000, location: "NL"),
                SiteConfig(id: "nrt1", name: "Tokyo", region: "ap", url: "https://nrt1.example.net", token: "t2", tokenSource: .environment("NRT"), tls: true),
            ])
        let text = FleetConfigWriter.toml(original)
        let loaded = try FleetConfigLoader.parse(source: text, file: "w.toml", environment: ["NRT": "t2"])
        #expect(loaded == original)
    }

    @Test func readTokensForPollingAndMonitorMode() throws {
        let source = """
            [fleet]
            name = "x"
            [[region]]
            name = "eu"
            [[site]]
            id = "a"
            region = "eu"
            url = "http://h:1"
            token = "operate-a"
            read_token = "read-a"
            [[site]]
            id = "b"
            region = "eu"
            url = "http://h:2"
            token = "operate-b"
            """
        let config = try FleetConfigLoader.parse(source: source, file: "f.toml")
        #expect(config.sites[0].readToken == "read-a")
        #expect(config.forPolling().sites.map(\.token) == ["read-a", "operate-b"], "polling uses the read token where there is one")
        #expect(config.sites.map(\.token) == ["operate-a", "operate-b"], "drains keep the operate token")
        do {
            _ = try config.readOnly()
            Issue.record("monitor mode must refuse a site without a read token")
        } catch {
            #expect(error.message.contains("monitor mode sends only read tokens") && error.message.hasSuffix(": b"))
        }
        var both = config
        both.sites[1].readToken = "read-b"
        #expect(try both.readOnly().sites.map(\.token) == ["read-a", "read-b"])
        #expect(throws: ConfigError.self) {
            try FleetConfigLoader.parse(source: source.replacingOccurrences(of: "read_token = \"read-a\"", with: "read_token = \"r\"\nread_token_env = \"R\""), file: "f.toml")
        }
    }

    @Test func locatorOrder() {
        let none: (String) -> Bool = { _ in false }
        let all: (String) -> Bool = { _ in true }
        #expect(FleetConfigLocator.locate(explicit: "a.toml", environment: ["ANYCAST_FLEET": "b.toml"], fileExists: none) == "a.toml")
        #expect(FleetConfigLocator.locate(explicit: nil, environment: ["ANYCAST_FLEET": "b.toml"], fileExists: none) == "b.toml")
        #expect(FleetConfigLocator.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": "/x"], fileExists: all) == "/x/anycast-dash/fleet.toml")
        #expect(FleetConfigLocator.locate(explicit: nil, environment: ["HOME": "/home/u"], fileExists: all) == "/home/u/.config/anycast-dash/fleet.toml")
        #expect(FleetConfigLocator.locate(explicit: nil, environment: ["XDG_CONFIG_HOME": "/x"], fileExists: none) == nil)
    }

    /// As ssh does with keys: a token file others can read is refused, with its line and the fix.
    @Test(arguments: [0o644, 0o640, 0o604, 0o660])
    func tokenFilesReadableByOthersAreRefused(mode: Int) throws {
        let dir = try Self.privateFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let token = dir.appendingPathComponent("ams1.token").path
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: token)
        let path = dir.appendingPathComponent("fleet-valid.toml").path
        do {
            _ = try FleetConfigLoader.load(path: path, environment: ["FRA1_TOKEN": "x"])
            Issue.record("a token file with mode \(String(mode, radix: 8)) was accepted")
        } catch {
            let text = "\(error)"
            #expect(text.contains("fleet-valid.toml:20"), "\(text)")
            #expect(text.contains("accessible by others (mode \(String(mode, radix: 8)))"), "\(text)")
            #expect(text.contains("chmod 600 \(token)"), "\(text)")
        }
        try FileManager.default.setAttributes([.posixPermissions: 0o400], ofItemAtPath: token)
        #expect(try FleetConfigLoader.load(path: path, environment: ["FRA1_TOKEN": "x"]).sites[0].token == "secret-from-file", "owner read-only is fine")
    }
}
