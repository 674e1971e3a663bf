import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg pull`: pulls the stored feeds now (issue #7).
enum PullCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "pull", abstract: "Pull operators' OCPI Senders now (all feeds, or one party's).",
        options: [
            databaseOption,
            OptionSpec("--party", value: "CC*PID", help: "Only this party's feed."),
            OptionSpec("--full", help: "A full pull (default: a delta, or a full pull when none ran yet)."),
            OptionSpec(
                "--confirm-removals",
                help: "With --full: remove even when more than 20% of the party's locations are missing."),
            quietOption,
        ],
        discussion: """
            Each pull is one ingest run of kind pull, all or nothing: findings, history and no-op detection
            as for files. A full pull marks the party's locations that its Sender no longer lists as
            removed; more than 20% at once is held back until --confirm-removals. A failing feed is
            reported and the others go on. Exit status 1 when any pull failed.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let party: PartyCode?
        do { party = try arguments.value("--party").map { try PartyCode(parsing: $0) } } catch {
            throw UsageError(command: spec.name, message: "--party: \(error)")
        }
        if arguments.flag("--confirm-removals") && !arguments.flag("--full") {
            throw UsageError(command: spec.name, message: "--confirm-removals applies only with --full")
        }
        let store = try await RegistryDatabase.open(database(arguments))
        let feeds = try await store.register.feeds().filter { party == nil || $0.party == party }
        if feeds.isEmpty {
            await store.close()
            throw CommandFailure(
                description: party.map { "no feed for \($0); add one with 'chargereg feeds add'" } ?? "no feeds")
        }
        let puller = FeedPuller(store: store)
        let full = arguments.flag("--full")
        let confirmed = arguments.flag("--confirm-removals")
        let quiet = arguments.flag("--quiet")
        // One pull of a feed at a time: a running `serve`'s scheduler holds the same lock for its rounds.
        var failures: Int?
        var told = false
        do {
            while failures == nil {
                failures = try await store.exclusively("pull-round") {
                    var failed = 0
                    for feed in feeds {
                        let shown = ProgressLine("pull \(feed.party)", .init(noun: "records"), quiet: quiet)
                        defer { shown.finish() }
                        let outcome = await puller.pull(feed, kind: full ? .full : nil, confirmed: confirmed) {
                            shown.update(count: $0)
                        }
                        if outcome.report == nil {
                            failed += 1
                            Output.err("chargereg pull: error: " + FeedPuller.describe(outcome) + "\n")
                        } else {
                            Output.out(FeedPuller.describe(outcome) + "\n")
                        }
                    }
                    return failed
                }
                if failures == nil {
                    if !told { Output.err("chargereg pull: waiting for the pull round of a running 'serve' to end\n") }
                    told = true
                    try await Task.sleep(for: .seconds(1))
                }
            }
        } catch {
            await store.close()
            throw error
        }
        await store.close()
        return failures == 0 ? 0 : 1
    }
}
