import AccessPoint
import CLI
import Foundation
import RegistryCore
import Storage

/// The `chargereg` command line: dispatches to a command, prints usage errors with exit code 64
/// and failures with exit code 1.
enum Program {
    static let name = "chargereg"
    static var commands: [any RegistryCommand.Type] {
        [
            MigrateCommand.self, IngestCommand.self, ExportCommand.self, StatsCommand.self, ServeCommand.self,
            GenerateCommand.self, SchemaCommand.self, TokenCommand.self, OfficeCommand.self, FeedsCommand.self,
            PullCommand.self, PeersCommand.self, QualityCommand.self,
        ]
    }

    static let usageExitCode: Int32 = 64

    static func run(_ arguments: [String]) async -> Int32 {
        guard let first = arguments.first, first != "--help", first != "-h", first != "help" || arguments.count > 1
        else {
            Output.out(help)
            return arguments.isEmpty ? usageExitCode : 0
        }
        let commandName = first == "help" ? arguments[1] : first
        guard let command = commands.first(where: { $0.spec.name == commandName }) else {
            Output.err(
                "\(name): error: unknown command '\(commandName)'\nRun '\(name) --help' for the list of commands.\n")
            return usageExitCode
        }
        if first == "help" {
            Output.out(HelpText.command(command.spec, program: name))
            return 0
        }
        do {
            let parsed = try ParsedArguments.parse(Array(arguments.dropFirst()), spec: command.spec)
            if parsed.wantsHelp {
                Output.out(HelpText.command(command.spec, program: name))
                return 0
            }
            return try await command.run(parsed)
        } catch let error as UsageError {
            Output.err(
                "\(name) \(error.command): error: \(error.message)\nRun '\(name) \(error.command) --help' for usage.\n")
            return usageExitCode
        } catch {
            Output.err("\(name) \(commandName): error: \(error)\n")
            return 1
        }
    }

    static var help: String {
        HelpText.program(
            name, abstract: "ChargeRegistry: the national charge-point registry and access point.",
            commands: commands.map { $0.spec },
            footer: """
                The database, chosen by --database or CHARGEREG_DATABASE, is a SQLite file (default \(RegistryDatabase.defaultPath))
                or PostgreSQL: a postgres://user:password@host:port/dbname URL or a libpq 'host=… dbname=…' string.
                Passwords are never printed.
                Run '\(name) <command> --help' for a command's options.
                """)
    }
}

/// One `chargereg` subcommand.
protocol RegistryCommand {
    static var spec: CommandSpec { get }
    static func run(_ arguments: ParsedArguments) async throws -> Int32
}

extension RegistryCommand {
    static var databaseOption: OptionSpec {
        OptionSpec(
            "--database", value: "DATABASE",
            help:
                "SQLite file path, or PostgreSQL as postgres://user:password@host:port/dbname or 'host=… dbname=…' (default: $CHARGEREG_DATABASE or \(RegistryDatabase.defaultPath))."
        )
    }

    /// Long commands report progress on standard error unless told not to.
    static var quietOption: OptionSpec {
        OptionSpec(
            "--quiet",
            help: "No progress on standard error (a live line on a terminal, else a line every 5 s).")
    }

    static func database(_ arguments: ParsedArguments) -> String {
        arguments.value("--database") ?? ProcessInfo.processInfo.environment["CHARGEREG_DATABASE"]
            ?? RegistryDatabase.defaultPath
    }
}

extension RegistryCommand {
    /// Who the audit log names for a command run: the operating-system user.
    static var actor: String {
        let environment = ProcessInfo.processInfo.environment
        let name =
            environment["USER"] ?? environment["LOGNAME"]
            ?? getpwuid(getuid()).map { String(cString: $0.pointee.pw_name) }
        return "cli:\(name ?? "uid \(getuid())")"
    }

    /// Runs `body` on the database's party register, closing the store after; the register's
    /// refusals become the command's error message.
    static func withRegister(_ arguments: ParsedArguments, _ body: (PartyRegister) async throws -> Void) async throws {
        let store = try await RegistryDatabase.open(database(arguments))
        do {
            try await body(store.register)
            await store.close()
        } catch {
            await store.close()
            switch error {
            case let error as RegisterConflict: throw CommandFailure(description: error.message)
            case let error as RegisterNotFound: throw CommandFailure(description: error.message)
            default: throw error
            }
        }
    }
}

/// A command that could not do its work, for a reason that is neither usage nor the store's.
struct CommandFailure: Error, CustomStringConvertible {
    var description: String
}

/// Writes to standard output and standard error without buffering surprises.
enum Output {
    static func out(_ text: String) { FileHandle.standardOutput.write(Data(text.utf8)) }
    static func err(_ text: String) { FileHandle.standardError.write(Data(text.utf8)) }
}
