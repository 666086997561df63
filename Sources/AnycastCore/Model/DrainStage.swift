/// Where a drain stands. A service with a de-prefer step drains in two: first its route is made
/// less preferred while still announced (so traffic leaves without a gap), then withdrawn.
public enum DrainStage: String, Codable, Sendable, CaseIterable {
    /// Still announced, with the de-prefer attributes (AS-path prepends, MED, 65535:0).
    case deprefer
    /// Withdrawn from every peer.
    case withdraw
}
