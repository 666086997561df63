import AnycastCore
import Testing

@Suite struct ConfigDurationTests {
    @Test(arguments: [("500ms", 500), ("1s", 1000), ("1.5s", 1500), ("2m", 120_000), ("1h", 3_600_000), (" 10s ", 10_000)])
    func parsesDurations(text: String, milliseconds: Int64) {
        #expect(ConfigDuration.parse(text) == .milliseconds(milliseconds))
    }

    @Test(arguments: ["", "1", "s", "-1s", "0s", "1 s", "1d", "abc", "1e3s", "nan s"])
    func rejectsNonDurations(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test func formatsShortestExactForm() {
        #expect(ConfigDuration.format(.milliseconds(800)) == "800ms")
        #expect(ConfigDuration.format(.seconds(1)) == "1s")
        #expect(ConfigDuration.format(.seconds(120)) == "2m")
        #expect(ConfigDuration.format(.seconds(7200)) == "2h")
        #expect(ConfigDuration.format(.milliseconds(1500)) == "1500ms")
    }
}

/// What the fuzzers found: inputs that stopped the process instead of being refused.
@Suite struct ConfigParserCrashTests {
    @Test func durationsBeyondAYearAreRefusedNotOverflowed() {
        #expect(ConfigDuration.parse("99999999999999999999s") == nil)
        #expect(ConfigDuration.parse("1e300h") == nil)
        #expect(ConfigDuration.parse("8785h") == nil, "366 days and an hour")
        #expect(ConfigDuration.parse("8784h") == .seconds(366 * 86_400))
    }

    /// Arrays of arrays that open on one line and close on another are not table headers.
    @Test func nestedArraysOverSeveralLinesAreNotHeaders() throws {
        let source = "[fleet]\nname = \"x\"\nmatrix = [\n  [\n    1,\n  ],\n  [ ],\n]\n[[region]]\nname = \"eu\"\n"
        _ = try TOMLDocument(source: source, file: "f.toml")
    }
}
