import Foundation

/// A transient message on the status line.
public struct StatusMessage: Sendable, Hashable {
    public enum Level: Sendable, Hashable { case info, warning, error }
    public var text: String
    public var level: Level
    /// When it disappears.
    public var until: Date

    public init(text: String, level: Level, until: Date) {
        self.text = text
        self.level = level
        self.until = until
    }
}
