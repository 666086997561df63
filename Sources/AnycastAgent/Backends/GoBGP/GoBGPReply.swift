import Foundation

/// One `gobgp ... -j` answer: its `{"error": ...}` told apart (gobgp prints errors on standard
/// output, as JSON with -j), then decoded.
enum GoBGPReply {
    static func decode<T: Decodable>(_ type: T.Type, from text: String) throws(GoBGPError) -> T {
        if let failure = failure(in: text) { throw failure }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        do { return try JSONDecoder().decode(T.self, from: Data(trimmed.utf8)) } catch {
            throw .malformed(trimmed.isEmpty ? "an empty answer" : "\(error)".prefix(200).description)
        }
    }

    /// The error gobgp printed, if any: gobgpd unreachable, or the command refused.
    static func failure(in text: String) -> GoBGPError? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("{\"error\"") || trimmed.hasPrefix("error:") || trimmed.hasPrefix("rpc error") else { return nil }
        var message = trimmed
        if let data = trimmed.data(using: .utf8), let object = try? JSONDecoder().decode([String: String].self, from: data), let said = object["error"] {
            message = said
        }
        // The usage text gobgp adds to a refused argument says nothing the first line does not.
        // Any line break ends the line: "\r\n" is one Character, which a split at "\n" misses.
        let first = String(message.split(whereSeparator: \.isNewline).first ?? "").trimmingCharacters(in: .whitespaces)
        let down = ["context deadline exceeded", "connection refused", "Unavailable", "error reading server preface"]
        if down.contains(where: { first.contains($0) }) { return .daemonDown(String(first.prefix(200))) }
        return .refused(String(first.prefix(300)))
    }
}
