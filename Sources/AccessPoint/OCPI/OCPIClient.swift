import Foundation
import JSON

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Calls a peer's OCPI endpoints (ocpi.md §4): `Authorization: Token …` (Base64 for 2.2+, raw
/// for 2.1.1 and the many peers that expect it; §4.3), fresh `X-Request-ID`/`X-Correlation-ID`
/// on every request (§4.5), and the response envelope read with its status (§4.1). Reads that may
/// pass (a timeout, no connection, 5xx) are retried with a doubling backoff.
public struct OCPIClient: Sendable {
    public var token: String?
    public var base64Token = true
    public var timeout: TimeInterval = 60
    /// A GET that times out, cannot connect or answers 5xx is asked again this many times,
    /// waiting `backoff`, then twice as long, and so on.
    public var retries = 3
    public var backoff: Duration = .milliseconds(500)
    /// Checked before every call when the URLs come from a caller the registry does not control
    /// (the credentials handshake); nil for the office's own calls.
    public var outbound: OutboundPolicy?

    public init(token: String? = nil) { self.token = token }

    /// An HTTP 200 answer and the headers pagination reads.
    struct Response {
        var body: Data
        var next: String?
        var total: Int?
        var limit: Int?
    }

    /// `call`, again after a pause when the failure may pass (transport, 5xx).
    func getRetrying(_ url: String) async throws -> Response {
        var wait = backoff
        for _ in 0..<retries {
            do { return try await call("GET", url) } catch let error as OCPICallError {
                switch error {
                case .transport, .http(_, 500...599, _): break
                default: throw error
                }
            }
            try await Task.sleep(for: wait)
            wait *= 2
        }
        return try await call("GET", url)
    }

    /// One request; anything but HTTP 200 is an error naming the URL. Only `http` and `https`
    /// URLs are called (`OutboundPolicy`).
    func call(_ method: String, _ url: String, body: [UInt8]? = nil) async throws -> Response {
        guard let target = URL(string: url), target.host != nil else {
            throw OCPICallError.malformed(url: url, reason: "not a URL")
        }
        if let problem = OutboundPolicy.schemeProblem(of: target) {
            throw OCPICallError.malformed(url: url, reason: problem)
        }
        if let outbound, let refusal = await outbound.refusal(of: url) {
            throw OCPICallError.malformed(url: url, reason: refusal)
        }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        request.httpMethod = method
        if let token {
            request.setValue(
                "Token " + (base64Token ? Data(token.utf8).base64EncodedString() : token),
                forHTTPHeaderField: "Authorization")
        }
        if let body {
            request.httpBody = Data(body)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let id = UUID().uuidString.lowercased()
        request.setValue(id, forHTTPHeaderField: "X-Request-ID")
        request.setValue(id, forHTTPHeaderField: "X-Correlation-ID")
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw OCPICallError.transport(url: url, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw OCPICallError.transport(url: url, reason: "not an HTTP response")
        }
        guard http.statusCode == 200 else {
            throw OCPICallError.http(url: url, status: http.statusCode, body: String(decoding: data, as: UTF8.self))
        }
        func header(_ name: String) -> String? { http.value(forHTTPHeaderField: name) }
        return Response(
            body: data, next: header("Link").flatMap { LinkHeader.target([$0], relation: "next") },
            total: header("X-Total-Count").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
            limit: header("X-Limit").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }

    /// The `data` of a GET (retried) or of one call with another method.
    func data(_ url: String, method: String = "GET", body: [UInt8]? = nil) async throws -> JSONValue {
        let response = method == "GET" ? try await getRetrying(url) : try await call(method, url, body: body)
        return try Self.data(response.body, url: url)
    }

    /// The `data` of an OCPI envelope whose status is success (1xxx); an error naming the URL and
    /// the peer's status otherwise.
    static func data(_ body: Data, url: String) throws -> JSONValue {
        let envelope: JSONValue
        do { envelope = try JSONParser.parse(body) } catch {
            throw OCPICallError.malformed(url: url, reason: "the body is not JSON: \(error)")
        }
        guard case .number(let code)? = envelope["status_code"], let status = code.intValue else {
            throw OCPICallError.malformed(url: url, reason: "no status_code in the response envelope")
        }
        guard (1000..<2000).contains(status) else {
            var message = ""
            if case .string(let text)? = envelope["status_message"] { message = text }
            throw OCPICallError.ocpi(url: url, code: status, message: message)
        }
        return envelope["data"] ?? .null
    }
}

/// Why a call to a peer failed, naming the URL.
public enum OCPICallError: Error, CustomStringConvertible, Equatable {
    case transport(url: String, reason: String)
    case http(url: String, status: Int, body: String)
    case ocpi(url: String, code: Int, message: String)
    case malformed(url: String, reason: String)
    case tooManyPages(Int)

    public var description: String {
        switch self {
        case .transport(let url, let reason): "\(url): \(reason)"
        case .http(let url, let status, let body): "\(url): HTTP \(status) \(body.prefix(200))"
        case .ocpi(let url, let code, let message): "\(url): OCPI status \(code) \(message)"
        case .malformed(let url, let reason): "\(url): \(reason)"
        case .tooManyPages(let pages): "stopped after \(pages) pages (the ceiling)"
        }
    }
}
