/// vtysh's output for several `-c` show commands in one run: their JSON objects one after
/// the other, then whatever text follows (the running config, asked last). One run instead of
/// one per command: each vtysh start connects to every FRR daemon, which costs more than the
/// commands themselves.
enum FRRAnswerSplitter {
    /// The first `count` JSON objects of `text` and the text after them. Fewer objects (vtysh
    /// stopped at a refused command, or bgpd is down) is the failure vtysh printed, or malformed.
    static func split(_ text: String, count: Int) throws(FRRReplyError) -> (objects: [String], rest: String) {
        let bytes = Array(text.utf8)
        var objects: [String] = []
        var i = 0
        while objects.count < count {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x0A || bytes[i] == 0x0D || bytes[i] == 0x09 { i += 1 }
            guard i < bytes.count, bytes[i] == UInt8(ascii: "{"), let end = objectEnd(bytes, from: i) else {
                let left = String(decoding: bytes[min(i, bytes.count)...], as: UTF8.self)
                if let failure = FRRReply.failure(in: left) { throw failure }
                throw .malformed("expected \(count) JSON answers, found \(objects.count); then: \(String(left.prefix(120)))")
            }
            objects.append(String(decoding: bytes[i...end], as: UTF8.self))
            i = end + 1
        }
        return (objects, String(decoding: bytes[min(i, bytes.count)...], as: UTF8.self))
    }

    /// The index of the `}` that closes the object opening at `start`, skipping braces inside strings.
    private static func objectEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        var i = start
        while i < bytes.count {
            let b = bytes[i]
            if inString {
                if escaped { escaped = false } else if b == UInt8(ascii: "\\") { escaped = true } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") {
                depth += 1
            } else if b == UInt8(ascii: "}") {
                depth -= 1
                if depth == 0 { return i }
            }
            i += 1
        }
        return nil
    }
}
