import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg feeds`: the operators' OCPI Senders the access point pulls (issue #7).
enum FeedsCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "feeds", abstract: "Add, list and check the operators' OCPI Senders the access point pulls.",
        arguments: [
            ArgumentSpec("ACTION", help: "add, list or status."),
            ArgumentSpec("PARTY", help: "add: the party code whose Sender it is (CL*ABC).", required: false),
        ],
        options: [
            databaseOption,
            OptionSpec("--versions-url", value: "URL", help: "add: the operator's OCPI versions endpoint."),
            OptionSpec("--token", value: "TOKEN", help: "add: the token the operator gave us for its Sender."),
            OptionSpec(
                "--ocpi-version", value: "V", help: "add: the version to use (default: the newest both sides speak).",
                allowed: ["2.1.1", "2.2", "2.2.1", "2.3.0"]),
            OptionSpec("--delta-minutes", value: "N", help: "add: minutes between delta pulls (default 5)."),
            OptionSpec("--full-hours", value: "N", help: "add: hours between full pulls (default 24)."),
        ],
        discussion: """
            'serve' pulls every feed when due: a delta (date_from = the last pull's start minus one
            minute) every --delta-minutes, a full pull every --full-hours; 'chargereg pull' runs one now.
            'status' shows each feed's last pulls, its last error and its recent ingest runs. Tokens are
            never printed.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let action = arguments.positionals[0]
        guard ["add", "list", "status"].contains(action) else {
            throw UsageError(command: spec.name, message: "unknown action '\(action)'; allowed: add, list, status")
        }
        func number(_ name: String, _ fallback: Int) throws -> Int {
            guard let text = arguments.value(name) else { return fallback }
            guard let value = Int(text), value >= 1 else {
                throw UsageError(command: spec.name, message: "\(name): '\(text)' is not a whole number ≥ 1")
            }
            return value
        }
        var party: PartyCode?
        if action == "add" {
            guard let text = arguments.positionals.dropFirst().first else {
                throw UsageError(command: spec.name, message: "add needs the PARTY code")
            }
            do { party = try PartyCode(parsing: text) } catch {
                throw UsageError(command: spec.name, message: "PARTY: \(error)")
            }
            guard arguments.value("--versions-url") != nil else {
                throw UsageError(command: spec.name, message: "add needs --versions-url")
            }
        }
        let deltaMinutes = try number("--delta-minutes", 5)
        let fullHours = try number("--full-hours", 24)
        let store = try await RegistryDatabase.open(database(arguments))
        do {
            switch action {
            case "add":
                let feed = try await store.register.saveFeed(
                    party: party!, versionsURL: arguments.value("--versions-url")!, token: arguments.value("--token"),
                    ocpiVersion: arguments.value("--ocpi-version"), deltaMinutes: deltaMinutes, fullHours: fullHours,
                    actor: actor)
                Output.out(
                    "feed of \(feed.party): \(feed.versionsURL), delta every \(feed.deltaMinutes) min, full every \(feed.fullHours) h\n"
                )
            case "list":
                for feed in try await store.register.feeds() {
                    Output.out(
                        "\(feed.party)\t\(feed.versionsURL)\t\(feed.ocpiVersion ?? "newest")\tdelta \(feed.deltaMinutes) min\tfull \(feed.fullHours) h\ttoken \(feed.token == nil ? "none" : "set")\n"
                    )
                }
            default:
                for feed in try await store.register.feeds() {
                    let runs = try await store.ingestRuns(limit: 5, party: feed.party)
                    Output.out("\(feed.party) \(feed.versionsURL)\n")
                    if let paused = try await FeedPuller.pause(of: feed.party, store: store) {
                        Output.out("  paused: \(paused); it runs again once the office reinstates the code\n")
                    }
                    Output.out("  last full pull: \(feed.lastFullStartedAt?.description ?? "never")\n")
                    Output.out("  last delta pull: \(feed.lastDeltaStartedAt?.description ?? "never")\n")
                    if let error = feed.lastError {
                        Output.out("  last error (\(feed.lastErrorAt?.description ?? "")): \(error)\n")
                    }
                    for run in runs {
                        let s = run.summary
                        Output.out(
                            "  run \(run.id) \(run.kind.rawValue) \(run.status.rawValue) \(run.startedAt): read \(s.read), new \(s.created), changed \(s.changed), unchanged \(s.unchanged), refused \(s.refused), removed \(s.removed)\(run.error.map { "; \($0)" } ?? "")\n"
                        )
                    }
                }
            }
            await store.close()
            return 0
        } catch let error as RegisterConflict {
            await store.close()
            throw CommandFailure(description: error.message)
        }
    }
}
