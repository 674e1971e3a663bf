import Testing

@testable import CLI

@Suite struct ParsedArgumentsTests {
    let spec = CommandSpec(
        name: "ingest", abstract: "Ingest.", arguments: [ArgumentSpec("FILE", help: "a file", repeating: true)],
        options: [
            OptionSpec("--party", value: "CC*PID", help: "party"),
            OptionSpec("--format", value: "F", help: "format", allowed: ["ocpi", "csv"]),
            OptionSpec("--verbose", help: "more"),
        ])

    @Test func parsesValuesFlagsAndPositionals() throws {
        let parsed = try ParsedArguments.parse(
            ["a.json", "--party", "CL*ABC", "--format=csv", "--verbose", "--", "-b"], spec: spec)
        #expect(parsed.positionals == ["a.json", "-b"])
        #expect(parsed.value("--party") == "CL*ABC")
        #expect(parsed.value("--format") == "csv")
        #expect(parsed.flag("--verbose"))
    }

    @Test(arguments: [
        (["--nope", "a"], "unknown option '--nope'"), (["a", "--party"], "'--party' needs a value (CC*PID)"),
        (["a", "--format", "xml"], "'xml' is not a valid value for '--format'; allowed: ocpi, csv"),
        ([], "missing argument FILE"), (["a", "--verbose=1"], "'--verbose' takes no value"),
    ])
    func reportsWhatIsWrong(arguments: [String], message: String) {
        #expect(throws: UsageError(command: "ingest", message: message)) {
            try ParsedArguments.parse(arguments, spec: spec)
        }
    }

    @Test func helpListsEverything() {
        let help = HelpText.command(spec, program: "chargereg")
        #expect(help.contains("USAGE: chargereg ingest [options] FILE..."))
        #expect(help.contains("--format <F>") && help.contains("(ocpi, csv)"))
    }
}
