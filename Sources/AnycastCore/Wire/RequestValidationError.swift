/// A request body that decoded but breaks a rule of the API.
public struct RequestValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, for the caller.
    public var description: String

    public init(_ description: String) { self.description = description }

    /// Longest reason the API accepts, in Unicode scalars.
    public static let maxReasonLength = 500
    /// Longest operator name the API accepts, in Unicode scalars.
    public static let maxOperatorLength = 100

    static func checkReason(_ reason: String, required: Bool) throws(RequestValidationError) {
        if required && isBlank(reason) {
            throw RequestValidationError("reason is required (1-\(maxReasonLength) characters)")
        }
        let length = reason.unicodeScalars.count
        if length > maxReasonLength {
            throw RequestValidationError("reason is \(length) characters; at most \(maxReasonLength) are allowed")
        }
    }

    /// Longest lease the API takes at all, in seconds (a year); sites set their own `max_lease`.
    public static let maxLeaseSeconds = 366 * 24 * 3600

    static func checkLease(_ seconds: Int) throws(RequestValidationError) {
        guard seconds >= 1 && seconds <= maxLeaseSeconds else {
            throw RequestValidationError("lease must be 1 to \(maxLeaseSeconds) seconds (got \(seconds))")
        }
    }

    static func checkTicket(_ ticket: String) throws(RequestValidationError) {
        if isBlank(ticket) { throw RequestValidationError("ticket must not be blank (leave it out instead)") }
        if ticket.unicodeScalars.count > DrainRequest.maxTicketLength {
            throw RequestValidationError("ticket is longer than \(DrainRequest.maxTicketLength) characters")
        }
        if ticket.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw RequestValidationError("ticket contains control characters")
        }
    }

    static func checkOperator(_ name: String) throws(RequestValidationError) {
        if isBlank(name) {
            throw RequestValidationError("operator is required")
        }
        if name.unicodeScalars.count > maxOperatorLength {
            throw RequestValidationError("operator is longer than \(maxOperatorLength) characters")
        }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw RequestValidationError("operator contains control characters")
        }
    }

    /// Whether `text` holds only white space. Lengths and blankness are judged per Unicode
    /// scalar, as the JSON Schema of `docs/agent-api.yaml` counts them, not per Character (a
    /// space with a combining accent is one Character that Swift calls white space).
    static func isBlank(_ text: String) -> Bool {
        text.unicodeScalars.allSatisfy(\.properties.isWhitespace)
    }
}
