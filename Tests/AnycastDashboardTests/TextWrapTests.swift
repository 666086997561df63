@testable import AnycastDashboard
import Testing

@Suite struct TextWrapTests {
    @Test func breaksAtSpacesByDisplayWidth() {
        #expect(TextWrap.lines("connection refused by the agent", columns: 12, maxLines: 5) == ["connection", "refused by", "the agent"])
        // Wide characters count two columns each: 東京 is 4.
        #expect(TextWrap.lines("東京 東京 東京", columns: 9, maxLines: 5) == ["東京 東京", "東京"])
    }

    @Test func aWordWiderThanALineIsCutIntoPieces() {
        #expect(TextWrap.lines("abcdefghij", columns: 4, maxLines: 5) == ["abcd", "efgh", "ij"])
        #expect(TextWrap.lines("東京大阪名古屋", columns: 5, maxLines: 5) == ["東京", "大阪", "名古", "屋"])
    }

    @Test func pastTheLastLineItEndsWithAnEllipsis() {
        let lines = TextWrap.lines("one two three four five six", columns: 9, maxLines: 2)
        #expect(lines == ["one two", "three fo…"])
        #expect(TextWrap.lines("東京 大阪 名古屋", columns: 6, maxLines: 1) == ["東京 …"])
    }

    @Test func emptyTextHasNoLines() {
        #expect(TextWrap.lines("", columns: 10, maxLines: 3).isEmpty)
        #expect(TextWrap.lines("   ", columns: 10, maxLines: 3).isEmpty)
    }
}
