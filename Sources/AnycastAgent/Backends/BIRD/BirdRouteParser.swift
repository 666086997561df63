import Foundation

/// Parses replies to `show route ...`.
public enum BirdRouteParser {
    /// Parses `show route ...` (1007 rows, blank prefix = another route of the previous prefix; next-hop lines; with `all`, 1008/1012 attribute lines).
    ///
    /// Throws the reply's error (8xxx/9xxx) first; `.malformed` for a route row without
    /// `[proto time]`, or next-hop/attribute lines before any route. `Table NAME:` headings
    /// set `table`; blank lines and other codes (`0000`, `0014` counts) are skipped.
    public static func parse(_ reply: BirdReply, now: Date) throws(BirdReplyError) -> [BirdRoute] {
        var routes: [BirdRoute] = []
        var table: String?
        var lastAttribute: String?
        for line in try reply.checked().resolvedLines {
            let trimmed = line.text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            switch line.code {
            case 1007:
                if trimmed.hasPrefix("Table "), trimmed.hasSuffix(":") {
                    table = String(trimmed.dropFirst("Table ".count).dropLast())
                } else if trimmed.hasPrefix("via ") || trimmed.hasPrefix("dev ") {
                    guard !routes.isEmpty else { throw .malformed("next hop before any route: \(trimmed.debugDescription)") }
                    if trimmed.hasPrefix("via "), let address = trimmed.split(separator: " ").dropFirst().first {
                        routes[routes.count - 1].nextHops.append(String(address))
                    }
                } else {
                    // A blank prefix column means another route for the previous prefix.
                    var knownPrefix: String?
                    if line.text.first?.isWhitespace ?? true {
                        guard let previous = routes.last?.prefix else {
                            throw .malformed("route row without a prefix and no route before it: \(line.text.debugDescription)")
                        }
                        knownPrefix = previous
                    }
                    var route = try parseRow(trimmed, prefix: knownPrefix, now: now)
                    route.table = table
                    routes.append(route)
                    lastAttribute = nil
                }
            case 1008, 1012:
                guard !routes.isEmpty else { throw .malformed("route attribute before any route: \(trimmed.debugDescription)") }
                applyAttribute(trimmed, to: &routes[routes.count - 1], last: &lastAttribute)
            default:
                continue
            }
        }
        return routes
    }

    /// `PREFIX TYPE [PROTO TIME (from ADDR)] * (PREF) [AS...]`; `prefix` given when the row left it blank.
    static func parseRow(_ text: String, prefix knownPrefix: String?, now: Date) throws(BirdReplyError) -> BirdRoute {
        var body = Substring(text)
        let prefix: String
        if let knownPrefix {
            prefix = knownPrefix
        } else {
            let end = body.firstIndex(where: \.isWhitespace) ?? body.endIndex
            prefix = String(body[..<end])
            body = body[end...]
        }
        guard let open = body.firstIndex(of: "["),
              let close = body[open...].firstIndex(of: "]") else {
            throw .malformed("route row without [proto time]: \(text.debugDescription)")
        }
        let typeText = body[..<open].trimmingCharacters(in: .whitespaces)
        var inside = body[body.index(after: open)..<close].split(separator: " ").map(String.init)
        guard !inside.isEmpty else { throw .malformed("route row with empty brackets: \(text.debugDescription)") }
        let proto = inside.removeFirst()
        var from: String?
        if let index = inside.firstIndex(of: "from"), index + 1 < inside.count {
            from = inside[index + 1]
            inside.removeSubrange(index...)
        }
        var route = BirdRoute(prefix: prefix, type: typeText.isEmpty ? nil : typeText, proto: proto,
                              since: BirdTime.parse(inside.joined(separator: " "), now: now), from: from)

        let tail = body[body.index(after: close)...]
        var scanner = BirdProtocolParser.WordScanner(String(tail))
        while let word = scanner.next() {
            if word == "*" {
                route.primary = true
            } else if word.hasPrefix("("), route.preference == nil {
                let number = word.dropFirst().prefix(while: \.isNumber)
                route.preference = Int(number)
            } else if word.hasPrefix("[") {
                let rest = word + scanner.rest
                if let end = rest.firstIndex(of: "]") {
                    route.asPath = String(rest[rest.index(after: rest.startIndex)..<end])
                }
                break
            }
        }
        return route
    }

    /// `Key: value` (1008/1012); a line that is not `Key: value` continues the previous value.
    private static func applyAttribute(_ text: String, to route: inout BirdRoute, last: inout String?) {
        if let colon = text.firstIndex(of: ":"), !text[..<colon].contains(where: \.isWhitespace), !text[..<colon].isEmpty {
            let key = String(text[..<colon])
            let value = text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            route.attributes[key] = value
            if key == "BGP.as_path" { route.asPath = value }
            last = key
        } else if let key = last, let value = route.attributes[key] {
            route.attributes[key] = value.isEmpty ? text : value + " " + text
            if key == "BGP.as_path" { route.asPath = route.attributes[key] }
        }
    }
}
