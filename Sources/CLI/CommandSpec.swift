/// What a command accepts, used both to parse its arguments and to print its `--help`.
public struct CommandSpec: Sendable {
    public var name: String
    public var abstract: String
    public var arguments: [ArgumentSpec]
    public var options: [OptionSpec]
    public var discussion: String?

    public init(
        name: String, abstract: String, arguments: [ArgumentSpec] = [], options: [OptionSpec] = [],
        discussion: String? = nil
    ) {
        self.name = name
        self.abstract = abstract
        self.arguments = arguments
        self.options = options
        self.discussion = discussion
    }
}

/// A positional argument.
public struct ArgumentSpec: Sendable {
    public var name: String
    public var help: String
    public var repeating: Bool
    public var required: Bool

    public init(_ name: String, help: String, repeating: Bool = false, required: Bool = true) {
        self.name = name
        self.help = help
        self.repeating = repeating
        self.required = required
    }
}

/// A `--name VALUE` option, or a `--name` flag when `valueName` is nil.
public struct OptionSpec: Sendable {
    public var name: String
    public var valueName: String?
    public var help: String
    /// Allowed values, checked when parsing and listed in help.
    public var allowed: [String]?

    public init(_ name: String, value valueName: String? = nil, help: String, allowed: [String]? = nil) {
        self.name = name
        self.valueName = valueName
        self.help = help
        self.allowed = allowed
    }

    public var isFlag: Bool { valueName == nil }
}
