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

    /// What a scan depends on besides the clock.
    struct DataState: Equatable {
        var lastRun: Int64?
        var published: PublishedState
    }

    public func run(log: @escaping @Sendable (String) -> Void) async {
        var scanned: (state: DataState, at: Timestamp)?
        while !Task.isCancelled {
            do {
                let state = DataState(
                    lastRun: try await store.ingestRuns(limit: 1).first?.id, published: try await store.publishedState()
                )
                let now = clock.now()
                let current = scanned.map { $0.state == state && now.seconds - $0.at.seconds < maximumAge } ?? false
                if !current {
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
                    scanned = (state, now)
                }
            } catch {
                log("scan failed: \(error)")
            }
            try? await Task.sleep(for: interval)
        }
    }
}
