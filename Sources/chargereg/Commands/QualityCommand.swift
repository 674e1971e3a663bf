import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

enum QualityCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "quality",
        abstract: "Bring the register's data-quality scores up to date, record today's snapshots and print the report.",
        options: [
            databaseOption,
            OptionSpec(
                "--operator", value: "CC*PID", help: "Report on this operator only (its scorecard and failing rules)."),
            OptionSpec(
                "--format", value: "FORMAT", help: "Report format (default: text).",
                allowed: QualityReport.Format.allCases.map(\.rawValue)),
            qualityPolicyOption,
            OptionSpec(
                "--rescan",
                help: "Score every location afresh (by default only those changed since the last scoring)."),
            OptionSpec(
                "--record",
                help: "With --quality-policy: record the snapshots under that policy too (without, a what-if)."),
            OptionSpec(
                "--out", value: "FILE",
                help: "Write to FILE (it appears only when complete) instead of standard output."),
            quietOption,
        ],
        discussion: """
            Every current location is scored on completeness (weighted presence of the OCPI and AFIR
            fields), correctness (the rules of GET /api/v1/quality/rules) and timeliness (latency and
            freshness against the policy); operators get EVSE-weighted scores, the failing rules with
            counts and examples, and a compliance verdict with its reasons. Locations changed since
            the last scoring are rescored with their neighbours (the server does the same every few
            seconds); every location is scored afresh with --rescan, when the policy changed, and
            once a day. The result is recorded as today's snapshot of every operator and of the
            country, which the trend charts and the quality API show; with --quality-policy it is a
            what-if that scores everything and records nothing, unless --record is given. json is
            what GET /api/v1/quality serves; csv lists the operators (or, with --operator, the
            failing rules); html is one self-contained page with SVG charts (score distribution,
            trend per operator, failing rules).
            """)

    static var qualityPolicyOption: OptionSpec {
        OptionSpec(
            "--quality-policy", value: "FILE",
            help:
                "The data-quality policy: weights, compliance thresholds, critical rules, time limits (default: the built-in Schemas/json/quality-policy.json)."
        )
    }

    /// The rulebook with `--quality-policy`'s policy; an unusable file is a usage error of `command`.
    static func rulebook(_ arguments: ParsedArguments, command: String) throws -> QualityRulebook {
        do { return try QualityRulebook(policyFile: arguments.value("--quality-policy")) } catch {
            throw UsageError(command: command, message: "--quality-policy: \(error)")
        }
    }

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let format = QualityReport.Format(rawValue: arguments.value("--format") ?? "text")!
        let party: PartyCode?
        do { party = try arguments.value("--operator").map { try PartyCode(parsing: $0) } } catch {
            throw UsageError(command: spec.name, message: "--operator: \(error)")
        }
        let rulebook = try rulebook(arguments, command: spec.name)
        let store = try await RegistryDatabase.open(database(arguments))
        let result: QualityScan.Result
        var trends: [String: [QualitySnapshot]] = [:]
        do {
            let published = try await store.stats(publishedOnly: true).published
            let shown = ProgressLine(
                "quality", .init(noun: "locations", total: published), quiet: arguments.flag("--quiet"))
            defer { shown.finish() }
            if arguments.value("--quality-policy") == nil || arguments.flag("--record") {
                let monitor = QualityMonitor(store: store, rulebook: rulebook)
                let scanned: QualityMonitor.Scanned
                while true {
                    // The server's monitor holds the lock for a step at a time: wait for it.
                    if let (step, _) = try await store.exclusively(
                        "quality-scan",
                        {
                            try await monitor.update(after: nil, rescan: arguments.flag("--rescan")) {
                                shown.update(count: $0)
                            }
                        })
                    {
                        scanned = step
                        break
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
                result = try await monitor.result(of: scanned, at: RegistryClock.system.now())
            } else {
                result = try await QualityScan(store: store, rulebook: rulebook).run { shown.update(count: $0) }
            }
            for scope in [QualitySnapshot.nationalScope] + result.operators.map(\.scope) {
                trends[scope] = try await store.quality.trend(scope: scope)
            }
            await store.close()
        } catch {
            await store.close()
            throw error
        }
        guard let report = QualityReport(result: result, rulebook: rulebook, trends: trends, operator: party) else {
            throw CommandFailure(description: "\(party!) has no locations in the register")
        }
        let text = report.render(format)
        if let path = arguments.value("--out") {
            try await OutputFile.write(path) { try OutputFile.writeAll($0, Array(text.utf8)) }
        } else {
            Output.out(text)
        }
        return 0
    }
}
