@testable import AnycastPoller
import Glibc
import NIOCore
import NIOPosix
import Testing

/// Finding NIO channels' sockets by their addresses.
@Suite struct SocketDescriptorTests {
    static func connect(to server: any Channel) async throws -> (channel: any Channel, connection: SocketDescriptor.Connection) {
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.localAddress!.port!).get()
        return (client, SocketDescriptor.Connection(local: try #require(client.localAddress), remote: try #require(client.remoteAddress)))
    }

    @Test func eachDuplicateIsItsChannelsOwnSocketFoundInOnePass() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        var clients: [(channel: any Channel, connection: SocketDescriptor.Connection)] = []
        for _ in 0..<3 { clients.append(try await Self.connect(to: server)) }
        let found = SocketDescriptor.duplicates(of: Set(clients.map(\.connection)))
        #expect(found.count == 3)
        for (_, connection) in clients {
            let fd = try #require(found[connection])
            #expect(SocketDescriptor.address(of: fd, peer: false) == connection.local)
            #expect(SocketDescriptor.address(of: fd, peer: true) == connection.remote)
            #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "not inherited by child processes")
            close(fd)
        }
        for (channel, _) in clients { try await channel.close() }
        try await server.close()
    }

    /// Duplicates stop at half the limit of open files: they must never starve connections.
    @Test func noDuplicatePastHalfTheLimitOfOpenFiles() async throws {
        #expect(SocketDescriptor.room(for: 3, limit: 1024, open: 10) == 3)
        #expect(SocketDescriptor.room(for: 3, limit: 1024, open: 510) == 2)
        #expect(SocketDescriptor.room(for: 3, limit: 1024, open: 512) == 0)
        #expect(SocketDescriptor.room(for: 3, limit: 1024, open: 900) == 0)
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let (client, connection) = try await Self.connect(to: server)
        #expect(SocketDescriptor.duplicates(of: [connection], limit: 8).isEmpty, "a process at its limit makes none")
        try await client.close()
        try await server.close()
    }

    @Test func theSoftLimitOnOpenFilesIsRaisedToTheHardOne() throws {
        let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
        var limit = rlimit()
        try #require(getrlimit(resource, &limit) == 0)
        try #require(limit.rlim_max > 1 && limit.rlim_max != rlim_t.max)
        var lowered = limit
        lowered.rlim_cur = limit.rlim_max - 1  // one below: no test running beside this one notices
        try #require(setrlimit(resource, &lowered) == 0)
        #expect(SocketDescriptor.openFileLimit() == Int(limit.rlim_max - 1))
        SocketDescriptor.raiseOpenFileLimit()
        #expect(SocketDescriptor.openFileLimit() == Int(limit.rlim_max))
    }

    @Test func aConnectionThatIsNotOpenHasNone() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton).bind(host: "127.0.0.1", port: 0).get()
        let (client, connection) = try await Self.connect(to: server)
        let elsewhere = SocketDescriptor.Connection(local: connection.local, remote: try SocketAddress(ipAddress: "127.0.0.1", port: 9))
        #expect(SocketDescriptor.duplicates(of: [elsewhere]).isEmpty)
        try await client.close()
        try await server.close()
    }
}
