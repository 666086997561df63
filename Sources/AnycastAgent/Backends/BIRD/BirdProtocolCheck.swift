import AnycastCore

/// Checks a config's services against a running BIRD: every protocol a service names, normal
/// or de-prefer, must exist there, or a drain would fail (or, for the de-prefer step, a staged
/// drain would withdraw nothing and announce nothing de-preferred).
public enum BirdProtocolCheck {
    /// One problem per protocol missing from `show protocols`, naming the service, the protocol
    /// and its role.
    public static func problems(services: [ServiceDefinition], client: BirdControlClient, socket: String) async throws -> [String] {
        let present = Set(try BirdProtocolParser.parse(try await client.command("show protocols"), now: .now).map(\.name))
        var problems: [String] = []
        for service in services {
            for name in service.originProtocols where !present.contains(name) {
                problems.append("service '\(service.name)': its protocol \(name) (bird_protocols) is not in BIRD (show protocols at \(socket))")
            }
            for name in service.deprefer?.originProtocols ?? [] where !present.contains(name) {
                problems.append("service '\(service.name)' has a de-prefer step, but its de-prefer protocol \(name) (deprefer.bird_protocols) is not in BIRD (show protocols at \(socket)): add a static protocol that originates \(service.prefixes.joined(separator: ", ")) with the de-prefer attributes (see the README, \"Staged drains\")")
            }
        }
        return problems
    }
}
