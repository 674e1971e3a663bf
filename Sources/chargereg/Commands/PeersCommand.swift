import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg peers`: the OCPI platforms the access point holds credentials with (issue #7;
/// ocpi.md §5.3), and the handshake as the side that calls.
enum PeersCommand: RegistryCommand {
    static let actions = ["list", "connect", "update", "disconnect"]

    static let spec = CommandSpec(
        name: "peers", abstract: "Register with operators' OCPI platforms, rotate and end credentials, list them.",
        arguments: [
            ArgumentSpec("ACTION", help: "list, connect, update or disconnect."),
            ArgumentSpec("ID", help: "update/disconnect: the peer's id (from 'list').", required: false),
        ],
        options: [
            databaseOption,
            OptionSpec("--versions-url", value: "URL", help: "connect: the operator's OCPI versions endpoint."),
            OptionSpec("--token", value: "TOKEN", help: "connect: the token A the operator handed over."),
            OptionSpec("--party", value: "CODES", help: "connect: the party codes the operator acts for (CL*ABC,…)."),
            OptionSpec(
                "--public-url", value: "URL",
                help: "connect/update: the base URL the peer calls us back on (as given to 'serve')."),
        ],
        discussion: """
            'connect' reads the operator's versions with its token A, creates the token it will call us
            with, POSTs our credentials (role NAP, party of 'office configure --ocpi-party') and keeps the
            token it answers. 'serve' must be running at --public-url: the operator calls our versions
            back. Roles that do not match the register are refused and the operator's side undone.
            A peer with a Locations Sender gets a feed for each CPO code. 'update' rotates both tokens
            (PUT); 'disconnect' ends the registration (DELETE) and stops its feeds. Operators register
            with us by themselves with a token from 'chargereg token create --registration'.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let action = arguments.positionals[0]
        guard actions.contains(action) else {
            throw UsageError(
                command: spec.name, message: "unknown action '\(action)'; allowed: \(actions.joined(separator: ", "))")
        }
        func need(_ option: String) throws -> String {
            guard let value = arguments.value(option) else {
                throw UsageError(command: spec.name, message: "\(action) needs \(option)")
            }
            return value
        }
        var peerID: Int64?
        if action == "update" || action == "disconnect" {
            guard let text = arguments.positionals.dropFirst().first, let id = Int64(text) else {
                throw UsageError(command: spec.name, message: "\(action) needs the peer's ID")
            }
            peerID = id
        }
        var parties: [PartyCode] = []
        var ourVersionsURL = ""
        if action == "connect" || action == "update" {
            ourVersionsURL = try need("--public-url")
            guard ourVersionsURL.hasPrefix("http://") || ourVersionsURL.hasPrefix("https://") else {
                throw UsageError(command: spec.name, message: "--public-url: an http(s) URL")
            }
            ourVersionsURL =
                (ourVersionsURL.hasSuffix("/") ? String(ourVersionsURL.dropLast()) : ourVersionsURL)
                + "/ocpi/versions"
        }
        if action == "connect" {
            for text in try need("--party").split(separator: ",") {
                do { parties.append(try PartyCode(parsing: String(text))) } catch {
                    throw UsageError(command: spec.name, message: "--party: \(error)")
                }
            }
            _ = try need("--versions-url")
            _ = try need("--token")
        }
        try await withRegister(arguments) { register in
            let handshake = CredentialsHandshake(register: register, ourVersionsURL: ourVersionsURL)
            func peer() async throws -> OCPIPeer {
                guard let peer = try await register.peer(peerID!), peer.unregisteredAt == nil else {
                    throw RegisterNotFound("no registered peer \(peerID!)")
                }
                return peer
            }
            switch action {
            case "list":
                for peer in try await register.peers() {
                    let state = peer.unregisteredAt.map { "unregistered \($0)" } ?? "registered"
                    Output.out(
                        "\(peer.id)\t\(peer.direction.rawValue)\t\(peer.ocpiVersion)\t\(peer.roles.map(\.description).joined(separator: ","))\t\(peer.businessName)\t\(peer.versionsURL)\t\(state)\n"
                    )
                }
            case "connect":
                let peer = try await handshake.connect(
                    versionsURL: arguments.value("--versions-url")!, tokenA: arguments.value("--token")!,
                    parties: parties, actor: actor)
                Output.out(describe(peer, "registered with"))
            case "update":
                Output.out(describe(try await handshake.update(try await peer(), actor: actor), "updated"))
            default:
                let peer = try await peer()
                if let warning = try await handshake.disconnect(peer, actor: actor) {
                    Output.err("warning: \(warning)\n")
                }
                Output.out("peer \(peer.id) unregistered; its token is revoked and its feeds stopped\n")
            }
        }
        return 0
    }

    static func describe(_ peer: OCPIPeer, _ verb: String) -> String {
        "peer \(peer.id): \(verb) \(peer.businessName) (\(peer.roles.map(\.description).joined(separator: ", "))), OCPI \(peer.ocpiVersion)"
            + (peer.locationsSender != nil && peer.roles.contains { $0.role == "CPO" || $0.role == nil }
                ? "; its Locations Sender is pulled as a feed" : "") + "\n"
    }
}
