import Foundation
import NIOCore

/// Reads the bytes of a `GET /v1/status/stream` answer as they arrive: the HTTP/1.1 response
/// head, then either the stream's lines (a 200 answer, chunked) or the error body of any other
/// answer. Written by hand because the stream's hot path (one short line per site a second)
/// should not pay for a general HTTP client; it accepts only what an agent sends.
package struct StatusStreamParser {
    package enum Event: Equatable {
        /// A line of a 200 answer, without its newline.
        case line(ByteBuffer)
        /// The whole body of an answer other than 200.
        case refused(status: Int, body: ByteBuffer)
        /// The agent ended the stream cleanly (the last chunk).
        case ended
    }

    package enum Failure: Error, Equatable {
        case malformed(String)
        case tooLarge
        /// The connection closed before the answer was complete.
        case cutShort(String)
        /// The answer is a TLS record: the agent speaks TLS to a plain-HTTP client.
        case speaksTLS
    }

    private enum Phase {
        case head
        case chunkSize
        case chunkData(remaining: Int)
        case chunkEnd
        case fixedBody(remaining: Int)
        case bodyUntilClose
        case trailers
        case done
    }

    /// Largest response head, and largest line or error body.
    let maxHeadBytes: Int
    let maxLineBytes: Int
    private var phase = Phase.head
    private static let empty = ByteBuffer()
    private var pending = StatusStreamParser.empty
    private var status = 0
    private var chunked = false
    private var line = StatusStreamParser.empty

    package init(maxHeadBytes: Int = 16 * 1024, maxLineBytes: Int) {
        self.maxHeadBytes = maxHeadBytes
        self.maxLineBytes = maxLineBytes
    }

    /// The status of the answer once its head has been read (0 before).
    var responseStatus: Int { status }

    /// Part of something is in but not all of it (the head, a chunk, a line, an error body):
    /// only more bytes can complete it. False between two lines, before the answer starts and
    /// after it ends.
    var isPartway: Bool {
        switch phase {
        case .head, .chunkSize: pending.readableBytes > 0 || line.readableBytes > 0
        case .chunkData, .chunkEnd, .trailers, .fixedBody, .bodyUntilClose: true
        case .done: false
        }
    }

    /// Feeds bytes; hands each event they complete to `emit`, in order.
    package mutating func feed(_ bytes: inout ByteBuffer, _ emit: (Event) -> Void) throws(Failure) {
        if pending.readableBytes == 0 { pending = bytes } else { pending.writeBuffer(&bytes) }
        while try step(emit) {}
        // Hold no receive buffer between reads: a thousand idle streams would keep a
        // thousand of them, and the event loop could not reuse its own.
        if pending.readableBytes == 0 { pending = Self.empty }
    }

    /// Feeds bytes; returns the events they complete.
    mutating func feed(_ bytes: inout ByteBuffer) throws(Failure) -> [Event] {
        var events: [Event] = []
        try feed(&bytes) { events.append($0) }
        return events
    }

    /// The connection closed: the events that completes (a body read until close), or a
    /// failure when the answer was cut short.
    mutating func closed() throws(Failure) -> [Event] {
        switch phase {
        case .bodyUntilClose:
            phase = .done
            return [.refused(status: status, body: line)]
        case .done:
            return []
        case .head where status == 0 && pending.readableBytes == 0:
            throw .cutShort("connection closed by the agent")
        case .head where Self.isTLSRecord(pending):
            throw .speaksTLS
        default:
            throw .cutShort("connection closed in the middle of the answer")
        }
    }

    /// One step of work on `pending`; false when it needs more bytes.
    private mutating func step(_ emit: (Event) -> Void) throws(Failure) -> Bool {
        switch phase {
        case .head:
            if Self.isTLSRecord(pending) { throw .speaksTLS }
            guard let end = headEnd() else {
                if pending.readableBytes > maxHeadBytes { throw .malformed("response head longer than \(maxHeadBytes) bytes") }
                return false
            }
            let head = pending.readString(length: end + 4 - pending.readerIndex) ?? ""
            try readHead(head)
            return true
        case .chunkSize:
            guard let lineEnd = crlf() else {
                if pending.readableBytes > 1024 { throw .malformed("chunk size line too long") }
                return false
            }
            var size = 0
            var digits = 0
            var index = pending.readerIndex
            while index < lineEnd, let digit = Self.hexValue(pending.getInteger(at: index, as: UInt8.self)!) {
                size = size << 4 | digit
                digits += 1
                index += 1
            }
            // Only a chunk extension (`;...`) or spaces may follow the digits.
            let rest = index < lineEnd ? pending.getInteger(at: index, as: UInt8.self)! : UInt8(ascii: ";")
            guard digits > 0, digits <= 8, rest == UInt8(ascii: ";") || rest == UInt8(ascii: " ") || rest == UInt8(ascii: "\t") else {
                throw .malformed("bad chunk size \"\(pending.getString(at: pending.readerIndex, length: min(20, lineEnd - pending.readerIndex)) ?? "")\"")
            }
            pending.moveReaderIndex(to: lineEnd + 2)
            phase = size == 0 ? .trailers : .chunkData(remaining: size)
            return true
        case .chunkData(let remaining):
            guard pending.readableBytes > 0 else { return false }
            let n = min(remaining, pending.readableBytes)
            var part = pending.readSlice(length: n)!
            try take(&part, emit)
            phase = n == remaining ? .chunkEnd : .chunkData(remaining: remaining - n)
            return true
        case .chunkEnd:
            guard pending.readableBytes >= 2 else { return false }
            guard pending.readInteger(as: UInt16.self) == 0x0D0A else { throw .malformed("chunk not followed by CRLF") }
            phase = .chunkSize
            return true
        case .trailers:
            guard let lineEnd = crlf() else { return false }
            let empty = lineEnd == pending.readerIndex
            pending.moveReaderIndex(to: lineEnd + 2)
            if empty { try finish(emit) }
            return true
        case .fixedBody(let remaining):
            if remaining == 0 {
                try finish(emit)
                return true
            }
            guard pending.readableBytes > 0 else { return false }
            let n = min(remaining, pending.readableBytes)
            var part = pending.readSlice(length: n)!
            try take(&part, emit)
            phase = .fixedBody(remaining: remaining - n)
            return true
        case .bodyUntilClose:
            guard pending.readableBytes > 0 else { return false }
            var part = pending.readSlice(length: pending.readableBytes)!
            try take(&part, emit)
            return true
        case .done:
            if pending.readableBytes > 0 { throw .malformed("bytes after the end of the answer") }
            return false
        }
    }

    private mutating func readHead(_ head: String) throws(Failure) {
        var lines = head.split(separator: "\r\n", omittingEmptySubsequences: true)[...]
        guard let statusLine = lines.popFirst() else { throw .malformed("empty response head") }
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count >= 2, parts[0] == "HTTP/1.1" || parts[0] == "HTTP/1.0",
              parts[1].utf8.count == 3, let code = Int(parts[1]), (100...599).contains(code) else {
            throw .malformed("not an HTTP/1.1 answer")
        }
        status = code
        var contentLength: Int?
        for line in lines {
            guard let colon = line.firstIndex(of: ":") else { throw .malformed("bad header line") }
            let name = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name == "transfer-encoding" { chunked = value.lowercased().hasSuffix("chunked") }
            if name == "content-length" {
                guard let n = Int(value), n >= 0 else { throw .malformed("bad content-length") }
                contentLength = n
            }
        }
        if code == 200 && !chunked { throw .malformed("a status stream must be chunked") }
        if chunked {
            phase = .chunkSize
        } else if let contentLength {
            if contentLength > maxLineBytes { throw .tooLarge }
            phase = .fixedBody(remaining: contentLength)
        } else {
            phase = .bodyUntilClose
        }
    }

    /// Body bytes: split into lines for a 200 answer, gathered whole for any other.
    private mutating func take(_ part: inout ByteBuffer, _ emit: (Event) -> Void) throws(Failure) {
        guard status == 200 else {
            if line.readableBytes + part.readableBytes > maxLineBytes { throw .tooLarge }
            line.writeBuffer(&part)
            return
        }
        while let newline = Self.find(10, in: part) {
            var piece = part.readSlice(length: newline - part.readerIndex)!
            part.moveReaderIndex(forwardBy: 1)
            if line.readableBytes == 0 {
                if piece.readableBytes > maxLineBytes { throw .tooLarge }
                emit(.line(piece))
            } else {
                if line.readableBytes + piece.readableBytes > maxLineBytes { throw .tooLarge }
                line.writeBuffer(&piece)
                emit(.line(line))
                line = Self.empty
            }
        }
        if part.readableBytes > 0 {
            if line.readableBytes + part.readableBytes > maxLineBytes { throw .tooLarge }
            line.writeBuffer(&part)
        }
    }

    private mutating func finish(_ emit: (Event) -> Void) throws(Failure) {
        phase = .done
        if status == 200 {
            if line.readableBytes > 0 { throw .malformed("the stream ended in the middle of a line") }
            emit(.ended)
        } else {
            emit(.refused(status: status, body: line))
        }
    }

    /// Index of the next CRLF in `pending`.
    private func crlf() -> Int? {
        var from = pending.readerIndex
        while let cr = Self.find(13, in: pending, from: from) {
            if cr + 1 >= pending.writerIndex { return nil }
            if pending.getInteger(at: cr + 1, as: UInt8.self) == 10 { return cr }
            from = cr + 1
        }
        return nil
    }

    /// Index of the CRLF that ends the head (before the blank line), if it has arrived.
    private func headEnd() -> Int? {
        var from = pending.readerIndex
        while let cr = Self.find(13, in: pending, from: from) {
            if cr + 3 >= pending.writerIndex { return nil }
            if pending.getInteger(at: cr + 1, as: UInt16.self) == 0x0A0D, pending.getInteger(at: cr + 3, as: UInt8.self) == 10 { return cr }
            from = cr + 1
        }
        return nil
    }

    /// Index (in the buffer's terms) of the first `byte` at or after `from`.
    private static func find(_ byte: UInt8, in buffer: ByteBuffer, from: Int? = nil) -> Int? {
        let start = from ?? buffer.readerIndex
        guard start < buffer.writerIndex else { return nil }
        return buffer.withUnsafeReadableBytes { raw -> Int? in
            let offset = start - buffer.readerIndex
            guard let base = raw.baseAddress,
                  let hit = memchr(base + offset, Int32(byte), raw.count - offset) else { return nil }
            return buffer.readerIndex + (UnsafeRawPointer(hit) - base)
        }
    }

    /// A TLS record starts with its type (21 alert, 22 handshake) and version 3.x; an HTTP
    /// answer starts with `H`.
    static func isTLSRecord(_ bytes: ByteBuffer) -> Bool {
        guard let type = bytes.getInteger(at: bytes.readerIndex, as: UInt8.self) else { return false }
        return type == 21 || type == 22
    }

    private static func hexValue(_ byte: UInt8) -> Int? {
        switch byte {
        case 48...57: Int(byte - 48)
        case 65...70: Int(byte - 55)
        case 97...102: Int(byte - 87)
        default: nil
        }
    }
}
