import Quality
import RegistryCore
import Storage

/// Keeps the quality scorecards current while the access point serves (issue #8): after data
/// arrives (a new ingest run or a published change) it rescans, at most once per `interval`, and
/// it rescans at least every `maximumAge` anyway, because timeliness changes with the clock alone.
/// Each scan replaces the day's snapshots, so the last scan of a day is that day's record. On
/// PostgreSQL only one instance scans at a time.
public struct QualityMonitor: Sendable {
    let scan: QualityScan
    let store: any Store
    let clock: RegistryClock
    public var interval: Duration
    public var maximumAge: Int64

    public init(
        store: any Store, rulebook: QualityRulebook, clock: RegistryClock = .system, interval: Duration = .seconds(300),
        maximumAge: Int64 = 3600
    ) {
        self.scan = QualityScan(store: store, rulebook: rulebook, clock: clock)
        self.store = store
        self.clock = clock
        self.interval = interval
        self.maximumAge = maximumAge
    }

    /// What a scan depends on besides the clock: the published register. A run that changed
    /// nothing published (an empty delta pull, an all-unchanged file) changes nothing here.
    struct DataState: Equatable {
        var published: PublishedState
    }

    /// The last scan: the data it saw and when.
    public struct Scanned: Sendable {
        var state: DataState
        var at: Timestamp
    }

    public func run(log: @escaping @Sendable (String) -> Void) async {
        var scanned: Scanned?
        while !Task.isCancelled {
            scanned = await step(after: scanned, log: log)
            try? await Task.sleep(for: interval)
        }
    }

    /// One look: scans when the published register changed since `scanned`, or when that scan
    /// is older than `maximumAge`; returns the scan now current.
    public func step(after scanned: Scanned?, log: @Sendable (String) -> Void) async -> Scanned? {
        do {
            let state = DataState(published: try await store.publishedState())
            let now = clock.now()
            if let scanned, scanned.state == state, now.seconds - scanned.at.seconds < maximumAge { return scanned }
            let started = clock.now()
            let result = try await store.exclusively("quality-scan") {
                let result = try await scan.run()
                try await scan.record(result)
                return result
            }
            if let result {
                let seconds = Double(clock.now().microseconds - started.microseconds) / 1_000_000
                log(
                    "scored \(result.national.locations) locations of \(result.operators.count) operators in \(Compliance.scoreText(seconds)) s"
                )
            }
            return Scanned(state: state, at: now)
        } catch {
            log("scan failed: \(error)")
            return scanned
        }
    }
}
