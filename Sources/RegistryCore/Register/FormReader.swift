import JSON

/// Reads the fields of a submitted JSON form by dotted path, collecting a `FieldProblem` for
/// every field that breaks its rule instead of stopping at the first.
struct FormReader {
    let json: JSONValue
    private(set) var problems: [FieldProblem] = []
    private var known: Set<String> = []

    init(json: JSONValue) { self.json = json }

    mutating func problem(_ path: String, _ rule: String) { problems.append(FieldProblem(path, rule)) }

    private mutating func value(_ path: String) -> JSONValue? {
        let parts = path.split(separator: ".").map(String.init)
        for end in 1...parts.count { known.insert(parts[..<end].joined(separator: ".")) }
        var current: JSONValue? = json
        for part in parts { current = current?[part] }
        if let current, !current.isNull { return current }
        return nil
    }

    /// A trimmed, non-empty string of at most `maximum` characters.
    mutating func text(_ path: String, required: Bool = false, maximum: Int) -> String? {
        guard let value = value(path) else {
            if required { problem(path, "is required") }
            return nil
        }
        guard case .string(let raw) = value else {
            problem(path, "must be a string, not \(value.typeName)")
            return nil
        }
        let text = String(raw.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        if text.isEmpty {
            if required { problem(path, "must not be empty") }
            return nil
        }
        if text.count > maximum {
            problem(path, "must be at most \(maximum) characters")
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.value < 0x20 && $0 != "\n" }) {
            problem(path, "must not contain control characters")
            return nil
        }
        return text
    }

    mutating func country(_ path: String, required: Bool = false) -> String? {
        guard let text = text(path, required: required, maximum: 2) else { return nil }
        guard let country = Country(alpha2: text) else {
            problem(path, "must be an ISO 3166-1 alpha-2 country code (e.g. CL)")
            return nil
        }
        return country.alpha2
    }

    mutating func email(_ path: String) -> String? {
        guard let text = text(path, required: true, maximum: 254) else { return nil }
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."),
            !parts[1].hasSuffix("."), !text.contains(" ")
        else {
            problem(path, "must be an email address (name@example.cl)")
            return nil
        }
        return text
    }

    /// AFIR Annex A5 style: `+` and the country calling code, then digits and single spaces.
    mutating func phone(_ path: String) -> String? {
        guard let text = text(path, maximum: 24) else { return nil }
        let digits = text.dropFirst().filter { $0 != " " }
        guard text.hasPrefix("+"), digits.count >= 7, digits.count <= 15, digits.allSatisfy(\.isASCII),
            digits.allSatisfy(\.isNumber), !text.contains("  ")
        else {
            problem(path, "must be an international number: '+', country code and digits (e.g. +56 2 2345 6789)")
            return nil
        }
        return text
    }

    mutating func website(_ path: String) -> String? {
        guard let text = text(path, maximum: 300) else { return nil }
        let lower = text.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://"), !text.contains(" "),
            text.split(separator: "/").count >= 2
        else {
            problem(path, "must be an http(s) URL (https://example.cl)")
            return nil
        }
        return text
    }

    mutating func roles(_ path: String) -> Set<PartyRole>? {
        guard let value = value(path) else {
            problem(path, "is required: CPO, EMSP or both")
            return nil
        }
        guard case .array(let items) = value, !items.isEmpty else {
            problem(path, "must be a non-empty array of CPO and/or EMSP")
            return nil
        }
        var roles: Set<PartyRole> = []
        var valid = true
        for (index, item) in items.enumerated() {
            guard case .string(let text) = item, let role = PartyRole(rawValue: text.uppercased()) else {
                problem("\(path)[\(index)]", "must be CPO or EMSP")
                valid = false
                continue
            }
            roles.insert(role)
        }
        return valid ? roles : nil
    }

    /// Members the form does not define are refused, so that a misspelt field is not lost.
    mutating func refuseUnknownMembers() {
        func walk(_ value: JSONValue, _ prefix: String) {
            guard case .object(let object) = value else { return }
            for member in object.members {
                let path = prefix.isEmpty ? member.key : "\(prefix).\(member.key)"
                if !known.contains(path) {
                    problem(path, "is not a field of the application form")
                } else {
                    walk(member.value, path)
                }
            }
        }
        walk(json, "")
    }
}
