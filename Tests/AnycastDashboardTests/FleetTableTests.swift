import AnycastCore
@testable import AnycastDashboard
import Foundation
import Testing

/// The text table of `snapshot` and `watch`: aligned by display width, never wider than 80
/// columns, whatever the sites are called.
@Suite struct FleetTableTests {
    /// The fixture fleet with names in CJK, emoji and combining characters, one too long for
    /// any column, and fra1's drain reason long enough to wrap.
    static func worldFleet() -> FleetSnapshot {
        var fleet = FixtureFleet.snapshot()
        let names = [
            "ams1": "Zu\u{308}rich-O\u{308}st",   // combining diaeresis: 11 columns, 13 scalars
            "fra1": "東京データセンター",           // 9 wide characters: 18 columns
            "lhr1": "🦘 Sydney 🌏",
            "iad1": "Ωmega 🇯🇵 Tōkyō",
            "nrt1": "大阪データセンター第二拠点・本番環境・冗長系統",  // far too long
        ]
        for i in fleet.sites.indices {
            if let name = names[fleet.sites[i].config.id] { fleet.sites[i].config.name = name }
            if fleet.sites[i].config.id == "fra1" {
                fleet.sites[i].status!.services[0].drain!.reason =
                    "CHG-1234 router maintenance: 交換 of both line cards in the core router, expected to take two hours"
            }
        }
        return fleet
    }

    static func lines(_ text: String) -> [String] { text.split(separator: "\n").map(String.init) }

    /// The display column where `text` starts in `line`.
    static func column(of text: String, in line: String) -> Int? {
        line.range(of: text).map { DisplayWidth.of(line[..<$0.lowerBound]) }
    }

    @Test(arguments: [false, true])
    func everyLineFitsEightyColumns(world: Bool) {
        let text = FleetTable.render(world ? Self.worldFleet() : FixtureFleet.snapshot())
        for line in Self.lines(text) {
            #expect(DisplayWidth.of(line) <= 80, "\(DisplayWidth.of(line)) columns: \(line)")
        }
    }

    @Test func everyColumnLinesUpByDisplayWidthWithWideAndCombiningNames() throws {
        let fleet = Self.worldFleet()
        let lines = Self.lines(FleetTable.render(fleet))
        let header = try #require(lines.first { $0.hasPrefix("SITE ") })
        let statusColumn = try #require(Self.column(of: "STATUS", in: header))
        let regionColumn = try #require(Self.column(of: "REGION", in: header))
        for site in fleet.sites {
            let row = try #require(lines.first { $0.hasPrefix(site.config.id + " ") })
            // The numbers are right-aligned and AGE is last: every row ends where the header does.
            #expect(DisplayWidth.of(row) == DisplayWidth.of(header), "\(row)")
            #expect(Self.column(of: " \(site.condition.badge)", in: row).map { $0 + 1 } == statusColumn, "\(row)")
            #expect(Self.column(of: "  \(site.config.region) ", in: row).map { $0 + 2 } == regionColumn, "\(row)")
        }
    }

    @Test func aNameTooLongIsCutWithAnEllipsisWithinItsColumn() throws {
        let lines = Self.lines(FleetTable.render(Self.worldFleet()))
        let header = try #require(lines.first { $0.hasPrefix("SITE ") })
        let row = try #require(lines.first { $0.hasPrefix("nrt1 ") })
        let nameColumn = try #require(Self.column(of: "NAME", in: header))
        let regionColumn = try #require(Self.column(of: "REGION", in: header))
        #expect(row.contains("大阪データ"))
        #expect(!row.contains("冗長系統"))
        let ellipsis = try #require(Self.column(of: "…", in: row))
        #expect(ellipsis > nameColumn && ellipsis < regionColumn - 2, "\(row)")
        // The names that fit are printed whole.
        #expect(lines.contains { $0.hasPrefix("ams1  Zu\u{308}rich-O\u{308}st ") })
        #expect(lines.contains { $0.hasPrefix("lhr1  🦘 Sydney 🌏 ") })
    }

    @Test func aNoteGoesUnderItsRowWrappedToTheWidth() throws {
        let lines = Self.lines(FleetTable.render(Self.worldFleet()))
        let row = try #require(lines.firstIndex { $0.hasPrefix("fra1 ") })
        #expect(lines[row + 1].trimmingCharacters(in: .whitespaces).hasPrefix("drained by alice: CHG-1234 router maintenance:"))
        #expect(lines[row + 1].hasPrefix("      "))
        let note = lines[(row + 1)...].prefix { $0.hasPrefix(" ") }.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(note == "drained by alice: CHG-1234 router maintenance: 交換 of both line cards in the core router, expected to take two hours")
        let unreachable = try #require(lines.firstIndex { $0.hasPrefix("ord1 ") })
        #expect(lines[unreachable + 1].trimmingCharacters(in: .whitespaces) == "connection refused")
    }

    @Test func aDrainNoteSaysTheStepTheTicketAndTheLease() {
        let since = Date(timeIntervalSince1970: 1_800_000_000)
        var record = DrainRecord(operator: "alice", reason: "optics", since: since, mode: .operator, stage: .deprefer, hold: true,
                                 leaseUntil: since.addingTimeInterval(7200), ticket: "CHG-1")
        #expect(FleetTableRow.drainNote(record) == "de-preferred (held) by alice [CHG-1, lease until 2027-01-15T10:00:00.000Z]: optics")
        record.stage = .withdraw
        record.ticket = nil
        #expect(FleetTableRow.drainNote(record) == "drained by alice [lease until 2027-01-15T10:00:00.000Z]: optics")
        record.leaseUntil = nil
        #expect(FleetTableRow.drainNote(record) == "drained by alice: optics", "an older agent's record reads as before")
    }

    @Test func theSummaryCarriesOnBetweenItsPartsInsteadOfOverflowing() {
        var fleet = Self.worldFleet()
        fleet.name = "本番DNSフリート-ヨーロッパ-アジア太平洋"
        let lines = Self.lines(FleetTable.render(fleet))
        #expect(lines[0].hasPrefix("fleet 本番DNSフリート-ヨーロッパ-アジア太平洋: 12 sites in 5 regions,"))
        #expect(lines[1].hasPrefix("  "))
        let summary = lines.prefix { !$0.hasPrefix("SITE ") }
        let joined = summary.map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        #expect(joined.hasSuffix("12 sites in 5 regions, active 10, drained 1, unreachable 1, total 84.0k qps"))
        #expect(summary.allSatisfy { DisplayWidth.of($0) <= 80 })
    }

    @Test func controlCharactersInNamesAndErrorsNeverReachTheTerminal() throws {
        var fleet = FixtureFleet.snapshot()
        let i = try #require(fleet.sites.firstIndex { $0.config.id == "ord1" })
        fleet.sites[i].config.name = "Chi\u{1B}[2Jcago"
        fleet.sites[i].lastError = "HTTP 500:\nline two\tand a tab"
        let text = FleetTable.render(fleet)
        #expect(!text.unicodeScalars.contains { $0.value == 0x1B || $0 == "\t" })
        #expect(text.contains("HTTP 500: line two and a tab"))
    }

    @Test func worldFleetTable() {
        SnapshotAssertion.check(FleetTable.render(Self.worldFleet()), named: "fleet-table-world")
    }
}
