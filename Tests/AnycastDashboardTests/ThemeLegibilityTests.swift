import AnycastDashboard
import Foundation
import Testing

/// Themes stay readable however many colours the terminal has: every role, mapped to 8, 16,
/// 256 and 24-bit colour, keeps its `minimumContrast`, measured on the colours the terminal
/// shows (xterm's values for the ANSI colours).
@Suite struct ThemeLegibilityTests {
    static let depths: [ColorDepth] = [.colors8, .colors16, .colors256, .trueColor]

    /// Every file in `themes/`, so a new theme is checked without being named here.
    static func shippedThemes() throws -> [(file: String, theme: Theme)] {
        let folder = ThemeTests.themesFolder.path
        let files = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasSuffix(".toml") }.sorted()
        return try files.map { file in
            let path = folder + "/" + file
            return (file, try ThemeLoader.parse(source: String(contentsOfFile: path, encoding: .utf8), file: path).theme)
        }
    }

    @Test func everyShippedThemeIsLegibleAtEveryColourDepth() throws {
        let themes = try Self.shippedThemes()
        #expect(themes.count >= 5)
        for (file, theme) in themes {
            for depth in Self.depths {
                for role in StyleRole.allCases {
                    let at = "\(file) \(role.rawValue) at \(depth.rawValue) colours"
                    let pair = try #require(depth.colors(for: role, in: theme), "\(at): no colours")
                    // The terminal's own foreground on its own background: legible by definition.
                    if pair.foreground == nil && pair.background == nil { continue }
                    let fg = try #require(pair.foreground.flatMap(depth.rgb(ofIndex:)), "\(at): the terminal's own foreground on a theme colour, contrast unknown")
                    let bg = try #require(pair.background.flatMap(depth.rgb(ofIndex:)), "\(at): a theme colour on the terminal's own background, contrast unknown")
                    #expect(pair.foreground != pair.background, "\(at): \(fg) on itself")
                    let ratio = fg.contrastRatio(with: bg)
                    #expect(ratio >= role.minimumContrast, "\(at): \(fg) on \(bg) is \(ratio):1, needs \(role.minimumContrast):1")
                }
            }
        }
    }

    @Test func shippedThemesNeedNoAdjustmentAtFullColour() throws {
        // What a theme file says is what a 24-bit terminal shows: the files meet the floors
        // themselves, and the mapping's adjustments are for lower depths and users' themes.
        for (file, theme) in try Self.shippedThemes() {
            for role in StyleRole.allCases where role != .background {
                let style = theme.style(role)
                guard let fg = style.foreground, let bg = style.background ?? theme.background else { continue }
                let written = TerminalColorPair(foreground: ColorDepth.trueColor.index(of: fg), background: ColorDepth.trueColor.index(of: bg))
                #expect(ColorDepth.trueColor.colors(for: role, in: theme) == written, "\(file) \(role.rawValue): \(fg) on \(bg) is \(fg.contrastRatio(with: bg)):1")
            }
        }
    }

    @Test func rolesOnTheThemeBackgroundKeepItAtEveryDepth() throws {
        // Only foregrounds move for them, so the screen's background stays one colour.
        for (file, theme) in try Self.shippedThemes() {
            for depth in Self.depths {
                let screen = depth.colors(for: .background, in: theme)?.background
                for role in StyleRole.allCases where theme.style(role).background == nil {
                    #expect(depth.colors(for: role, in: theme)?.background == screen, "\(file) \(role.rawValue) at \(depth.rawValue)")
                }
            }
        }
    }

    @Test func aDarkRuleOnANearBlackBackgroundStaysVisibleAtEightColours() throws {
        // Nearest-colour mapping made both black.
        let theme = Theme(name: "t", styles: [.background: RoleStyle(spec: "#1b1d23")!, .border: RoleStyle(spec: "#3d4350")!])
        let pair = try #require(ColorDepth.colors8.colors(for: .border, in: theme))
        #expect(pair.background == 0)
        #expect(pair.foreground != 0)
        let fg = try #require(pair.foreground.flatMap(ColorDepth.colors8.rgb(ofIndex:)))
        #expect(fg.contrastRatio(with: RGBColor(red: 0, green: 0, blue: 0)) >= 1.5)
    }

    @Test func aBadgeOnMagentaAtEightColoursMovesToALegiblePair() throws {
        // 8-colour magenta reaches 4.48:1 at best (with black): the background has to move.
        let theme = Theme(name: "t", styles: [.background: RoleStyle(spec: "#1b1d23")!, .monitorBadge: RoleStyle(spec: "#1b1d23 on #c000c0")!])
        let depth = ColorDepth.colors8
        let pair = try #require(depth.colors(for: .monitorBadge, in: theme))
        #expect(depth.index(of: RGBColor(hex: "#c000c0")!) == 5, "magenta is the nearest")
        #expect(pair.background != 5)
        let ratio = try #require(depth.rgb(ofIndex: pair.foreground!)).contrastRatio(with: #require(depth.rgb(ofIndex: pair.background!)))
        #expect(ratio >= 4.5)
    }

    @Test func atFullColourABadgeShiftsItsBackgroundRatherThanItsText() throws {
        // White on pure red is 4.0:1; a slightly darker red is the nearest legible pair.
        let theme = Theme(name: "t", styles: [.background: RoleStyle(spec: "#000000")!, .unreachable: RoleStyle(spec: "#ffffff on #ff0000")!])
        let pair = try #require(ColorDepth.trueColor.colors(for: .unreachable, in: theme))
        #expect(pair.foreground == 0xFFFFFF)
        let bg = try #require(ColorDepth.trueColor.rgb(ofIndex: pair.background!))
        #expect(bg.green == 0 && bg.blue == 0 && bg.red < 0xFF && bg.red > 0xC0, "\(bg)")
        #expect(RGBColor(red: 255, green: 255, blue: 255).contrastRatio(with: bg) >= 4.5)
    }

    @Test func aLegibleThemeIsMappedToItsNearestColours() {
        let theme = Theme.builtinDefault
        for depth in Self.depths {
            let pair = depth.colors(for: .text, in: theme)
            #expect(pair == TerminalColorPair(foreground: depth.index(of: theme.style(.text).foreground!), background: depth.index(of: theme.background!)))
        }
        #expect(ColorDepth.monochrome.colors(for: .text, in: theme) == nil)
    }

    @Test func theTerminalsOwnColourOnOneSideIsLeftAlone() {
        // Its value is unknown here, so there is nothing to measure against.
        let theme = Theme(name: "t", styles: [.background: RoleStyle(spec: "default")!, .ok: RoleStyle(spec: "#000001")!])
        #expect(ColorDepth.colors8.colors(for: .ok, in: theme) == TerminalColorPair(foreground: 0, background: nil))
    }

    @Test func contrastRatiosAreWCAGs() {
        let black = RGBColor(red: 0, green: 0, blue: 0), white = RGBColor(red: 255, green: 255, blue: 255)
        #expect(abs(black.contrastRatio(with: white) - 21) < 0.001)
        #expect(white.contrastRatio(with: white) == 1)
        // #767676 on white is the well-known smallest grey that passes 4.5:1.
        #expect(abs(RGBColor(hex: "#767676")!.contrastRatio(with: white) - 4.54) < 0.01)
    }

    @Test func paletteValuesAreXtermsDefaults() {
        #expect(ColorDepth.colors8.rgb(ofIndex: 7) == RGBColor(red: 229, green: 229, blue: 229))
        #expect(ColorDepth.colors8.rgb(ofIndex: 8) == nil)
        #expect(ColorDepth.colors16.rgb(ofIndex: 12) == RGBColor(red: 92, green: 92, blue: 255))
        #expect(ColorDepth.colors256.rgb(ofIndex: 67) == RGBColor(hex: "#5f87af"))
        #expect(ColorDepth.colors256.rgb(ofIndex: 244) == RGBColor(hex: "#808080"))
        #expect(ColorDepth.trueColor.rgb(ofIndex: 0x123456) == RGBColor(hex: "#123456"))
        #expect(ColorDepth.monochrome.rgb(ofIndex: 1) == nil)
    }
}
