/// What one client may send, with defaults safe for a public server: anything beyond is answered
/// with the status RFC 9110 names for it (414, 431, 413) and the connection is closed.
public struct HTTPLimits: Sendable {
    /// Bytes in the request line (method, target, version).
    public var requestLineBytes = 8 * 1024
    public var headerCount = 100
    /// Bytes of all header lines together.
    public var headerBytes = 32 * 1024
    /// Bytes of a request body, decoded.
    public var bodyBytes = 8 * 1024 * 1024

    public init() {}
}
