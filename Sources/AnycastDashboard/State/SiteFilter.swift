import AnycastCore

/// The filter, as typed after `/` or `:filter`: words separated by spaces, every one of which a
/// site must match. `region=eu`, `status=drained`, `site=ams1` and `name=amster` match that
/// field (a prefix of the status, part of the others); a bare word matches part of the id,
/// name or region, or the status.
public struct SiteFilter: Sendable, Hashable {
    public enum Field: String, Sendable, Hashable, CaseIterable {
        case site, name, region, status
    }

    public struct Term: Sendable, Hashable {
        /// Nil: any field.
        public var field: Field?
        public var needle: String
    }

    public var terms: [Term]

    public init(_ text: String) {
        terms = text.split(separator: " ").map { word in
            let lower = word.lowercased()
            if let eq = lower.firstIndex(of: "="), let field = Field(rawValue: String(lower[..<eq]) == "id" ? "site" : String(lower[..<eq])) {
                return Term(field: field, needle: String(lower[lower.index(after: eq)...]))
            }
            return Term(field: nil, needle: lower)
        }
    }

    public var isEmpty: Bool { terms.isEmpty }

    /// Whether the site matches every term.
    public func matches(_ s: SiteSnapshot) -> Bool {
        terms.allSatisfy { t in
            let status = s.condition.rawValue
            switch t.field {
            case .site?: return s.config.id.lowercased().contains(t.needle)
            case .name?: return s.config.name.lowercased().contains(t.needle)
            case .region?: return s.config.region.lowercased().contains(t.needle)
            case .status?: return status.hasPrefix(t.needle) || (t.needle.hasPrefix("de-pref") && SiteDrain.isDepreferred(s))
            case nil:
                return s.config.id.lowercased().contains(t.needle) || s.config.name.lowercased().contains(t.needle)
                    || s.config.region.lowercased().contains(t.needle) || status.contains(t.needle)
                    || ("de-preferred".contains(t.needle) && SiteDrain.isDepreferred(s))
            }
        }
    }

    /// The ranges of `text` (a cell of `field`) that the filter matched, to highlight.
    public func highlights(in text: String, field: Field) -> [Range<String.Index>] {
        var out: [Range<String.Index>] = []
        let lower = text.lowercased()
        // Lowercasing can change a string's length; highlight only where it does not.
        guard lower.count == text.count else { return [] }
        for t in terms where !t.needle.isEmpty && (t.field == nil || t.field == field) {
            var from = lower.startIndex
            while let r = lower.range(of: t.needle, range: from..<lower.endIndex) {
                let start = text.index(text.startIndex, offsetBy: lower.distance(from: lower.startIndex, to: r.lowerBound))
                let end = text.index(start, offsetBy: lower.distance(from: r.lowerBound, to: r.upperBound))
                out.append(start..<end)
                from = r.upperBound
                if t.field == .status { break }
            }
        }
        return out
    }
}
