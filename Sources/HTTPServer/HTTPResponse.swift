/// A response: status, header fields, and a body held in memory; `serialized` adds the framing
/// (`Content-Length`, `Connection: close`).
public struct HTTPResponse: Sendable {
    public var status: HTTPStatus
    public var headers: HTTPHeaders
    public var body: [UInt8]

    public init(status: HTTPStatus = .ok, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    /// A JSON response from bytes already encoded.
    public static func json(_ body: [UInt8], status: HTTPStatus = .ok) -> HTTPResponse {
        HTTPResponse(status: status, headers: ["Content-Type": "application/json"], body: body)
    }

    /// The bytes on the wire: status line, fields, `Content-Length`, blank line, and the body unless
    /// the request was `HEAD` (RFC 9110 §9.3.2: same fields, no content).
    public func serialized(keepAlive: Bool, headRequest: Bool = false) -> [UInt8] {
        var head = "HTTP/1.1 \(status.code) \(status.reason)\r\n"
        for (name, value) in headers where !name.caseInsensitiveEquals("content-length") {
            head += "\(name): \(value)\r\n"
        }
        if status.code != 204 && status.code != 304 { head += "Content-Length: \(body.count)\r\n" }
        if !keepAlive { head += "Connection: close\r\n" }
        head += "\r\n"
        var bytes = Array(head.utf8)
        if !headRequest && status.code != 204 && status.code != 304 { bytes += body }
        return bytes
    }
}
