import Foundation

/// Asks FRR through vtysh, one run per call, each under the command timeout. vtysh is FRR's
/// own supported interface; its `json` answers are what the parsers read.
public struct VtyshClient: Sendable {
    public var path: String
    /// `vtysh -N NAME`: the pathspace bgpd was started under, if any.
    public var pathspace: String?
    public var timeout: Duration

    public init(path: String, pathspace: String? = nil, timeout: Duration) {
        self.path = path
        self.pathspace = pathspace
        self.timeout = timeout
    }

    /// One show command's standard output (a refusal or an unreachable bgpd is an error).
    public func show(_ command: String) async throws(FRRReplyError) -> String {
        try await show([command])
    }

    /// Several show commands in one vtysh run: their outputs one after the other. A failure
    /// before any output (bgpd down, a refused user) is an error; a later one is left for
    /// `FRRAnswerSplitter` to find.
    public func show(_ commands: [String]) async throws(FRRReplyError) -> String {
        let result = try await run(commands)
        if let failure = FRRReply.failure(in: result.output.isEmpty ? result.combined : result.errorOutput) { throw failure }
        return result.output
    }

    /// Configuration lines in one vtysh run, after `configure terminal`. vtysh stops at the
    /// first line it refuses and exits non-zero; what it printed is the error.
    public func configure(_ lines: [String]) async throws(FRRReplyError) {
        let result = try await run(["configure terminal"] + lines)
        if let failure = FRRReply.failure(in: result.combined) {
            if case .unknownCommand(let s) = failure { throw .rejected(s) }
            throw failure
        }
        let said = result.combined.trimmingCharacters(in: .whitespacesAndNewlines)
        if result.status != 0 || said.hasPrefix("%") {
            throw .rejected(said.isEmpty ? "vtysh exited with status \(result.status)" : String(said.prefix(300)))
        }
    }

    private func run(_ commands: [String]) async throws(FRRReplyError) -> ProcessOutput {
        let arguments = (pathspace.map { ["-N", $0] } ?? []) + commands.flatMap { ["-c", $0] }
        do { return try await ProcessRunner.run(path, arguments, timeout: timeout) } catch { throw .vtysh(error) }
    }
}
