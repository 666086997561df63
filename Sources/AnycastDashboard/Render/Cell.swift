/// One terminal cell: a grapheme (empty for the right half of a wide character), its role and
/// emphasis. Plain data (`Glyph`), so a frame's cells are copied and compared without
/// reference counting.
public struct Cell: Sendable, Hashable {
    /// The grapheme drawn here; `.empty` marks the second column of a double-width character.
    public var glyph: Glyph
    public var role: StyleRole
    public var bold: Bool
    public var reverse: Bool

    public init(_ text: String = " ", role: StyleRole = .text, bold: Bool = false, reverse: Bool = false) {
        self.init(glyph: Glyph(text), role: role, bold: bold, reverse: reverse)
    }

    @inline(__always)
    public init(glyph: Glyph, role: StyleRole = .text, bold: Bool = false, reverse: Bool = false) {
        self.glyph = glyph
        self.role = role
        self.bold = bold
        self.reverse = reverse
    }

    /// The grapheme as text; `""` for the second column of a double-width character.
    public var text: String { glyph.text }

    /// An empty cell on the background.
    public static let blank = Cell(glyph: .space, role: .background)
}
