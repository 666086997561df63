import Foundation

/// vtysh's answer to one `-c` command, decoded as FRR's JSON: the errors vtysh prints instead
/// of JSON, and the `{"warning": ...}` objects FRR answers with, are told apart first.
enum FRRReply {
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(FRRReplyError) -> T {
        if let failure = failure(in: text) { throw failure }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{") else { throw .malformed("not JSON: \(String(trimmed.prefix(120)))") }
        let data = Data(trimmed.utf8)
        if let warning = try? JSONDecoder().decode(Warning.self, from: data), let text = warning.warning {
            throw .warning(text)
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw .malformed("\(error)".prefix(200).description)
        }
    }

    /// The failure vtysh printed, if any: a user it will not let in, bgpd unreachable, a
    /// command it does not know or a line it refused (`% ...`).
    static func failure(in text: String) -> FRRReplyError? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        let short = String(trimmed.prefix(200))
        if trimmed.contains("Permission denied") || trimmed.contains("privileged user") { return .permissionDenied(short) }
        if trimmed.contains("failed to connect to any daemons") || trimmed.hasPrefix("Exiting:") { return .daemonDown(short) }
        if trimmed.hasPrefix("% Unknown command") || trimmed.hasPrefix("% Command incomplete") { return .unknownCommand(short) }
        return nil
    }

    struct Warning: Decodable { var warning: String? }
}
