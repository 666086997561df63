import AnycastDashboard
import AnycastTUI
import Foundation
import Testing

/// Where the dashboard keeps the operator's choices, and that a bad file never stops it.
@Suite struct SettingsStoreTests {
    func folder() throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("settings-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func thePathFollowsXDGStateHomeThenHomeAndTheFleetsNameIsAFileName() {
        #expect(SettingsStore.forFleet("prod", environment: ["XDG_STATE_HOME": "/x/state", "HOME": "/home/a"])?.path
                == "/x/state/anycast-dash/prod.json")
        #expect(SettingsStore.forFleet("prod", environment: ["HOME": "/home/a"])?.path == "/home/a/.local/state/anycast-dash/prod.json")
        #expect(SettingsStore.forFleet("prod", environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/a"])?.path
                == "/home/a/.local/state/anycast-dash/prod.json", "a relative XDG_STATE_HOME is ignored, as the spec says")
        #expect(SettingsStore.forFleet("dns prod/../eu", environment: ["HOME": "/h"])?.path == "/h/.local/state/anycast-dash/dns_prod_.._eu.json")
        #expect(SettingsStore.forFleet("x", environment: [:]) == nil)
    }

    @Test func aSavedFileLoadsBackAndIsPrivate() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = SettingsStore(path: dir + "/nested/anycast-dash/prod.json")
        let settings = DashboardSettings(theme: "light", view: "table", sort: .p99, sortReversed: true, filter: "region=eu",
                                         columns: [.site, .status, .qps, .note])
        try store.save(settings)
        let (loaded, warning) = store.load()
        #expect(loaded == settings && warning == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: store.path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir + "/nested/anycast-dash")
        #expect(leftovers == ["prod.json"], "no temporary file is left behind")
    }

    @Test(arguments: ["{not json", "[1, 2]", #"{"sort": "sideways"}"#, "\u{0}\u{1}binary"])
    func aCorruptFileIsIgnoredWithOneWarning(content: String) throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = SettingsStore(path: dir + "/prod.json")
        try Data(content.utf8).write(to: URL(fileURLWithPath: store.path))
        let (loaded, warning) = store.load()
        #expect(loaded == nil)
        #expect(warning?.hasPrefix("saved settings ignored (\(store.path) cannot be read: ") == true, "\(warning ?? "")")
    }

    @Test func noFileIsNoWarning() throws {
        let (loaded, warning) = SettingsStore(path: "/nonexistent/anycast-dash/x.json").load()
        #expect(loaded == nil && warning == nil)
    }

    @Test func fieldsItDoesNotKnowAndFieldsItLacksAreFine() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = SettingsStore(path: dir + "/prod.json")
        try Data(#"{"theme": "light", "from_a_newer_version": 3}"#.utf8).write(to: URL(fileURLWithPath: store.path))
        #expect(store.load().settings == DashboardSettings(theme: "light"))
    }
}
