import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file operation that failed, with the path and the system's reason.
public struct DurableFileError: Error, Sendable, CustomStringConvertible {
    public var operation: String
    public var path: String
    public var code: Int32

    public init(_ operation: String, path: String, code: Int32) {
        self.operation = operation
        self.path = path
        self.code = code
    }

    public var description: String { "cannot \(operation) \(path): \(String(cString: strerror(code)))" }
}

/// Writes that survive a crash or a power cut: data is fsynced before it counts as written,
/// and renames are followed by an fsync of the directory that holds them.
public enum DurableFile {
    /// Replaces the file at `path` with `data` so that a reader (or a restart after a crash)
    /// sees either the old content or the new one, never a mix: write a temporary file in the
    /// same directory, fsync it, rename it over `path`, fsync the directory.
    public static func writeAtomically(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        let directory = directoryOf(path)
        let temporary = "\(directory)/\(temporaryPrefix(for: path))\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw DurableFileError("create", path: temporary, code: errno) }
        do {
            defer { close(fd) }
            guard fchmod(fd, mode) == 0 else { throw DurableFileError("set the mode of", path: temporary, code: errno) }
            try writeAll(fd, data, path: temporary)
            guard fsync(fd) == 0 else { throw DurableFileError("fsync", path: temporary, code: errno) }
        } catch {
            unlink(temporary)
            throw error
        }
        guard rename(temporary, path) == 0 else {
            let code = errno
            unlink(temporary)
            throw DurableFileError("rename \(temporary) to", path: path, code: code)
        }
        try syncDirectory(directory)
    }

    /// Appends `data` to the file at `path` (created with `mode` if missing) and fsyncs it;
    /// a new file's directory entry is fsynced too.
    public static func append(_ data: Data, to path: String, mode: mode_t = 0o600) throws {
        var created = true
        var fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        if fd < 0 && errno == EEXIST {
            created = false
            fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC)
        }
        guard fd >= 0 else { throw DurableFileError("open for appending", path: path, code: errno) }
        defer { close(fd) }
        if created, fchmod(fd, mode) != 0 { throw DurableFileError("set the mode of", path: path, code: errno) }
        try writeAll(fd, data, path: path)
        guard fsync(fd) == 0 else { throw DurableFileError("fsync", path: path, code: errno) }
        if created { try syncDirectory(directoryOf(path)) }
    }

    /// Renames `from` to `to` (replacing it) and fsyncs the directory of `to`.
    public static func move(_ from: String, to: String) throws {
        guard rename(from, to) == 0 else { throw DurableFileError("rename \(from) to", path: to, code: errno) }
        try syncDirectory(directoryOf(to))
    }

    /// Makes the latest renames, creations and removals in `directory` durable.
    public static func syncDirectory(_ directory: String) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw DurableFileError("open the directory", path: directory, code: errno) }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw DurableFileError("fsync the directory", path: directory, code: errno) }
    }

    /// Creates `directory` (and missing parents) with `mode` if it does not exist.
    public static func createDirectory(_ directory: String, mode: mode_t = 0o700) throws {
        var isDirectory: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory) {
            guard isDirectory.boolValue else { throw DurableFileError("use as a directory", path: directory, code: ENOTDIR) }
            return
        }
        let parent = directoryOf(directory)
        if parent != directory && parent != "." { try createDirectory(parent, mode: mode) }
        guard mkdir(directory, mode) == 0 || errno == EEXIST else {
            throw DurableFileError("create the directory", path: directory, code: errno)
        }
        chmod(directory, mode)
        if parent != directory { try? syncDirectory(parent) }
    }

    /// Removes temporary files that an interrupted `writeAtomically(_:to:)` of `path` left behind.
    public static func removeStaleTemporaries(of path: String) {
        let directory = directoryOf(path)
        let prefix = temporaryPrefix(for: path)
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for name in names where name.hasPrefix(prefix) { unlink("\(directory)/\(name)") }
    }

    /// The start of the names of `path`'s temporary files: `.NAME.tmp-`.
    static func temporaryPrefix(for path: String) -> String {
        ".\(URL(fileURLWithPath: path).lastPathComponent).tmp-"
    }

    public static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    private static func writeAll(_ fd: Int32, _ data: Data, path: String) throws {
        try data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) in
            guard var pointer = buffer.baseAddress else { return }
            var remaining = buffer.count
            while remaining > 0 {
                let n = write(fd, pointer, remaining)
                if n < 0 {
                    if errno == EINTR { continue }
                    throw DurableFileError("write", path: path, code: errno)
                }
                pointer += n
                remaining -= n
            }
        }
    }
}
