import HTTPServer
import JSON

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

    /// A store failure: the service is unavailable, not the request wrong.
    static func storeFailure(_ error: any Error) -> HTTPResponse {
        response(.serviceUnavailable, "unavailable", "\(error)")
    }
}
