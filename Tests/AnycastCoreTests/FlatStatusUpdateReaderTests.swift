import AnycastCore
import Foundation
import Testing

/// The poller's fast reader of status updates answers exactly what `JSONDecoder` answers, or
/// nothing (and the poller then uses `JSONDecoder`).
@Suite struct FlatStatusUpdateReaderTests {
    /// A site's status whose drain reason holds what could end an object early if strings
    /// were not followed: quotes, braces, brackets and backslashes.
    func randomStatus(_ g: inout SeededRandom) -> SiteStatus {
        var status = ModelRoundTripTests.status
        let reasons = [#"CHG-1: "quoted" {brace} [bracket]"#, #"a \ backslash \"#, #"ünïcode } ] \""#, "tab\tand\nnewline", ""]
        status.services[0].drain?.reason = reasons.randomElement(using: &g)!
        status.traffic.qps = Double.random(in: 0...1e6, using: &g)
        return status
    }

    func randomUpdate(_ g: inout SeededRandom, withStatus: Bool = false) -> StatusUpdate {
        let now = 1_795_820_650 + Double(Int.random(in: 0..<1_000_000, using: &g)) / 1000
        func maybe(_ v: Double) -> Double? { Bool.random(using: &g) ? v : nil }
        var rcodes: [String: UInt64] = [:]
        for name in ["NOERROR", "NXDOMAIN", "SERVFAIL", "REFUSED", "Ünïcode"] where Bool.random(using: &g) {
            rcodes[name] = UInt64.random(in: 0...UInt64.max / 2, using: &g)
        }
        let history = (0..<Int.random(in: 0...20, using: &g)).map { k in
            RatePoint(t: Date(timeIntervalSince1970: now - Double(20 - k)), qps: Double.random(in: 0...1e7, using: &g))
        }
        return StatusUpdate(
            revision: String(UInt64.random(in: 0...UInt64.max, using: &g), radix: 16), now: Date(timeIntervalSince1970: now),
            qps: maybe(Double.random(in: 0...1e7, using: &g)), queriesTotal: Bool.random(using: &g) ? UInt64.random(in: 0...1 << 60, using: &g) : nil,
            rcodes: RcodeCounts(rcodes), sampledAt: maybe(now - 0.3).map { Date(timeIntervalSince1970: $0) },
            latency: LatencyStatus(p50Ms: maybe(Double.random(in: 0...50, using: &g)), p95Ms: maybe(3.25), p99Ms: maybe(1e-3),
                                   source: ["probe", "unbound", "none"].randomElement(using: &g)!, successRatio: maybe(0.995)),
            history: history, status: withStatus && Bool.random(using: &g) ? randomStatus(&g) : nil)
    }

    func decoded(_ data: Data) -> StatusUpdate? { try? AgentJSON.decoder().decode(StatusUpdate.self, from: data) }

    @Test func readsWhatTheAgentSendsAsJSONDecoderDoes() throws {
        var g = SeededRandom(seed: 7)
        for _ in 0..<500 {
            let data = try AgentJSON.encoder().encode(randomUpdate(&g))
            let fast = try #require(FlatStatusUpdateReader.read(data), "\(String(decoding: data, as: UTF8.self))")
            #expect(fast == decoded(data))
        }
    }

    /// The first answer of a stream: the whole history window and the site's status, which
    /// goes to the `JSONDecoder` given; without one, such an update is left to `JSONDecoder`.
    @Test func readsAStatusObjectWithTheDecoderGiven() throws {
        var g = SeededRandom(seed: 8)
        var withStatus = 0
        for _ in 0..<300 {
            var update = randomUpdate(&g, withStatus: true)
            update.history = (0..<900).map { k in RatePoint(t: update.now.addingTimeInterval(Double(k) - 900), qps: Double(k) * 1.25) }
            let data = try AgentJSON.encoder().encode(update)
            let fast = try #require(FlatStatusUpdateReader.read(data, statusDecoder: AgentJSON.decoder()), "\(String(decoding: data, as: UTF8.self))")
            #expect(fast == decoded(data))
            if update.status != nil {
                withStatus += 1
                #expect(fast.status == update.status)
                #expect(FlatStatusUpdateReader.read(data) == nil, "no decoder for the status: JSONDecoder's")
            }
        }
        #expect(withStatus > 100)
        let docs = [
            #"{"revision":"r","now":1,"status":{"a":1}}"#,                 // not a status
            #"{"revision":"r","now":1,"status":{"a":"}"}"#,                // cut inside a string
            #"{"revision":"r","now":1,"status":{"a":[1}]}"#,               // brackets crossed
            #"{"revision":"r","now":1,"status":1}"#,
            #"{"revision":"r","now":1,"other":{}}"#,                       // an object elsewhere
            #"{"revision":"r","now":1,"qps":{}}"#,
            #"{"revision":"r","now":1,"status":{}"#,
        ]
        for doc in docs { #expect(FlatStatusUpdateReader.read(Data(doc.utf8), statusDecoder: AgentJSON.decoder()) == nil, "\(doc)") }
    }

    @Test func handWrittenFormsReadAlike() throws {
        let docs = [
            #"{"revision":"r","now":1}"#,
            #" { "now" : 1.5e3 , "revision" : "r" , "qps" : null , "history" : [ ] , "rcode_names" : [ ] , "rcode_totals" : [ ] } "#,
            #"{"revision":"r","now":-0,"qps":0.1,"history":[1,2,3,4],"unknown":[1,2],"other":"x","latency_source":null}"#,
            "{\"revision\":\"r\",\n\t\"now\":1E+2,\r\n\"p50_ms\":1.0e-2}",
            #"{"revision":"r","now":-0e3,"qps":0.0e3}"#,  // zeros with exponents, signed or with a fraction
        ]
        for doc in docs {
            let data = Data(doc.utf8)
            let fast = try #require(FlatStatusUpdateReader.read(data), "\(doc)")
            #expect(fast == decoded(data), "\(doc)")
        }
    }

    /// Keys that are not the update's read as unknown, as `JSONDecoder` reads them, however
    /// much of a known key they share: its length and first eight bytes, all but its last
    /// byte, or the whole of it and more.
    @Test func keysNearTheKnownOnesAreUnknown() throws {
        let docs = [
            #"{"revision":"r","now":1,"queries_totaX":5,"success_ratiO":0.5,"p50_mS":1}"#,
            #"{"revision":"r","now":1,"latency_source_":"x","qps_":2,"no":3}"#,
            #"{"revision":"r","now":1,"latency_source_and_more":"x","rcode_totals_":[1]}"#,
        ]
        for doc in docs {
            let data = Data(doc.utf8)
            let fast = try #require(FlatStatusUpdateReader.read(data), "\(doc)")
            #expect(fast == decoded(data), "\(doc)")
            #expect(fast.queriesTotal == nil && fast.qps == nil && fast.latency.successRatio == nil && fast.latency.p50Ms == nil, "\(doc)")
            #expect(fast.latency.source == "none" && fast.rcodes.isEmpty, "\(doc)")
        }
    }

    /// Rcode names out of order or repeated (no agent sends them so) read as the decoder reads
    /// them: in order, a repeated name with its last total.
    @Test func rcodesOutOfOrderReadAsTheDecoderReadsThem() throws {
        let docs = [
            #"{"revision":"r","now":1,"rcode_names":["b","a","b"],"rcode_totals":[1,2,3]}"#,
            #"{"revision":"r","now":1,"rcode_names":["a","a"],"rcode_totals":[1,2]}"#,
            #"{"revision":"r","now":1,"rcode_names":["NXDOMAIN","NOERROR"],"rcode_totals":[7,9]}"#,
        ]
        for doc in docs {
            let data = Data(doc.utf8)
            let fast = try #require(FlatStatusUpdateReader.read(data), "\(doc)")
            #expect(fast == decoded(data), "\(doc)")
            #expect(fast.rcodes.map(\.name) == fast.rcodes.map(\.name).sorted(), "\(doc)")
        }
        let repeated = try #require(FlatStatusUpdateReader.read(Data(docs[0].utf8)))
        #expect(repeated.rcodes == ["a": 2, "b": 3])
    }

    /// The update read before from the same agent lends its strings; what is read is what is
    /// read without it, whether the previous update's strings are the same or not.
    @Test func aPreviousUpdateChangesNothingRead() throws {
        var g = SeededRandom(seed: 11)
        var previous = randomUpdate(&g)
        for n in 0..<500 {
            var update = randomUpdate(&g)
            // Half of them keep the previous revision, source and rcode names, as a stream's lines do.
            if n % 2 == 0 {
                update.revision = previous.revision
                update.latency.source = previous.latency.source
                update.rcodes = RcodeCounts(Dictionary(uniqueKeysWithValues: previous.rcodes.map { ($0.name, $0.total + 1) }))
            }
            let data = try AgentJSON.encoder().encode(update)
            let fast = try #require(FlatStatusUpdateReader.read(data, previous: previous))
            #expect(fast == decoded(data), "\(String(decoding: data, as: UTF8.self))")
            #expect(fast.revision == update.revision && fast.rcodes.map(\.name) == update.rcodes.map(\.name))
            previous = fast
        }
    }

    /// A history buffer handed in lends its storage (when nothing else holds it and it is not
    /// much larger than needed); what is read is the same either way.
    @Test func aHistoryBufferLendsItsStorageAndChangesNothingRead() throws {
        var g = SeededRandom(seed: 13)
        let t = Date(timeIntervalSince1970: 1_795_820_650)
        var update = randomUpdate(&g)
        update.history = [RatePoint(t: t, qps: 1)]
        let data = try AgentJSON.encoder().encode(update)
        func read(with buffer: inout [RatePoint]) throws -> StatusUpdate {
            try #require(data.withUnsafeBytes { FlatStatusUpdateReader.read($0, historyBuffer: &buffer) })
        }

        var held = (0..<3).map { RatePoint(t: t.addingTimeInterval(Double($0)), qps: 2) }
        held.reserveCapacity(8)
        let heldCapacity = held.capacity
        let kept = try read(with: &held)
        #expect(kept == decoded(data))
        #expect(kept.history.capacity == heldCapacity, "the buffer's storage holds the line's one point")
        #expect(held.isEmpty, "the buffer is taken")

        let shared = (0..<3).map { RatePoint(t: t.addingTimeInterval(Double($0)), qps: 2) }
        var lent = shared
        let copied = try read(with: &lent)
        #expect(copied == decoded(data))
        #expect(shared.count == 3 && shared[0].qps == 2, "storage held elsewhere is left alone")

        var window = Array(repeating: RatePoint(t: t, qps: 3), count: 900)
        let fresh = try read(with: &window)
        #expect(fresh == decoded(data))
        #expect(fresh.history.capacity < 900, "a whole window's storage is not kept for one point")
    }

    @Test func leavesEverythingElseToJSONDecoder() throws {
        let docs = [
            #"{"revision":"r\"q","now":1}"#,                  // an escape
            #"{"revision":"r","now":1,"status":{"a":1}}"#,    // a nested object
            #"{"revision":"r","now":1,"revision":"s"}"#,      // a repeated key
            #"{"revision":"r","now":01}"#,                    // not JSON
            #"{"revision":"r","now":1e999}"#,                 // not finite
            #"{"revision":"r","now":1} x"#,                   // trailing bytes
            #"{"revision":"r","now":1,"queries_total":1.5}"#, // not an integer
            #"{"revision":"r","now":1,"queries_total":-1}"#,
            #"{"revision":"r","now":1,"history":[1]}"#,       // not pairs
            #"{"revision":"r","now":1,"rcode_names":["A"]}"#, // arrays of different lengths
            #"{"revision":"r","now":"1"}"#,
            #"{"now":1}"#,
            "{\"revision\":\"a\u{01}\",\"now\":1}",           // a control character
            #"{"revision":"r","now":0e3}"#,                   // JSON, but JSONDecoder refuses it
            #"{"revision":"r","now":1,"qps":0E1}"#,
            #"{"revision":"r","now":1,"history":[1,0e+1]}"#,  // taken by JSONDecoder; left to it all the same
            "", "{", "[]", "null",
        ]
        for doc in docs { #expect(FlatStatusUpdateReader.read(Data(doc.utf8)) == nil, "\(doc)") }
        var bad = Data(#"{"revision":"ab","now":1}"#.utf8)
        bad[14] = 0xFF  // invalid UTF-8 inside a string
        #expect(FlatStatusUpdateReader.read(bad) == nil)
    }

    /// Random damage to real updates: whatever the reader accepts, JSONDecoder decodes the same.
    @Test func neverAcceptsWhatJSONDecoderRejects() throws {
        var g = SeededRandom(seed: 99)
        let alphabet = Array(#"{}[]",:0123456789.eE+- \nnulltrx"#.utf8) + [0x00, 0x1F, 0x5C, 0xC3, 0xFF]
        var accepted = 0
        var acceptedWithStatus = 0
        for n in 0..<6000 {
            var bytes = Array(try AgentJSON.encoder().encode(randomUpdate(&g, withStatus: n % 2 == 0)))
            for _ in 0..<Int.random(in: 1...3, using: &g) {
                let at = Int.random(in: 0..<bytes.count, using: &g)
                switch Int.random(in: 0..<4, using: &g) {
                case 0: bytes[at] = alphabet.randomElement(using: &g)!
                case 1: bytes.remove(at: at)
                case 2: bytes.insert(alphabet.randomElement(using: &g)!, at: at)
                default: bytes.removeSubrange(at...)
                }
                if bytes.isEmpty { bytes = [0x7B] }
            }
            let data = Data(bytes)
            if let fast = FlatStatusUpdateReader.read(data, statusDecoder: AgentJSON.decoder()) {
                accepted += 1
                if fast.status != nil { acceptedWithStatus += 1 }
                #expect(fast == decoded(data), "\(String(decoding: data, as: UTF8.self))")
            }
        }
        #expect(accepted > 100, "the damage left some documents readable: \(accepted)")
        #expect(acceptedWithStatus > 50, "and some with a status: \(acceptedWithStatus)")
    }

    /// The reader's own decimal parsing gives strtod's double, bit for bit, for every plain
    /// decimal it takes on; the rest (exponents, more than 15 digits) it leaves to strtod.
    @Test func plainDecimalsReadExactlyAsStrtodReadsThem() {
        var random = SeededRandom(seed: 21)
        var taken = 0
        for _ in 0..<200_000 {
            let whole = String(random.next() % 10_000_000_000)
            let places = Int(random.next() % 12)
            let fraction = String(String(random.next()).prefix(places))
            let text = (random.next() % 4 == 0 ? "-" : "") + whole + (fraction.isEmpty ? "" : "." + fraction)
            guard let fast = FlatStatusUpdateReader.exactDecimal(text) else { continue }
            taken += 1
            #expect(fast.bitPattern == Double(text)!.bitPattern, "\(text)")
            if fast.bitPattern != Double(text)!.bitPattern { break }  // one is enough to show
        }
        #expect(taken > 100_000, "most agent-like figures take the exact path: \(taken)")
        for text in ["0", "-0", "0.5", "0.000123", "1796290000.071", "123456789012345", "-99.25", "0.1", "3000.000000000001"] {
            let fast = FlatStatusUpdateReader.exactDecimal(text)
            #expect(fast == nil || fast!.bitPattern == Double(text)!.bitPattern, "\(text)")
        }
        for text in ["1e5", "1234567890123456", "0.12345678901234567890123", "12.5E-3"] {
            #expect(FlatStatusUpdateReader.exactDecimal(text) == nil, "\(text): strtod's to read")
        }
    }
}
