/// A command typed after `:`, as k9s and vim take them.
public enum DashboardCommand: Sendable, Hashable {
    case drain(site: String)
    case undrain(site: String)
    /// `descending` nil: the key's natural direction.
    case sort(SortKey, descending: Bool?)
    case filter(String)
    case theme(String)
    case view(View)
    case columns([TableColumn])
    case freeze
    case help
    case quit

    public enum View: String, Sendable, Hashable, CaseIterable {
        case fleet, table, detail, events
    }

    /// Every command's name, as Tab completes them.
    public static let names = ["columns", "drain", "filter", "freeze", "help", "q", "quit", "sort", "theme", "undrain", "view"]

    /// One line of `:help` per command.
    public static let usage: [(String, String)] = [
        (":drain SITE  :undrain SITE", "the same dialog as d and u"),
        (":sort KEY [asc|desc]", "region, name, site, qps, latency, p99, status"),
        (":filter region=eu status=drained", "every word must match; none clears"),
        (":columns site,status,qps,p99,note", "the table's columns, in order"),
        (":view fleet|table|detail|events", "switch the view"),
        (":theme NAME", "a colour theme"),
        (":freeze", "keep the rows where they are (f)"),
        (":help  :q", "this help; quit"),
    ]

    public struct ParseError: Error, Sendable, Equatable {
        public var message: String
    }

    /// The command `line` says, or why it says none.
    public static func parse(_ line: String) -> Result<DashboardCommand, ParseError> {
        let words = line.split(separator: " ").map(String.init)
        guard let name = words.first?.lowercased() else { return .failure(ParseError(message: "type a command; :help lists them")) }
        let args = Array(words.dropFirst())
        func one(_ what: String) -> Result<String, ParseError> {
            args.count == 1 ? .success(args[0]) : .failure(ParseError(message: ":\(name) takes one \(what), e.g. :\(name) ams1"))
        }
        switch name {
        case "drain": return one("site").map { .drain(site: $0) }
        case "undrain": return one("site").map { .undrain(site: $0) }
        case "sort":
            guard (1...2).contains(args.count), let key = SortKey(rawValue: args[0].lowercased()) else {
                return .failure(ParseError(message: ":sort KEY [asc|desc]; keys: " + SortKey.allCases.map(\.rawValue).joined(separator: ", ")))
            }
            guard args.count == 2 else { return .success(.sort(key, descending: nil)) }
            switch args[1].lowercased() {
            case "asc": return .success(.sort(key, descending: false))
            case "desc": return .success(.sort(key, descending: true))
            default: return .failure(ParseError(message: ":sort \(key.rawValue) takes asc or desc, not \(args[1])"))
            }
        case "filter": return .success(.filter(args.joined(separator: " ")))
        case "theme": return one("theme name").map { .theme($0) }
        case "view":
            guard args.count == 1, let v = View(rawValue: args[0].lowercased()) else {
                return .failure(ParseError(message: ":view " + View.allCases.map(\.rawValue).joined(separator: "|")))
            }
            return .success(.view(v))
        case "columns", "cols":
            switch TableColumn.parse(args.joined(separator: " ")) {
            case .success(let c): return .success(.columns(c))
            case .failure(let e): return .failure(ParseError(message: e.message))
            }
        case "freeze": return args.isEmpty ? .success(.freeze) : .failure(ParseError(message: ":freeze takes nothing"))
        case "help", "h", "?": return .success(.help)
        case "q", "quit", "q!", "exit": return .success(.quit)
        default: return .failure(ParseError(message: "unknown command :\(name) (Tab lists them, :help explains them)"))
        }
    }
}
