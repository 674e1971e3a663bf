import HTTPServer
import JSON
import Storage

/// The error shape of every API response: `{"error": code, "message": what is wrong}`.
enum APIError {
    static func response(_ status: HTTPStatus, _ code: String, _ message: String) -> HTTPResponse {
        var writer = JSONWriter(capacity: 128)
        writer.beginObject()
        writer.member("error", code)
        writer.member("message", message)
        writer.endObject()
        return .json(writer.bytes, status: status)
    }

    /// A store failure: the service is unavailable, not the request wrong. The public body says
    /// only that (a busy writer says why, and to try again); the store's own words, which can name
    /// the database's host, port, user and schema, go to the access log under the request's id.
    static func storeFailure(_ error: any Error) -> HTTPResponse {
        var response = response(.serviceUnavailable, "unavailable", publicMessage(error))
        response.logNote = "\(error)"
        return response
    }

    /// What a client may read of a store failure.
    static func publicMessage(_ error: any Error) -> String {
        if case .busy? = error as? StoreError { return "\(error)" }
        return "the database is unavailable now; the server's log has the details under this response's X-Request-ID"
    }
}
