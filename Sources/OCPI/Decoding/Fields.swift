import JSON
import RegistryCore

/// Reads the members of one JSON object the tolerant way ocpi.md §7.8 asks for, turning every
/// tolerance into a finding at the member's path: explicit nulls, values of a convertible wrong
/// type, arrays of one where an object is due, members of another version, unknown members.
struct Fields {
    let object: JSONObject
    let path: String
    let log: FindingLog
    let version: OCPIVersion
    /// Where each member is defined; nil for classes without version differences.
    let catalogue: [String: FieldCatalogue.Since]?
    /// Which members have been read, by position.
    private var consumed: [Bool]
    /// Where the next member search starts.
    private var cursor = 0

    init(
        _ object: JSONObject, path: String, log: FindingLog, version: OCPIVersion,
        catalogue: [String: FieldCatalogue.Since]? = nil
    ) {
        self.object = object
        self.path = path
        self.log = log
        self.version = version
        self.catalogue = catalogue
        consumed = Array(repeating: false, count: object.members.count)
    }

    func childPath(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

    // MARK: - Raw access

    /// The member's value, nil when absent or null (with the findings that deserves). `aliases`
    /// are the same member's names in other versions.
    mutating func value(_ key: String, required: Bool = false, aliases: [String] = []) -> JSONValue? {
        var found: (key: String, value: JSONValue)?
        for alias in -1..<aliases.count {
            let name = alias < 0 ? key : aliases[alias]
            guard let index = index(of: name) else { continue }
            consumed[index] = true
            if found == nil { found = (name, object.members[index].value) }
        }
        guard let found else {
            if required { log.add(.missingRequired, childPath(key), "required field '\(key)' is missing") }
            return nil
        }
        if let since = catalogue?[found.key], !FieldCatalogue.isDefined(since, in: version) {
            log.add(
                .fieldOfOtherVersion, childPath(found.key),
                "'\(found.key)' is not a field of OCPI \(version.rawValue)"
                    + (found.key == key ? "" : "; read as '\(key)'"))
        }
        if found.value.isNull {
            if required {
                log.add(.missingRequired, childPath(found.key), "required field '\(found.key)' is null")
            } else {
                log.add(.explicitNull, childPath(found.key), "optional field sent as null")
            }
            return nil
        }
        return found.value
    }

    /// The first member named `key`. Members are nearly always read in the order they were
    /// written, so the search starts where the previous one ended.
    private mutating func index(of key: String) -> Int? {
        let members = object.members
        guard !members.isEmpty else { return nil }
        var index = cursor
        for _ in 0..<members.count {
            if members[index].key == key {
                cursor = index + 1 == members.count ? 0 : index + 1
                return index
            }
            index = index + 1 == members.count ? 0 : index + 1
        }
        return nil
    }

    /// Members nobody read: flagged and returned, to be kept as extensions. A repeated member
    /// is flagged as such (the first one was used).
    func unknownMembers() -> JSONObject {
        var unknown: [JSONMember] = []
        for index in object.members.indices where !consumed[index] {
            let member = object.members[index]
            if isDuplicate(index) {
                log.add(
                    .duplicateField, childPath(member.key),
                    "field '\(member.key)' appears again; the first one was used")
            } else {
                log.add(
                    .unknownField, childPath(member.key), "field '\(member.key)' is not defined by OCPI; kept as sent")
                unknown.append(member)
            }
        }
        return JSONObject(unknown)
    }

    private func isDuplicate(_ index: Int) -> Bool {
        object.members[..<index].contains { $0.key == object.members[index].key }
    }

    // MARK: - Scalars

    mutating func string(_ key: String, required: Bool = false, maxLength: Int? = nil, aliases: [String] = [])
        -> String?
    {
        guard let value = value(key, required: required, aliases: aliases) else { return nil }
        let text: String
        switch value {
        case .string(let string): text = string
        case .number(let number):
            log.add(.wrongType, childPath(key), "expected a string, found the number \(number.text); used its text")
            text = number.text
        case .bool(let bool):
            log.add(.wrongType, childPath(key), "expected a string, found the boolean \(bool); used its text")
            text = String(bool)
        default:
            log.add(.invalidValue, childPath(key), "expected a string, found \(describe(value)); ignored")
            return nil
        }
        checkLength(text, maxLength, key)
        return text
    }

    private func checkLength(_ text: String, _ maxLength: Int?, _ key: String) {
        if let maxLength, text.utf8.count > maxLength, text.unicodeScalars.count > maxLength {
            log.add(
                .tooLong, childPath(key),
                "\(text.unicodeScalars.count) characters, OCPI \(version.rawValue) allows \(maxLength); kept whole")
        }
    }

    mutating func int(_ key: String, required: Bool = false, aliases: [String] = []) -> Int? {
        guard let value = value(key, required: required, aliases: aliases) else { return nil }
        switch value {
        case .number(let number):
            if let int = number.intValue {
                if Int(number.text) == nil {
                    log.add(.wrongType, childPath(key), "expected an integer, found \(number.text); used \(int)")
                }
                return int
            }
            if let double = number.doubleValue, double.isFinite, abs(double) < 9e15 {
                let rounded = Int(double.rounded())
                log.add(.wrongType, childPath(key), "expected an integer, found \(number.text); rounded to \(rounded)")
                return rounded
            }
        case .string(let string):
            if let number = Double(string.trimmingASCIIWhitespace), number.isFinite, number.rounded() == number,
                abs(number) < 9e15
            {
                log.add(.wrongType, childPath(key), "expected an integer, found the string \"\(string)\"; converted")
                return Int(number)
            }
        default: break
        }
        log.add(.invalidValue, childPath(key), "expected an integer, found \(describe(value)); ignored")
        return nil
    }

    mutating func number(_ key: String, required: Bool = false) -> JSONNumber? {
        guard let value = value(key, required: required) else { return nil }
        switch value {
        case .number(let number): return number
        case .string(let string):
            let trimmed = string.trimmingASCIIWhitespace
            if let double = Double(trimmed), double.isFinite, (try? JSONParser.parse(Array(trimmed.utf8))) != nil {
                log.add(.wrongType, childPath(key), "expected a number, found the string \"\(string)\"; converted")
                return JSONNumber(text: trimmed)
            }
        default: break
        }
        log.add(.invalidValue, childPath(key), "expected a number, found \(describe(value)); ignored")
        return nil
    }

    mutating func bool(_ key: String, required: Bool = false) -> Bool? {
        guard let value = value(key, required: required) else { return nil }
        switch value {
        case .bool(let bool): return bool
        case .string(let string) where ["true", "false"].contains(string.lowercased()):
            log.add(.wrongType, childPath(key), "expected a boolean, found the string \"\(string)\"; converted")
            return string.lowercased() == "true"
        case .number(let number) where number.text == "0" || number.text == "1":
            log.add(.wrongType, childPath(key), "expected a boolean, found the number \(number.text); converted")
            return number.text == "1"
        default:
            log.add(.invalidValue, childPath(key), "expected a boolean, found \(describe(value)); ignored")
            return nil
        }
    }

    mutating func timestamp(_ key: String, required: Bool = false) -> Timestamp? {
        guard let text = string(key, required: required) else { return nil }
        guard let parsed = Timestamp.parse(text) else {
            log.add(.invalidValue, childPath(key), "\"\(text)\" is not an RFC 3339 date-time; ignored")
            return nil
        }
        if parsed.hadOffset {
            log.add(.dateTimeNotUTC, childPath(key), "\"\(text)\" has a zone offset; OCPI wants UTC; converted")
        }
        // To the millisecond, the precision every DateTime is written in (`Timestamp`).
        return parsed.timestamp.truncatedToMilliseconds
    }

    mutating func enumeration<Known>(_ key: String, required: Bool = false) -> Open<Known>? {
        guard let text = string(key, required: required) else { return nil }
        return openValue(text, path: childPath(key))
    }

    /// A string whose surrounding white space is no part of its value (a coordinate): trimmed,
    /// with a finding.
    mutating func trimmedString(_ key: String, required: Bool = false, maxLength: Int? = nil) -> String? {
        guard let sent = string(key, required: required) else { return nil }
        let text = trimmed(sent, path: childPath(key))
        checkLength(text, maxLength, key)
        return text
    }

    private func trimmed(_ sent: String, path: String) -> String {
        let text = sent.trimmingASCIIWhitespace
        if text != sent {
            log.add(.surroundingWhitespace, path, "\"\(sent)\" has white space around it; read as \"\(text)\"")
        }
        return text
    }

    func openValue<Known>(_ sent: String, path: String) -> Open<Known> {
        let text = trimmed(sent, path: path)
        let value = Open<Known>(rawValue: text)
        switch value {
        case .known(let known) where known.rawValue != text:
            log.add(.enumCase, path, "\"\(text)\" should be spelt \"\(known.rawValue)\"")
        case .other:
            log.add(.unknownEnumValue, path, "\"\(text)\" is not a value of \(Known.self); kept as sent")
        default: break
        }
        return value
    }

    // MARK: - Lists and objects

    /// The elements of a list member; a single object where a list is due is taken as a list of one.
    mutating func elements(_ key: String, required: Bool = false, aliases: [String] = []) -> [JSONValue] {
        guard let value = value(key, required: required, aliases: aliases) else { return [] }
        switch value {
        case .array(let elements): return elements
        case .object:
            log.add(.wrongType, childPath(key), "expected a list, found one object; read as a list of one")
            return [value]
        case .string, .number:
            log.add(.wrongType, childPath(key), "expected a list, found \(describe(value)); read as a list of one")
            return [value]
        default:
            log.add(.invalidValue, childPath(key), "expected a list, found \(describe(value)); ignored")
            return []
        }
    }

    mutating func strings(_ key: String, maxLength: Int? = nil) -> [String] {
        let path = childPath(key)
        return elements(key).enumerated().compactMap { index, element in
            switch element {
            case .string(let string):
                if let maxLength, string.utf8.count > maxLength, string.unicodeScalars.count > maxLength {
                    log.add(
                        .tooLong, "\(path)[\(index)]",
                        "\(string.unicodeScalars.count) characters, OCPI allows \(maxLength)")
                }
                return string
            case .number(let number):
                log.add(
                    .wrongType, "\(path)[\(index)]", "expected a string, found the number \(number.text); used its text"
                )
                return number.text
            default:
                log.add(.invalidValue, "\(path)[\(index)]", "expected a string, found \(describe(element)); ignored")
                return nil
            }
        }
    }

    mutating func enumerations<Known>(_ key: String) -> [Open<Known>] {
        let path = childPath(key)
        return strings(key).enumerated().map { index, text in openValue(text, path: "\(path)[\(index)]") }
    }

    /// Decodes an object member; an array of one object is accepted (flagged).
    mutating func object<T>(
        _ key: String, required: Bool = false, aliases: [String] = [],
        catalogue: [String: FieldCatalogue.Since]? = nil, _ decode: (inout Fields) -> T?
    ) -> T? {
        guard var value = value(key, required: required, aliases: aliases) else { return nil }
        if case .array(let elements) = value, elements.count == 1, case .object = elements[0] {
            log.add(.arrayForObject, childPath(key), "expected an object, found an array of one; used its element")
            value = elements[0]
        }
        guard case .object(let object) = value else {
            log.add(.invalidValue, childPath(key), "expected an object, found \(describe(value)); ignored")
            return nil
        }
        var fields = Fields(object, path: childPath(key), log: log, version: version, catalogue: catalogue)
        let result = decode(&fields)
        fields.flagUnknownMembers()
        return result
    }

    /// Decodes each object of a list member.
    mutating func objects<T>(
        _ key: String, required: Bool = false, catalogue: [String: FieldCatalogue.Since]? = nil,
        keepUnknown: Bool = false, _ decode: (inout Fields) -> T?
    ) -> [T] {
        let path = childPath(key)
        return elements(key, required: required).enumerated().compactMap { index, element in
            guard case .object(let object) = element else {
                log.add(.invalidValue, "\(path)[\(index)]", "expected an object, found \(describe(element)); ignored")
                return nil
            }
            var fields = Fields(object, path: "\(path)[\(index)]", log: log, version: version, catalogue: catalogue)
            let result = decode(&fields)
            if !keepUnknown { fields.flagUnknownMembers() }
            return result
        }
    }

    /// For classes that keep no extensions: unknown members are flagged with their value.
    func flagUnknownMembers() {
        for (index, member) in object.members.enumerated() where !consumed[index] {
            if isDuplicate(index) {
                log.add(
                    .duplicateField, childPath(member.key),
                    "field '\(member.key)' appears again; the first one was used")
                continue
            }
            var writer = JSONWriter(capacity: 64)
            writer.value(member.value)
            let text = String(decoding: writer.bytes.prefix(80), as: UTF8.self)
            log.add(
                .unknownField, childPath(member.key), "field '\(member.key)' is not defined by OCPI; dropped: \(text)")
        }
    }

    private func describe(_ value: JSONValue) -> String {
        switch value {
        case .string(let string): "the string \"\(string.prefix(40))\""
        case .number(let number): "the number \(number.text)"
        case .bool(let bool): "the boolean \(bool)"
        case .null: "null"
        case .array: "a list"
        case .object: "an object"
        }
    }
}

extension String {
    /// Without the space, tab, line feed and carriage return around it (JSON's white space,
    /// RFC 8259 §2).
    var trimmingASCIIWhitespace: String {
        let whitespace: Set<Character> = [" ", "\t", "\n", "\r"]
        var scalars = Substring(self)
        while let first = scalars.first, whitespace.contains(first) { scalars.removeFirst() }
        while let last = scalars.last, whitespace.contains(last) { scalars.removeLast() }
        return String(scalars)
    }
}
