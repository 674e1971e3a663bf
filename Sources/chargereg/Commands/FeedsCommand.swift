import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg feeds`: the operators' OCPI Senders the access point pulls (issue #7).
enum FeedsCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "feeds",
        abstract: "Add, list, check, pause and remove the operators' OCPI Senders the access point pulls.",
        arguments: [
            ArgumentSpec("ACTION", help: "add, list, status, pause, resume or remove."),
            ArgumentSpec(
                "PARTY", help: "add, pause, resume, remove: the party code whose Sender it is (CL*ABC).",
                required: false),
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
            A failing feed is tried again after its delta interval, doubled after each failure up to an
            hour. 'status' shows each feed's last pulls, its failures and next attempt, its last error
            and its recent ingest runs. 'pause' stops the scheduler pulling a feed until 'resume' (which
            tries it at once); 'remove' deletes it (what it delivered stays). Tokens are never printed.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let action = arguments.positionals[0]
        let actions = ["add", "list", "status", "pause", "resume", "remove"]
        guard actions.contains(action) else {
            throw UsageError(
                command: spec.name, message: "unknown action '\(action)'; allowed: \(actions.joined(separator: ", "))")
        }
        func number(_ name: String, _ fallback: Int) throws -> Int {
            guard let text = arguments.value(name) else { return fallback }
            guard let value = Int(text), value >= 1 else {
                throw UsageError(command: spec.name, message: "\(name): '\(text)' is not a whole number ≥ 1")
            }
            return value
        }
        var party: PartyCode?
        if !["list", "status"].contains(action) {
            guard let text = arguments.positionals.dropFirst().first else {
                throw UsageError(command: spec.name, message: "\(action) needs the PARTY code")
            }
            do { party = try PartyCode(parsing: text) } catch {
                throw UsageError(command: spec.name, message: "PARTY: \(error)")
            }
        }
        if action == "add" {
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
            case "pause", "resume":
                let feed = try await store.register.pauseFeed(of: party!, action == "pause", actor: actor)
                Output.out(
                    feed.pausedAt == nil
                        ? "feed of \(feed.party) resumed: pulled on the scheduler's next round\n"
                        : "feed of \(feed.party) paused: not pulled until 'chargereg feeds resume \(feed.party)'\n")
            case "remove":
                try await store.register.removeFeed(of: party!, actor: actor)
                Output.out("feed of \(party!) removed; what it delivered stays in the register\n")
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
                    if let pausedAt = feed.pausedAt {
                        Output.out("  paused by the office since \(pausedAt); 'feeds resume' runs it again\n")
                    }
                    if let since = feed.failingSince, let next = feed.nextAttempt {
                        Output.out(
                            "  failing: \(feed.failures) attempts in a row since \(since); next attempt \(next)\n")
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
        } catch let error as RegisterNotFound {
            await store.close()
            throw CommandFailure(description: "\(error)")
        }
    }
}
