#if canImport(Glibc)
    import Glibc
#endif
import AccessPoint
import CLI

enum GenerateCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "generate", abstract: "Write a realistic synthetic OCPI 2.2.1 Locations feed for a country.",
        options: [
            OptionSpec(
                "--country", value: "CC", help: "Country: \(DemoFeed.countries.joined(separator: ", ")) (default CL)."),
            OptionSpec("--locations", value: "N", help: "How many locations (default 1000)."),
            OptionSpec("--seed", value: "S", help: "Seed; the same seed gives the same feed (default 1)."),
            OptionSpec(
                "--fault-rate", value: "F", help: "Share of locations with one realistic fault, 0 to 1 (default 0.05)."),
            OptionSpec(
                "--out", value: "FILE", help: "Write to FILE (appears only when complete) instead of standard output."),
        ],
        discussion: """
            Charge points cluster around the country's real cities; several operators; sites are AC street
            posts (7.4, 11, 22 kW), DC fast chargers (CCS 50 or 150 kW, some with CHAdeMO) or 350 kW hubs;
            EVSE statuses vary. Faults, one per affected location: missing postal code, swapped or zero
            coordinates, power in kW where W is due, a missing EVSE ID, an unknown connector standard.
            About three EVSEs per location: 330,000 locations make a million EVSEs.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let country = arguments.value("--country") ?? "CL"
        guard let locations = Int(arguments.value("--locations") ?? "1000"), locations >= 0 else {
            throw UsageError(
                command: spec.name, message: "--locations: '\(arguments.value("--locations")!)' is not a count")
        }
        guard let seed = UInt64(arguments.value("--seed") ?? "1") else {
            throw UsageError(
                command: spec.name, message: "--seed: '\(arguments.value("--seed")!)' is not a whole number")
        }
        guard let faultRate = Double(arguments.value("--fault-rate") ?? "0.05"), (0...1).contains(faultRate) else {
            throw UsageError(
                command: spec.name,
                message: "--fault-rate: '\(arguments.value("--fault-rate")!)' is not a number from 0 to 1")
        }
        guard let feed = DemoFeed(country: country, locations: locations, seed: seed, faultRate: faultRate) else {
            throw UsageError(
                command: spec.name,
                message:
                    "--country: no generator data for '\(country)'; known: \(DemoFeed.countries.joined(separator: ", "))"
            )
        }
        guard let out = arguments.value("--out") else {
            try feed.write { try OutputFile.writeAll(STDOUT_FILENO, $0) }
            return 0
        }
        try await OutputFile.write(out) { fd in try feed.write { try OutputFile.writeAll(fd, $0) } }
        Output.err("wrote \(locations) locations of \(feed.countryCode) to \(out)\n")
        return 0
    }
}
