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

    public init(store: any Store, token: String?) {
        self.store = store
        crawler = OCPIPageCrawler(token: token)
        crawler.limit = 1000
    }

    public struct Report: Sendable {
        public var run: IngestRun
        public var endpoint: String
        public var pages: Int
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
    /// `locationIDs` fetches only those locations, one GET each (OCPI 2.2.1 §8.2.1.2).
    public func pull(
        party: PartyCode, endpoint: String, version: OCPIVersion, since: Timestamp? = nil, full: Bool = false,
        confirmed: Bool = false, locationIDs: [String]? = nil
    ) async throws -> Report {
        let register = try await store.register.snapshot()
        let session = try await store.beginIngest(
            IngestRunStart(kind: .pull, source: endpoint, party: party, ocpiVersion: version.rawValue))
        let state = Mutex(PullState())
        let decoder = LocationDecoder(version: version, declaredParty: party)
        // The feed's party delivers: its own records and those of codes that authorised it.
        let scope = DeliveryScope.deliverers([party])
        do {
            @Sendable func ingest(_ objects: [JSONValue]) async throws {
                let batch = state.withLock { state in
                    state.take(objects, decoder: decoder, scope: scope, register: register)
                }
                let outcomes = try await session.apply(batch.incoming)
                if !batch.refusals.isEmpty { try await session.refuse(batch.refusals) }
                state.withLock { state in for outcome in outcomes { state.summary.count(outcome) } }
            }
            var pages = 0
            if let locationIDs {
                let base = endpoint.hasSuffix("/") ? endpoint : endpoint + "/"
                for id in locationIDs {
                    let path = id.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed.subtracting(["/"])) ?? id
                    try await ingest([try await crawler.client.data(base + path)])
                    pages += 1
                }
            } else {
                pages = try await crawler.crawl(endpoint: endpoint, window: SenderWindow(from: since), ingest).pages
            }
            var withheld: FullDelivery.Withheld?
            if full {
                let delivery = FullDelivery(
                    party: party, maximumRemovedShare: maximumRemovedShare, confirmed: confirmed)
                let (removed, held) = try await delivery.removeAbsent(state.withLock { $0.delivered }, in: session)
                state.withLock { $0.summary.removed = removed }
                withheld = held
            }
            let run = try await session.finish(state.withLock { $0.summary })
            return Report(
                run: run, endpoint: endpoint, pages: pages, refusals: state.withLock { $0.refusals },
                removalsWithheld: withheld)
        } catch {
            _ = try? await session.abandon(error: "\(error)", state.withLock { $0.summary })
            throw error
        }
    }

    /// What a pull has seen so far.
    struct PullState {
        var summary = IngestRunSummary()
        var refusals: [IngestRefusal] = []
        var delivered: Set<LocationKey> = []

        /// Decodes one page: the locations to store and the records refused.
        mutating func take(
            _ objects: [JSONValue], decoder: LocationDecoder, scope: DeliveryScope, register: RegisterSnapshot
        ) -> (incoming: [IncomingLocation], refusals: [IngestRefusal]) {
            var incoming: [IncomingLocation] = []
            var refused: [IngestRefusal] = []
            for object in objects {
                summary.read += 1
                switch decoder.decode(object).flatMap({ scope.admit($0, register: register) }) {
                case .success(let checked):
                    summary.count(checked.findings)
                    delivered.insert(checked.location.key)
                    incoming.append(checked)
                case .failure(let refusal):
                    summary.countRefusal(code: refusal.code)
                    refused.append(
                        IngestRefusal(
                            position: summary.read, byteOffset: nil, locationID: refusal.locationID,
                            reason: refusal.reason))
                }
            }
            if refusals.count < 1000 { refusals += refused.prefix(1000 - refusals.count) }
            return (incoming, refused)
        }
    }
}
