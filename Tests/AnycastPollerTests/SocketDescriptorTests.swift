@testable import AnycastPoller
import Glibc
import NIOCore
import NIOPosix
import Testing

/// Finding a NIO channel's socket by its addresses, near a hint or anywhere.
@Suite struct SocketDescriptorTests {
    static func connectedPair() async throws -> (server: any Channel, client: any Channel) {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let client = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connect(host: "127.0.0.1", port: server.localAddress!.port!).get()
        return (server, client)
    }

    @Test(arguments: [CInt(0), CInt(60_000)])
    func theDuplicateIsTheChannelsOwnSocket(hint: CInt) async throws {
        let (server, client) = try await Self.connectedPair()
        let local = try #require(client.localAddress), remote = try #require(client.remoteAddress)
        let fd = try #require(SocketDescriptor.duplicate(local: local, remote: remote, hint: hint))
        defer { close(fd) }
        #expect(SocketDescriptor.address(of: fd, peer: false) == local)
        #expect(SocketDescriptor.address(of: fd, peer: true) == remote)
        #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "not inherited by child processes")
        try await client.close()
        try await server.close()
    }

    @Test func aConnectionThatIsNotOpenHasNone() async throws {
        let (server, client) = try await Self.connectedPair()
        let local = try #require(client.localAddress)
        let elsewhere = try SocketAddress(ipAddress: "127.0.0.1", port: 9)
        #expect(SocketDescriptor.duplicate(local: local, remote: elsewhere, hint: 0) == nil)
        try await client.close()
        try await server.close()
    }
}
