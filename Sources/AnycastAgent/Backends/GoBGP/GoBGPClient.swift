/// Asks gobgpd through its `gobgp` CLI, one run per call, each under the command timeout. The
/// CLI speaks gobgpd's gRPC API; its `-j` answers are what the parsers read.
public struct GoBGPClient: Sendable {
    public var cli: String
    public var host: String
    public var port: Int
    public var timeout: Duration

    public init(cli: String, host: String, port: Int, timeout: Duration) {
        self.cli = cli
        self.host = host
        self.port = port
        self.timeout = timeout
    }

    /// One command's JSON answer (`-j` added); an error object or a failed run is an error.
    public func run(_ arguments: [String]) async throws(GoBGPError) -> String {
        let result: ProcessOutput
        do { result = try await ProcessRunner.run(cli, ["-u", host, "-p", String(port)] + arguments + ["-j"], timeout: timeout) } catch {
            throw .cli(error)
        }
        if let failure = GoBGPReply.failure(in: result.output) ?? GoBGPReply.failure(in: result.errorOutput) { throw failure }
        guard result.status == 0 else {
            throw .refused(String(result.combined.trimmingCharacters(in: .whitespacesAndNewlines).prefix(300)))
        }
        return result.output
    }
}
