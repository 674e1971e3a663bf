/// Reads HTTP/1.1 requests from a connection's bytes (RFC 9112), one state machine per
/// connection: bytes go in as they arrive, complete requests come out in order (so pipelined
/// requests are answered in order), and every limit of `HTTPLimits` is enforced before the
/// bytes are buffered. After an error the connection must be closed: framing is lost.
public struct HTTPRequestParser {
    public let limits: HTTPLimits
    private var buffer: [UInt8] = []
    private var start = 0
    private var state = State.requestLine

    private enum State {
        case requestLine
        case headers(Partial)
        case body(Partial, remaining: Int)
        case chunkSize(Partial)
        case chunkData(Partial, remaining: Int)
        case chunkEnd(Partial)
        case trailers(Partial)
    }

    private struct Partial {
        var request: HTTPRequest
        var headerBytes = 0
    }

    public init(limits: HTTPLimits = HTTPLimits()) { self.limits = limits }

    /// True between the first byte of a request and its end: a client silent now is trickling.
    public var isMidRequest: Bool {
        if case .requestLine = state { return start < buffer.count }
        return true
    }

    /// The method of the request being read, once its request line has arrived: a refusal of a
    /// `HEAD` request has no content either (RFC 9110 §9.3.2).
    public var methodInProgress: String? {
        switch state {
        case .requestLine: nil
        case .headers(let partial), .body(let partial, _), .chunkSize(let partial), .chunkData(let partial, _),
            .chunkEnd(let partial), .trailers(let partial):
            partial.request.method
        }
    }

