import OCPI
import RegistryCore
import Storage

/// Runs the pulls of stored feeds (issue #7): one now (`chargereg pull`), or whenever due
/// (`serve`'s scheduler): a delta every few minutes from the last pull's start minus a margin,
/// a full pull daily; intervals are per feed. A failing feed is recorded and never holds up the
/// others, and is tried again after a wait that doubles with each failure, up to an hour
/// (`Feed.nextAttempt`); the log says when a feed starts failing, when it has failed for a day
/// and when it recovers, not at every attempt. The feed of a code that is not in good standing
/// (suspended, revoked, released) is paused: it is not pulled until the office reinstates the
/// code; the office can also pause a feed itself (`feeds pause`). A feed a peer's handshake made
/// calls only where `outbound` allows, at every pull: the peer's URLs are its word, and a name
/// checked once at registration may point elsewhere later.
public struct FeedPuller: Sendable {
    public let store: any Store
    /// Where the feeds of registered peers may be called.
    public var outbound: OutboundPolicy
    /// How often the scheduler looks for due feeds.
    public var tick: Duration = .seconds(30)
    let clock: RegistryClock

    public init(store: any Store, outbound: OutboundPolicy = OutboundPolicy(), clock: RegistryClock = .system) {
        self.store = store
        self.outbound = outbound
        self.clock = clock
    }

    /// What one feed's pull gave.
    public struct Outcome: Sendable {
        public var feed: Feed
        public var kind: PullKind
        public var report: LocationPull.Report?
        public var error: String?
    }

    /// Pulls one feed now: `kind` nil means a delta, or a full pull when none ran yet.
    /// `progress` is told the records read so far, after each page.
    public func pull(
        _ feed: Feed, kind requested: PullKind? = nil, confirmed: Bool = false,
        progress: (@Sendable (_ records: Int) -> Void)? = nil
    ) async -> Outcome {
        let kind = requested ?? (feed.lastFullStartedAt == nil ? .full : .delta)
        let started = clock.now()
        do {
            if let paused = try await Self.pause(of: feed.party, store: store) {
                return Outcome(feed: feed, kind: kind, error: "paused: \(paused)")
            }
            let report = try await withSender(of: feed) { pull, endpoint, version in
                var pull = pull
                pull.progress = progress
                return try await pull.pull(
                    party: feed.party, endpoint: endpoint, version: version,
                    since: kind == .delta ? feed.deltaStart() : nil, full: kind == .full, confirmed: confirmed)
            }
            try await store.register.recordPull(of: feed.party, kind: kind, startedAt: started, error: nil)
            return Outcome(feed: feed, kind: kind, report: report)
        } catch {
            try? await store.register.recordPull(of: feed.party, kind: kind, startedAt: started, error: "\(error)")
            return Outcome(feed: feed, kind: kind, error: "\(error)")
        }
    }

    /// Fetches the locations pushes asked for (an EVSE or connector under a location we lack):
    /// one ingest run per party, the requests cleared whatever the outcome (a failure is the
    /// feed's last error; the next delta or full pull brings the location anyway).
    public func fetchRequested(log: @Sendable (String) -> Void) async throws {
        let register = try await store.register.snapshot()
        for (party, ids) in try await store.register.locationRequests() {
            if register.standingProblem(of: party) != nil { continue }
            guard let feed = try await store.register.feed(of: party) else {
                try await store.register.clearLocationRequests(ids, of: party)
                continue
            }
            let started = clock.now()
            do {
                let report = try await withSender(of: feed) { pull, endpoint, version in
                    try await pull.pull(party: party, endpoint: endpoint, version: version, locationIDs: ids)
                }
                log("\(party): fetched \(ids.joined(separator: ", ")) as pushes asked: run \(report.run.id)")
            } catch {
                try? await store.register.recordPull(of: party, kind: .delta, startedAt: started, error: "\(error)")
                log("\(party): fetching \(ids.joined(separator: ", ")) failed: \(error)")
            }
            try await store.register.clearLocationRequests(ids, of: party)
        }
    }

