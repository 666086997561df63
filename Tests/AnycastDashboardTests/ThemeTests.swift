import AnycastCore
import AnycastDashboard
import Foundation
import Testing

@Suite struct ThemeTests {
    static let themesFolder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("themes")

    @Test func builtinDefaultIsTheShippedFile() throws {
        let shipped = try ThemeLibrary(directories: [Self.themesFolder.path]).load("default")
        #expect(shipped.warnings.isEmpty)
        #expect(shipped.theme == Theme.builtinDefault)
        #expect(Set(Theme.builtinDefault.styles.keys) == Set(StyleRole.allCases), "the default theme defines every role")
    }

    @Test func everyShippedThemeLoadsCleanly() throws {
        let library = ThemeLibrary(directories: [Self.themesFolder.path])
        let names = library.names()
        #expect(Set(["default", "light", "solarized-dark", "high-contrast", "monochrome"]).isSubset(of: Set(names)))
        for name in names {
            let (theme, warnings) = try library.load(name)
            #expect(warnings.isEmpty, "\(name): \(warnings)")
            #expect(theme.name == name)
            for role in StyleRole.allCases { _ = theme.style(role) }
        }
    }

    @Test func missingRolesFallBackAndUnknownKeysWarn() throws {
        let source = """
            name = "partial"
            colour_scheme = "x"
            [roles]
            ok = "#00ff00"
            sparkles = "#ffffff"
            """
        let (theme, warnings) = try ThemeLoader.parse(source: source, file: "partial.toml")
        #expect(theme.style(.ok).foreground == RGBColor(hex: "#00ff00"))
        #expect(theme.style(.critical) == Theme.builtinDefault.style(.critical))
        #expect(warnings == ["partial.toml:2: unknown key 'colour_scheme' ignored", "partial.toml:5: unknown role 'sparkles' ignored"])
    }

    @Test func badColourIsAnErrorWithItsLine() {
        do {
            _ = try ThemeLoader.parse(source: "name = \"b\"\n[roles]\nok = \"green\"\n", file: "b.toml")
            Issue.record("expected an error")
        } catch {
            #expect(error.line == 3)
            #expect(error.message.contains("role 'ok'"))
        }
    }

    @Test func roleSpecs() {
        #expect(RoleStyle(spec: "#112233") == RoleStyle(foreground: RGBColor(red: 0x11, green: 0x22, blue: 0x33)))
        #expect(RoleStyle(spec: "#fff on #000 bold") == RoleStyle(foreground: RGBColor(hex: "#ffffff"), background: RGBColor(hex: "#000000"), bold: true))
        #expect(RoleStyle(spec: "default bold") == RoleStyle(foreground: nil, bold: true))
        #expect(RoleStyle(spec: "#12345") == nil)
        #expect(RoleStyle(spec: "#112233 over #000000") == nil)
    }

    @Test func colourDepthMapping() {
        let red = RGBColor(hex: "#ff0000")!
        let grey = RGBColor(hex: "#808080")!
        #expect(ColorDepth.trueColor.index(of: red) == 0xFF0000)
        #expect(ColorDepth.colors256.index(of: red) == 196)
        #expect(ColorDepth.colors256.index(of: grey) == 244)
        #expect(ColorDepth.colors256.index(of: RGBColor(hex: "#5f87af")!) == 67)
        #expect(ColorDepth.colors16.index(of: red) == 9)
        #expect(ColorDepth.colors8.index(of: red) == 1)
        #expect(ColorDepth.colors8.index(of: RGBColor(hex: "#ffffff")!) == 7)
        #expect(ColorDepth.monochrome.index(of: red) == nil)
        // Dark greys are nearest to black, not to magenta or blue (a distance that went
        // negative for channels above the palette's made them so).
        for dark in ["#1b1d23", "#3d4350", "#000001", "#002b36"] {
            #expect(ColorDepth.colors8.index(of: RGBColor(hex: dark)!) == 0, "\(dark)")
        }
        #expect(ColorDepth.colors16.index(of: RGBColor(hex: "#1b1d23")!) == 0)
        #expect(ColorDepth.colors16.index(of: RGBColor(hex: "#3d4350")!) == 8, "dark grey")
        #expect(ColorDepth.colors16.index(of: RGBColor(hex: "#fafafa")!) == 15)
        #expect(ColorDepth.colors8.index(of: RGBColor(hex: "#c000c0")!) == 5)
    }

    @Test func terminalDepthAndNoColor() {
        #expect(ColorDepth.forTerminal(colors: 1 << 24, noColorRequested: false) == .trueColor)
        #expect(ColorDepth.forTerminal(colors: 256, noColorRequested: false) == .colors256)
        #expect(ColorDepth.forTerminal(colors: 16, noColorRequested: false) == .colors16)
        #expect(ColorDepth.forTerminal(colors: 8, noColorRequested: false) == .colors8)
        #expect(ColorDepth.forTerminal(colors: 0, noColorRequested: false) == .monochrome)
        #expect(ColorDepth.forTerminal(colors: 256, noColorRequested: true) == .monochrome, "NO_COLOR wins")
    }

    @Test func unknownThemeIsAnError() {
        #expect(throws: ConfigError.self) { try ThemeLibrary(directories: [Self.themesFolder.path]).load("no-such-theme") }
        #expect(throws: ConfigError.self) { try ThemeLibrary(directories: [Self.themesFolder.path]).load("../etc/passwd") }
    }
}
