import Foundation
import JSON
import RegistryCore
import Storage

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// Reads every page of an OCPI list endpoint (ocpi.md §4.4, §7.6): follows `Link: rel="next"`;
/// when a next link is unusable (unparsable, another scheme or host, the same page again) it goes
/// on by `offset`, keeping the filters; it stops on an empty page, on the last page (no `Link`,
/// and `X-Total-Count` reached when sent), and at a hard ceiling of pages; it honours `X-Limit`.
/// Used to check our own Sender (issue #6) and to pull operators' Senders (issue #7).
public struct OCPIPageCrawler: Sendable {
    /// The token to send as `Authorization: Token …`, and whether to Base64 it (OCPI 2.2+) or
    /// send it raw (2.1.1 and many 2.2 peers; ocpi.md §4.3).
    public var token: String?
    public var base64Token = true
    /// The page size asked for (the peer may cap it).
    public var limit: Int?
    public var maximumPages = 10_000
    public var timeout: TimeInterval = 60
    /// A page that times out, cannot connect or answers 5xx is asked again this many times,
    /// waiting `backoff`, then twice as long, and so on.
    public var retries = 3
    public var backoff: Duration = .milliseconds(500)

    public init(token: String? = nil) { self.token = token }

    /// What a crawl read.
    public struct Summary: Sendable, Equatable {
        public var pages = 0
        public var objects = 0
        /// Pages reached by `offset` because the peer's `Link` was missing or unusable.
        public var offsetFallbacks = 0
    }

    public enum CrawlError: Error, CustomStringConvertible, Equatable {
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

    /// Crawls `endpoint` for the window, handing each page's `data` objects to `page`.
    public func crawl(
        endpoint: String, window: SenderWindow = SenderWindow(),
        _ page: @Sendable ([JSONValue]) async throws -> Void
    ) async throws -> Summary {
        var filters: [String] = []
        if let from = window.from { filters.append("date_from=\(from)") }
        if let to = window.to { filters.append("date_to=\(to)") }
        guard let origin = URL(string: endpoint), let host = origin.host else {
            throw CrawlError.malformed(url: endpoint, reason: "not an absolute URL")
        }
        var pageSize = limit
        func offsetURL(_ offset: Int) -> String {
            let query = filters + (pageSize.map { ["limit=\($0)"] } ?? []) + (offset > 0 ? ["offset=\(offset)"] : [])
            return query.isEmpty
                ? endpoint : endpoint + (endpoint.contains("?") ? "&" : "?") + query.joined(separator: "&")
        }
        var summary = Summary()
        var url = offsetURL(0)
        var offset = 0
        while true {
            guard summary.pages < maximumPages else { throw CrawlError.tooManyPages(summary.pages) }
            let response = try await getRetrying(url)
            summary.pages += 1
            let objects = try Self.objects(response.body, url: url)
            if !objects.isEmpty { try await page(objects) }
            summary.objects += objects.count
            offset += objects.count
            if let cap = response.limit, cap > 0, pageSize.map({ $0 > cap }) ?? true { pageSize = cap }
            if objects.isEmpty { return summary }
            if let link = response.next {
                if let next = URL(string: link), ["http", "https"].contains(next.scheme?.lowercased()),
                    next.host?.lowercased() == host.lowercased(), link != url
                {
                    url = link
                    continue
                }
            } else if response.total.map({ offset >= $0 }) ?? true {
                return summary
            }
            summary.offsetFallbacks += 1
            url = offsetURL(offset)
        }
    }

    struct Response {
        var body: Data
        var next: String?
        var total: Int?
        var limit: Int?
    }

    /// `get`, again after a pause when the failure may pass (transport, 5xx).
    func getRetrying(_ url: String) async throws -> Response {
        var wait = backoff
        for _ in 0..<retries {
            do { return try await get(url) } catch let error as CrawlError {
                switch error {
                case .transport, .http(_, 500...599, _): break
                default: throw error
                }
            }
            try await Task.sleep(for: wait)
            wait *= 2
        }
        return try await get(url)
    }

    func get(_ url: String) async throws -> Response {
        guard let target = URL(string: url) else { throw CrawlError.malformed(url: url, reason: "not a URL") }
        var request = URLRequest(url: target, timeoutInterval: timeout)
        if let token {
            request.setValue(
                "Token " + (base64Token ? Data(token.utf8).base64EncodedString() : token),
                forHTTPHeaderField: "Authorization")
        }
        let id = UUID().uuidString.lowercased()
        request.setValue(id, forHTTPHeaderField: "X-Request-ID")
        request.setValue(id, forHTTPHeaderField: "X-Correlation-ID")
        let data: Data
        let response: URLResponse
        do { (data, response) = try await URLSession.shared.data(for: request) } catch {
            throw CrawlError.transport(url: url, reason: error.localizedDescription)
        }
        guard let http = response as? HTTPURLResponse else {
            throw CrawlError.transport(url: url, reason: "not an HTTP response")
        }
        guard http.statusCode == 200 else {
            throw CrawlError.http(url: url, status: http.statusCode, body: String(decoding: data, as: UTF8.self))
        }
        func header(_ name: String) -> String? { http.value(forHTTPHeaderField: name) }
        return Response(
            body: data, next: header("Link").flatMap { LinkHeader.target([$0], relation: "next") },
            total: header("X-Total-Count").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) },
            limit: header("X-Limit").flatMap { Int($0.trimmingCharacters(in: .whitespaces)) })
    }

    /// The `data` array of an OCPI envelope whose status is success (1xxx).
    static func objects(_ body: Data, url: String) throws -> [JSONValue] {
        switch try data(body, url: url) {
        case .array(let items): items
        case .null: []
        case let other: [other]
        }
    }

    /// The `data` of an OCPI envelope whose status is success (1xxx); an error naming the URL and
    /// the peer's status otherwise.
    static func data(_ body: Data, url: String) throws -> JSONValue {
        let envelope: JSONValue
        do { envelope = try JSONParser.parse(body) } catch {
            throw CrawlError.malformed(url: url, reason: "the body is not JSON: \(error)")
        }
        guard case .number(let code)? = envelope["status_code"], let status = code.intValue else {
            throw CrawlError.malformed(url: url, reason: "no status_code in the response envelope")
        }
        guard (1000..<2000).contains(status) else {
            var message = ""
            if case .string(let text)? = envelope["status_message"] { message = text }
            throw CrawlError.ocpi(url: url, code: status, message: message)
        }
        return envelope["data"] ?? .null
    }
}
