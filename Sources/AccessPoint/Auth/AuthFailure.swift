import HTTPServer

/// A request of the API without the credential a route needs (`401`, with `WWW-Authenticate`,
/// RFC 6750 §3), or with one that does not allow it (`403`).
enum AuthFailure: Error {
    case missing(String)
    case forbidden(String)

    var response: HTTPResponse {
        switch self {
        case .missing(let what):
            var response = APIError.response(.unauthorized, "unauthorized", "send \(what) as 'Authorization: Bearer …'")
            response.headers.set("WWW-Authenticate", "Bearer")
            return response
        case .forbidden(let message): return APIError.response(.forbidden, "forbidden", message)
        }
    }
}
