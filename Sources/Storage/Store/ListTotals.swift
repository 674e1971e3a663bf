#if canImport(Glibc)
    import Glibc
#endif
import Synchronization

/// Totals of location lists, remembered per filter: counting every match costs a pass over them
/// (tens of milliseconds on a national register), the page itself a few rows. Forgotten whenever
/// this store commits an ingest, and after `lifetime` seconds at most, for ingests committed by
/// other instances on a shared PostgreSQL.
final class ListTotals: Sendable {
    private let totals = Mutex<[String: (total: Int, at: Double)]>([:])
    let lifetime: Double

    init(lifetime: Double = 10) { self.lifetime = lifetime }

    func total(for key: String, count: () throws(StoreError) -> Int) throws(StoreError) -> Int {
        let now = Self.now()
        if let known = totals.withLock({ $0[key] }), now - known.at < lifetime { return known.total }
        let total = try count()
        totals.withLock { totals in
            if totals.count > 10_000 { totals.removeAll() }
            totals[key] = (total, now)
        }
        return total
    }

    func forget() { totals.withLock { $0.removeAll() } }

    private static func now() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
