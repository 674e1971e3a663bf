import AccessPoint
import CLI
import Foundation
import OCPI
import RegistryCore
import Storage

enum ExportCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "export", abstract: "Write the registry's locations as an open-data dump: OCPI JSON, CSV or GeoJSON.",
        options: [
            databaseOption,
            OptionSpec(
                "--format", value: "FORMAT", help: "Output format (default: ocpi).",
                allowed: LocationDump.Format.allCases.map(\.rawValue)),
            OptionSpec(
                "--ocpi-version", value: "V", help: "ocpi: the OCPI version to write (default: 2.2.1).",
                allowed: OCPIVersion.exportable.map(\.rawValue)),
            OptionSpec(
                "--timestamps", value: "SOURCE",
                help:
                    "ocpi: last_updated values: the registry's change time, or as the operator sent them (default: registry).",
                allowed: LocationDump.Timestamps.allCases.map(\.rawValue)),
            OptionSpec("--party", value: "CC*PID", help: "Only this party's locations."),
            OptionSpec("--country", value: "CC", help: "Only locations in this country (alpha-2 or alpha-3)."),
            OptionSpec("--include-unpublished", help: "Also write publish=false locations (never for open data)."),
            OptionSpec(
                "--licence", value: "TEXT",
                help: "The licence the data is published under, written into GeoJSON (default: \(defaultLicence))."),
            OptionSpec(
                "--out", value: "FILE",
                help: "Write to FILE (it appears only when complete) instead of standard output."),
            quietOption,
        ],
        discussion: """
            Locations are streamed in a stable order (country code, party id, location id) in bounded
            memory. Removed locations are left out. The registry's change time is the last_updated
            it exports, so that aggregators filtering on it never miss a record received late.
            csv: one row per connector (columns in the README), RFC 4180, UTF-8. geojson: an RFC 7946
            FeatureCollection, one Point per location, with generated_at and licence.
            """)

    static let defaultLicence = "CC-BY-4.0"

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let format = LocationDump.Format(rawValue: arguments.value("--format") ?? "ocpi")!
        if format != .ocpi, arguments.value("--ocpi-version") != nil || arguments.value("--timestamps") != nil {
            throw UsageError(command: spec.name, message: "--ocpi-version and --timestamps apply to --format ocpi only")
        }
        var filter = LocationFilter()
        do {
            filter.party = try arguments.value("--party").map { try PartyCode(parsing: $0) }
        } catch {
            throw UsageError(command: spec.name, message: "--party: \(error)")
        }
        if let text = arguments.value("--country") {
            guard let country = Country(alpha3: text.uppercased()) ?? Country(alpha2: text.uppercased()) else {
                throw UsageError(command: spec.name, message: "--country: '\(text)' is not an ISO 3166-1 country code")
            }
            filter.country = country.alpha3
        }
        filter.includesUnpublished = arguments.flag("--include-unpublished")
        let store = try await RegistryDatabase.open(database(arguments), memoryMapped: false)
        var dump = LocationDump(
            store: store, format: format, filter: filter, licence: arguments.value("--licence") ?? defaultLicence,
            generatedAt: RegistryClock.system.now())
        dump.ocpiVersion = OCPIVersion(text: arguments.value("--ocpi-version") ?? "2.2.1")!
        dump.timestamps = LocationDump.Timestamps(rawValue: arguments.value("--timestamps") ?? "registry")!
        let shown = ProgressLine("export", .init(noun: "locations"), quiet: arguments.flag("--quiet"))
        dump.progress = { locations, bytes in shown.update(count: locations, bytes: bytes) }
        defer { shown.finish() }
        guard let out = arguments.value("--out") else {
            try await dump.write(to: FileDescriptorSink(fd: STDOUT_FILENO))
            await store.close()
            return 0
        }
        let result = try await OutputFile.write(out) { fd in try await dump.write(to: FileDescriptorSink(fd: fd)) }
        let what = format == .ocpi ? "OCPI \(dump.ocpiVersion.rawValue)" : format.rawValue
        Output.err("wrote \(result.locations) locations (\(result.bytes) bytes) of \(what) to \(out)\n")
        await store.close()
        return 0
    }
}
