/// How a theme draws one role: a foreground, an optional background, and emphasis.
public struct RoleStyle: Sendable, Hashable {
    /// `nil`: the terminal's default foreground.
    public var foreground: RGBColor?
    /// `nil`: the theme's background (or the terminal's default).
    public var background: RGBColor?
    public var bold: Bool

    public init(foreground: RGBColor?, background: RGBColor? = nil, bold: Bool = false) {
        self.foreground = foreground
        self.background = background
        self.bold = bold
    }

    /// Parses `#rrggbb`, `#rrggbb on #rrggbb`, `default`, with an optional `bold` word.
    public init?(spec: String) {
        var words = spec.split(separator: " ").map(String.init)
        bold = words.contains("bold")
        words.removeAll { $0 == "bold" }
        func color(_ w: String) -> RGBColor?? {
            if w == "default" { return .some(nil) }
            return RGBColor(hex: w).map { .some($0) }
        }
        switch words.count {
        case 1:
            guard let fg = color(words[0]) else { return nil }
            foreground = fg
            background = nil
        case 3 where words[1] == "on":
            guard let fg = color(words[0]), let bg = color(words[2]) else { return nil }
            foreground = fg
            background = bg
        default:
            return nil
        }
    }
}
