/// Where and how the server listens, with limits safe for the public internet: every quantity a
/// client controls is bounded here or in `limits`.
public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); `HTTPServer.port` tells which.
    public var port = 8080
    public var limits = HTTPLimits()
    /// Connections at once; beyond it (or beyond what the open-file limit leaves after
    /// `descriptorReserve`) a new client gets a fast `503` and is closed.
    public var maximumConnections = 10_000
    /// Connections at once from one client address, so that one client cannot take every slot.
    public var maximumConnectionsPerClient = 256
    /// Descriptors kept free of connections for the database, files and outgoing pulls.
    public var descriptorReserve = 64
    /// Responses written but not yet read by the client, per connection; beyond it (or beyond
    /// `maximumQueuedOutputBytes`) the server reads no further request from that connection until
    /// the client has read what waits (a client pipelining without reading holds no more).
    public var maximumQueuedResponses = 16
    public var maximumQueuedOutputBytes = 1 << 20
    /// A keep-alive connection with no request under way, or a client not reading its
    /// response, is closed after this many seconds.
    public var idleTimeout = 60.0
    /// A request must arrive whole within this many seconds of its first byte (a client trickling
    /// bytes is answered `408` and closed).
    public var readTimeout = 10.0
    /// Event loops, one thread each; by default one per core.
    public var eventLoops = max(1, System.coreCount)
    /// How long a graceful shutdown waits for requests in flight.
    public var shutdownGrace = 30.0

    public init() {}
}
