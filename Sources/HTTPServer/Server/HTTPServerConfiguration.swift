/// Where and how the server listens, with limits safe for the public internet.
public struct HTTPServerConfiguration: Sendable {
    public var host = "127.0.0.1"
    /// 0 picks a free port (tests); `HTTPServer.port` tells which.
    public var port = 8080
    public var limits = HTTPLimits()
    /// Connections at once; beyond it a new client gets a fast `503` and is closed.
    public var maximumConnections = 10_000
    /// A keep-alive connection with no request under way is closed after this many seconds.
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
