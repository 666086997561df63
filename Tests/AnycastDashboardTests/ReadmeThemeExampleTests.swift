import AnycastDashboard
import Foundation
import Testing

/// The README's theme example is what a user copies to start a theme of their own: it must
/// load as it stands.
@Suite struct ReadmeThemeExampleTests {
    /// The first TOML block of the README's "Themes" section.
    static func example() throws -> String {
        let readme = try String(contentsOf: ThemeTests.themesFolder.deletingLastPathComponent().appendingPathComponent("README.md"), encoding: .utf8)
        let section = try #require(readme.components(separatedBy: "\n### Themes\n").dropFirst().first?.components(separatedBy: "\n### ").first,
                                   "README.md has no Themes section")
        let block = try #require(section.components(separatedBy: "```toml\n").dropFirst().first?.components(separatedBy: "\n```").first,
                                 "README.md's Themes section has no toml example")
        return block
    }

    @Test func theReadmesThemeExampleLoadsWithoutWarnings() throws {
        let (theme, warnings) = try ThemeLoader.parse(source: try Self.example(), file: "README.md theme example")
        #expect(warnings.isEmpty, "\(warnings)")
        let own = StyleRole.allCases.filter { theme.style($0) != Theme.builtinDefault.style($0) }
        #expect(!own.isEmpty, "the example sets no role of its own")
    }
}
