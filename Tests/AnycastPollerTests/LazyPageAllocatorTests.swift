@testable import AnycastPoller
import NIOCore
import Testing

/// The TLS streams' allocator keeps what byte buffers hold, small or mapped, through growth
/// across its threshold and copies.
@Suite struct LazyPageAllocatorTests {
    func pattern(_ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) } }

    @Test(arguments: [0, 1, 100, LazyPageAllocator.mappedFrom - 1, LazyPageAllocator.mappedFrom, 32 * 1024, 100_000])
    func aBufferHoldsWhatWasWritten(size: Int) {
        var buffer = LazyPageAllocator.allocator.buffer(capacity: size)
        #expect(buffer.capacity >= size)
        buffer.writeBytes(pattern(size))
        #expect(buffer.readableBytesView.elementsEqual(pattern(size)))
    }

    @Test func growingAcrossTheThresholdKeepsTheBytes() {
        var buffer = LazyPageAllocator.allocator.buffer(capacity: 64)
        var written: [UInt8] = []
        // From malloc'd to mapped and on: each growth reallocates and must move the bytes.
        for step in [50, 1000, 15_000, 20_000, 70_000] {
            let more = pattern(step)
            buffer.writeBytes(more)
            written += more
            #expect(buffer.readableBytesView.elementsEqual(written), "after writing \(written.count) bytes")
        }
        #expect(buffer.capacity >= written.count)
    }

    @Test func aSharedBufferIsCopiedOnWrite() {
        var a = LazyPageAllocator.allocator.buffer(capacity: 40_000)
        a.writeBytes(pattern(30_000))
        var b = a
        b.writeBytes([1, 2, 3])
        #expect(a.readableBytes == 30_000)
        #expect(b.readableBytes == 30_003)
        #expect(a.readableBytesView.elementsEqual(pattern(30_000)))
        #expect(b.readableBytesView.prefix(30_000).elementsEqual(pattern(30_000)))
    }

    @Test func smallAndLargeAllocationsAreFreedTheirOwnWay() {
        // Freed with the wrong call, a mapped block would crash free() and a malloc'd one
        // would fail munmap (and leak): allocate and free many of each, interleaved.
        for round in 0..<200 {
            let small = LazyPageAllocator.allocate(100 + round)
            let large = LazyPageAllocator.allocate(LazyPageAllocator.mappedFrom + round)
            #expect(small != nil && large != nil)
            small?.storeBytes(of: UInt8(round & 0xFF), as: UInt8.self)
            large?.storeBytes(of: UInt8(round & 0xFF), as: UInt8.self)
            let moved = LazyPageAllocator.reallocate(small, oldSize: 100 + round, newSize: 20_000)
            #expect(moved?.load(as: UInt8.self) == UInt8(round & 0xFF))
            let shrunk = LazyPageAllocator.reallocate(large, oldSize: LazyPageAllocator.mappedFrom + round, newSize: 10)
            #expect(shrunk?.load(as: UInt8.self) == UInt8(round & 0xFF))
            moved.map(LazyPageAllocator.deallocate)
            shrunk.map(LazyPageAllocator.deallocate)
        }
    }
}
