#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif
import Foundation
import Synchronization

/// A long command's progress on standard error: on a terminal one live line, rewritten at most
/// five times a second and cleared at the end; otherwise (a log, a pipe) one line every
/// `interval`, which logs keep; nothing when quiet. What a command prints when it is done stays
/// on standard output, so scripts read it as before.
public final class ProgressLine: Sendable {
    /// What the command counts (`locations`, `pages`) and, when known, the whole.
    public struct Measure: Sendable {
        public var noun: String
        public var total: Int?
        /// The input's size in bytes, when the count comes with a byte position in it.
        public var totalBytes: Int?

        public init(noun: String, total: Int? = nil, totalBytes: Int? = nil) {
            self.noun = noun
            self.total = total
            self.totalBytes = totalBytes
        }
    }

    private struct State {
        var count = 0
        var bytes: Int?
        var lastShown: Double
        var shownLive = false
    }

    private let label: String
    private let measure: Measure
    private let quiet: Bool
    private let terminal: Bool
    private let interval: Double
    private let started: Double
    private let write: @Sendable (String) -> Void
    private let state: Mutex<State>

    public init(
        _ label: String, _ measure: Measure, quiet: Bool, terminal: Bool = isatty(2) == 1, interval: Double = 5,
        write: @escaping @Sendable (String) -> Void = { FileHandle.standardError.write(Data($0.utf8)) }
    ) {
        self.label = label
        self.measure = measure
        self.quiet = quiet
        self.terminal = terminal
        self.interval = interval
        self.write = write
        started = Self.now()
        state = Mutex(State(lastShown: started))
    }

    /// Records how far the work is; shows it when it is time to.
    public func update(count: Int, bytes: Int? = nil) {
        guard !quiet else { return }
        let now = Self.now()
        let line: String? = state.withLock { state in
            state.count = count
            state.bytes = bytes ?? state.bytes
            guard now - state.lastShown >= (terminal ? 0.2 : interval) else { return nil }
            state.lastShown = now
            state.shownLive = terminal
            return text(state, at: now)
        }
        if let line { write(terminal ? "\r\u{1B}[2K" + line : line + "\n") }
    }

    /// Ends the progress: clears the live line on a terminal.
    public func finish() {
        let live = state.withLock { $0.shownLive }
        if live && !quiet { write("\r\u{1B}[2K") }
    }

    /// Shows the time elapsed while `work` runs, for work that counts nothing (a schema migration).
    public func whileRunning<T>(_ work: () async throws -> T) async throws -> T {
        let ticker = Task {
            while !Task.isCancelled {
                update(count: 0)
                try? await Task.sleep(for: .milliseconds(200))
            }
        }
        defer {
            ticker.cancel()
            finish()
        }
        return try await work()
    }

    /// `ingest: 120,000 locations · 85.3 MB of 230.1 MB (37%) · 12.1 MB/s · 7 s`; `migrate: working · 3 s`
    private func text(_ state: State, at now: Double) -> String {
        let elapsed = max(now - started, 0.001)
        guard !measure.noun.isEmpty else { return "\(label): working · \(Int(elapsed)) s" }
        var parts = ["\(Self.grouped(state.count)) \(measure.noun)"]
        if let bytes = state.bytes {
            var part = Self.megabytes(bytes)
            if let total = measure.totalBytes, total > 0 {
                part += " of \(Self.megabytes(total)) (\(Self.percent(bytes, of: total)))"
            }
            parts.append(part)
            parts.append(String(format: "%.1f MB/s", Double(bytes) / 1_000_000 / elapsed))
        } else {
            if let total = measure.total, total > 0 {
                parts[0] += " of \(Self.grouped(total)) (\(Self.percent(state.count, of: total)))"
            }
            parts.append(String(format: "%.0f %@/s", Double(state.count) / elapsed, measure.noun))
        }
        parts.append("\(Int(elapsed)) s")
        return "\(label): " + parts.joined(separator: " · ")
    }

    private static func now() -> Double { Double(DispatchTime.now().uptimeNanoseconds) / 1e9 }

    private static func percent(_ part: Int, of whole: Int) -> String {
        "\(min(100, max(0, Int(Double(part) / Double(whole) * 100))))%"
    }

    private static func megabytes(_ bytes: Int) -> String { String(format: "%.1f MB", Double(bytes) / 1_000_000) }

    static func grouped(_ number: Int) -> String {
        let digits = String(number.magnitude)
        var result = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { result += "," }
            result.append(digit)
        }
        return (number < 0 ? "-" : "") + result
    }
}
