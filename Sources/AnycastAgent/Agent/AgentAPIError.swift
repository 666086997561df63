import AnycastCore

/// An API failure with its HTTP status, machine code and human message.
public struct AgentAPIError: Error, Sendable, Equatable, CustomStringConvertible {
    public var status: Int
    public var code: APIErrorCode
    public var message: String

    public init(status: Int, code: APIErrorCode, message: String) {
        self.status = status
        self.code = code
        self.message = message
    }

    public var description: String { "\(status) \(code.rawValue): \(message)" }

    public static func badRequest(_ m: String) -> Self { .init(status: 400, code: .badRequest, message: m) }
    public static func unauthorized(_ m: String) -> Self { .init(status: 401, code: .unauthorized, message: m) }
    public static func forbidden(_ m: String) -> Self { .init(status: 403, code: .forbidden, message: m) }
    public static func notFound(_ m: String) -> Self { .init(status: 404, code: .notFound, message: m) }
    public static func methodNotAllowed(_ m: String) -> Self { .init(status: 405, code: .methodNotAllowed, message: m) }
    public static func conflict(_ m: String) -> Self { .init(status: 409, code: .conflict, message: m) }
    public static func payloadTooLarge(_ m: String) -> Self { .init(status: 413, code: .payloadTooLarge, message: m) }
    public static func rateLimited(_ m: String) -> Self { .init(status: 429, code: .rateLimited, message: m) }
    public static func unavailable(_ m: String) -> Self { .init(status: 503, code: .unavailable, message: m) }
    public static func budgetRefused(_ m: String) -> Self { .init(status: 409, code: .budgetRefused, message: m) }
    public static func siteLocked(_ m: String) -> Self { .init(status: 409, code: .siteLocked, message: m) }
    public static func coordinationUnavailable(_ m: String) -> Self { .init(status: 503, code: .coordinationUnavailable, message: m) }
    public static func `internal`(_ m: String) -> Self { .init(status: 500, code: .internal, message: m) }
}
