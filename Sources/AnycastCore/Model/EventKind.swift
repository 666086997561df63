/// What an agent event records.
public enum EventKind: String, Codable, Sendable, CaseIterable {
    case drain
    case undrain
    case drainFailed = "drain_failed"
    case undrainFailed = "undrain_failed"
    case drainVerified = "drain_verified"
    case drainNotEffective = "drain_not_effective"
    case driftCorrected = "drift_corrected"
    case autoWithdraw = "auto_withdraw"
    case autoAnnounce = "auto_announce"
    case peerUp = "peer_up"
    case peerDown = "peer_down"
    case backendError = "backend_error"
    case backendRecovered = "backend_recovered"
    case agentStarted = "agent_started"
}
