#if canImport(Glibc)
    import Glibc
#endif
import AccessPoint
import CLI
import Foundation
import HTTPServer
import Storage

enum ServeCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "serve", abstract: "Run the access point: the public read API over HTTP.",
        options: [
            OptionSpec("--listen", value: "HOST:PORT", help: "Address to listen on (default 127.0.0.1:8080)."),
            OptionSpec(
                "--demo",
                help: "Fill an empty database with \(demoLocations) generated locations first (see 'generate')."),
            OptionSpec("--demo-country", value: "CC", help: "Country of the demo data (default CL)."),
            OptionSpec(
                "--public-url", value: "URL",
                help: "The access point's public base URL for absolute links (default: http:// and the request's Host)."
            ),
            OptionSpec(
                "--ocpi-token-required",
                help: "The OCPI versions and Sender need a token of any role (default: open data, no token)."),
            OptionSpec(
                "--licence", value: "TEXT",
                help: "The licence the open data is published under (default: \(ExportCommand.defaultLicence))."),
            OptionSpec(
                "--max-connections", value: "N",
                help: "Connections at once, within the open-file limit (default 10000); beyond, a fast 503."),
            OptionSpec(
                "--max-connections-per-client", value: "N",
                help: "Connections at once from one client address (default 256); beyond, a fast 503."),
            OptionSpec(
                "--pipeline-depth", value: "N",
                help: "Responses a client may leave unread on a connection before no more is read from it (default 16)."
            ),
            OptionSpec(
                "--idle-timeout", value: "SECONDS",
                help: "Close a connection idle, or not reading its response, this long (default 60)."),
            OptionSpec(
                "--allow-local-peers",
                help:
                    "Development only: peers registering by the OCPI handshake may name loopback and link-local URLs."
            ),
            OptionSpec(
                "--deny-networks", value: "CIDR,...",
                help:
                    "Networks peers' URLs may not reach besides loopback and link-local, e.g. 10.0.0.0/8,fd00::/8."),
            OptionSpec(
                "--rate-limit", value: "N",
                help:
                    "Public reads a second from one client address (default 50, 0: no limit); beyond, 429 with Retry-After."
            ),
            OptionSpec(
                "--rate-burst", value: "N", help: "Public reads one client address may make at once (default 100)."),
            OptionSpec(
                "--applications-per-minute", value: "N",
                help: "Applications for a code a minute from one client address (default 5, 0: no limit)."),
            OptionSpec(
                "--request-timeout", value: "SECONDS",
                help: "A request must arrive whole this soon after its first byte, or 408 (default 10)."),
            QualityCommand.qualityPolicyOption,
            OptionSpec(
                "--quality-interval", value: "SECONDS",
                help: "Look this often for changed locations to rescore (default: 2)."),
            OptionSpec(
                "--quality-rescan-hours", value: "HOURS",
                help: "Score every location afresh at least this often (default: 24, at most 8760)."),
            databaseOption,
        ],
        discussion: """
            Serves GET /api/v1/healthz, /api/v1/stats, /api/v1/metrics (Prometheus), /api/v1/locations (filters: country, party, city, postal_code,
            bbox, near + radius_m, connector_standard, power_type, min_power_kw, status, changed_since; limit, cursor),
            /api/v1/locations/{country_code}/{party_id}/{location_id} and /api/v1/evses/{evse_id} (any separator or case);
            the ID Registration Office under /api/v1/parties, /api/v1/applications and /api/v1/office; the OCPI
            Locations Sender (2.1.1, 2.2.1, 2.3.0) from /ocpi/versions, open data unless --ocpi-token-required; and
            the dumps /opendata/locations.json (OCPI 2.2.1), .csv and .geojson (read-API filters, ETag).
            Feeds added with 'chargereg feeds add' are pulled when due (a line per pull on standard error).
            Data quality is rescored as data arrives (the changed locations and their neighbours, then their
            operators' scorecards), afresh daily and when the policy changes, and served at /api/v1/quality,
            /api/v1/quality/operators/{code} and /api/v1/quality/locations/{country_code}/{party_id}/{location_id}.
            One access-log line (JSON) per request goes to standard error. SIGTERM or SIGINT stops accepting,
            lets requests in flight finish, closes the database and exits 0.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        var configuration = HTTPServerConfiguration()
        if let listen = arguments.value("--listen") {
            guard let colon = listen.lastIndex(of: ":"), let port = Int(listen[listen.index(after: colon)...]),
                (0...65535).contains(port), colon > listen.startIndex
            else {
                throw UsageError(
                    command: spec.name, message: "--listen: '\(listen)' is not HOST:PORT (e.g. 0.0.0.0:8080)")
            }
            configuration.host = String(listen[..<colon])
            configuration.port = port
        }
        func whole(_ name: String, _ value: inout Int) throws {
            guard let text = arguments.value(name) else { return }
            guard let number = Int(text), number >= 1 else {
                throw UsageError(command: spec.name, message: "\(name): '\(text)' is not a whole number ≥ 1")
            }
            value = number
        }
        func seconds(_ name: String, _ value: inout Double) throws {
            guard let text = arguments.value(name) else { return }
            guard let number = Double(text), number.isFinite, number > 0, number <= 86_400 else {
                throw UsageError(
                    command: spec.name, message: "\(name): '\(text)' is not a number of seconds from 0 to 86400")
            }
            value = number
        }
        try whole("--max-connections", &configuration.maximumConnections)
        try whole("--max-connections-per-client", &configuration.maximumConnectionsPerClient)
        try whole("--pipeline-depth", &configuration.maximumQueuedResponses)
        try seconds("--idle-timeout", &configuration.idleTimeout)
        try seconds("--request-timeout", &configuration.readTimeout)
        if arguments.value("--demo-country") != nil && !arguments.flag("--demo") {
            throw UsageError(command: spec.name, message: "--demo-country needs --demo")
        }
        var qualityInterval = 2
        try whole("--quality-interval", &qualityInterval)
        guard qualityInterval <= 86_400 else {
            throw UsageError(command: spec.name, message: "--quality-interval: at most 86400 (a day)")
        }
        var rescanHours = 24
        try whole("--quality-rescan-hours", &rescanHours)
        guard rescanHours <= 8760 else {
            throw UsageError(command: spec.name, message: "--quality-rescan-hours: at most 8760 (a year)")
        }
        let rulebook = try QualityCommand.rulebook(arguments, command: spec.name)
        var rateLimits = RateLimits()
        func rate(_ name: String, _ value: inout Double, minimum: Double) throws {
            guard let text = arguments.value(name) else { return }
            guard let number = Double(text), number.isFinite, number >= minimum, number <= 1_000_000 else {
                throw UsageError(
                    command: spec.name, message: "\(name): '\(text)' is not a number from \(Int(minimum)) to 1000000")
            }
            value = number
        }
        try rate("--rate-limit", &rateLimits.readsPerSecond, minimum: 0)
        try rate("--rate-burst", &rateLimits.readBurst, minimum: 1)
        try rate("--applications-per-minute", &rateLimits.applicationsPerMinute, minimum: 0)
        var settings = AccessPointSettings(
            publicURL: arguments.value("--public-url"), ocpiRequiresToken: arguments.flag("--ocpi-token-required"),
            licence: arguments.value("--licence") ?? ExportCommand.defaultLicence, quality: rulebook)
        settings.rateLimits = rateLimits
        settings.outbound.allowsLocalAddresses = arguments.flag("--allow-local-peers")
        for text in arguments.value("--deny-networks")?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            guard let network = IPNetwork(trimmed) else {
                throw UsageError(
                    command: spec.name,
                    message: "--deny-networks: '\(trimmed)' is not an IPv4 or IPv6 network such as 10.0.0.0/8")
            }
            settings.outbound.deniedNetworks.append(network)
        }
        if let url = settings.publicURL, !(url.hasPrefix("https://") || url.hasPrefix("http://")) || url.count < 10 {
            throw UsageError(command: spec.name, message: "--public-url: '\(url)' is not an http(s) URL")
        }
        let database = database(arguments)
        let store = try await RegistryDatabase.open(database)
        if arguments.flag("--demo") {
            do { try await fillWithDemoData(store, country: arguments.value("--demo-country") ?? "CL") } catch {
                await store.close()
                throw error
            }
        }
        var router = HTTPRouter()
        let metrics = HTTPMetrics()
        AccessRoutes(
            store: store, backend: PostgresConninfo.isPostgres(database) ? "postgresql" : "sqlite", metrics: metrics,
            settings: settings
        ).routes(into: &router)
        var descriptors = ""
        if let limit = HTTPServer.raiseOpenFileLimit() {
            descriptors =
                limit.after == limit.before
                ? ", open-file limit \(limit.after)" : ", open-file limit raised from \(limit.before) to \(limit.after)"
        }
        let server: HTTPServer
        do {
            server = try HTTPServer(configuration: configuration, router: router, metrics: metrics)
        } catch {
            await store.close()
            throw CommandFailure(description: "\(error)")
        }
        Output.err(
            "serving on http://\(configuration.host):\(server.port) (database \(RegistryDatabase.redacted(database)), "
                + "at most \(server.maximumConnections) connections\(descriptors))\n")
        // Operators' Senders are pulled when due (chargereg feeds); on PostgreSQL one instance a round.
        let puller = FeedPuller(store: store, outbound: settings.outbound)
        let scheduler = Task { await puller.schedule { Output.err("pull: \($0)\n") } }
        let monitor = Task {
            await QualityMonitor(
                store: store, rulebook: rulebook, interval: .seconds(qualityInterval),
                rescanAge: Int64(rescanHours) * 3600
            ).run {
                Output.err("quality: \($0)\n")
            }
        }
        await server.runUntilSignalled()
        scheduler.cancel()
        monitor.cancel()
        await scheduler.value
        await monitor.value
        await store.close()
        Output.err("stopped\n")
        return 0
    }

    static let demoLocations = 2000

    /// Generates and ingests a country's demo feed when the database holds no location yet, so
    /// that a newcomer sees a working access point at once.
    static func fillWithDemoData(_ store: any Store, country: String) async throws {
        guard let feed = DemoFeed(country: country, locations: demoLocations, seed: 1) else {
            throw UsageError(
                command: spec.name,
                message:
                    "--demo-country: no generator data for '\(country)'; known: \(DemoFeed.countries.joined(separator: ", "))"
            )
        }
        let present = try await store.stats(publishedOnly: false).locations
        guard present == 0 else {
            Output.err("demo: the database already holds \(present) locations; nothing generated\n")
            return
        }
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("chargereg-demo-\(getpid()).json").path
        defer { unlink(path) }
        try await OutputFile.write(path) { fd in try feed.write { try OutputFile.writeAll(fd, $0) } }
        let report = try await FileIngest(store: store).ingest(path: path, party: nil, version: nil)
        Output.err("demo: ingested \(report.run.summary.created) generated locations of \(feed.countryCode)\n")
    }
}
