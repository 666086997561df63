extension StringProtocol {
    /// The text without leading and trailing white space.
    func trimmingWhitespace() -> SubSequence {
        var s = self[...]
        while let f = s.first, f.isWhitespace { s = s.dropFirst() }
        while let l = s.last, l.isWhitespace { s = s.dropLast() }
        return s
    }
}
