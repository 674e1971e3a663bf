import AccessPoint
import CLI
import Foundation
import OCPI
import RegistryCore
import Storage

enum IngestCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "ingest", abstract: "Ingest OCPI Locations files into the registry.",
        arguments: [
            ArgumentSpec(
                "FILE", help: "OCPI Locations JSON: a response envelope, an array or one object.", repeating: true)
        ],
        options: [
            databaseOption,
            OptionSpec(
                "--party", value: "CC*PID",
                help: "The party the files belong to, for records that do not name one (e.g. CL*ABC)."),
            OptionSpec(
                "--ocpi-version", value: "V", help: "The files' OCPI version (default: detected per file).",
                allowed: ["2.1.1", "2.2", "2.2.1", "2.3.0"]),
            OptionSpec(
                "--full",
                help: "Each file is the --party's whole current set: its locations missing from it are removed."),
            OptionSpec(
                "--confirm-removals",
                help: "With --full: remove even when more than 20% of the party's locations are missing."),
            quietOption,
        ],
        discussion: """
            Each file is streamed and stored all or nothing in one transaction. Every record with an
            identity is kept with its findings; a record without an id, or whose party is neither in
            the record, nor given by --party, nor inferable from its EVSE IDs, is refused and listed
            with its position. A malformed file stores nothing and names the line and byte offset.
            With --full, the party's stored locations that the file lacks are marked removed (kept,
            with a new version; OCPI exports then show their EVSEs as REMOVED). If that would remove
            more than 20% of them at once, the file is stored but nothing is removed until the
            command is run again with --confirm-removals.
            Exit status: 0 when every file was ingested, 1 when any file failed.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let party: PartyCode?
        do {
            party = try arguments.value("--party").map { try PartyCode(parsing: $0) }
        } catch {
            throw UsageError(command: spec.name, message: "--party: \(error)")
        }
        let version = arguments.value("--ocpi-version").flatMap(OCPIVersion.init(text:))
        var ingest = FileIngest(store: try await RegistryDatabase.open(database(arguments)))
        if arguments.flag("--full") {
            guard let party else {
                throw UsageError(command: spec.name, message: "--full needs --party: whose whole set the files are")
            }
            ingest.fullDelivery = FullDelivery(party: party, confirmed: arguments.flag("--confirm-removals"))
        } else if arguments.flag("--confirm-removals") {
            throw UsageError(command: spec.name, message: "--confirm-removals applies only with --full")
        }
        let store = ingest.store
        var failures = 0
        var total = IngestRunSummary()
        for path in arguments.positionals {
            let started = Date()
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? nil
            let shown = ProgressLine(
                "ingest \(path)", .init(noun: "records", totalBytes: size), quiet: arguments.flag("--quiet"))
            ingest.progress = { records, offset in shown.update(count: records, bytes: offset) }
            defer { shown.finish() }
            do {
                let report = try await ingest.ingest(path: path, party: party, version: version)
                Output.out(describe(report, seconds: Date().timeIntervalSince(started)))
                total.read += report.run.summary.read
                total.created += report.run.summary.created
                total.changed += report.run.summary.changed
                total.unchanged += report.run.summary.unchanged
                total.refused += report.run.summary.refused
                total.removed += report.run.summary.removed
            } catch {
                failures += 1
                Output.err("chargereg ingest: error: \(error)\n")
            }
        }
        if arguments.positionals.count > 1 {
            Output.out(
                "total: \(arguments.positionals.count - failures) of \(arguments.positionals.count) files; read \(total.read), new \(total.created), changed \(total.changed), unchanged \(total.unchanged), refused \(total.refused)"
                    + (total.removed > 0 ? ", removed \(total.removed)\n" : "\n")
            )
        }
        await store.close()
        return failures == 0 ? 0 : 1
    }

    static func describe(_ report: FileIngest.Report, seconds: Double) -> String {
        let summary = report.run.summary
        let megabytes = Double(report.bytes) / 1_000_000
        var text = "\(report.path): OCPI \(report.version.rawValue)"
        if let shape = report.shape { text += ", \(shape.rawValue)" }
        text += String(format: ", %.2f MB in %.2f s\n", megabytes, seconds)
        text +=
            "  read \(summary.read), new \(summary.created), changed \(summary.changed), unchanged \(summary.unchanged), refused \(summary.refused)"
            + (summary.removed > 0 ? ", removed \(summary.removed)\n" : "\n")
        if let withheld = report.removalsWithheld {
            text +=
                "  not removed: \(withheld.absent) of the party's \(withheld.of) locations are missing (over 20%); run again with --confirm-removals to remove them\n"
        }
        if !summary.findingsByCode.isEmpty {
            text += "  findings by code:\n"
            for (code, count) in summary.findingsByCode.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                text += "    " + code.rawValue.padding(toLength: 32, withPad: " ", startingAt: 0) + " \(count)\n"
            }
        }
        if !report.refusals.isEmpty {
            text += "  refused:\n"
            for refusal in report.refusals {
                let id = refusal.locationID.map { " id \($0)" } ?? ""
                text += "    record \(refusal.position) (byte \(refusal.byteOffset ?? 0))\(id): \(refusal.reason)\n"
            }
        }
        return text
    }
}
