/// One line of a BIRD reply: `code` is nil for a continuation line (it began with a space).
public struct BirdReplyLine: Sendable, Hashable {
    /// The 4-digit code, or nil for a continuation line.
    public var code: Int?
    /// The text without the `1234-` / `1234 ` prefix or the continuation's leading space.
    public var text: String

    public init(code: Int?, text: String) {
        self.code = code
        self.text = text
    }
}

/// A complete reply to one command.
public struct BirdReply: Sendable, Hashable {
    public var lines: [BirdReplyLine]
    /// Code of the line that ended the reply (the first "dddd " line).
    public var finalCode: Int

    public init(lines: [BirdReplyLine], finalCode: Int) {
        self.lines = lines
        self.finalCode = finalCode
    }

    /// The lines with each continuation line given the code of the line it continues
    /// (a leading continuation line, which BIRD never sends, keeps `nil`).
    public var resolvedLines: [BirdReplyLine] {
        var current: Int?
        return lines.map { line in
            if let code = line.code { current = code }
            return BirdReplyLine(code: current, text: line.text)
        }
    }

    /// Throws BirdReplyError for 8xxx (runtime) and 9xxx (parse) final codes or any 8xxx/9xxx line.
    public func checked() throws(BirdReplyError) -> BirdReply {
        if let bad = lines.first(where: { Self.isError($0.code) }), let code = bad.code {
            throw Self.error(code: code, message: bad.text)
        }
        if Self.isError(finalCode) {
            throw Self.error(code: finalCode, message: lines.last?.text ?? "")
        }
        return self
    }

    private static func isError(_ code: Int?) -> Bool {
        guard let code else { return false }
        return (8000...9999).contains(code)
    }

    private static func error(code: Int, message: String) -> BirdReplyError {
        code >= 9000 ? .syntax(code: code, message: message) : .runtime(code: code, message: message)
    }
}