    /// Why `party`'s feed is paused (its code is not in good standing), or nil when it runs.
    public static func pause(of party: PartyCode, store: any Store) async throws -> String? {
        try await store.register.snapshot().standingProblem(of: party)
    }

    /// Runs `body` with a pull client for the feed and its Locations Sender, discovered afresh.
    private func withSender(
        of feed: Feed, _ body: (LocationPull, String, OCPIVersion) async throws -> LocationPull.Report
    ) async throws -> LocationPull.Report {
        var pull = LocationPull(store: store, token: feed.token)
        if feed.peerID != nil { pull.crawler.client.outbound = outbound }
        let (endpoint, version) = try await pull.discover(
            versionsURL: feed.versionsURL, version: feed.ocpiVersion.flatMap(OCPIVersion.init(text:)))
        return try await body(pull, endpoint, version)
    }

    /// Runs left `running` by a process or server session that is gone, then the locations
    /// asked for, then the feeds due now, each pulled once; on PostgreSQL only one instance does
    /// a round.
    public func runDue(log: @Sendable (String) -> Void) async {
        _ = try? await store.exclusively("pull-round") {
            if let swept = try? await store.sweepInterruptedRuns(), !swept.isEmpty {
                log("runs \(swept.map(String.init).joined(separator: ", ")) interrupted: their process stopped")
            }
            try await fetchRequested(log: log)
            let now = clock.now()
            let register = try await store.register.snapshot()
            for feed in try await store.register.feeds() {
                guard let kind = feed.due(at: now), register.standingProblem(of: feed.party) == nil else { continue }
                let outcome = await pull(feed, kind: kind)
                if let line = Self.logLine(outcome, at: clock.now()) { log(line) }
            }
        }
    }

    /// Runs rounds until the task is cancelled.
    public func schedule(log: @escaping @Sendable (String) -> Void) async {
        while !Task.isCancelled {
            await runDue(log: log)
            try? await Task.sleep(for: tick)
        }
    }

    /// The scheduler's line for a pull: every success (and a recovery), a feed's first failure
    /// and the failure that makes a day of them; nil for the failures between.
    static func logLine(_ outcome: Outcome, at now: Timestamp) -> String? {
        let before = outcome.feed
        guard outcome.report == nil else {
            let line = describe(outcome)
            return before.failures > 0 ? line + " (recovered after \(before.failures) failed attempts)" : line
        }
        guard let since = before.failingSince, let last = before.lastErrorAt else {
            return describe(outcome) + "; tried again after \(before.deltaMinutes) min, then backing off to an hour"
        }
        let day: Int64 = 86_400_000_000
        // Times from the database: checked arithmetic.
        let (failing, overflow) = now.microseconds.subtractingReportingOverflow(since.microseconds)
        let (failed, overflowLast) = last.microseconds.subtractingReportingOverflow(since.microseconds)
        guard !overflow, !overflowLast, failing >= day, failed < day else { return nil }
        return describe(outcome) + "; failing since \(since): its operator's feed_silent finding is raised"
    }

    public static func describe(_ outcome: Outcome) -> String {
        guard let report = outcome.report else {
            return "\(outcome.feed.party): \(outcome.kind.rawValue) pull failed: \(outcome.error ?? "")"
        }
        let s = report.run.summary
        var pages = "\(report.pages) pages"
        if report.pagesByOffset > 0 {
            pages += " (\(report.pagesByOffset) by offset: the Sender's Link was missing, led elsewhere or failed)"
        }
        var text =
            "\(outcome.feed.party): \(outcome.kind.rawValue) pull of \(report.endpoint): \(pages), read \(s.read), new \(s.created), changed \(s.changed), unchanged \(s.unchanged), refused \(s.refused), removed \(s.removed)"
        if let withheld = report.removalsWithheld {
            text +=
                "; not removed: \(withheld.absent) of \(withheld.of) locations are missing (over 20%); run 'chargereg pull --party \(outcome.feed.party) --full --confirm-removals'"
        }
        return text
    }
}
