import Foundation

/// Parses replies to `show protocols` and `show protocols all`.
public enum BirdProtocolParser {
    /// Parses `show protocols` or `show protocols all` (1002 rows, 1006 details). `now` resolves short times (hh:mm:ss within the last 24 h).
    ///
    /// Throws the reply's error (8xxx/9xxx) first; `.malformed` for a row with fewer than
    /// five columns or details before any row. Other codes (headings, `0000`) are skipped.
    public static func parse(_ reply: BirdReply, now: Date) throws(BirdReplyError) -> [BirdProtocolInfo] {
        var result: [BirdProtocolInfo] = []
        for line in try reply.checked().resolvedLines {
            switch line.code {
            case 1002:
                result.append(try parseRow(line.text, now: now))
            case 1006:
                guard !result.isEmpty else { throw .malformed("protocol details before any protocol row: \(line.text.debugDescription)") }
                applyDetail(line.text, to: &result[result.count - 1])
            default:
                continue
            }
        }
        return result
    }

    /// `Name Proto Table State Since Info`; Since is one or two words, Info may hold spaces.
    static func parseRow(_ text: String, now: Date) throws(BirdReplyError) -> BirdProtocolInfo {
        var scanner = WordScanner(text)
        guard let name = scanner.next(), let proto = scanner.next(), let table = scanner.next(),
              let state = scanner.next(), let first = scanner.next() else {
            throw .malformed("protocol row with fewer than 5 columns: \(text.debugDescription)")
        }
        var sinceText = String(first)
        // iso long style: a date followed by a time is one column.
        if BirdTime.parse(sinceText, now: now) != nil, !sinceText.contains(":"),
           let second = scanner.peek(), second.contains(":"),
           BirdTime.parse(sinceText + " " + second, now: now) != nil {
            _ = scanner.next()
            sinceText += " " + second
        }
        let info = scanner.rest.trimmingCharacters(in: .whitespaces)
        return BirdProtocolInfo(
            name: String(name), proto: String(proto), table: table == "---" ? nil : String(table),
            state: String(state), since: BirdTime.parse(sinceText, now: now), info: info)
    }

    /// One `show protocols all` detail line: `Key: value`, `Channel NAME`, or other text.
    static func applyDetail(_ text: String, to info: inout BirdProtocolInfo) {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("Channel "), !trimmed.contains(":") {
            let name = trimmed.dropFirst("Channel ".count).trimmingCharacters(in: .whitespaces)
            info.channels.append(.init(name: name))
            return
        }
        guard let colon = trimmed.firstIndex(of: ":") else { return }
        let key = trimmed[..<colon]
        let value = trimmed[trimmed.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        switch key {
        case "BGP state": info.bgpState = value
        case "Neighbor address": info.neighborAddress = value
        case "Neighbor AS": info.neighborAS = UInt32(value)
        case "Local AS": info.localAS = UInt32(value)
        case "Last error": info.lastError = value
        case "Message": info.message = value
        case "State" where !info.channels.isEmpty:
            info.channels[info.channels.count - 1].state = value
        case "Routes" where !info.channels.isEmpty:
            applyRoutes(value, to: &info.channels[info.channels.count - 1])
        default:
            break
        }
    }

    /// `1 imported, 0 filtered, 1 exported, 1 preferred`.
    private static func applyRoutes(_ value: String, to channel: inout BirdProtocolInfo.Channel) {
        for part in value.split(separator: ",") {
            let words = part.split(separator: " ")
            guard words.count == 2, let count = Int(words[0]) else { continue }
            switch words[1] {
            case "imported": channel.imported = count
            case "exported": channel.exported = count
            case "preferred": channel.preferred = count
            case "filtered": channel.filtered = count
            default: break
            }
        }
    }
}

extension BirdProtocolParser {
    /// Splits a line into space-separated words while keeping the unread remainder intact.
    struct WordScanner {
        private let text: Substring
        private var position: Substring.Index

        init(_ text: String) {
            self.text = Substring(text)
            position = self.text.startIndex
        }

        /// The next word, or nil at the end.
        mutating func next() -> Substring? {
            guard let word = peek() else { return nil }
            position = word.endIndex
            return word
        }

        /// The next word without consuming it.
        func peek() -> Substring? {
            guard let start = text[position...].firstIndex(where: { !$0.isWhitespace }) else { return nil }
            let end = text[start...].firstIndex(where: \.isWhitespace) ?? text.endIndex
            return text[start..<end]
        }

        /// Everything not yet consumed (leading separator included).
        var rest: Substring { text[position...] }
    }
}
