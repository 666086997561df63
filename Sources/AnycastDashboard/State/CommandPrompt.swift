/// The `:` command line being typed: its text, where Up and Down are in the history, and the
/// candidates Tab cycles through.
public struct CommandPrompt: Sendable, Hashable {
    public var text = ""
    /// The history entry shown (nil: the line being typed).
    public var historyIndex: Int?
    /// The line being typed before Up was pressed, given back by Down past the newest entry.
    public var draft = ""
    /// What Tab offers for the word under completion, and which one is shown.
    public var completion: Completion?

    public struct Completion: Sendable, Hashable {
        /// The text before the word being completed.
        public var head: String
        public var candidates: [String]
        public var index: Int
    }

    public init(text: String = "") { self.text = text }

    /// Longest the line may be.
    static let maxLength = 200
}
