/// What a program that ran to its end printed, and how it ended.
public struct ProcessOutput: Sendable, Hashable {
    /// Exit status (or the signal's number when a signal ended it).
    public var status: Int32
    public var output: String
    public var errorOutput: String

    /// Standard output and error together, as a terminal shows them.
    public var combined: String { errorOutput.isEmpty ? output : output + (output.isEmpty || output.hasSuffix("\n") ? "" : "\n") + errorOutput }
}
