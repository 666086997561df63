import Foundation

/// vtysh's answer to one `-c` command, decoded as FRR's JSON: the errors vtysh prints instead
/// of JSON, and the `{"warning": ...}` objects FRR answers with, are told apart first.
enum FRRReply {
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(FRRReplyError) -> T {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.contains("failed to connect to any daemons") || trimmed.hasPrefix("Exiting:") {
            throw .daemonDown(String(trimmed.prefix(200)))
        }
        if trimmed.hasPrefix("% Unknown command") || trimmed.hasPrefix("% Command incomplete") {
            throw .unknownCommand(String(trimmed.prefix(200)))
        }
        guard trimmed.hasPrefix("{") else { throw .malformed("not JSON: \(String(trimmed.prefix(120)))") }
        let data = Data(trimmed.utf8)
        if let warning = try? JSONDecoder().decode(Warning.self, from: data), let text = warning.warning {
            throw .warning(text)
        }
        do { return try JSONDecoder().decode(T.self, from: data) } catch {
            throw .malformed("\(error)".prefix(200).description)
        }
    }

    struct Warning: Decodable { var warning: String? }
}
