import Synchronization
import Testing

@testable import CLI

/// Progress on standard error (issue #20): lines for logs, a live line for terminals, nothing
/// when quiet.
@Suite struct ProgressLineTests {
    final class Written: Sendable {
        let texts = Mutex<[String]>([])
        var all: [String] { texts.withLock { $0 } }
        func write(_ text: String) { texts.withLock { $0.append(text) } }
    }

    @Test func aLogGetsWholeLinesWithSizeShareRateAndTime() {
        let written = Written()
        let line = ProgressLine(
            "ingest feed.json", .init(noun: "records", totalBytes: 4_000_000), quiet: false, terminal: false,
            interval: 0, write: written.write)
        line.update(count: 1500, bytes: 1_000_000)
        line.finish()
        #expect(written.all.count == 1)
        let text = written.all[0]
        #expect(text.hasPrefix("ingest feed.json: 1,500 records · 1.0 MB of 4.0 MB (25%) · "), "\(text)")
        #expect(text.hasSuffix(" s\n") && text.contains(" MB/s · "))
    }

    @Test func aCountWithATotalShowsItsShare() {
        let written = Written()
        let line = ProgressLine(
            "quality", .init(noun: "locations", total: 330_000), quiet: false, terminal: false, interval: 0,
            write: written.write)
        line.update(count: 33_000)
        #expect(written.all.first?.hasPrefix("quality: 33,000 locations of 330,000 (10%) · ") == true, "\(written.all)")
    }

    @Test func aTerminalGetsOneLiveLineClearedAtTheEnd() async throws {
        let written = Written()
        let line = ProgressLine(
            "export", .init(noun: "locations"), quiet: false, terminal: true, interval: 5, write: written.write)
        line.update(count: 10)  // Too soon after the start: nothing yet.
        #expect(written.all.isEmpty)
        try await Task.sleep(for: .milliseconds(250))
        line.update(count: 20, bytes: 2_000_000)
        line.finish()
        #expect(written.all.count == 2, "\(written.all)")
        #expect(written.all.first?.hasPrefix("\r\u{1B}[2Kexport: 20 locations · 2.0 MB · ") == true)
        #expect(written.all.last == "\r\u{1B}[2K")
    }

    @Test func quietShowsNothing() async throws {
        let written = Written()
        let line = ProgressLine(
            "migrate", .init(noun: ""), quiet: true, terminal: false, interval: 0, write: written.write)
        _ = try await line.whileRunning { try await Task.sleep(for: .milliseconds(50)) }
        line.update(count: 5)
        #expect(written.all.isEmpty)
    }

    @Test func workThatCountsNothingShowsItsTime() async throws {
        let written = Written()
        let line = ProgressLine(
            "migrate", .init(noun: ""), quiet: false, terminal: false, interval: 0, write: written.write)
        _ = try await line.whileRunning { try await Task.sleep(for: .milliseconds(50)) }
        let first = try #require(written.all.first)
        #expect(first.hasPrefix("migrate: working · ") && first.hasSuffix(" s\n"), "\(first)")
    }

    @Test func numbersAreGroupedByThousands() {
        #expect(ProgressLine.grouped(0) == "0" && ProgressLine.grouped(999) == "999")
        #expect(ProgressLine.grouped(1000) == "1,000" && ProgressLine.grouped(-1_234_567) == "-1,234,567")
    }
}
