/// The arguments of one command after parsing: every bad input is a `UsageError` that names
/// the argument and what is allowed.
public struct ParsedArguments: Sendable, Equatable {
    public var values: [String: String] = [:]
    public var flags: Set<String> = []
    public var positionals: [String] = []
    public var wantsHelp = false

    public func value(_ name: String) -> String? { values[name] }
    public func flag(_ name: String) -> Bool { flags.contains(name) }

    /// Parses `arguments` (without the program and command names) against `spec`. Accepts
    /// `--name value`, `--name=value`, `--` to end options, and `-h`/`--help` anywhere.
    public static func parse(_ arguments: [String], spec: CommandSpec) throws(UsageError) -> ParsedArguments {
        var parsed = ParsedArguments()
        var index = 0
        var optionsEnded = false
        while index < arguments.count {
            let argument = arguments[index]
            index += 1
            if optionsEnded || !argument.hasPrefix("-") || argument == "-" {
                parsed.positionals.append(argument)
                continue
            }
            if argument == "--" {
                optionsEnded = true
                continue
            }
            if argument == "--help" || argument == "-h" {
                parsed.wantsHelp = true
                continue
            }
            let parts = argument.split(separator: "=", maxSplits: 1)
            let name = String(parts[0])
            guard let option = spec.options.first(where: { $0.name == name }) else {
                throw UsageError(command: spec.name, message: "unknown option '\(name)'")
            }
            if option.isFlag {
                guard parts.count == 1 else {
                    throw UsageError(command: spec.name, message: "'\(name)' takes no value")
                }
                parsed.flags.insert(name)
                continue
            }
            let value: String
            if parts.count == 2 {
                value = String(parts[1])
            } else {
                guard index < arguments.count else {
                    throw UsageError(command: spec.name, message: "'\(name)' needs a value (\(option.valueName!))")
                }
                value = arguments[index]
                index += 1
            }
            if let allowed = option.allowed, !allowed.contains(value) {
                throw UsageError(
                    command: spec.name,
                    message:
                        "'\(value)' is not a valid value for '\(name)'; allowed: \(allowed.joined(separator: ", "))")
            }
            parsed.values[name] = value
        }
        if parsed.wantsHelp { return parsed }
        let required = spec.arguments.filter(\.required)
        if parsed.positionals.count < required.count {
            throw UsageError(command: spec.name, message: "missing argument \(required[parsed.positionals.count].name)")
        }
        if !(spec.arguments.last?.repeating ?? false), parsed.positionals.count > spec.arguments.count {
            throw UsageError(
                command: spec.name, message: "unexpected argument '\(parsed.positionals[spec.arguments.count])'")
        }
        return parsed
    }
}

/// A command line that cannot be understood.
public struct UsageError: Error, Sendable, Equatable, CustomStringConvertible {
    public var command: String
    public var message: String

    public init(command: String, message: String) {
        self.command = command
        self.message = message
    }

    public var description: String { message }
}
