import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL

/// Hummingbird's TLS child channel with `PlainHTTPRefusal` in front of it: https only, and a
/// plain-HTTP request answered with a readable error instead of a dropped connection.
struct TLSOnlyChannel<Base: ServerChildChannel>: ServerChildChannel {
    typealias Value = Base.Value
    let tls: TLSChannel<Base>

    init(_ base: Base, tlsConfiguration: TLSConfiguration) throws {
        tls = try TLSChannel(base, tlsConfiguration: tlsConfiguration)
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(PlainHTTPRefusal())
        }.flatMap {
            tls.setup(channel: channel, logger: logger)
        }
    }

    func handle(value: Value, logger: Logger) async {
        await tls.handle(value: value, logger: logger)
    }
}
