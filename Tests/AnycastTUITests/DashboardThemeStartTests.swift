import AnycastCore
import AnycastDashboard
@testable import AnycastTUI
import Foundation
import Testing

/// The theme is loaded before the dashboard takes the terminal: one that is not there, or
/// whose file has errors, stops the start with a message (the command line exits 2).
@Suite struct DashboardThemeStartTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes").path

    static func options(theme: String, directories: [String]) -> DashboardOptions {
        DashboardOptions(config: FleetConfig(name: "t", regions: [], sites: []), drainSites: [], mode: .live, operatorName: "t",
                         themes: ThemeLibrary(directories: directories), themeName: theme, noColor: false)
    }

    @Test func anUnknownThemeStopsTheStartAndNamesTheThemesThereAre() throws {
        let own = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: own) }
        try "name = \"night-shift\"\n".write(toFile: own + "/night-shift.toml", atomically: true, encoding: .utf8)
        let error = try #require(throws: DashboardStartError.self) {
            try DashboardRuntime.loadTheme(Self.options(theme: "nosuch", directories: [own, Self.themesFolder]))
        }
        #expect(error.description.hasPrefix("theme 'nosuch': not found; the themes are: default, high-contrast, light, monochrome, night-shift, solarized-dark"), "\(error)")
        #expect(error.description.contains(own))
    }

    @Test func aThemeFileWithErrorsStopsTheStartWithItsFileAndLine() throws {
        let own = FileManager.default.temporaryDirectory.appendingPathComponent("themes-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: own, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: own) }
        try "name = \"broken\"\n[roles]\nok = \"green\"\n".write(toFile: own + "/broken.toml", atomically: true, encoding: .utf8)
        let error = try #require(throws: DashboardStartError.self) {
            try DashboardRuntime.loadTheme(Self.options(theme: "broken", directories: [own]))
        }
        #expect(error.description.hasPrefix("\(own)/broken.toml:3: role 'ok' = \"green\""), "\(error)")
    }

    @Test func aGoodThemeLoadsWithItsWarnings() throws {
        let (theme, warnings) = try DashboardRuntime.loadTheme(Self.options(theme: "light", directories: [Self.themesFolder]))
        #expect(theme.name == "light")
        #expect(warnings.isEmpty)
    }
}
