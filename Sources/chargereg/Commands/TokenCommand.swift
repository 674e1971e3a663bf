import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg token`: bootstraps and manages access tokens (DESIGN.md security model). The
/// first office token can only come from here: whoever runs the program on the database is
/// trusted with it.
enum TokenCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "token", abstract: "Create, list and revoke access tokens (office, operator, reader).",
        arguments: [
            ArgumentSpec("ACTION", help: "create, list or revoke."),
            ArgumentSpec("ID", help: "revoke: the token's id (from 'list').", required: false),
        ],
        options: [
            databaseOption,
            OptionSpec(
                "--role", value: "ROLE", help: "create: the token's role.", allowed: ["office", "operator", "reader"]),
            OptionSpec(
                "--party", value: "CODES",
                help: "create --role operator: party codes it may write under (CL*ABC,CL*XYZ)."),
            OptionSpec("--label", value: "TEXT", help: "create: who or what the token is for."),
            OptionSpec(
                "--registration",
                help: "create --role operator: an OCPI token A, valid only to register (credentials handshake)."),
        ],
        discussion: """
            'create' prints the secret once on standard output; only its SHA-256 is stored. Send it as
            'Authorization: Bearer <secret>' (OCPI: 'Token <secret>'). 'list' never shows secrets.
            A registration token is handed to an operator with the versions URL: its OCPI platform POSTs
            its credentials to /ocpi/{version}/credentials with it and receives the token it pushes with.
            """)

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let action = arguments.positionals[0]
        guard ["create", "list", "revoke"].contains(action) else {
            throw UsageError(command: spec.name, message: "unknown action '\(action)'; allowed: create, list, revoke")
        }
        var parties: [PartyCode] = []
        for text in (arguments.value("--party") ?? "").split(separator: ",") {
            do { parties.append(try PartyCode(parsing: String(text))) } catch {
                throw UsageError(command: spec.name, message: "--party: \(error)")
            }
        }
        let role = arguments.value("--role").flatMap(TokenRole.init(rawValue:))
        if action == "create" && role == nil { throw UsageError(command: spec.name, message: "create needs --role") }
        var id: Int64?
        if action == "revoke" {
            guard let text = arguments.positionals.dropFirst().first, let parsed = Int64(text) else {
                throw UsageError(command: spec.name, message: "revoke needs the token's ID")
            }
            id = parsed
        }
        try await withRegister(arguments) { register in
            switch action {
            case "create":
                let secret = AccessToken.generate(prefix: "cr_\(role!.rawValue)_")
                let token = try await register.createToken(
                    hash: AccessToken.hash(secret), role: role!,
                    purpose: arguments.flag("--registration") ? .registration : .api, parties: parties,
                    label: arguments.value("--label") ?? role!.rawValue, actor: actor)
                Output.err("token \(token.id) (\(token.role.rawValue)) created; its secret is shown once:\n")
                Output.out(secret + "\n")
            case "list":
                for token in try await register.tokens() {
                    let parties = token.parties.isEmpty ? "" : " " + token.parties.joined(separator: ",")
                    let state = token.revokedAt.map { "revoked \($0)" } ?? "live"
                    let purpose = token.purpose == .registration ? " registration" : ""
                    Output.out(
                        "\(token.id)\t\(token.role.rawValue)\(purpose)\(parties)\t\(token.label)\t\(token.createdAt)\t\(state)\n"
                    )
                }
            default:
                try await register.revokeToken(id!, actor: actor)
                Output.out("token \(id!) revoked\n")
            }
        }
        return 0
    }
}
