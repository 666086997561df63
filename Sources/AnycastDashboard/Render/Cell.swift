/// One terminal cell: a grapheme (empty for the right half of a wide character), its role and
/// emphasis.
public struct Cell: Sendable, Hashable {
    /// The grapheme drawn here; `""` marks the second column of a double-width character.
    public var text: String
    public var role: StyleRole
    public var bold: Bool
    public var reverse: Bool

    public init(_ text: String = " ", role: StyleRole = .text, bold: Bool = false, reverse: Bool = false) {
        self.text = text
        self.role = role
        self.bold = bold
        self.reverse = reverse
    }

    /// An empty cell on the background.
    public static let blank = Cell(" ", role: .background)
}
