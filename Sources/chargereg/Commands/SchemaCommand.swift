import AccessPoint
import CLI
import Schemas

enum SchemaCommand: RegistryCommand {
    static let spec = CommandSpec(
        name: "schema", abstract: "Print a JSON Schema the registry publishes.",
        arguments: [ArgumentSpec("NAME", help: "The schema (default: location).", required: false)],
        discussion: "location: the canonical Location document the registry stores and serves (JSON Schema 2020-12).")

    static func run(_ arguments: ParsedArguments) async throws -> Int32 {
        let name = arguments.positionals.first ?? "location"
        guard let schema = SchemaFiles.schema(named: name) else {
            throw UsageError(
                command: spec.name,
                message: "no schema '\(name)'; available: \(SchemaFiles.names.joined(separator: ", "))")
        }
        Output.out(String(decoding: schema, as: UTF8.self) + "\n")
        return 0
    }
}
