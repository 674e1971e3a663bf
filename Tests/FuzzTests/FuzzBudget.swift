import Foundation

/// How much the fuzz tests run. Every `swift test` runs a small seeded round, so that CI stays
/// within minutes; `Tests/Fuzz/long-run.sh` (README, "Fuzzing") sets these for a long run:
///
/// - `CHARGEREG_FUZZ_REQUESTS`: HTTP requests sent to `serve` over sockets (and as many parsed
///   in-process), default 3,000;
/// - `CHARGEREG_FUZZ_DOCUMENTS`: mutated OCPI documents parsed, decoded, encoded and scored,
///   default 2,000 (a tenth of them also stored and read back);
/// - `CHARGEREG_FUZZ_SECONDS`: a time budget per test, after which it stops early;
/// - `CHARGEREG_FUZZ_SEED`: the seed (default fixed, so a failure is found again).
enum FuzzBudget {
    static let requests = number("CHARGEREG_FUZZ_REQUESTS") ?? 3_000
    static let documents = number("CHARGEREG_FUZZ_DOCUMENTS") ?? 2_000
    static let seconds = Double(ProcessInfo.processInfo.environment["CHARGEREG_FUZZ_SECONDS"] ?? "") ?? 600
    static let seed = UInt64(ProcessInfo.processInfo.environment["CHARGEREG_FUZZ_SEED"] ?? "") ?? 20_261_205

    private static func number(_ name: String) -> Int? {
        ProcessInfo.processInfo.environment[name].flatMap { Int($0) }.map { max(1, $0) }
    }

    /// When a test started with `seconds` to go must stop.
    static func deadline() -> Date { Date().addingTimeInterval(seconds) }

    /// A line for the record (the long run's report reads them).
    static func report(_ line: String) { print("fuzz: \(line)") }
}
