/// One HTTP/1.x request as received: method and target as sent, header fields in order, the body
/// decoded (Content-Length or chunked).
public struct HTTPRequest: Sendable {
    public var method: String
    /// The request target as sent: path and query (origin form).
    public var target: String
    /// 0 for HTTP/1.0, 1 for HTTP/1.1.
    public var minorVersion: Int
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// The authority of an absolute-form target (RFC 9112 §3.2.2), which replaces `Host`.
    var absoluteFormHost: String?
    /// The client's address as the server's socket sees it (`203.0.113.7`); nil in-process.
    public var clientAddress: String?

    public init(
        method: String, target: String, minorVersion: Int = 1, headers: HTTPHeaders = HTTPHeaders(),
        body: [UInt8] = []
    ) {
        self.method = method
        self.target = target
        self.minorVersion = minorVersion
        self.headers = headers
        self.body = body
    }

    /// The target's path, without the query.
    public var path: Substring { target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0] }

    /// The raw query (after `?`), or empty.
    public var query: Substring {
        guard let mark = target.firstIndex(of: "?") else { return "" }
        return target[target.index(after: mark)...]
    }

    /// Whether the connection stays open after the response (RFC 9112 §9.3): HTTP/1.1 unless
    /// `Connection: close`; HTTP/1.0 only with `Connection: keep-alive`.
    public var keepAlive: Bool {
        let connection = headers["connection"]?.lowercased() ?? ""
        let options = connection.split(separator: ",").map { $0.trimmingSpaces }
        return minorVersion >= 1 ? !options.contains("close") : options.contains("keep-alive")
    }
}

extension Substring {
    var trimmingSpaces: Substring {
        var text = self
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return text
    }
}
