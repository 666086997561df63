@_spi(CustomByteBufferAllocator) import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A `ByteBufferAllocator` for the TLS status streams that maps its large buffers fresh from
/// the kernel, so that their pages take memory only once they are written.
///
/// Why by hand: swift-nio-ssl gives each connection a 32 KiB plaintext read buffer (two TLS
/// records, `NIOSSLHandler.handlerAdded`), and a stream's 300-byte lines write only its first
/// page. Taken from the C heap, those 32 KiB land on pages that earlier allocations had
/// already touched: a dashboard following 1,000 https agents held about 33 KiB more per site
/// than over plain HTTP (BENCHMARKS.md, found with heaptrack). NIO lets a channel have its
/// own allocator, and no library offers one that maps lazily.
///
/// Each allocation carries a 16-byte header before the bytes handed out: its size, and
/// whether it was mapped (freed with `munmap`) or taken from `malloc` (freed with `free`).
enum LazyPageAllocator {
    /// Buffers at least this large are mapped; smaller ones come from `malloc`.
    static let mappedFrom = 16 * 1024
    private static let header = 16

    static let allocator = ByteBufferAllocator(
        allocate: { size in LazyPageAllocator.allocate(size) },
        reallocate: { pointer, oldSize, newSize in LazyPageAllocator.reallocate(pointer, oldSize: oldSize, newSize: newSize) },
        deallocate: { pointer in LazyPageAllocator.deallocate(pointer) },
        copy: { destination, source, count in _ = memcpy(destination, source, count) })

    static func allocate(_ size: Int) -> UnsafeMutableRawPointer? {
        let total = size + header
        let base: UnsafeMutableRawPointer
        let mapped = size >= mappedFrom
        if mapped {
            guard let p = mmap(nil, total, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), p != MAP_FAILED else { return nil }
            base = p
        } else {
            guard let p = malloc(total) else { return nil }
            base = p
        }
        base.storeBytes(of: total, as: Int.self)
        base.storeBytes(of: mapped ? 1 : 0, toByteOffset: 8, as: Int.self)
        return base + header
    }

    static func deallocate(_ pointer: UnsafeMutableRawPointer) {
        let base = pointer - header
        let total = base.load(as: Int.self)
        if base.load(fromByteOffset: 8, as: Int.self) == 1 {
            _ = munmap(base, total)
        } else {
            free(base)
        }
    }

    static func reallocate(_ pointer: UnsafeMutableRawPointer?, oldSize: Int, newSize: Int) -> UnsafeMutableRawPointer? {
        guard let pointer else { return allocate(newSize) }
        let base = pointer - header
        if base.load(fromByteOffset: 8, as: Int.self) == 0, newSize < mappedFrom {
            guard let grown = realloc(base, newSize + header) else { return nil }
            grown.storeBytes(of: newSize + header, as: Int.self)
            return grown + header
        }
        guard let moved = allocate(newSize) else { return nil }
        _ = memcpy(moved, pointer, min(oldSize, newSize))
        deallocate(pointer)
        return moved
    }
}
