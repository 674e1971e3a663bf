/// Finds values inside a JSON text (RFC 8259) by their byte ranges without building them: the
/// fast path for picking one EVSE out of a stored location document, where parsing the whole
/// document into `JSONValue`s cost two thirds of an EVSE lookup (issue #4).
///
/// Meant for texts this program wrote; it checks structure, not every rule (a number's digits,
/// UTF-8): anything it cannot walk is a `JSONSyntaxError`.
public struct JSONSkimmer: Sendable {
    public let bytes: [UInt8]

    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// The whole text's value, without surrounding whitespace.
    public func root() throws -> Range<Int> {
        let start = skipWhitespace(from: 0)
        let end = try skipValue(from: start)
        guard skipWhitespace(from: end) == bytes.count else { throw error("text after the value", at: end) }
        return start..<end
    }

    /// The value ranges of the members named `keys` in the object at `object`, found in one
    /// pass; a key the object lacks is absent from the result, a repeated key keeps its last value.
    public func members(_ keys: Set<String>, in object: Range<Int>) throws -> [String: Range<Int>] {
        var found: [String: Range<Int>] = [:]
        let wanted = keys.map { ($0, Array($0.utf8)) }
        try forEachMember(in: object) { key, value in
            let raw = bytes[(key.lowerBound + 1)..<(key.upperBound - 1)]
            if raw.contains(UInt8(ascii: "\\")) {
                if let name = try string(at: key), keys.contains(name) { found[name] = value }
            } else if let (name, _) = wanted.first(where: { $0.1.elementsEqual(raw) }) {
                found[name] = value
            }
        }
        return found
    }

    /// Walks the members of the object at `object` in order: each key's range (with its quotes)
    /// and its value's range.
    public func forEachMember(in object: Range<Int>, _ body: (_ key: Range<Int>, _ value: Range<Int>) throws -> Void)
        throws
    {
        try forEachEntry(in: object, opener: UInt8(ascii: "{"), closer: UInt8(ascii: "}")) { position in
            let keyEnd = try skipString(from: position)
            var valueStart = skipWhitespace(from: keyEnd)
            guard valueStart < bytes.count, bytes[valueStart] == UInt8(ascii: ":") else {
                throw error("expected ':' after a key", at: valueStart)
            }
            valueStart = skipWhitespace(from: valueStart + 1)
            let valueEnd = try skipValue(from: valueStart)
            try body(position..<keyEnd, valueStart..<valueEnd)
            return valueEnd
        }
    }

    /// The ranges of the elements of the array at `array`.
    public func elements(of array: Range<Int>) throws -> [Range<Int>] {
        var elements: [Range<Int>] = []
        try forEachEntry(in: array, opener: UInt8(ascii: "["), closer: UInt8(ascii: "]")) { position in
            let end = try skipValue(from: position)
            elements.append(position..<end)
            return end
        }
        return elements
    }

    /// The string at `range`, unescaped; nil when the value there is not a string.
    public func string(at range: Range<Int>) throws -> String? {
        guard range.count >= 2, bytes[range.lowerBound] == UInt8(ascii: "\"") else { return nil }
        let inner = bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]
        if !inner.contains(UInt8(ascii: "\\")) {
            return inner.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
        }
        guard case .string(let value) = try JSONParser.parse(bytes[range]) else { return nil }
        return value
    }

    /// Walks the entries of the object or array at `range`: `entry` gets each entry's first byte
    /// and returns the index just after it.
    private func forEachEntry(
        in range: Range<Int>, opener: UInt8, closer: UInt8, _ entry: (Int) throws -> Int
    ) throws {
        guard range.lowerBound < bytes.count, bytes[range.lowerBound] == opener else {
            throw error("expected '\(Character(Unicode.Scalar(opener)))'", at: range.lowerBound)
        }
        var position = skipWhitespace(from: range.lowerBound + 1)
        if position < bytes.count, bytes[position] == closer { return }
        while true {
            position = skipWhitespace(from: try entry(position))
            guard position < bytes.count else { throw error("unexpected end of input", at: position) }
            if bytes[position] == closer { return }
            guard bytes[position] == UInt8(ascii: ",") else {
                throw error("expected ',' between entries", at: position)
            }
            position = skipWhitespace(from: position + 1)
        }
    }

    private func skipValue(from start: Int) throws -> Int {
        guard start < bytes.count else { throw error("unexpected end of input", at: start) }
        switch bytes[start] {
        case UInt8(ascii: "\""):
            return try skipString(from: start)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            var position = start
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    position = try skipString(from: position)
                    continue
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"):
                    depth -= 1
                    if depth == 0 { return position + 1 }
                default: break
                }
                position += 1
            }
            throw error("unexpected end of input inside a container", at: start)
        default:
            var position = start
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D:
                    guard position > start else { throw error("expected a value", at: start) }
                    return position
                case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: ":"):
                    throw error("unexpected '\(Character(Unicode.Scalar(bytes[position])))'", at: position)
                default: position += 1
                }
            }
            return position
        }
    }

    /// The index just after the string starting at `start`.
    private func skipString(from start: Int) throws -> Int {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else {
            throw error("expected a string", at: start)
        }
        var position = start + 1
        while position < bytes.count {
            switch bytes[position] {
            case UInt8(ascii: "\""): return position + 1
            case UInt8(ascii: "\\"): position += 2
            default: position += 1
            }
        }
        throw error("unexpected end of input inside a string", at: start)
    }

    private func skipWhitespace(from start: Int) -> Int {
        var position = start
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return position
            }
        }
        return position
    }

    private func error(_ message: String, at offset: Int) -> JSONSyntaxError {
        let before = bytes[..<min(offset, bytes.count)]
        let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
        let column = offset - ((before.lastIndex(of: 0x0A)).map { $0 + 1 } ?? 0) + 1
        return JSONSyntaxError(message: message, byteOffset: offset, line: line, column: column)
    }
}
