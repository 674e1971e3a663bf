/// Renders `--help` for a command and for a program with subcommands.
public enum HelpText {
    public static func command(_ spec: CommandSpec, program: String) -> String {
        var usage = "\(program) \(spec.name)"
        if !spec.options.isEmpty { usage += " [options]" }
        for argument in spec.arguments {
            let name = argument.repeating ? "\(argument.name)..." : argument.name
            usage += argument.required ? " \(name)" : " [\(name)]"
        }
        var lines = [spec.abstract, "", "USAGE: \(usage)"]
        if !spec.arguments.isEmpty {
            lines += ["", "ARGUMENTS:"]
            lines += spec.arguments.map { row($0.name, $0.help) }
        }
        lines += ["", "OPTIONS:"]
        for option in spec.options {
            var help = option.help
            if let allowed = option.allowed { help += " (\(allowed.joined(separator: ", ")))" }
            lines.append(row(option.valueName.map { "\(option.name) <\($0)>" } ?? option.name, help))
        }
        lines.append(row("-h, --help", "Show this help."))
        if let discussion = spec.discussion { lines += ["", discussion] }
        return lines.joined(separator: "\n") + "\n"
    }

    public static func program(_ name: String, abstract: String, commands: [CommandSpec], footer: String) -> String {
        var lines = [abstract, "", "USAGE: \(name) <command> [options]", "", "COMMANDS:"]
        lines += commands.map { row($0.name, $0.abstract) }
        lines += ["", footer]
        return lines.joined(separator: "\n") + "\n"
    }

    private static func row(_ left: String, _ right: String) -> String {
        let padded = left.count < 26 ? left + String(repeating: " ", count: 26 - left.count) : left + "  "
        return "  " + padded + right
    }
}
