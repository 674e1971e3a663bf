import HTTPServer

/// Who may call a route, decided before its handler runs. A guard reads the request's
/// credential, establishes the caller (the office's actor, an application, an OCPI peer, an
/// operator's codes) and hands it to the handler, or answers the refusal itself in the route
/// family's own error form (the API's JSON error with `WWW-Authenticate`, RFC 6750 §3; OCPI's
/// envelope with its status code, OCPI 2.2.1 §4.1.7). Handlers never read a token: the guards
/// live here, and `AccessRoutes` puts one in front of every route group, so the whole access
/// policy reads in one place.
struct RouteGuard<Caller: Sendable>: Sendable {
    /// The caller, or the response that refuses the request.
    let admit: @Sendable (HTTPRequest, PathParameters) async -> Result<Caller, AccessRefusal>

    /// The same guard, handing the handler `transform` of its caller.
    func map<Other: Sendable>(_ transform: @escaping @Sendable (Caller) -> Other) -> RouteGuard<Other> {
        let admit = admit
        return RouteGuard<Other> { request, parameters in await admit(request, parameters).map(transform) }
    }
}

extension RouteGuard where Caller == Void {
    /// Open to everyone: no credential is read.
    static var everyone: RouteGuard<Void> { RouteGuard { _, _ in .success(()) } }
}

/// A request a guard does not let through, and the answer it gets instead of the handler's.
struct AccessRefusal: Error {
    let response: HTTPResponse
}

extension HTTPRouter {
    /// Adds a route whose handler runs only for a caller `routeGuard` admits.
    mutating func add<Caller>(
        _ method: String, _ pattern: String, behind routeGuard: RouteGuard<Caller>,
        _ handler: @escaping @Sendable (HTTPRequest, PathParameters, Caller) async -> HTTPResponse
    ) {
        add(method, pattern) { request, parameters in
            switch await routeGuard.admit(request, parameters) {
            case .success(let caller): await handler(request, parameters, caller)
            case .failure(let refusal): refusal.response
            }
        }
    }
}
