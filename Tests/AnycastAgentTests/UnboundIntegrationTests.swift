import AnycastAgent
import AnycastCore
import Foundation
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `UnboundTrafficSource` against a REAL unbound: started in the foreground (`unbound -d`)
/// on 127.0.0.1:<free port> with local zones and a control socket in a short temp dir, sent
/// a known number of real DNS queries over UDP from this test, then stopped. Nothing leaves
/// loopback: names outside the local zones are forwarded to 127.0.0.1, which unbound may
/// not even query (`do-not-query-localhost` stays at its default), and the test asks none.
///
/// Fails (does not skip) when unbound is not installed: CI installs it.
@Suite(.serialized) struct UnboundIntegrationTests {
    static func unboundBinary() -> String? {
        var candidates = ["/usr/sbin/unbound", "/usr/local/sbin/unbound", "/opt/homebrew/sbin/unbound"]
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            candidates.append("\(dir)/unbound")
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// A port free for both UDP and TCP on 127.0.0.1 (unbound binds both).
    static func freePort() throws -> UInt16 {
        for _ in 0..<50 {
            let tcp = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(tcp) }
            var address = loopback(port: 0)
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(tcp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else { continue }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(tcp, $0, &length) }
            }
            let port = UInt16(bigEndian: address.sin_port)
            let udp = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
            defer { close(udp) }
            var udpAddress = loopback(port: port)
            let udpBound = withUnsafePointer(to: &udpAddress) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(udp, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            if udpBound == 0 { return port }
        }
        throw BackendError(source: "test", message: "no free port on 127.0.0.1")
    }

    static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    /// Sends one DNS query (RD set) to 127.0.0.1:port over UDP and returns the answer's rcode.
    static func query(_ name: String, type: UInt16 = 1, port: UInt16, id: UInt16) throws -> UInt8 {
        var packet: [UInt8] = [UInt8(id >> 8), UInt8(id & 0xff), 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            packet.append(UInt8(label.utf8.count))
            packet.append(contentsOf: label.utf8)
        }
        packet += [0, UInt8(type >> 8), UInt8(type & 0xff), 0, 1]

        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { throw BackendError(source: "test", message: "socket: errno \(errno)") }
        defer { close(fd) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var address = loopback(port: port)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else { throw BackendError(source: "test", message: "connect: errno \(errno)") }
        guard send(fd, packet, packet.count, 0) == packet.count else {
            throw BackendError(source: "test", message: "send: errno \(errno)")
        }
        var answer = [UInt8](repeating: 0, count: 4096)
        while true {
            let n = recv(fd, &answer, answer.count, 0)
            guard n >= 12 else { throw BackendError(source: "test", message: "no answer to \(name) (errno \(errno))") }
            if answer[0] == packet[0], answer[1] == packet[1], answer[2] & 0x80 != 0 { return answer[3] & 0x0f }
        }
    }

    struct RunningUnbound {
        let process: Process
        let directory: String
        let port: UInt16
        let controlSocket: String

        var log: String { (try? String(contentsOfFile: "\(directory)/unbound.log", encoding: .utf8)) ?? "" }

        func stop() {
            if process.isRunning {
                process.terminate()
                process.waitUntilExit()
            }
        }
    }

    static func start(in directory: String) throws -> RunningUnbound {
        guard let binary = unboundBinary() else {
            throw BackendError(source: "test", message: "unbound is not installed: apt-get install unbound (CI installs it; this test needs a real unbound)")
        }
        let port = try freePort()
        let control = "\(directory)/u.ctl"
        let config = """
        server:
            interface: 127.0.0.1
            port: \(port)
            do-ip6: no
            outgoing-interface: 127.0.0.1
            num-threads: 1
            username: ""
            chroot: ""
            directory: "\(directory)"
            pidfile: "\(directory)/unbound.pid"
            use-syslog: no
            logfile: "\(directory)/unbound.log"
            verbosity: 1
            module-config: "iterator"
            access-control: 127.0.0.0/8 allow
            extended-statistics: yes
            statistics-interval: 0
            local-zone: "it.example." static
            local-data: "www.it.example. 300 IN A 192.0.2.80"
            local-zone: "refused.example." refuse
        remote-control:
            control-enable: yes
            control-interface: "\(control)"
        forward-zone:
            name: "."
            forward-addr: 127.0.0.1@9

        """
        try config.write(toFile: "\(directory)/unbound.conf", atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-d", "-c", "\(directory)/unbound.conf"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return RunningUnbound(process: process, directory: directory, port: port, controlSocket: control)
    }

    /// Polls until `sample()` answers (unbound is up), at most 10 s.
    static func firstSample(_ source: UnboundTrafficSource, _ unbound: RunningUnbound) async throws -> TrafficSample {
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            do {
                return try await source.sample()
            } catch {
                guard unbound.process.isRunning, ContinuousClock.now < deadline else {
                    throw BackendError(source: "test", message: "unbound did not come up: \(error)\nlog:\n\(unbound.log)")
                }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    @Test func countsRealQueriesAndReportsAStoppedUnbound() async throws {
        // Short path: UNIX socket paths are limited to ~107 bytes.
        let directory = "/tmp/ubit-\(UInt32.random(in: 0...UInt32.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let unbound: RunningUnbound
        do {
            unbound = try Self.start(in: directory)
        } catch {
            Issue.record("\(error)")
            return
        }
        defer { unbound.stop() }

        let source = UnboundTrafficSource(controlSocket: unbound.controlSocket)
        let before = try await Self.firstSample(source, unbound)
        #expect(before.latency == nil, "the first sample has no latency")

        // 7 NOERROR (local data), 4 NXDOMAIN (static local zone), 3 REFUSED (refuse zone).
        let plan: [(String, UInt8, Int)] = [("www.it.example", 0, 7), ("nope.it.example", 3, 4), ("x.refused.example", 5, 3)]
        var id: UInt16 = 0x4a00
        for (name, rcode, count) in plan {
            for _ in 0..<count {
                id &+= 1
                let got = try Self.query(name, port: unbound.port, id: id)
                #expect(got == rcode, "\(name)")
            }
        }
        let sent = UInt64(plan.reduce(0) { $0 + $1.2 })

        let after = try await source.sample()
        #expect(after.queriesTotal - before.queriesTotal == sent, "exactly the \(sent) queries sent")
        func delta(_ rcode: String) -> UInt64 { (after.rcodes[rcode] ?? 0) - (before.rcodes[rcode] ?? 0) }
        #expect(delta("NOERROR") == 7)
        #expect(delta("NXDOMAIN") == 4)
        #expect(delta("REFUSED") == 3)
        #expect(delta("SERVFAIL") == 0)
        // Local answers are not recursion: the histogram did not move.
        #expect(after.latency == LatencyStatus(p50Ms: nil, p95Ms: nil, p99Ms: nil, source: "unbound-histogram"))

        unbound.stop()
        let error = await #expect(throws: BackendError.self) { try await source.sample() }
        #expect(error?.source == "traffic")
        let message = error?.message ?? ""
        #expect(message.hasPrefix("unbound control socket \(unbound.controlSocket): "), "\(message)")
        #expect(message.contains("no such socket") || message.contains("connection refused"), "\(message)")
    }
}
