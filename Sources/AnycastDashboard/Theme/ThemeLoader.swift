import AnycastCore

/// Reads theme files. The default theme is the schema: roles missing from a theme fall back to
/// it, and unknown keys are reported as warnings (once each), not errors.
public enum ThemeLoader {
    /// Parses theme TOML. `base` supplies missing roles (`nil` only for the default itself).
    public static func parse(source: String, file: String, base: Theme? = Theme.builtinDefault) throws(ConfigError) -> (theme: Theme, warnings: [String]) {
        let root = try TOMLDocument(source: source, file: file).rootReader
        var warnings: [String] = []
        let known: Set<String> = ["name", "description", "roles"]
        for key in root.keys where !known.contains(key) {
            warnings.append("\(file):\(root.line(key) ?? 0): unknown key '\(key)' ignored")
        }
        let name = try root.string("name") ?? file.split(separator: "/").last.map { String($0.split(separator: ".").first ?? $0) } ?? file
        var styles = base?.styles ?? [:]
        if let roles = try root.table("roles") {
            for key in roles.keys.sorted(by: { (roles.line($0) ?? 0) < (roles.line($1) ?? 0) }) {
                guard let role = StyleRole(rawValue: key) else {
                    warnings.append("\(file):\(roles.line(key) ?? 0): unknown role '\(key)' ignored")
                    continue
                }
                let spec = try roles.requiredString(key)
                guard let style = RoleStyle(spec: spec) else {
                    throw roles.error(key, "role '\(key)' = \"\(spec)\": expected \"#rrggbb\", \"#rrggbb on #rrggbb\" or \"default\", optionally with \"bold\"")
                }
                styles[role] = style
            }
        }
        if base == nil {
            let missing = StyleRole.allCases.filter { styles[$0] == nil }.map(\.rawValue)
            if !missing.isEmpty { warnings.append("\(file): the default theme lacks roles: \(missing.joined(separator: ", "))") }
        }
        return (Theme(name: name, description: try root.string("description") ?? "", styles: styles), warnings)
    }
}
