import Synchronization
import Testing

@testable import Storage

/// A list's total: counted on the request's connection when it is small or unknown, answered as
/// it stands while a background count runs when it is large and stale, one background count per
/// interval, and a failed background count keeps the last total.
@Suite struct ListTotalsTests {
    /// What the database would count now, and how often each way of counting ran.
    final class Register: Sendable {
        let matches = Atomic<Int>(0)
        let requestCounts = Atomic<Int>(0)
        let backgroundCounts = Atomic<Int>(0)
        let failing = Atomic<Bool>(false)

        func count(_ sql: String, _ values: [LocationListSQL.Value]) -> Int {
            requestCounts.add(1, ordering: .relaxed)
            return matches.load(ordering: .relaxed)
        }

        func countInBackground(_ sql: String, _ values: [LocationListSQL.Value]) throws -> Int {
            backgroundCounts.add(1, ordering: .relaxed)
            if failing.load(ordering: .relaxed) { throw StoreError.unavailable("the database went away") }
            return matches.load(ordering: .relaxed)
        }
    }

    func totals(_ register: Register, refreshInterval: Double = 0) -> ListTotals {
        let totals = ListTotals(lifetime: 3600, exactBelow: 1000, refreshInterval: refreshInterval)
        totals.countInBackground { sql, values in try register.countInBackground(sql, values) }
        return totals
    }

    func total(_ totals: ListTotals, _ register: Register, values: [LocationListSQL.Value] = []) throws -> Int {
        try totals.total("SELECT count(*) FROM locations", values, count: register.count)
    }

    /// Asks until the answer is `expected` (the background count lands on its own time).
    func eventually(_ expected: Int, _ totals: ListTotals, _ register: Register) async throws -> Bool {
        for _ in 0..<2000 {
            if try total(totals, register) == expected { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return false
    }

    @Test func smallTotalsAreCountedAgainAfterEveryChange() throws {
        let register = Register()
        let totals = totals(register)
        register.matches.store(5, ordering: .relaxed)
        #expect(try total(totals, register) == 5)
        register.matches.store(6, ordering: .relaxed)
        #expect(try total(totals, register) == 5)  // nothing committed here yet: still fresh
        totals.forget()
        #expect(try total(totals, register) == 6)
        #expect(try total(totals, register, values: [.text("CL")]) == 6)  // another query, its own total
        #expect(register.requestCounts.load(ordering: .relaxed) == 3)
        #expect(register.backgroundCounts.load(ordering: .relaxed) == 0)
    }

    @Test func aLargeStaleTotalIsAnsweredAsItStandsWhileItIsCountedAgain() async throws {
        let register = Register()
        let totals = totals(register)
        register.matches.store(330_000, ordering: .relaxed)
        #expect(try total(totals, register) == 330_000)  // unknown: counted on the request
        register.matches.store(330_001, ordering: .relaxed)
        totals.forget()
        #expect(try total(totals, register) == 330_000)
        #expect(try await eventually(330_001, totals, register))
        #expect(register.requestCounts.load(ordering: .relaxed) == 1)
        #expect(register.backgroundCounts.load(ordering: .relaxed) >= 1)
    }

    @Test func oneBackgroundCountPerInterval() async throws {
        let register = Register()
        let totals = totals(register, refreshInterval: 3600)
        register.matches.store(50_000, ordering: .relaxed)
        _ = try total(totals, register)
        register.matches.store(50_001, ordering: .relaxed)
        totals.forget()
        #expect(try total(totals, register) == 50_000)
        #expect(try await eventually(50_001, totals, register))
        register.matches.store(50_002, ordering: .relaxed)
        for _ in 0..<100 {
            totals.forget()
            #expect(try total(totals, register) == 50_001)
        }
        #expect(register.backgroundCounts.load(ordering: .relaxed) == 1)
        #expect(register.requestCounts.load(ordering: .relaxed) == 1)
    }

    @Test func aFailedBackgroundCountKeepsTheLastTotal() async throws {
        let register = Register()
        let totals = totals(register)
        register.matches.store(20_000, ordering: .relaxed)
        _ = try total(totals, register)
        register.failing.store(true, ordering: .relaxed)
        register.matches.store(20_001, ordering: .relaxed)
        totals.forget()
        for _ in 0..<50 {
            #expect(try total(totals, register) == 20_000)
            try await Task.sleep(for: .milliseconds(2))
        }
        #expect(register.backgroundCounts.load(ordering: .relaxed) >= 1)
        register.failing.store(false, ordering: .relaxed)
        #expect(try await eventually(20_001, totals, register))
    }

    /// Counted below the threshold once more: a total that shrank is exact again.
    @Test func aTotalThatShrankBelowTheThresholdIsExactAgain() async throws {
        let register = Register()
        let totals = totals(register)
        register.matches.store(2000, ordering: .relaxed)
        _ = try total(totals, register)
        register.matches.store(10, ordering: .relaxed)
        totals.forget()
        #expect(try total(totals, register) == 2000)
        #expect(try await eventually(10, totals, register))
        register.matches.store(11, ordering: .relaxed)
        totals.forget()
        #expect(try total(totals, register) == 11)
    }
}