    public mutating func append(_ bytes: UnsafeRawBufferPointer) {
        if start > 0 && start == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            start = 0
        } else if start > 64 * 1024 && start > buffer.count / 2 {
            buffer.removeSubrange(0..<start)
            start = 0
        }
        buffer.append(contentsOf: bytes)
    }

    public mutating func append(_ bytes: [UInt8]) { bytes.withUnsafeBytes { append($0) } }

    /// The next complete request, or nil until more bytes arrive.
    public mutating func next() throws(HTTPParseError) -> HTTPRequest? {
        while true {
            switch state {
            case .requestLine:
                guard let line = try line(limit: limits.requestLineBytes, tooLong: .uriTooLong, what: "request line")
                else { return nil }
                if line.isEmpty { continue }  // RFC 9112 §2.2: empty lines before a request are ignored.
                state = .headers(Partial(request: try Self.requestLine(line)))
            case .headers(var partial):
                let room = limits.headerBytes - partial.headerBytes
                guard let line = try line(limit: room, tooLong: .headerFieldsTooLarge, what: "header section") else {
                    return nil
                }
                partial.headerBytes += line.count + 2
                if line.isEmpty {
                    state = try framing(partial)
                    continue
                }
                guard partial.request.headers.fields.count < limits.headerCount else {
                    throw HTTPParseError(.headerFieldsTooLarge, "more than \(limits.headerCount) header fields")
                }
                let (name, value) = try Self.field(line)
                partial.request.headers.add(name, value)
                state = .headers(partial)
            case .body(var partial, let remaining):
                let taken = take(remaining, into: &partial.request.body)
                if taken < remaining {
                    state = .body(partial, remaining: remaining - taken)
                    return nil
                }
                state = .requestLine
                return partial.request
            case .chunkSize(let partial):
                guard let line = try line(limit: 1024, tooLong: .badRequest, what: "chunk size line") else {
                    return nil
                }
                let size = try Self.chunkSize(line)
                guard partial.request.body.count + size <= limits.bodyBytes else {
                    throw HTTPParseError(.contentTooLarge, "the body is larger than \(limits.bodyBytes) bytes")
                }
                state = size == 0 ? .trailers(partial) : .chunkData(partial, remaining: size)
            case .chunkData(var partial, let remaining):
                let taken = take(remaining, into: &partial.request.body)
                state = taken < remaining ? .chunkData(partial, remaining: remaining - taken) : .chunkEnd(partial)
                if taken < remaining { return nil }
            case .chunkEnd(let partial):
                guard let line = try line(limit: 2, tooLong: .badRequest, what: "chunk") else { return nil }
                guard line.isEmpty else { throw HTTPParseError(.badRequest, "chunk data longer than its size") }
                state = .chunkSize(partial)
            case .trailers(var partial):
                let room = limits.headerBytes - partial.headerBytes
                guard let line = try line(limit: room, tooLong: .headerFieldsTooLarge, what: "trailer section") else {
                    return nil
                }
                partial.headerBytes += line.count + 2
                if line.isEmpty {
                    state = .requestLine
                    return partial.request
                }
                state = .trailers(partial)  // Trailer fields are read and dropped.
            }
        }
    }

    /// The next line without its CRLF (or bare LF), or nil if it has not fully arrived.
    private mutating func line(limit: Int, tooLong: HTTPStatus, what: String) throws(HTTPParseError) -> ArraySlice<
        UInt8
    >? {
        let end = min(buffer.count, start + limit + 2)
        guard let newline = buffer[start..<end].firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.count - start > limit + 1 {
                throw HTTPParseError(tooLong, "the \(what) is longer than \(limit) bytes")
            }
            return nil
        }
        var line = buffer[start..<newline]
        start = newline + 1
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        guard line.count <= limit else { throw HTTPParseError(tooLong, "the \(what) is longer than \(limit) bytes") }
        if line.contains(UInt8(ascii: "\r")) || line.contains(0) {
            throw HTTPParseError(.badRequest, "a stray CR or NUL in the \(what)")
        }
        return line
    }

    /// Moves up to `count` buffered bytes into `body`; returns how many.
    private mutating func take(_ count: Int, into body: inout [UInt8]) -> Int {
        let taken = min(count, buffer.count - start)
        body.append(contentsOf: buffer[start..<start + taken])
        start += taken
        return taken
    }

    /// How the body is delimited (RFC 9112 §6.3), refusing ambiguous framing (request smuggling).
    private func framing(_ partial: Partial) throws(HTTPParseError) -> State {
        var partial = partial
        try Self.checkHost(&partial.request)
        let request = partial.request
        let lengths = request.headers.values("content-length")
        let encodings = request.headers.values("transfer-encoding")
        if !encodings.isEmpty {
            guard lengths.isEmpty else {
                throw HTTPParseError(.badRequest, "both Transfer-Encoding and Content-Length")
            }
            guard request.minorVersion == 1 else {
                throw HTTPParseError(.badRequest, "Transfer-Encoding in an HTTP/1.0 request")
            }
            let codings = encodings.flatMap { $0.split(separator: ",") }.map { $0.trimmingSpaces.lowercased() }
            guard codings == ["chunked"] else {
                throw HTTPParseError(
                    .notImplemented, "transfer coding '\(encodings.joined(separator: ", "))'; only chunked is supported"
                )
            }
            return .chunkSize(partial)
        }
        guard let first = lengths.first else { return .body(partial, remaining: 0) }
        let values = Set(lengths.flatMap { $0.split(separator: ",") }.map { String($0.trimmingSpaces) })
        guard values.count == 1, let text = values.first, !text.isEmpty, text.utf8.count <= 18,
            text.utf8.allSatisfy({ (48...57).contains($0) }), let length = Int(text)
        else {
            throw HTTPParseError(.badRequest, "Content-Length '\(first)' is not one decimal number")
        }
        guard length <= limits.bodyBytes else {
            throw HTTPParseError(.contentTooLarge, "the body is larger than \(limits.bodyBytes) bytes")
        }
        return .body(partial, remaining: length)
    }

    private static func requestLine(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> HTTPRequest {
        let parts = line.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty else {
            throw HTTPParseError(.badRequest, "the request line is not 'METHOD target HTTP/1.1'")
        }
        guard parts[0].allSatisfy(isTokenCharacter) else {
            throw HTTPParseError(.badRequest, "the method contains a character a token may not have")
        }
        guard parts[1].allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw HTTPParseError(.badRequest, "the request target contains a space, control or non-ASCII byte")
        }
        let version = parts[2]
        guard version.count == 8, version.starts(with: Array("HTTP/1.".utf8)) else {
            if version.starts(with: Array("HTTP/".utf8)) {
                throw HTTPParseError(.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served")
            }
            throw HTTPParseError(.badRequest, "the request line does not end with an HTTP version")
        }
        let minor = Int(version.last!) - 48
        guard minor == 0 || minor == 1 else {
            throw HTTPParseError(.httpVersionNotSupported, "only HTTP/1.0 and HTTP/1.1 are served")
        }
        var request = HTTPRequest(
            method: String(decoding: parts[0], as: UTF8.self), target: String(decoding: parts[1], as: UTF8.self),
            minorVersion: minor)
        try Self.originForm(&request)
        return request
    }

    /// The absolute form `http://host/path?query` (RFC 9112 §3.2.2), which a server must accept,
    /// read as its origin form; its authority stands in for the Host field, which is then ignored.
    private static func originForm(_ request: inout HTTPRequest) throws(HTTPParseError) {
        let target = request.target
        guard !target.hasPrefix("/"), let schemeEnd = target.firstRange(of: "://") else { return }
        let scheme = target[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            throw HTTPParseError(.badRequest, "the request target is not a path or an http(s) URL")
        }
        let rest = target[schemeEnd.upperBound...]
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        guard !authority.isEmpty, !authority.contains("@") else {
            throw HTTPParseError(.badRequest, "the request target's authority is not host[:port]")
        }
        let path = rest[authorityEnd...]
        request.target = path.hasPrefix("/") ? String(path) : "/" + path
        request.absoluteFormHost = String(authority)
    }

    /// RFC 9112 §3.2: exactly one Host field in HTTP/1.1 (at most one in 1.0), with a value that
    /// is a host and optional port; the authority of an absolute-form target takes its place.
    private static func checkHost(_ request: inout HTTPRequest) throws(HTTPParseError) {
        let hosts = request.headers.values("host")
        guard hosts.count <= 1 else { throw HTTPParseError(.badRequest, "more than one Host header") }
        if let authority = request.absoluteFormHost {
            request.headers.set("Host", authority)
        } else if request.minorVersion == 1 && hosts.isEmpty {
            throw HTTPParseError(.badRequest, "an HTTP/1.1 request needs a Host header")
        }
        guard let host = request.headers["host"] else { return }
        guard host.utf8.allSatisfy(isHostCharacter) else {
            throw HTTPParseError(.badRequest, "the Host header is not host[:port]")
        }
    }

    /// reg-name, IP literal and port characters of RFC 3986 §3.2.2–3.2.3.
    private static func isHostCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("-._~%!$&'()*+,;=:[]".utf8).contains(byte)
        }
    }

    private static func field(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> (String, String) {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else {
            throw HTTPParseError(.badRequest, "a header line without a field name and ':'")
        }
        let name = line[..<colon]
        guard name.allSatisfy(isTokenCharacter) else {
            throw HTTPParseError(
                .badRequest, "the header name '\(String(decoding: name, as: UTF8.self))' is not a token")
        }
        var value = line[(colon + 1)...]
        while let first = value.first, first == 0x20 || first == 0x09 { value.removeFirst() }
        while let last = value.last, last == 0x20 || last == 0x09 { value.removeLast() }
        // RFC 9110 §5.5: a field value has no control characters but HTAB.
        guard !value.contains(where: { ($0 < 0x20 && $0 != 0x09) || $0 == 0x7F }) else {
            throw HTTPParseError(
                .badRequest,
                "the value of header '\(String(decoding: name, as: UTF8.self))' contains a control character")
        }
        guard let text = String(validating: value, as: UTF8.self) else {
            throw HTTPParseError(
                .badRequest, "the value of header '\(String(decoding: name, as: UTF8.self))' is not valid UTF-8")
        }
        return (String(decoding: name, as: UTF8.self), text)
    }

    /// `chunk-size [ chunk-ext ]` of RFC 9112 §7.1: hex digits only (no sign, no junk), then
    /// nothing or an extension (`BWS ";" …`), which is ignored.
    private static func chunkSize(_ line: ArraySlice<UInt8>) throws(HTTPParseError) -> Int {
        let digits = line.prefix { PercentDecoding.hexValue($0) != nil }
        let rest = line[digits.endIndex...].drop { $0 == 0x20 || $0 == 0x09 }
        guard !digits.isEmpty, digits.count <= 15, rest.isEmpty || rest.first == UInt8(ascii: ";") else {
            throw HTTPParseError(
                .badRequest,
                "the chunk size line '\(String(decoding: line.prefix(40), as: UTF8.self))' is not hexadecimal digits")
        }
        return digits.reduce(0) { $0 << 4 | Int(PercentDecoding.hexValue($1) ?? 0) }
    }

    /// tchar of RFC 9110 §5.6.2.
    private static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }
}
