#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Totals of location lists (`total`, the Sender's `X-Total-Count`), remembered per query:
/// counting every match costs a pass over them, tens to hundreds of milliseconds on a national
/// register, while the page itself is a few rows.
///
/// A total goes stale when this store commits an ingest (`forget()`), and after `lifetime`
/// seconds at most, for ingests committed by other instances on a shared PostgreSQL. A stale
/// total under `exactBelow` is counted again before the page is answered: small counts are cheap.
/// A larger one is answered as it stands while one count runs in the background (at most one per
/// query every `refreshInterval` seconds), so that no request pays for a national count, and a
/// stream of pushes does not make every page count again: such a total trails the register by
/// about a second.
final class ListTotals: Sendable {
    typealias Count = @Sendable (_ sql: String, _ values: [LocationListSQL.Value]) async throws -> Int

    private struct Known {
        var total: Int
        /// The `forgotten` generation the count started in: older than the current one is stale.
        var generation: UInt64
        var countedAt: Double
        var refreshStartedAt: Double?
    }

    private struct State {
        var known: [String: Known] = [:]
        var generation: UInt64 = 0
        var background: Count?
    }

    private let state = Mutex(State())
    let lifetime: Double
    let exactBelow: Int
    let refreshInterval: Double

    init(lifetime: Double = 10, exactBelow: Int = 10_000, refreshInterval: Double = 1) {
        self.lifetime = lifetime
        self.exactBelow = exactBelow
        self.refreshInterval = refreshInterval
    }

    /// How a large total is counted again away from the request: on a connection of the store's.
    func countInBackground(with count: @escaping Count) { state.withLock { $0.background = count } }

    /// The total of `sql` with `values`, counted with `count` (on the request's connection) when
    /// nothing usable is known.
    func total(
        _ sql: String, _ values: [LocationListSQL.Value],
        count: (String, [LocationListSQL.Value]) throws(StoreError) -> Int
    ) throws(StoreError) -> Int {
        let key = sql + "\u{1F}" + values.map(\.description).joined(separator: "\u{1F}")
        let now = Self.now()
        enum Answer {
            case known(Int)
            case stale(Int, refresh: Count, generation: UInt64)
            case count(generation: UInt64)
        }
        let answer = state.withLock { state -> Answer in
            guard var known = state.known[key] else { return .count(generation: state.generation) }
            if known.generation == state.generation && now - known.countedAt < lifetime { return .known(known.total) }
            guard known.total >= exactBelow, let background = state.background else {
                return .count(generation: state.generation)
            }
            if let started = known.refreshStartedAt, now - started < refreshInterval { return .known(known.total) }
            known.refreshStartedAt = now
            state.known[key] = known
            return .stale(known.total, refresh: background, generation: state.generation)
        }
        switch answer {
        case .known(let total):
            return total
        case .stale(let total, let refresh, let generation):
            Task.detached(priority: .utility) { [self] in
                let counted = try? await refresh(sql, values)
                remember(counted, for: key, generation: generation, at: now)
            }
            return total
        case .count(let generation):
            let total = try count(sql, values)
            remember(total, for: key, generation: generation, at: now)
            return total
        }
    }

    /// Every total is stale from now on.
    func forget() { state.withLock { $0.generation &+= 1 } }

    /// A failed background count leaves the stale total to be tried again after the interval; a
    /// count never replaces one that started later.
    private func remember(_ total: Int?, for key: String, generation: UInt64, at time: Double) {
        state.withLock { state in
            guard let total, state.known[key].map({ $0.generation <= generation }) ?? true else { return }
            if state.known.count > 10_000 { state.known.removeAll() }
            state.known[key] = Known(
                total: total, generation: generation, countedAt: time,
                refreshStartedAt: state.known[key]?.refreshStartedAt)
        }
    }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
