import AnycastDashboard
import Testing

/// `t` cycles the themes, unless colours are off and a theme would change nothing.
@Suite struct ThemeCycleTests {
    @Test func tSwitchesToTheNextTheme() {
        var s = FixtureFleet.state()
        let effects = DashboardUpdate.update(&s, .key(.character("t")))
        #expect(effects.first == .applyTheme("light"))
        #expect(effects.contains(.saveSettings(s.settings)), "the theme chosen is remembered")
        #expect(s.themeName == "light")
        #expect(s.status?.text == "theme: light")
    }

    @Test func underNoColorTSaysColoursAreOffInsteadOfNamingAThemeThatChangesNothing() {
        var s = FixtureFleet.state()
        s.colorsOff = "NO_COLOR"
        #expect(DashboardUpdate.update(&s, .key(.character("t"))).isEmpty)
        #expect(s.themeName == "default")
        #expect(s.status?.text == "colours are off (NO_COLOR): themes don't apply")
    }
}
