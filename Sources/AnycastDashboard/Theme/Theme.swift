import AnycastCore

/// A colour theme: a style for every role.
public struct Theme: Sendable, Hashable {
    public var name: String
    public var description: String
    public var styles: [StyleRole: RoleStyle]

    public init(name: String, description: String = "", styles: [StyleRole: RoleStyle]) {
        self.name = name
        self.description = description
        self.styles = styles
    }

    /// The style of `role` (every role has one: missing roles fall back to the default theme).
    public func style(_ role: StyleRole) -> RoleStyle {
        styles[role] ?? Theme.builtinDefault.styles[role] ?? RoleStyle(foreground: nil)
    }

    /// The background every role without its own is drawn on.
    public var background: RGBColor? { style(.background).background ?? style(.background).foreground }

    /// The compiled-in default theme.
    public static let builtinDefault: Theme = {
        // The built-in text is tested to parse without warnings; a failure here is a build defect.
        (try? ThemeLoader.parse(source: BuiltinTheme.defaultTOML, file: "default.toml", base: nil).theme)
            ?? Theme(name: "default", styles: [:])
    }()
}
