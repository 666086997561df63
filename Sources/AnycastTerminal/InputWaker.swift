import Dispatch
import Foundation
import Synchronization

/// Signals when standard input has bytes to read, so keys are read as they arrive without a
/// busy loop. It only watches the file descriptor; the reading itself is a curses call and
/// stays with `TerminalScreen`.
public final class InputWaker: Sendable {
    private let source: Mutex<(any DispatchSourceRead)?>
    /// One element per wake-up.
    public let wakeups: AsyncStream<Void>

    public init(fileDescriptor: Int32 = STDIN_FILENO) {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wakeups = stream
        let read = DispatchSource.makeReadSource(fileDescriptor: fileDescriptor, queue: DispatchQueue(label: "anycast-dash.input"))
        read.setEventHandler { continuation.yield() }
        read.setCancelHandler { continuation.finish() }
        read.resume()
        source = Mutex(read)
    }

    public func cancel() {
        source.withLock {
            $0?.cancel()
            $0 = nil
        }
    }
}
