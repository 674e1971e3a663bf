/// One client connection, owned by its event loop's thread.
final class Connection {
    let fd: Int32
    /// Distinguishes this connection from a later one that reuses the descriptor.
    let generation: UInt64
    /// The client's IPv4 address (network order), for the per-client cap.
    let client: UInt32
    var parser: HTTPRequestParser
    var output: [UInt8] = []
    var written = 0
    /// Where each complete response queued in `output` ends, oldest first.
    var responseEnds: [Int] = []
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
    /// When the last response went out and the connection began to close gracefully.
    var lingeringSince: Double?
    /// Bytes read and dropped since then.
    var discarded = 0
    /// The epoll interest now registered.
    var interest: UInt32 = 0

    init(fd: Int32, generation: UInt64, client: UInt32, limits: HTTPLimits, now: Double) {
        self.fd = fd
        self.generation = generation
        self.client = client
        parser = HTTPRequestParser(limits: limits)
        lastActivity = now
    }

    var hasPendingOutput: Bool { written < output.count }

    /// `client` in dotted form.
    var clientAddress: String {
        let host = UInt32(bigEndian: client)
        return [24, 16, 8, 0].map { String((host >> $0) & 0xFF) }.joined(separator: ".")
    }

    /// Appends bytes to the output, dropping what was written; `endsResponse` marks the end of
    /// a complete response.
    func queue(_ bytes: [UInt8], endsResponse: Bool) {
        if hasPendingOutput {
            output.removeSubrange(0..<written)
            responseEnds = responseEnds.compactMap { $0 > written ? $0 - written : nil }
            output += bytes
        } else {
            output = bytes
            responseEnds = []
        }
        written = 0
        if endsResponse { responseEnds.append(output.count) }
    }

    /// Notes that `count` more bytes went out.
    func wrote(_ count: Int) {
        written += count
        while let end = responseEnds.first, end <= written { responseEnds.removeFirst() }
    }

    /// Whether the next request may be read: none is with a handler, the connection is not
    /// closing, and the client is not backed up.
    func wantsInput(_ configuration: HTTPServerConfiguration) -> Bool {
        !awaitingResponse && !closeAfterWrite && !isBackedUp(configuration)
    }

    /// Whether the client has so much unread that no further request is read from it.
    func isBackedUp(_ configuration: HTTPServerConfiguration) -> Bool {
        responseEnds.count >= configuration.maximumQueuedResponses
            || output.count - written >= configuration.maximumQueuedOutputBytes
    }

    struct Streaming {
        /// Chunked framing (HTTP/1.1); an HTTP/1.0 client reads until the connection closes.
        let chunked: Bool
        let keepAlive: Bool
    }
}
