import Foundation
import JSON
import RegistryCore
import Storage

/// Reads every page of an OCPI list endpoint (OCPI 2.2.1 §4.1.3, pagination): follows
/// `Link: rel="next"`; when a next link is unusable (unparsable, the same page again, or leading
/// anywhere but this endpoint: another scheme, host, port or path) or answers 4xx, it goes on by
/// `offset`, keeping the filters; it stops on an empty page, on the last page (no `Link`, and
/// `X-Total-Count` reached when sent), and at a hard ceiling of pages; it honours `X-Limit`.
/// Used to check our own Sender (issue #6) and to pull operators' Senders (issue #7).
///
/// Real Senders link elsewhere: extrawest-ocpi (FastAPI) behind a TLS proxy writes `https://`
/// links to a `http://` endpoint, with its route template as the path
/// (`/ocpi/cpo/VersionNumber.v_2_2_1/ModuleID.locations/`), which answers 404.
public struct OCPIPageCrawler: Sendable {
    public var client: OCPIClient
    /// The page size asked for (the peer may cap it).
    public var limit: Int?
    public var maximumPages = 10_000

    public init(token: String? = nil) { client = OCPIClient(token: token) }

    /// What a crawl read.
    public struct Summary: Sendable, Equatable {
        public var pages = 0
        public var objects = 0
        /// Pages reached by `offset` because the peer's `Link` was missing, unusable or failed.
        public var offsetFallbacks = 0
    }

    /// Crawls `endpoint` for the window, handing each page's `data` objects to `page`.
    public func crawl(
        endpoint: String, window: SenderWindow = SenderWindow(),
        _ page: @Sendable ([JSONValue]) async throws -> Void
    ) async throws -> Summary {
        var filters: [String] = []
        if let from = window.from { filters.append("date_from=\(from)") }
        if let to = window.to { filters.append("date_to=\(to)") }
        guard let origin = URL(string: endpoint), origin.host != nil else {
            throw OCPICallError.malformed(url: endpoint, reason: "not an absolute URL")
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
        var followingLink = false
        // The next page is fetched while this one is stored: the peer and the network work while
        // we decode and write.
        var prefetched: Task<OCPIClient.Response, any Error>?
        defer { prefetched?.cancel() }
        while true {
            guard summary.pages < maximumPages else { throw OCPICallError.tooManyPages(summary.pages) }
            var response: OCPIClient.Response
            do {
                if let prefetched {
                    response = try await prefetched.value
                } else {
                    response = try await client.getRetrying(url)
                }
            } catch OCPICallError.http(_, let status, _) where followingLink && (400..<500).contains(status) {
                summary.offsetFallbacks += 1
                url = offsetURL(offset)
                response = try await client.getRetrying(url)
            }
            prefetched = nil
            summary.pages += 1
            let objects = try Self.objects(response.body, url: url)
            summary.objects += objects.count
            offset += objects.count
            if let cap = response.limit, cap > 0, pageSize.map({ $0 > cap }) ?? true { pageSize = cap }
            var next: String?
            if objects.isEmpty {
                next = nil
            } else if let link = response.next, link != url, Self.link(link, continues: origin) {
                next = link
            } else if response.next == nil, response.total.map({ offset >= $0 }) ?? true {
                next = nil
            } else {
                summary.offsetFallbacks += 1
                next = offsetURL(offset)
            }
            if let next, summary.pages < maximumPages {
                let client = client
                prefetched = Task { try await client.getRetrying(next) }
            }
            if !objects.isEmpty { try await page(objects) }
            guard let next else { return summary }
            followingLink = next == response.next
            url = next
        }
    }

    /// Whether `link` leads to the endpoint at `origin` (another page of it): the same scheme,
    /// host, port and path, a trailing slash aside. Only its query may differ.
    static func link(_ link: String, continues origin: URL) -> Bool {
        guard let target = URL(string: link), let scheme = target.scheme?.lowercased(),
            scheme == origin.scheme?.lowercased(), let host = target.host?.lowercased(),
            host == origin.host?.lowercased()
        else { return false }
        let defaultPort = scheme == "https" ? 443 : 80
        func trimmed(_ path: String) -> String { path.hasSuffix("/") ? String(path.dropLast()) : path }
        return (target.port ?? defaultPort) == (origin.port ?? defaultPort)
            && trimmed(target.path) == trimmed(origin.path)
    }

    /// The `data` array of an OCPI envelope whose status is success (1xxx).
    static func objects(_ body: Data, url: String) throws -> [JSONValue] {
        switch try OCPIClient.data(body, url: url) {
        case .array(let items): items
        case .null: []
        case let other: [other]
        }
    }
}
