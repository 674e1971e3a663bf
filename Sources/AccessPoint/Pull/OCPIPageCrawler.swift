import Foundation
import JSON
import RegistryCore
import Storage

/// Reads every page of an OCPI list endpoint (ocpi.md §4.4, §7.6): follows `Link: rel="next"`;
/// when a next link is unusable (unparsable, another scheme or host, the same page again) it goes
/// on by `offset`, keeping the filters; it stops on an empty page, on the last page (no `Link`,
/// and `X-Total-Count` reached when sent), and at a hard ceiling of pages; it honours `X-Limit`.
/// Used to check our own Sender (issue #6) and to pull operators' Senders (issue #7).
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
        /// Pages reached by `offset` because the peer's `Link` was missing or unusable.
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
        guard let origin = URL(string: endpoint), let host = origin.host else {
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
        // The next page is fetched while this one is stored: the peer and the network work while
        // we decode and write.
        var prefetched: Task<OCPIClient.Response, any Error>?
        defer { prefetched?.cancel() }
        while true {
            guard summary.pages < maximumPages else { throw OCPICallError.tooManyPages(summary.pages) }
            let response: OCPIClient.Response
            if let prefetched {
                response = try await prefetched.value
            } else {
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
            } else if let link = response.next, let target = URL(string: link),
                ["http", "https"].contains(target.scheme?.lowercased()), target.host?.lowercased() == host.lowercased(),
                link != url
            {
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
            url = next
        }
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
