/// Why a name could not be encoded or a packet could not be decoded.
public struct DNSMessageError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String

    public init(_ reason: String) {
        self.reason = reason
    }

    public var description: String { reason }
}

/// A domain name as its labels (raw bytes, without length octets); the root has no labels.
///
/// Built from text with the checks RFC 1035 asks for: every label 1...63 bytes, the whole name
/// at most 255 bytes on the wire. Presentation escapes (`\.`, `\DDD`) are not parsed.
public struct DNSName: Hashable, Sendable, CustomStringConvertible {
    public let labels: [[UInt8]]

    public static let root = DNSName(checkedLabels: [])

    /// The longest name on the wire, length octets and the final zero included.
    public static let maxWireLength = 255
    public static let maxLabelLength = 63

    /// Parses `site.example.test` or `site.example.test.`; `.` is the root.
    public init(_ text: String) throws(DNSMessageError) {
        if text == "." {
            self = .root
            return
        }
        guard !text.isEmpty else { throw DNSMessageError("empty name") }
        var body = Substring(text)
        if body.hasSuffix(".") { body = body.dropLast() }
        var labels: [[UInt8]] = []
        for part in body.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty else { throw DNSMessageError("empty label in \"\(text)\"") }
            let bytes = Array(part.utf8)
            guard bytes.count <= Self.maxLabelLength else {
                throw DNSMessageError("label \"\(part)\" is \(bytes.count) bytes, more than \(Self.maxLabelLength)")
            }
            labels.append(bytes)
        }
        try self.init(labels: labels)
    }

    /// A name from raw labels, checked like a parsed one.
    public init(labels: [[UInt8]]) throws(DNSMessageError) {
        for label in labels {
            guard !label.isEmpty else { throw DNSMessageError("empty label") }
            guard label.count <= Self.maxLabelLength else {
                throw DNSMessageError("label is \(label.count) bytes, more than \(Self.maxLabelLength)")
            }
        }
        let wire = labels.reduce(1) { $0 + 1 + $1.count }
        guard wire <= Self.maxWireLength else {
            throw DNSMessageError("name is \(wire) bytes on the wire, more than \(Self.maxWireLength)")
        }
        self.labels = labels
    }

    private init(checkedLabels: [[UInt8]]) {
        self.labels = checkedLabels
    }

    /// Bytes on the wire, uncompressed.
    public var wireLength: Int { labels.reduce(1) { $0 + 1 + $1.count } }

    /// Equality as DNS means it: ASCII letters compare case-insensitively.
    public func matches(_ other: DNSName) -> Bool {
        guard labels.count == other.labels.count else { return false }
        for (a, b) in zip(labels, other.labels) {
            guard a.count == b.count else { return false }
            for (x, y) in zip(a, b) where Self.lower(x) != Self.lower(y) { return false }
        }
        return true
    }

    private static func lower(_ byte: UInt8) -> UInt8 {
        (0x41...0x5A).contains(byte) ? byte | 0x20 : byte
    }

    /// Dotted form without the final dot (`.` for the root); odd bytes escaped as `\DDD`.
    public var description: String {
        guard !labels.isEmpty else { return "." }
        return labels.map { label in
            var text = ""
            for byte in label {
                switch byte {
                case UInt8(ascii: "."), UInt8(ascii: "\\"):
                    text += "\\" + String(UnicodeScalar(byte))
                case 0x21...0x7E:
                    text.append(Character(UnicodeScalar(byte)))
                default:
                    let digits = String(byte)
                    text += "\\" + String(repeating: "0", count: 3 - digits.count) + digits
                }
            }
            return text
        }.joined(separator: ".")
    }

    func write(to bytes: inout [UInt8]) {
        for label in labels {
            bytes.append(UInt8(label.count))
            bytes.append(contentsOf: label)
        }
        bytes.append(0)
    }
}

/// The 12-byte message header.
public struct DNSHeader: Hashable, Sendable {
    public var id: UInt16
    /// QR: set in answers.
    public var isResponse: Bool
    /// 0 is a standard query.
    public var opcode: UInt8
    /// AA
    public var authoritative: Bool
    /// TC: the answer did not fit and was cut.
    public var truncated: Bool
    /// RD
    public var recursionDesired: Bool
    /// RA
    public var recursionAvailable: Bool
    public var rcode: DNSRcode
    /// Section counts as read from the wire (encoding writes the counts of the message's arrays).
    public var questionCount: UInt16
    public var answerCount: UInt16
    public var authorityCount: UInt16
    public var additionalCount: UInt16

    public static let length = 12

    public init(id: UInt16, isResponse: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false,
                truncated: Bool = false, recursionDesired: Bool = false, recursionAvailable: Bool = false,
                rcode: DNSRcode = .noError, questionCount: UInt16 = 0, answerCount: UInt16 = 0,
                authorityCount: UInt16 = 0, additionalCount: UInt16 = 0) {
        self.id = id
        self.isResponse = isResponse
        self.opcode = opcode & 0x0F
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.rcode = rcode
        self.questionCount = questionCount
        self.answerCount = answerCount
        self.authorityCount = authorityCount
        self.additionalCount = additionalCount
    }

