#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// What the event loops share: the configuration, the router, the counters and the draining flag.
final class ServerState: Sendable {
    let configuration: HTTPServerConfiguration
    let router: HTTPRouter
    let connectionCount = Atomic<Int>(0)
    /// Connections at once: the configured maximum, within what the open-file limit leaves.
    let maximumConnections: Int
    /// Connections open now per client IPv4 address.
    private let connectionsByClient = Mutex<[UInt32: Int]>([:])
    /// Event loops still watching the shared listener; the last to stop closes it.
    let listenerWatchers: Atomic<Int>
    let draining = Atomic<Bool>(false)
    private let requestCounter = Atomic<UInt64>(0)
    /// Where each request's access-log line goes (stderr by default).
    let accessLog: @Sendable (String) -> Void

    let metrics: HTTPMetrics

    init(
        configuration: HTTPServerConfiguration, router: HTTPRouter, metrics: HTTPMetrics,
        accessLog: @escaping @Sendable (String) -> Void
    ) {
        self.configuration = configuration
        self.router = router
        let descriptors = (System.openFileLimit ?? 1024) - configuration.descriptorReserve
        maximumConnections = max(1, min(configuration.maximumConnections, descriptors))
        listenerWatchers = Atomic(max(1, configuration.eventLoops))
        self.metrics = metrics
        self.accessLog = accessLog
    }

    /// Counts a new connection of `client`; false (and nothing counted) when it would exceed the
    /// global or the per-client maximum.
    func admit(client: UInt32) -> Bool {
        guard connectionCount.add(1, ordering: .relaxed).newValue <= maximumConnections else {
            connectionCount.subtract(1, ordering: .relaxed)
            return false
        }
        let admitted = connectionsByClient.withLock { counts in
            let count = counts[client, default: 0]
            guard count < configuration.maximumConnectionsPerClient else { return false }
            counts[client] = count + 1
            return true
        }
        if !admitted { connectionCount.subtract(1, ordering: .relaxed) }
        return admitted
    }

    /// Forgets a connection counted by `admit`.
    func release(client: UInt32) {
        connectionsByClient.withLock { counts in
            let count = counts[client, default: 1] - 1
            counts[client] = count > 0 ? count : nil
        }
        connectionCount.subtract(1, ordering: .relaxed)
    }

    /// Runs the router, adding `X-Request-ID` (echoed or generated) to its response.
    func respond(to request: HTTPRequest) async -> HTTPResponse {
        let started = System.now()
        let requestID =
            request.headers["x-request-id"].flatMap { $0.isEmpty || $0.utf8.count > 200 ? nil : $0 }
            ?? newRequestID()
        var (response, route) = await router.respondNamingRoute(to: request)
        response.headers.set("X-Request-ID", requestID)
        let duration = System.now() - started
        metrics.record(
            route: route ?? "(unrouted)", method: request.method, status: response.status.code, seconds: duration)
        log(
            method: request.method, target: request.target, status: response.status.code, duration: duration,
            requestID: requestID, note: response.logNote)
        return response
    }

    private func newRequestID() -> String {
        let number = requestCounter.add(1, ordering: .relaxed).newValue
        return String(UInt64.random(in: 0...UInt64.max), radix: 16) + "-" + String(number, radix: 16)
    }

    /// One JSON line per request; `note` is the response's `logNote`, as `"error"`.
    func log(method: String, target: String, status: Int, duration: Double, requestID: String?, note: String? = nil) {
        var line = #"{"method":"# + JSONStringLiteral.quoted(method) + #","target":"# + JSONStringLiteral.quoted(target)
        line += #","status":\#(status),"ms":\#(Int(duration * 1000))"#
        if let requestID { line += #","request_id":"# + JSONStringLiteral.quoted(requestID) }
        if let note { line += #","error":"# + JSONStringLiteral.quoted(note) }
        accessLog(line + "}")
    }
}

/// Responses the server writes itself (before a handler is involved).
enum ServerResponses {
    static func error(_ status: HTTPStatus, _ message: String, method: String? = nil) -> [UInt8] {
        let body = #"{"error":"\#(status.code)","message":"# + JSONStringLiteral.quoted(message) + "}"
        return HTTPResponse.json(Array(body.utf8), status: status).serialized(
            keepAlive: false, headRequest: method == "HEAD")
    }
}
