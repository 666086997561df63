#if canImport(Glibc)
import Glibc
#endif
import NIOCore

/// Finds the descriptors of connected TCP sockets of this process by their two addresses.
///
/// SwiftNIO does not hand out a channel's descriptor, and a status stream reads its waiting
/// lines through a duplicate of it (`StatusStream.readWaiting`): at a take, a line already in
/// the kernel is then one `read`, where asking the channel cost two `epoll_ctl` calls and a
/// turn through its pipeline (BENCHMARKS.md). A socket's local and remote addresses together
/// name one connection, so a descriptor that answers with both is the channel's own.
enum SocketDescriptor {
    /// One connection, by its two ends.
    struct Connection: Hashable {
        var local: SocketAddress
        var remote: SocketAddress
    }

    /// A duplicate of the descriptor of each of `connections` that is open (the caller closes
    /// them), found in one pass over the process's descriptors: streams that open together
    /// (a fleet at start) cost one pass, not one each. Duplicates never take the process past
    /// half its limit of open files (`limit`, the soft limit by default), so they cannot
    /// starve the connections still to be made; a connection left without one is read
    /// through its channel.
    static func duplicates(of connections: Set<Connection>, limit: Int = openFileLimit()) -> [Connection: CInt] {
        #if os(Linux)
        guard !connections.isEmpty else { return [:] }
        let locals = Set(connections.map(\.local))
        let open = openDescriptors()
        let room = room(for: connections.count, limit: limit, open: open.count)
        guard room > 0 else { return [:] }
        var found: [Connection: CInt] = [:]
        for fd in open where found.count < room {
            guard let local = address(of: fd, peer: false), locals.contains(local),
                  let remote = address(of: fd, peer: true) else { continue }
            let connection = Connection(local: local, remote: remote)
            guard connections.contains(connection), found[connection] == nil else { continue }
            let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
            guard copy >= 0 else { continue }
            // Another thread may have closed `fd` and opened another socket under its number
            // since it was asked: the copy must answer for the same connection.
            if address(of: copy, peer: false) == local, address(of: copy, peer: true) == remote {
                found[connection] = copy
            } else {
                close(copy)
            }
        }
        return found
        #else
        return [:]  // no /proc: every stream reads through its channel
        #endif
    }

    /// How many of `wanted` duplicates fit below half of `limit` with `open` files open.
    static func room(for wanted: Int, limit: Int, open: Int) -> Int {
        max(0, min(wanted, limit / 2 - open))
    }

    /// The soft limit on open files.
    static func openFileLimit() -> Int {
        #if os(Linux)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        return Int(clamping: limit.rlim_cur)
        #else
        return 1024
        #endif
    }

    /// Raises the soft limit on open files to the hard limit: a fleet takes a socket a site,
    /// and a plain-HTTP stream read directly two, where the soft limit is often 1,024.
    static func raiseOpenFileLimit() {
        #if os(Linux)
        var limit = rlimit()
        guard getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
        #endif
    }

    /// The socket's own address, or its peer's; nil for a descriptor that is not an IP socket.
    static func address(of fd: CInt, peer: Bool) -> SocketAddress? {
        var storage = sockaddr_storage()
        var size = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(fd, $0, &size) : getsockname(fd, $0, &size)
            }
        }
        guard status == 0 else { return nil }
        return withUnsafePointer(to: &storage) { pointer -> SocketAddress? in
            switch Int32(pointer.pointee.ss_family) {
            case AF_INET: pointer.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { SocketAddress($0.pointee) }
            case AF_INET6: pointer.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { SocketAddress($0.pointee) }
            default: nil
            }
        }
    }

    /// Every descriptor open in this process, from `/proc/self/fd`.
    static func openDescriptors() -> [CInt] {
        #if os(Linux)
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [CInt] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = CInt(name) { descriptors.append(fd) }
        }
        return descriptors
        #else
        return []
        #endif
    }
}
