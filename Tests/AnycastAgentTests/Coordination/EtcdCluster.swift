import Foundation
import Glibc

/// A real etcd cluster of `size` members on loopback, each in its own data folder, started
/// for a test and stopped by it. Members can be killed and started again to take quorum away.
final class EtcdCluster: @unchecked Sendable {
    struct Member {
        var name: String
        var clientPort: Int
        var peerPort: Int
        var process: Process?
        var clientURL: String { "http://127.0.0.1:\(clientPort)" }
        var peerURL: String { "http://127.0.0.1:\(peerPort)" }
    }

    let folder: String
    private(set) var members: [Member]

    /// The etcd binary, or nil when etcd-server is not installed.
    static let binary: String? = ["/usr/bin/etcd", "/usr/local/bin/etcd"].first { FileManager.default.isExecutableFile(atPath: $0) }

    init(size: Int) throws {
        // In memory where the machine has it: etcd fsyncs its log on every write, and on a
        // shared disk those fsyncs stall the other suites' own (the agents' audit logs).
        let base = FileManager.default.fileExists(atPath: "/dev/shm") ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
        folder = base.appendingPathComponent("etcd-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let ports = try Self.freePorts(2 * size)
        members = (0..<size).map { i in Member(name: "e\(i + 1)", clientPort: ports[2 * i], peerPort: ports[2 * i + 1]) }
    }

    var endpoints: [String] { members.map(\.clientURL) }

    /// Starts every member and returns once all are up.
    func start() throws {
        for i in members.indices { try start(i) }
    }

    /// Starts member `i` (again, with its data folder).
    func start(_ i: Int) throws {
        guard let binary = Self.binary else { throw CocoaError(.fileNoSuchFile) }
        let m = members[i]
        let cluster = members.map { "\($0.name)=\($0.peerURL)" }.joined(separator: ",")
        let p = Process()
        p.executableURL = URL(fileURLWithPath: binary)
        p.arguments = [
            "--name", m.name, "--data-dir", "\(folder)/\(m.name)",
            "--listen-client-urls", m.clientURL, "--advertise-client-urls", m.clientURL,
            "--listen-peer-urls", m.peerURL, "--initial-advertise-peer-urls", m.peerURL,
            "--initial-cluster", cluster, "--initial-cluster-state", "new",
            "--heartbeat-interval", "50", "--election-timeout", "500",
        ]
        let path = "\(folder)/\(m.name).log"
        if !FileManager.default.fileExists(atPath: path) { _ = FileManager.default.createFile(atPath: path, contents: nil) }
        guard let log = FileHandle(forWritingAtPath: path) else { throw CocoaError(.fileWriteUnknown) }
        log.seekToEndOfFile()
        p.standardOutput = log
        p.standardError = log
        try p.run()
        members[i].process = p
    }

    /// Kills member `i` with SIGKILL.
    func kill(_ i: Int) {
        guard let p = members[i].process else { return }
        Glibc.kill(p.processIdentifier, SIGKILL)
        p.waitUntilExit()
        members[i].process = nil
    }

    /// Stops every member and removes the data.
    func stop() {
        for i in members.indices { kill(i) }
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// `count` distinct free TCP ports on 127.0.0.1 (bound to 0, read, closed).
    static func freePorts(_ count: Int) throws -> [Int] {
        var ports: [Int] = []
        var sockets: [Int32] = []
        defer { sockets.forEach { close($0) } }
        while ports.count < count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            address.sin_port = 0
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) } }
            guard bound == 0 else { close(fd); throw CocoaError(.fileWriteUnknown) }
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            sockets.append(fd)
            ports.append(Int(UInt16(bigEndian: address.sin_port)))
        }
        return ports
    }
}
