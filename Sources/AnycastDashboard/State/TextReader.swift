/// A piece of text shown whole, wrapped, in a box over the view: an event or a drain's note
/// that the view had to shorten. Any key but the arrows closes it.
public struct TextReader: Sendable, Hashable {
    public var title: String
    public var text: String
    /// Lines scrolled past, when the text is longer than the box.
    public var scroll = 0

    public init(title: String, text: String) {
        self.title = title
        self.text = text
    }
}
