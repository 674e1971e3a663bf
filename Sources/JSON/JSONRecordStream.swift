#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Reads the records of a JSON document one at a time, in bounded memory, whatever shape the
/// sender chose: an OCPI response envelope (`{"data": [...], "status_code": ...}`, members in any
/// order), a bare array, or one single object.
public struct JSONRecordStream {
    /// How the records were wrapped.
    public enum Shape: String, Sendable {
        case envelopeArray = "envelope with an array"
        case envelopeObject = "envelope with one object"
        case envelopeWithoutData = "envelope without data"
        case array = "bare array"
        case object = "single object"
    }

    private enum State {
        case start
        case inArray(first: Bool, envelope: Bool)
        case envelopeRest
        case done
    }

    private var parser: JSONParser
    private var state = State.start
    /// The shape, known once the first record (or the end) has been read.
    public private(set) var shape: Shape?
    /// Whether the input began with a UTF-8 byte-order mark.
    public private(set) var hadByteOrderMark = false
    /// Envelope members other than `data` (status_code, status_message, timestamp), complete
    /// once the stream has ended.
    public private(set) var envelopeMembers: [JSONMember] = []
    /// Byte offset at which the record last returned by `next()` starts.
    public private(set) var recordOffset = 0

    public init(parser: JSONParser) { self.parser = parser }

    /// The next record, or nil when the document has ended (after checking that nothing but
    /// whitespace follows it).
    public mutating func next() throws -> JSONValue? {
        while true {
            switch state {
            case .start:
                hadByteOrderMark = parser.skipByteOrderMark()
                guard let first = try parser.peekSignificant() else {
                    throw parser.error("empty input: expected a JSON array or object")
                }
                if first == UInt8(ascii: "[") {
                    try parser.expect(first, "'['")
                    shape = .array
                    state = .inArray(first: true, envelope: false)
                } else if first == UInt8(ascii: "{") {
                    if let record = try readTopLevelObject() { return record }
                } else {
                    throw parser.error("expected a JSON array or object at the top level")
                }
            case .inArray(let first, let envelope):
                parser.discardConsumed()
                if first {
                    if try parser.peekSignificant() == UInt8(ascii: "]") {
                        try parser.expect(UInt8(ascii: "]"), "']'")
                        state = envelope ? .envelopeRest : .done
                        if !envelope { try parser.expectEndOfInput() }
                        continue
                    }
                } else if !(try parser.continueAfterElement(closer: UInt8(ascii: "]"))) {
                    state = envelope ? .envelopeRest : .done
                    if !envelope { try parser.expectEndOfInput() }
                    continue
                }
                _ = try parser.peekSignificant()
                recordOffset = parser.byteOffset
                let value = try parser.parseValue()
                state = .inArray(first: false, envelope: envelope)
                return value
            case .envelopeRest:
                while try parser.continueAfterElement(closer: UInt8(ascii: "}")) {
                    let key = try parser.parseKey()
                    let value = try parser.parseValue()
                    if key == "data" { throw parser.error("a second 'data' member in the envelope") }
                    envelopeMembers.append(JSONMember(key: key, value: value))
                }
                try parser.expectEndOfInput()
                state = .done
            case .done:
                return nil
            }
        }
    }

    /// Reads members of the top-level object until `data` is found (then streams it), or the
    /// object ends (then the object itself is the one record).
    private mutating func readTopLevelObject() throws -> JSONValue? {
        try parser.expect(UInt8(ascii: "{"), "'{'")
        recordOffset = parser.byteOffset - 1
        var members: [JSONMember] = []
        if try parser.peekSignificant() == UInt8(ascii: "}") {
            try parser.expect(UInt8(ascii: "}"), "'}'")
            try parser.expectEndOfInput()
            state = .done
            shape = .object
            return .object(JSONObject())
        }
        repeat {
            let key = try parser.parseKey()
            if key == "data" {
                envelopeMembers = members
                switch try parser.peekSignificant() {
                case UInt8(ascii: "["):
                    try parser.expect(UInt8(ascii: "["), "'['")
                    shape = .envelopeArray
                    state = .inArray(first: true, envelope: true)
                    return nil
                case UInt8(ascii: "{"):
                    recordOffset = parser.byteOffset
                    let record = try parser.parseValue()
                    shape = .envelopeObject
                    state = .envelopeRest
                    return record
                default:
                    _ = try parser.parseValue()  // null or a scalar: no records
                    shape = .envelopeWithoutData
                    state = .envelopeRest
                    return nil
                }
            }
            members.append(JSONMember(key: key, value: try parser.parseValue()))
        } while try parser.continueAfterElement(closer: UInt8(ascii: "}"))
        try parser.expectEndOfInput()
        state = .done
        let object = JSONObject(members)
        if object["status_code"] != nil && object["timestamp"] != nil {
            envelopeMembers = members
            shape = .envelopeWithoutData
            return nil
        }
        shape = .object
        return .object(object)
    }
}