    /// The 16 flag bits: QR, opcode, AA, TC, RD, RA, Z (zero), rcode.
    public var flags: UInt16 {
        var flags = UInt16(opcode & 0x0F) << 11 | UInt16(rcode.rawValue)
        if isResponse { flags |= 0x8000 }
        if authoritative { flags |= 0x0400 }
        if truncated { flags |= 0x0200 }
        if recursionDesired { flags |= 0x0100 }
        if recursionAvailable { flags |= 0x0080 }
        return flags
    }

    /// Reads the header from the start of a packet.
    public init(decoding bytes: [UInt8]) throws(DNSMessageError) {
        var reader = DNSReader(bytes)
        self = try reader.readHeader()
    }

    func write(to bytes: inout [UInt8], questions: Int, answers: Int) {
        bytes.appendBigEndian(id)
        bytes.appendBigEndian(flags)
        bytes.appendBigEndian(UInt16(questions))
        bytes.appendBigEndian(UInt16(answers))
        bytes.appendBigEndian(UInt16(0))
        bytes.appendBigEndian(UInt16(0))
    }
}

/// One question: name, QTYPE, QCLASS.
public struct DNSQuestion: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSRecordType
    public var qclass: UInt16

    /// QCLASS IN.
    public static let classIN: UInt16 = 1

    public init(name: DNSName, type: DNSRecordType, qclass: UInt16 = DNSQuestion.classIN) {
        self.name = name
        self.type = type
        self.qclass = qclass
    }

    /// Same name (case-insensitively), type and class.
    public func matches(_ other: DNSQuestion) -> Bool {
        type == other.type && qclass == other.qclass && name.matches(other.name)
    }
}

/// One resource record of the answer section; `rdata` is raw (names inside it may be
/// compressed relative to the whole message).
public struct DNSResourceRecord: Hashable, Sendable {
    public var name: DNSName
    public var type: DNSRecordType
    public var rrClass: UInt16
    public var ttl: UInt32
    public var rdata: [UInt8]

    public init(name: DNSName, type: DNSRecordType, rrClass: UInt16 = DNSQuestion.classIN, ttl: UInt32, rdata: [UInt8]) {
        self.name = name
        self.type = type
        self.rrClass = rrClass
        self.ttl = ttl
        self.rdata = rdata
    }

