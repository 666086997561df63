import Foundation

/// Where a status stream's reader is: the revision of the slow-changing status it holds (nil
/// before the first line) and the time of the newest history point it has been sent.
public struct StatusStreamCursor: Sendable, Equatable {
    public var known: String?
    public var historyAfter: Date?

    public init(known: String? = nil, historyAfter: Date? = nil) {
        self.known = known
        self.historyAfter = historyAfter
    }
}
