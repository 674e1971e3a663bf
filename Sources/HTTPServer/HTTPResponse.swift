/// A response: status, header fields, and a body held in memory or streamed; `serialized` adds
/// the framing (`Content-Length` or chunked, `Connection: close`).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Writes the body piece by piece instead of `body` (large dumps): sent chunked, each write
    /// waiting while the client is slow to read, so memory stays bounded.
    public var stream: (@Sendable (HTTPBodyWriter) async throws -> Void)?
    /// What the access-log line says of this response and the client does not see: a failure's
    /// own words (a database's host, a driver's message), kept for the operator under the
    /// request's id while the public body says only what failed.
    public var logNote: String?

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from bytes already encoded.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// A response whose body `write` streams.
    public static func streamed(
        status: HTTPStatus = .ok, headers: HTTPHeaders,
        _ write: @escaping @Sendable (HTTPBodyWriter) async throws -> Void
    ) -> HTTPResponse {
        var response = HTTPResponse(status: status, headers: headers)
        response.stream = write
        return response
    }

    /// The bytes on the wire: status line, fields, framing, blank line, and the body unless the
    /// request was `HEAD` (RFC 9110 §9.3.2: same fields, no content). A streamed body is framed
    /// chunked for HTTP/1.1 clients and by closing the connection for HTTP/1.0 ones; only the
    /// head is returned for it.
    public func serialized(keepAlive: Bool, headRequest: Bool = false, chunked: Bool = true) -> [UInt8] {
        var head = "HTTP/1.1 \(status.code) \(status.reason)\r\n"
        for (name, value) in headers
        where !name.caseInsensitiveEquals("content-length") && !name.caseInsensitiveEquals("transfer-encoding") {
            head += "\(name): \(value)\r\n"
        }
        let hasContent = status.code != 204 && status.code != 304
        if stream != nil {
            if chunked { head += "Transfer-Encoding: chunked\r\n" }
        } else if hasContent {
            head += "Content-Length: \(body.count)\r\n"
        }
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !headRequest && hasContent && stream == nil { bytes += body }
        return bytes
    }
}
