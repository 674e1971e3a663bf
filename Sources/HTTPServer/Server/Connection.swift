/// One client connection, owned by its event loop's thread.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let generation: UInt64
    var parser: HTTPRequestParser
    var output: [UInt8] = []
    var written = 0
    /// A handler is working on a request; the next one waits (responses go out in order).
    var awaitingResponse = false
    var closeAfterWrite = false
    /// The peer vanished while a handler worked; the connection is no longer watched.
    var detached = false
    var lastActivity: Double
    var requestStartedAt: Double?
    /// A streamed response under way.
    var streaming: Streaming?
    /// The streaming handler waiting for the output to drain.
    var writerWaiting: CheckedContinuation<Void, any Error>?
    /// The epoll interest now registered.
    var interest: UInt32 = 0

    init(fd: Int32, generation: UInt64, limits: HTTPLimits, now: Double) {
        self.fd = fd
        self.generation = generation
        parser = HTTPRequestParser(limits: limits)
        lastActivity = now
    }

    var hasPendingOutput: Bool { written < output.count }

    struct Streaming {
        /// Chunked framing (HTTP/1.1); an HTTP/1.0 client reads until the connection closes.
        let chunked: Bool
        let keepAlive: Bool
    }
}
