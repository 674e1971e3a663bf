#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// What the event loops share: the configuration, the router, the counters and the draining flag.
final class ServerState: Sendable {
    let configuration: HTTPServerConfiguration
    let router: HTTPRouter
    let connectionCount = Atomic<Int>(0)
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
        self.metrics = metrics
        self.accessLog = accessLog
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
            requestID: requestID)
        return response
    }

    private func newRequestID() -> String {
        let number = requestCounter.add(1, ordering: .relaxed).newValue
        return String(UInt64.random(in: 0...UInt64.max), radix: 16) + "-" + String(number, radix: 16)
    }

    /// One JSON line per request.
    func log(method: String, target: String, status: Int, duration: Double, requestID: String?) {
        var line = #"{"method":"# + Self.quoted(method) + #","target":"# + Self.quoted(target)
        line += #","status":\#(status),"ms":\#(Int(duration * 1000))"#
        if let requestID { line += #","request_id":"# + Self.quoted(requestID) }
        accessLog(line + "}")
    }

    private static func quoted(_ text: String) -> String {
        var result = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": result += "\\\""
            case "\\": result += "\\\\"
            case _ where scalar.value < 0x20:
                result +=
                    "\\u" + String(repeating: "0", count: 4 - String(scalar.value, radix: 16).count)
                    + String(scalar.value, radix: 16)
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result + "\""
    }
}

/// Responses the server writes itself (before a handler is involved).
enum ServerResponses {
    static func error(_ status: HTTPStatus, _ message: String) -> [UInt8] {
        var body = #"{"error":"\#(status.code)","message":"#
        body += "\"" + message.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"") + "\"}"
        return HTTPResponse.json(Array(body.utf8), status: status).serialized(keepAlive: false)
    }
}
