import AnycastCore
import Foundation

/// Finds themes: in `--theme-dir`, then `$XDG_CONFIG_HOME/anycast-dash/themes`, then the
/// project's `themes/` folder. The built-in default is always there.
public struct ThemeLibrary: Sendable {
    /// Folders searched, first match wins.
    public let directories: [String]

    public init(directories: [String]) {
        self.directories = directories
    }

    /// The standard search path for `themeDir` (from `--theme-dir`) and the environment.
    public static func standard(themeDir: String?, environment: [String: String], executablePath: String) -> ThemeLibrary {
        var dirs: [String] = []
        if let themeDir { dirs.append(themeDir) }
        if let xdg = environment["XDG_CONFIG_HOME"], !xdg.isEmpty {
            dirs.append(xdg + "/anycast-dash/themes")
        } else if let home = environment["HOME"], !home.isEmpty {
            dirs.append(home + "/.config/anycast-dash/themes")
        }
        // The project's themes/: beside the binary's package (…/.build/debug/anycast-dash → …/themes),
        // or an installed share folder.
        var url = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = url.appendingPathComponent("themes").path
            if FileManager.default.fileExists(atPath: candidate + "/default.toml") { dirs.append(candidate); break }
            url = url.deletingLastPathComponent()
        }
        dirs.append("/usr/local/share/anycast-dash/themes")
        dirs.append("/usr/share/anycast-dash/themes")
        return ThemeLibrary(directories: dirs)
    }

    /// Every theme name found, `default` first, then alphabetical.
    public func names() -> [String] {
        var found: Set<String> = ["default"]
        for dir in directories {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
            for f in files where f.hasSuffix(".toml") { found.insert(String(f.dropLast(5))) }
        }
        return ["default"] + found.subtracting(["default"]).sorted()
    }

    /// Loads the theme `name`; the default theme needs no file. A name that is no theme is an
    /// error that lists the themes there are; a theme file's own errors keep their file:line.
    public func load(_ name: String) throws(ConfigError) -> (theme: Theme, warnings: [String]) {
        guard name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
            throw ConfigError(file: "theme '\(name)'", line: nil, message: "theme names hold only letters, digits, '-' and '_'; \(available)")
        }
        for dir in directories {
            let path = "\(dir)/\(name).toml"
            guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { continue }
            return try ThemeLoader.parse(source: text, file: path)
        }
        if name == "default" { return (Theme.builtinDefault, []) }
        throw ConfigError(file: "theme '\(name)'", line: nil, message: "not found; \(available)")
    }

    /// The themes there are and where they were looked for, for error messages.
    var available: String {
        "the themes are: \(names().joined(separator: ", ")) (the built-in default, and the *.toml files in \(directories.joined(separator: ", ")))"
    }
}
