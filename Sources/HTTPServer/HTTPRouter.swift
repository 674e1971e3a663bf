/// Routes requests by method and path pattern (`/api/v1/locations/{country_code}/{party_id}`),
/// handing the handler the path parameters; answers `404` for an unknown path and `405` with
/// `Allow` for a known path with another method (RFC 9110 §15.5.6). `HEAD` is served by the
/// `GET` handler, which sees it as a `GET` without content (RFC 9110 §9.3.2: the same answer
/// without its content; a body sent with it has no meaning), so that a handler serving several
/// methods can never take a `HEAD` for a write. A path that is not percent-encoded UTF-8 is a `400`.
public struct HTTPRouter: Sendable {
    public typealias Handler = @Sendable (HTTPRequest, PathParameters) async -> HTTPResponse

    private struct Route: Sendable {
        let method: String
        let pattern: [Segment]
        /// The pattern as written.
        let text: String
        let handler: Handler
    }

    private enum Segment: Sendable, Equatable {
        case literal(String)
        case parameter(String)
    }

    private var routes: [Route] = []
    /// Asked before every routed request with the route's pattern: a response answers in the
    /// handler's place (a rate limit, say), nil lets the handler answer.
    public var gate: (@Sendable (HTTPRequest, String) async -> HTTPResponse?)?
    /// What to answer when no route matches the path.
    public var notFound: @Sendable (HTTPRequest) -> HTTPResponse = { _ in
        .json(Array(#"{"error":"not_found","message":"no such path"}"#.utf8), status: .notFound)
    }

    public init() {}

    /// Every pattern routed, once each, for the OpenAPI document's cross-check.
    public var patterns: [String] {
        var seen: [String] = []
        for route in routes where !seen.contains(route.text) { seen.append(route.text) }
        return seen
    }

    /// The patterns routed for `method`.
    public func routes(method: String) -> [String] { routes.filter { $0.method == method }.map(\.text) }

    public mutating func add(_ method: String, _ pattern: String, _ handler: @escaping Handler) {
        let segments = pattern.split(separator: "/").map { part -> Segment in
            part.hasPrefix("{") && part.hasSuffix("}")
                ? .parameter(String(part.dropFirst().dropLast())) : .literal(String(part))
        }
        routes.append(Route(method: method, pattern: segments, text: pattern, handler: handler))
    }

    public mutating func get(_ pattern: String, _ handler: @escaping Handler) { add("GET", pattern, handler) }

    public func respond(to request: HTTPRequest) async -> HTTPResponse {
        await respondNamingRoute(to: request).response
    }

    /// The response and the pattern that answered (nil when none matched), for metrics.
    func respondNamingRoute(to request: HTTPRequest) async -> (response: HTTPResponse, route: String?) {
        let parts = request.path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        let segments = parts.last == "" && parts.count > 1 ? Array(parts.dropLast()) : Array(parts)
        if let invalid = segments.first(where: { PercentDecoding.decode($0) == nil }) {
            // RFC 3986 §2.1: `%` starts two hex digits; the path is read as UTF-8 (RFC 3987).
            let message = "the path segment \(invalid.prefix(200)) is not percent-encoded UTF-8"
            let body = #"{"error":"bad_request","message":"# + JSONStringLiteral.quoted(message) + "}"
            return (.json(Array(body.utf8), status: .badRequest), nil)
        }
        var allowed: [String] = []
        for route in routes {
            guard let parameters = Self.match(route.pattern, segments) else { continue }
            if route.method == request.method || (request.method == "HEAD" && route.method == "GET") {
                if let gate, let answer = await gate(request, route.text) { return (answer, route.text) }
            }
            if route.method == request.method {
                return (await route.handler(request, parameters), route.text)
            }
            if request.method == "HEAD" && route.method == "GET" {
                var get = request
                get.method = "GET"
                get.body = []
                return (await route.handler(get, parameters), route.text)
            }
            if !allowed.contains(route.method) { allowed.append(route.method) }
        }
        guard allowed.isEmpty else {
            if allowed.contains("GET") { allowed.append("HEAD") }
            let response = HTTPResponse(
                status: .methodNotAllowed,
                headers: ["Allow": allowed.joined(separator: ", "), "Content-Type": "application/json"],
                body: Array(
                    #"{"error":"method_not_allowed","message":"allowed: \#(allowed.joined(separator: ", "))"}"#.utf8))
            return (response, nil)
        }
        return (notFound(request), nil)
    }

    private static func match(_ pattern: [Segment], _ segments: [Substring]) -> PathParameters? {
        guard pattern.count == segments.count else { return nil }
        var parameters = PathParameters()
        for (segment, value) in zip(pattern, segments) {
            switch segment {
            case .literal(let name): guard value == name else { return nil }
            case .parameter(let name):
                guard !value.isEmpty, let decoded = PercentDecoding.decode(value) else { return nil }
                parameters.values[name] = decoded
            }
        }
        return parameters
    }
}

/// The values of a route's `{name}` segments, percent-decoded.
public struct PathParameters: Sendable {
    public var values: [String: String] = [:]

    public init() {}

    public subscript(name: String) -> String? { values[name] }
}
