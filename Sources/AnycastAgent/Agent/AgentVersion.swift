/// The agent's version, reported in `/v1/status`.
public enum AgentVersion {
    public static let current = "0.1.0"
}
