import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// `chargereg office`: the ID Registration Office's work from the command line, the same
/// operations as `/api/v1/office/*`, logged with the operating-system user as the actor.
enum OfficeCommand: RegistryCommand {
    static let actions: [String: String] = [
        "configure": "set --countries, --quarantine-days, --ocpi-party, --name",
        "applications": "list applications (--status)",
        "show": "one application with private fields: show ID",
        "review": "take an application under review: review ID",
        "request-info": "ask the applicant for information: request-info ID --reason",
        "approve": "approve and issue the code: approve ID [--code CL*ABC] [--transfer] [--reason]",
        "reject": "reject: reject ID --reason",
        "suspend": "suspend a code: suspend CODE --reason",
        "reinstate": "reinstate a suspended code: reinstate CODE --reason",
        "revoke": "revoke a code (quarantined): revoke CODE --reason",
        "release": "free a revoked code after its quarantine: release CODE --reason",
        "transfer": "move a code to another organisation: transfer CODE --organisation ID --reason",
        "authorise": "let a party publish EVSE IDs under a code: authorise CODE --party CODE",
        "import": "import another office's register (CSV or JSON): import FILE --source NAME",
        "parties": "print the register (--country, --status)",
        "audit": "print the audit log (--subject)",
    ]

    static let spec = CommandSpec(
        name: "office", abstract: "Run the ID Registration Office: applications, codes, foreign registers, audit.",
        arguments: [
            ArgumentSpec("ACTION", help: "One of: \(actions.keys.sorted().joined(separator: ", "))."),
            ArgumentSpec(
                "TARGET", help: "An application id, a party code or a file, as the action needs.", required: false),
        ],
        options: [
            databaseOption,
            OptionSpec("--reason", value: "TEXT", help: "Why (told to the applicant; kept in the audit log)."),
            OptionSpec("--code", value: "CODE", help: "approve: the code to issue instead of the proposal."),
            OptionSpec(
                "--transfer",
                help:
                    "approve: the applicant is confirmed to be the organisation registered under its company ID (see 'show')."
            ),
            OptionSpec("--status", value: "STATUS", help: "applications/parties: only this status."),
            OptionSpec("--country", value: "CC", help: "parties: only this country."),
            OptionSpec("--countries", value: "CC,CC", help: "configure: the countries this office issues codes for."),
            OptionSpec("--quarantine-days", value: "N", help: "configure: days a revoked code is kept (default 1825)."),
            OptionSpec(
                "--ocpi-party", value: "CODE", help: "configure: the access point's own OCPI party (role NAP), CL*NAP."),
            OptionSpec("--name", value: "TEXT", help: "configure: the name in the access point's OCPI credentials."),
            OptionSpec("--organisation", value: "ID", help: "transfer: the receiving organisation's id."),
            OptionSpec("--party", value: "CODE", help: "authorise: the party allowed."),
            OptionSpec("--source", value: "NAME", help: "import: the name of the register imported."),
            OptionSpec("--subject", value: "SUBJECT", help: "audit: application:ID, code:CL*ABC, token:ID."),
        ],
        discussion: actions.sorted { $0.key < $1.key }.map {
            "  \($0.key.padding(toLength: 13, withPad: " ", startingAt: 0)) \($0.value)"
        }
        .joined(separator: "\n"))

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let action = arguments.positionals[0]
        guard actions[action] != nil else {
            throw UsageError(
                command: spec.name,
                message: "unknown action '\(action)'; allowed: \(actions.keys.sorted().joined(separator: ", "))")
        }
        let target = arguments.positionals.dropFirst().first
        func need(_ what: String) throws -> String {
            guard let target else { throw UsageError(command: spec.name, message: "\(action) needs \(what)") }
            return target
        }
        func applicationID() throws -> Int64 {
            guard let id = Int64(try need("an application ID")) else {
                throw UsageError(command: spec.name, message: "'\(target!)' is not an application ID")
            }
            return id
        }
        func code(_ text: String) throws -> PartyCode {
            do { return try PartyCode(parsing: text) } catch {
                throw UsageError(command: spec.name, message: "\(error)")
            }
        }
        let reason = arguments.value("--reason")
        try await withRegister(arguments) { register in
            switch action {
            case "configure":
                var settings = try await register.settings()
                if let countries = arguments.value("--countries") {
                    settings.countries = Set(countries.uppercased().split(separator: ",").map(String.init))
                } else if settings.countries.isEmpty {
                    throw UsageError(command: spec.name, message: "configure needs --countries")
                }
                if let days = arguments.value("--quarantine-days") {
                    guard let parsed = Int(days) else {
                        throw UsageError(command: spec.name, message: "--quarantine-days: a number")
                    }
                    settings.quarantineDays = parsed
                }
                if let party = arguments.value("--ocpi-party") { settings.ocpiParty = try code(party) }
                if let name = arguments.value("--name") { settings.name = name }
                try await register.configure(settings, actor: actor)
                Output.out(
                    "countries \(settings.countries.sorted().joined(separator: ",")), quarantine \(settings.quarantineDays) days"
                        + (settings.ocpiParty.map { ", OCPI party \($0) (NAP)" } ?? "") + "\n")
            case "applications":
                let status = try arguments.value("--status").map { text in
                    guard let status = ApplicationStatus(rawValue: text.uppercased()) else {
                        throw UsageError(
                            command: spec.name,
                            message:
                                "--status: one of \(ApplicationStatus.allCases.map(\.rawValue).joined(separator: ", "))"
                        )
                    }
                    return status
                }
                for application in try await register.applications(status: status) {
                    Output.out(
                        "\(application.id)\t\(application.status.rawValue)\t\(application.proposedCode ?? "-")\t\(application.issuedCode ?? "-")\t\(application.organisation.legalName)\t\(application.submittedAt)\n"
                    )
                }
            case "show":
                guard let application = try await register.application(try applicationID()) else {
                    throw RegisterNotFound("no application \(target!)")
                }
                Output.out(
                    String(decoding: ApplicationDocument.json(application, forOffice: true), as: UTF8.self) + "\n")
            case "review", "request-info", "approve", "reject":
                let application = try await register.decide(
                    try applicationID(), ApplicationAction(rawValue: action)!, reason: reason,
                    assign: try arguments.value("--code").map(code), transfer: arguments.flag("--transfer"),
                    actor: actor)
                Output.out(
                    "application \(application.id): \(application.status.rawValue)\(application.issuedCode.map { ", code \($0)" } ?? "")\n"
                )
            case "suspend", "reinstate", "revoke", "release", "transfer":
                let organisation = try arguments.value("--organisation").map { text in
                    guard let id = Int64(text) else {
                        throw UsageError(command: spec.name, message: "--organisation: an id")
                    }
                    return id
                }
                let entry = try await register.change(
                    try code(try need("a party code")), CodeAction(rawValue: action)!, reason: reason ?? "",
                    toOrganisation: organisation, actor: actor)
                Output.out(
                    "\(entry.code): \(entry.status), held by \(entry.holderLegalName)\(entry.quarantineUntil.map { ", quarantined until \($0)" } ?? "")\n"
                )
            case "authorise":
                guard let party = arguments.value("--party") else {
                    throw UsageError(command: spec.name, message: "authorise needs --party")
                }
                let authorised = try code(party)
                let holder = try code(try need("the holder's code"))
                try await register.authorise(authorised, under: holder, actor: actor)
                Output.out("\(authorised) may publish EVSE IDs under \(holder)\n")
            case "import":
                guard let source = arguments.value("--source") else {
                    throw UsageError(command: spec.name, message: "import needs --source")
                }
                let path = try need("a register file")
                guard let data = FileManager.default.contents(atPath: path) else {
                    throw CommandFailure(description: "cannot read '\(path)'")
                }
                let summary = try await register.importForeign(
                    try ForeignRegisterFile.parse(Array(data)), source: source, actor: actor)
                Output.out(
                    "\(path): \(summary.created) new, \(summary.updated) updated, \(summary.unchanged) unchanged\n")
            case "parties":
                for entry in try await register.parties(
                    PartyFilter(country: arguments.value("--country"), status: arguments.value("--status")))
                {
                    Output.out(
                        "\(entry.code)\t\(PartyRole.text(entry.roles))\t\(entry.status)\t\(entry.holderLegalName)\t\(entry.foreignSource ?? "own")\n"
                    )
                }
            default:
                for event in try await register.auditLog(subject: arguments.value("--subject"), limit: 1000) {
                    Output.out(
                        "\(event.at)\t\(event.actor)\t\(event.action)\t\(event.subject)\t\(event.reason ?? "")\t\(event.detail ?? "")\n"
                    )
                }
            }
        }
        return 0
    }
}
