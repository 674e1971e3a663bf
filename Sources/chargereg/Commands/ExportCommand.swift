import AccessPoint
import CLI
import Foundation
import OCPI
import RegistryCore
import Storage

enum ExportCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "export", abstract: "Write the registry's locations as an OCPI JSON array.",
        options: [
            databaseOption,
            OptionSpec("--format", value: "FORMAT", help: "Output format (default: ocpi).", allowed: ["ocpi"]),
            OptionSpec(
                "--ocpi-version", value: "V", help: "OCPI version to write (default: 2.2.1).",
                allowed: OCPIVersion.exportable.map(\.rawValue)),
            OptionSpec("--out", value: "FILE", help: "Write to FILE instead of standard output."),
            OptionSpec(
                "--timestamps", value: "SOURCE",
                help:
                    "last_updated values: the registry's change time, or as the operator sent them (default: registry).",
                allowed: LocationExport.Timestamps.allCases.map(\.rawValue)),
            OptionSpec("--party", value: "CC*PID", help: "Only this party's locations."),
            OptionSpec("--include-unpublished", help: "Also write publish=false locations (never for open data)."),
        ],
        discussion: """
            Locations are streamed in a stable order (country code, party id, location id). Removed
            locations are left out. The registry's change time is the last_updated it exports, so
            that aggregators filtering on it never miss a record received late.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let version = OCPIVersion(text: arguments.value("--ocpi-version") ?? "2.2.1")!
        let party: PartyCode?
        do {
            party = try arguments.value("--party").map { try PartyCode(parsing: $0) }
        } catch {
            throw UsageError(command: spec.name, message: "--party: \(error)")
        }
        let store = try await RegistryDatabase.open(database(arguments))
        let export = LocationExport(
            store: store, version: version,
            timestamps: LocationExport.Timestamps(rawValue: arguments.value("--timestamps") ?? "registry")!,
            query: LocationQuery(publishedOnly: !arguments.flag("--include-unpublished"), party: party))
        guard let out = arguments.value("--out") else {
            _ = try await export.write(to: STDOUT_FILENO)
            await store.close()
            return 0
        }
        let result = try await OutputFile.write(out) { fd in try await export.write(to: fd) }
        Output.err(
            "wrote \(result.locations) locations (\(result.bytes) bytes) of OCPI \(version.rawValue) to \(out)\n")
        await store.close()
        return 0
    }
}
