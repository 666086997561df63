/// Text broken into lines that fit a number of terminal columns, measured by display width.
enum TextWrap {
    /// `text` in lines of at most `columns` columns, broken at spaces where it can (a word
    /// wider than a line is cut into pieces). Past `maxLines` the last line ends with `…`.
    static func lines(_ text: String, columns: Int, maxLines: Int) -> [String] {
        guard columns > 2, maxLines > 0 else { return [] }
        var lines: [String] = []
        var current = ""
        var used = 0
        for piece in text.split(separator: " ") {
            var word = Substring(piece)
            var width = DisplayWidth.of(word)
            if used > 0 && used + 1 + width <= columns {
                current += " " + word
                used += 1 + width
                continue
            }
            if used > 0 { lines.append(current) }
            while width > columns {
                let (head, rest) = prefix(word, columns: columns)
                lines.append(head)
                word = rest
                width = DisplayWidth.of(word)
            }
            current = String(word)
            used = width
        }
        if used > 0 || !current.isEmpty { lines.append(current) }
        guard lines.count > maxLines else { return lines }
        let last = lines[maxLines - 1] + " " + lines[maxLines]
        return lines.prefix(maxLines - 1) + [prefix(Substring(last), columns: columns - 1).head + "…"]
    }

    /// The longest start of `text` that fits `columns`, and the rest.
    static func prefix(_ text: Substring, columns: Int) -> (head: String, rest: Substring) {
        var used = 0
        var end = text.startIndex
        while end < text.endIndex {
            let w = DisplayWidth.of(text[end])
            if used + w > columns { break }
            used += w
            end = text.index(after: end)
        }
        // Never empty, so callers that loop on the rest end; only a line narrower than one
        // character (under 2 columns) can get more than `columns` this way.
        if end == text.startIndex, end < text.endIndex { end = text.index(after: end) }
        return (String(text[..<end]), text[end...])
    }
}
