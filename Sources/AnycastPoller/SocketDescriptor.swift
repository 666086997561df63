import Glibc
import NIOCore

/// Finds the descriptor of a connected TCP socket of this process by its two addresses.
///
/// SwiftNIO does not hand out a channel's descriptor, and a status stream reads its waiting
/// lines through a duplicate of it (`StatusStream.readWaiting`): at a take, a line already in
/// the kernel is then one `read`, where asking the channel cost two `epoll_ctl` calls and a
/// turn through its pipeline (BENCHMARKS.md). A socket's local and remote addresses together
/// name one connection, so a descriptor that answers with both is the channel's own.
enum SocketDescriptor {
    /// A duplicate of the descriptor connected from `local` to `remote` (the caller closes
    /// it), or nil. Descriptors near `hint` are tried first, as new sockets take the lowest
    /// free number and a fleet's streams open one after another; then every open one.
    static func duplicate(local: SocketAddress, remote: SocketAddress, hint: CInt) -> CInt? {
        let near = max(0, hint - 16)...(hint + 48)
        let found = near.first { matches($0, local: local, remote: remote) }
            ?? openDescriptors().first { !near.contains($0) && matches($0, local: local, remote: remote) }
        guard let fd = found else { return nil }
        let copy = fcntl(fd, F_DUPFD_CLOEXEC, 0)
        return copy >= 0 ? copy : nil
    }

    /// The descriptor `fd` is a socket connected from `local` to `remote`.
    static func matches(_ fd: CInt, local: SocketAddress, remote: SocketAddress) -> Bool {
        address(of: fd, peer: false) == local && address(of: fd, peer: true) == remote
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
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var descriptors: [CInt] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if let fd = CInt(name) { descriptors.append(fd) }
        }
        return descriptors
    }
}
