import Foundation
import JSON
import OCPI
import RegistryCore
import Storage
import Synchronization

/// Pulls one operator's locations from its OCPI Sender (issue #7; ocpi.md §3.1, §3.3, §7.5):
/// discovers the Sender through the versions endpoints, crawls it (a delta from `since`, or
/// everything), and ingests every page into one ingest run of kind `pull`, exactly as a file:
/// findings (the register's too), history, no-op detection, all or nothing. A full pull is the
/// party's whole current set, so its stored locations missing from it are marked removed, unless
/// that is more than `maximumRemovedShare` of them and not `confirmed`.
public struct LocationPull: Sendable {
    public let store: any Store
    public var crawler: OCPIPageCrawler
    public var maximumRemovedShare = 0.2
    /// Told after each page: the records read so far.
    public var progress: (@Sendable (_ records: Int) -> Void)?

    public init(store: any Store, token: String?) {
        self.store = store
        crawler = OCPIPageCrawler(token: token)
        crawler.limit = 1000
    }

    public struct Report: Sendable {
        public var run: IngestRun
        public var endpoint: String
        public var pages: Int
        /// Pages reached by `offset`, because the Sender's `Link` was missing, unusable or failed
        /// (also counted on the run as `ocpi.page_by_offset`).
        public var pagesByOffset = 0
        public var refusals: [IngestRefusal]
        /// A full pull's removals held back: how many were missing, of how many.
        public var removalsWithheld: FullDelivery.Withheld?
    }

    public enum PullError: Error, CustomStringConvertible {
        case discovery(String)

        public var description: String {
            switch self {
            case .discovery(let reason): "cannot find the operator's Locations Sender: \(reason)"
            }
        }
    }

    /// The Locations Sender's URL and version: the versions endpoint's entry for `version`
    /// (or the newest one we read), then its details' `locations` endpoint with role `SENDER`
    /// (2.1.1 has no roles).
    public func discover(versionsURL: String, version wanted: OCPIVersion?) async throws -> (String, OCPIVersion) {
        let details: OCPIVersionDetails
        do {
            details = try await OCPIVersionDetails.fetch(versionsURL, wanted: wanted, client: crawler.client)
        } catch let error as OCPIVersionDetails.DiscoveryError {
            throw PullError.discovery(error.reason)
        }
        guard let url = details.url(of: "locations", role: "SENDER") else {
            throw PullError.discovery("\(versionsURL) \(details.version.rawValue) has no locations SENDER endpoint")
        }
        return (url, details.version)
    }

    /// Crawls and ingests. `since` makes it a delta; `full` a full pull that removes what is absent;
    /// `locationIDs` fetches only those locations, one GET each (OCPI 2.2.1 §8.2.1.2). A pull
    /// whose database connection drops before it commits is crawled and ingested once more.
    public func pull(
        party: PartyCode, endpoint: String, version: OCPIVersion, since: Timestamp? = nil, full: Bool = false,
        confirmed: Bool = false, locationIDs: [String]? = nil
    ) async throws -> Report {
        var plan = IngestPipeline.Plan(
            start: IngestRunStart(kind: .pull, source: endpoint, party: party, ocpiVersion: version.rawValue),
            // The feed's party delivers: its own records and those of codes that authorised it.
            version: version, scope: .deliverers([party]))
        plan.batchSize = crawler.limit ?? 1000
        if full {
            plan.fullDelivery = FullDelivery(
                party: party, maximumRemovedShare: maximumRemovedShare, confirmed: confirmed)
        }
        return try await IngestPipeline.retryingOnDisconnect {
            var (pages, pagesByOffset) = (0, 0)
            let result = try await IngestPipeline.run(plan, store: store) { pipeline in
                if let locationIDs {
                    let base = endpoint.hasSuffix("/") ? endpoint : endpoint + "/"
                    for id in locationIDs {
                        let path =
                            id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
                        try await pipeline.take([(try await crawler.client.data(base + path), nil)])
                        pages += 1
                    }
                } else {
                    let read = Mutex(0)
                    let crawled = try await crawler.crawl(endpoint: endpoint, window: SenderWindow(from: since)) {
                        [progress] objects in
                        try await pipeline.take(objects.map { ($0, nil) })
                        progress?(
                            read.withLock {
                                $0 += objects.count; return $0
                            })
                    }
                    (pages, pagesByOffset) = (crawled.pages, crawled.offsetFallbacks)
                    if pagesByOffset > 0 { await pipeline.note(.pageByOffset, count: pagesByOffset) }
                }
            }
            return Report(
                run: result.run, endpoint: endpoint, pages: pages, pagesByOffset: pagesByOffset,
                refusals: result.refusals, removalsWithheld: result.removalsWithheld)
        }
    }
}
