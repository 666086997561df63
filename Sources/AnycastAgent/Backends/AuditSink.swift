import AnycastCore

/// Where the agent keeps its audit trail durably (the file-backed `AuditLog`): every drain,
/// undrain, drift correction and failed attempt, read back on start so `/v1/events` and the
/// numbering survive restarts.
public protocol AuditSink: Sendable {
    /// Appends one entry durably (written and synced before it returns).
    func append(_ event: AgentEvent) throws
    /// The newest `limit` entries, oldest first, with a count of the lines that could not be
    /// read (a torn last line left by a crash in the middle of a write, or damage).
    func loadReport(limit: Int) throws -> AuditLoadResult
}
