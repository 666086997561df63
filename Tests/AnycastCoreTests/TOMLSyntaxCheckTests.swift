import AnycastCore
import Testing

/// The syntax check that runs before toml++ (which stops the process on some malformed
/// input): valid TOML of every form passes it and parses; what toml++ would crash on is a
/// config error with its line.
@Suite struct TOMLSyntaxCheckTests {
    @Test(arguments: [
        "a = 1\nb = -2_000\nc = 0x1F\nd = 1e6\ne = -inf\nf = nan\ng = true\nh = 0o17\ni = 0b1010\nj = +3.14_15e-2\nk = 0\nl = -0.0\nm = 6.626E+34\nn = false\n",
        "when = 1979-05-27 07:32:00Z\nday = 1979-05-27\nat = 07:32:00.5\nlocal = 1979-05-27T07:32:00-08:00\nlt = 1979-05-27t07:32:00.999\nz = 1979-05-27T07:32:00z\n",
        "s = \"tab\\t \\\"quoted\\\" \\u00e9\"\nl = 'C:\\path'\n\"quoted key\" = 1\n'lit key' = 2\na.b . c = 3\n",
        "m = \"\"\"\nfirst \"line\"\n\\\n  joined\"\"\"\"\nn = '''\nraw ''quotes''\n'''''\n",
        "x = [\n  [1, 2], # a comment\n  [\n    3,\n  ],\n  [ ],\n]\ny = [\"a\", 'b',]\n",
        "t = { a = 1, b = { c = [1, 2] } }\ne = {}\n",
        "\u{FEFF}# a byte-order mark first\r\n[fleet]\r\nname = \"x\"\r\n",
        "[a]\n[ a.b ]\n[[c]]\n[[ c ]]\n[\"quoted\".key]\n",
    ])
    func validTOMLPassesAndParses(source: String) throws {
        _ = try TOMLDocument(source: source, file: "ok.toml")
    }

    @Test(arguments: [
        ("[\n", 1, "a table header must start with its name"),
        ("\u{FEFF}[\n", 1, "a table header must start with its name"),
        ("[\u{301}]\n", 1, "a table header must start with its name"),
        ("a = [\"\\\"[\"]\n[ä]\n", 2, "a table header must start with its name"),
        ("x = [}\n", 1, "expected a value"),
        ("x = [1 2]\n", 1, "expected ',' or ']' in the array"),
        ("x = \n", 1, "expected a value"),
        ("x = \"open\ny = 1\n", 1, "a string is not closed on its line"),
        ("a\n", 1, "expected '=' after the key"),
        ("a = 1 b = 2\n", 1, "one key = value or [table] a line"),
        ("[a\n", 1, "the table header must end with ]"),
        ("[[a]\n", 1, "the table header must end with ]]"),
        ("t = { a = 1\n", 1, "in the inline table"),
        ("m = \"\"\"\nnever closed\n", 1, "a multi-line string is not closed"),
        ("a = 1\r\nb = 2\rc = 3\n", 2, "a carriage return must be followed by a line feed"),
        ("x = " + String(repeating: "[", count: 100) + "\n", 1, "nested more than 64 deep"),
        ("t = 1979-05-27T:7:32:00Z\n", 1, "'1979-05-27T:7:32:00Z' is not a TOML value"),
        ("a = tru\n", 1, "'tru' is not a TOML value"),
        ("a = 1__0\n", 1, "'1__0' is not a TOML value"),
        ("a = 012\n", 1, "'012' is not a TOML value"),
        ("a = 1.\n", 1, "'1.' is not a TOML value"),
        ("a = .5\n", 1, "'.5' is not a TOML value"),
        ("a = 0xG1\n", 1, "'0xG1' is not a TOML value"),
        ("a = 07:32\n", 1, "'07:32' is not a TOML value"),
        ("a = 1979-05-27T07:32:00+8\n", 1, "is not a TOML value"),
        ("a = fleet\n", 1, "strings need quotes"),
    ])
    func malformedStructureIsAnErrorWithItsLine(source: String, line: Int, words: String) {
        do {
            _ = try TOMLDocument(source: source, file: "bad.toml")
            Issue.record("accepted: \(source.debugDescription)")
        } catch {
            #expect(error.line == line, "\(source.debugDescription): \(error)")
            #expect(error.message.hasPrefix("TOML syntax: ") && error.message.contains(words), "\(source.debugDescription): \(error)")
        }
    }
}
