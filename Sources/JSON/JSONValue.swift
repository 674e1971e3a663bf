/// A parsed JSON value that keeps what the sender wrote: numbers keep their literal text, objects
/// keep member order (and duplicates), so nothing an operator sent is lost on the way in.
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    /// The JSON type name, for error messages ("expected a string, found a number").
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number: "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public var isNull: Bool { if case .null = self { true } else { false } }

    public subscript(key: String) -> JSONValue? {
        if case .object(let object) = self { object[key] } else { nil }
    }

    /// The array's element at `index`; nil for another type or an index out of range.
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { items[index] } else { nil }
    }
}

/// A JSON number as written (RFC 8259 §6); converted on demand so no precision is lost.
public struct JSONNumber: Sendable, Hashable, CustomStringConvertible {
    public let text: String

    public init(text: String) { self.text = text }
    public init(_ value: Int) { self.text = String(value) }

    public var description: String { text }
    public var doubleValue: Double? { Double(text) }

    /// The value as an integer when it is one exactly (`22`, `22.0`, `2.2e1`); nil otherwise.
    public var intValue: Int? {
        if let int = Int(text) { return int }
        guard let double = Double(text), double.rounded() == double, abs(double) < 9.0e15 else { return nil }
        return Int(double)
    }
}

/// One member of a JSON object.
public struct JSONMember: Sendable, Equatable {
    public var key: String
    public var value: JSONValue

    public init(key: String, value: JSONValue) {
        self.key = key
        self.value = value
    }
}

/// A JSON object with its members in the order they were written.
public struct JSONObject: Sendable, Equatable {
    public var members: [JSONMember]

    public init(_ members: [JSONMember] = []) { self.members = members }

    /// The first member with this key (RFC 8259 §4 leaves duplicates to the reader; the OCPI
    /// decoder uses the first and flags the others).
    public subscript(key: String) -> JSONValue? {
        for member in members where member.key == key { return member.value }
        return nil
    }

    public var keys: [String] { members.map(\.key) }
    public var isEmpty: Bool { members.isEmpty }
}