    /// A TXT record's character-strings, or nil if this is not TXT or its rdata is malformed.
    public var txtStrings: [String]? {
        guard type == .txt else { return nil }
        var strings: [String] = []
        var index = 0
        while index < rdata.count {
            let length = Int(rdata[index])
            guard index + 1 + length <= rdata.count else { return nil }
            strings.append(String(decoding: rdata[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        return strings
    }

    /// TXT rdata for the given strings (each at most 255 bytes, longer ones are cut).
    public static func txtData(_ strings: [String]) -> [UInt8] {
        var data: [UInt8] = []
        for string in strings {
            let bytes = Array(string.utf8.prefix(255))
            data.append(UInt8(bytes.count))
            data.append(contentsOf: bytes)
        }
        return data
    }
}

/// A DNS message as far as the probe needs it: header, questions and answer section.
///
/// Decoding never traps on hostile input: every read is bounds-checked, compression pointers
/// must point strictly backwards (so they cannot loop), and names are held to 255 bytes.
/// Authority and additional sections are not decoded (and not encoded).
public struct DNSMessage: Hashable, Sendable {
    public var header: DNSHeader
    public var questions: [DNSQuestion]
    public var answers: [DNSResourceRecord]

    public init(header: DNSHeader, questions: [DNSQuestion] = [], answers: [DNSResourceRecord] = []) {
        self.header = header
        self.questions = questions
        self.answers = answers
    }

    /// A standard query for one name and type in class IN, without EDNS.
    public static func query(id: UInt16, name: DNSName, type: DNSRecordType, recursionDesired: Bool = true) -> DNSMessage {
        DNSMessage(
            header: DNSHeader(id: id, recursionDesired: recursionDesired, questionCount: 1),
            questions: [DNSQuestion(name: name, type: type)]
        )
    }

    /// Wire bytes; the header's counts are taken from `questions` and `answers`. Names are
    /// written uncompressed.
    public func encode() -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(DNSHeader.length + questions.reduce(0) { $0 + $1.name.wireLength + 4 })
        header.write(to: &bytes, questions: questions.count, answers: answers.count)
        for question in questions {
            question.name.write(to: &bytes)
            bytes.appendBigEndian(question.type.rawValue)
            bytes.appendBigEndian(question.qclass)
        }
        for record in answers {
            record.name.write(to: &bytes)
            bytes.appendBigEndian(record.type.rawValue)
            bytes.appendBigEndian(record.rrClass)
            bytes.appendBigEndian(record.ttl)
            bytes.appendBigEndian(UInt16(clamping: record.rdata.count))
            bytes.append(contentsOf: record.rdata.prefix(Int(UInt16.max)))
        }
        return bytes
    }

    /// Decodes header, questions and answer records; throws on anything short or malformed.
    public init(decoding bytes: [UInt8]) throws(DNSMessageError) {
        var reader = DNSReader(bytes)
        let header = try reader.readHeader()
        var questions: [DNSQuestion] = []
        for _ in 0..<header.questionCount {
            let name = try reader.readName()
            let type = try reader.readUInt16("question type")
            let qclass = try reader.readUInt16("question class")
            questions.append(DNSQuestion(name: name, type: DNSRecordType(rawValue: type), qclass: qclass))
        }
        var answers: [DNSResourceRecord] = []
        for _ in 0..<header.answerCount {
            let name = try reader.readName()
            let type = try reader.readUInt16("record type")
            let rrClass = try reader.readUInt16("record class")
            let ttl = try reader.readUInt32("record TTL")
            let length = try reader.readUInt16("record data length")
            let rdata = try reader.readBytes(Int(length), "record data")
            answers.append(DNSResourceRecord(name: name, type: DNSRecordType(rawValue: type), rrClass: rrClass, ttl: ttl, rdata: rdata))
        }
        self.init(header: header, questions: questions, answers: answers)
    }
}

/// A bounds-checked cursor over a packet.
struct DNSReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    mutating func readUInt8(_ what: String) throws(DNSMessageError) -> UInt8 {
        guard offset < bytes.count else { throw DNSMessageError("packet ends before \(what) (\(bytes.count) bytes)") }
        defer { offset += 1 }
        return bytes[offset]
    }

    mutating func readUInt16(_ what: String) throws(DNSMessageError) -> UInt16 {
        guard bytes.count - offset >= 2 else { throw DNSMessageError("packet ends before \(what) (\(bytes.count) bytes)") }
        defer { offset += 2 }
        return UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    mutating func readUInt32(_ what: String) throws(DNSMessageError) -> UInt32 {
        let high = try readUInt16(what)
        let low = try readUInt16(what)
        return UInt32(high) << 16 | UInt32(low)
    }

    mutating func readBytes(_ count: Int, _ what: String) throws(DNSMessageError) -> [UInt8] {
        guard count >= 0, bytes.count - offset >= count else {
            throw DNSMessageError("packet ends inside \(what) (\(count) bytes wanted, \(bytes.count - offset) left)")
        }
        defer { offset += count }
        return Array(bytes[offset..<(offset + count)])
    }

    mutating func readHeader() throws(DNSMessageError) -> DNSHeader {
        guard bytes.count >= DNSHeader.length else {
            throw DNSMessageError("packet of \(bytes.count) bytes is shorter than a DNS header (12)")
        }
        let id = try readUInt16("id")
        let flags = try readUInt16("flags")
        return DNSHeader(
            id: id,
            isResponse: flags & 0x8000 != 0,
            opcode: UInt8((flags >> 11) & 0x0F),
            authoritative: flags & 0x0400 != 0,
            truncated: flags & 0x0200 != 0,
            recursionDesired: flags & 0x0100 != 0,
            recursionAvailable: flags & 0x0080 != 0,
            rcode: DNSRcode(rawValue: UInt8(flags & 0x0F)),
            questionCount: try readUInt16("question count"),
            answerCount: try readUInt16("answer count"),
            authorityCount: try readUInt16("authority count"),
            additionalCount: try readUInt16("additional count")
        )
    }

    /// Reads a possibly compressed name at the cursor and moves past it (past the first pointer
    /// if there is one). Each pointer must point before the stretch of labels that led to it,
    /// so offsets strictly decrease and a loop is impossible.
    mutating func readName() throws(DNSMessageError) -> DNSName {
        var labels: [[UInt8]] = []
        var position = offset
        var segmentStart = offset
        var resumeAt: Int?
        var wireLength = 1
        while true {
            guard position < bytes.count else { throw DNSMessageError("name runs past the end of the packet") }
            let length = bytes[position]
            switch length & 0xC0 {
            case 0x00:
                if length == 0 {
                    offset = resumeAt ?? position + 1
                    return try DNSName(labels: labels)
                }
                let start = position + 1
                let end = start + Int(length)
                guard end <= bytes.count else { throw DNSMessageError("label runs past the end of the packet") }
                wireLength += 1 + Int(length)
                guard wireLength <= DNSName.maxWireLength else {
                    throw DNSMessageError("name longer than \(DNSName.maxWireLength) bytes")
                }
                labels.append(Array(bytes[start..<end]))
                position = end
            case 0xC0:
                guard position + 1 < bytes.count else { throw DNSMessageError("compression pointer cut short") }
                let target = Int(length & 0x3F) << 8 | Int(bytes[position + 1])
                guard target < segmentStart else {
                    throw DNSMessageError("compression pointer at \(position) to \(target) does not point backwards")
                }
                if resumeAt == nil { resumeAt = position + 2 }
                position = target
                segmentStart = target
            default:
                throw DNSMessageError("reserved label type 0x\(String(length & 0xC0, radix: 16)) at \(position)")
            }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendBigEndian(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    fileprivate mutating func appendBigEndian(_ value: UInt32) {
        appendBigEndian(UInt16(value >> 16))
        appendBigEndian(UInt16(value & 0xFFFF))
    }
}
