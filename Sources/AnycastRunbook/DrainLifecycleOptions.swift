import AnycastCore
import ArgumentParser

/// The drain's lease, ticket and stage on the command line: `--for 2h`, `--ticket CHG-123`,
/// `--stage deprefer` (hold at the de-prefer step) and `--now` (withdraw at once).
public struct DrainLifecycleOptions: ParsableArguments, Sendable {
    /// The values `--stage` takes: the API's stages.
    public enum Stage: String, ExpressibleByArgument, CaseIterable, Sendable {
        case deprefer, withdraw
    }

    @Option(name: .customLong("for"), help: ArgumentHelp(
        "Lease: the agent undrains by itself after this long (45s, 90m, 2h, 1d).", valueName: "duration"))
    public var lease: String?

    @Option(name: .long, help: "Change reference shown with the drain (e.g. CHG-123; at most 100 characters).")
    public var ticket: String?

    @Option(name: .long, help: ArgumentHelp(
        "deprefer: stop at the de-prefer step (still announced, less preferred) once it is verified; withdraw: as --now.",
        valueName: "stage"))
    public var stage: Stage?

    @Flag(name: .long, help: "Withdraw at once: skip the de-prefer step, or move a site held there on.")
    public var now = false

    public init() {}

    public func validate() throws {
        if stage != nil && now { throw ValidationError("give either --stage or --now, not both") }
        if let lease {
            do { _ = try LeaseDuration.seconds(lease) } catch { throw ValidationError("--for: \(error.description)") }
        }
        if let ticket {
            do { try DrainRequest(reason: "-", operator: "-", ticket: ticket).validate() } catch {
                throw ValidationError("--ticket: \(error.description)")
            }
        }
    }

    /// The lease in seconds (checked by `validate`).
    public var leaseSeconds: Int? { lease.flatMap { try? LeaseDuration.seconds($0) } }

    /// The stage the request names: `--stage`, or `withdraw` for `--now`.
    public var requestedStage: DrainStage? {
        if now { return .withdraw }
        return stage.map { $0 == .deprefer ? .deprefer : .withdraw }
    }

    /// The options given that an agent without drain leases, staged drains and tickets cannot
    /// honour. `--now` is not one: such an agent withdraws at once anyway.
    public var needingLifecycle: [String] {
        var out: [String] = []
        if lease != nil { out.append("--for") }
        if ticket != nil { out.append("--ticket") }
        if stage == .deprefer { out.append("--stage") }
        return out
    }

    /// The drain request these options and the rest of the command line make.
    public func request(service: String?, reason: String, operator name: String) -> DrainRequest {
        DrainRequest(service: service, reason: reason, operator: name, lease: leaseSeconds, ticket: ticket, stage: requestedStage)
    }
}
