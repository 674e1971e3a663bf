#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A JSON (RFC 8259) parser over a byte buffer that can be refilled from a file descriptor, so
/// that a large file is read in chunks and parsed one value at a time.
///
/// Strict about syntax (a garbled or truncated file is an error naming the byte offset, line and
/// column) and about UTF-8; lenient readings of well-formed JSON belong to the OCPI decoder.
public struct JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack.
    public static let maximumDepth = 256

    private var buffer: [UInt8]
    private var position = 0
    private let fileDescriptor: Int32?
    private let chunkSize: Int
    private var atEndOfInput: Bool
    /// Read buffer for file input, reused for every chunk.
    private var chunk: [UInt8] = []
    /// Bytes and newlines dropped from the front of `buffer` by `discardConsumed()`.
    private var discardedBytes = 0
    private var discardedNewlines = 0
    private var lastDiscardedNewlineOffset = -1

    /// Parses bytes held in memory.
    public init<Bytes: Sequence>(bytes: Bytes) where Bytes.Element == UInt8 {
        buffer = Array(bytes)
        fileDescriptor = nil
        chunkSize = 0
        atEndOfInput = true
    }

    /// Parses from an open file descriptor, reading `chunkSize` bytes at a time. The caller owns
    /// the descriptor.
    public init(fileDescriptor: Int32, chunkSize: Int = 1 << 20) {
        buffer = []
        buffer.reserveCapacity(chunkSize)
        self.fileDescriptor = fileDescriptor
        self.chunkSize = chunkSize
        atEndOfInput = false
    }

    /// Byte offset of the next unread byte from the start of the input.
    public var byteOffset: Int { discardedBytes + position }

    /// Parses one complete value.
    public mutating func parseValue() throws -> JSONValue {
        try parseValue(depth: 0)
    }

    /// Parses a whole input that holds exactly one value.
    public static func parse<Bytes: Sequence>(_ bytes: Bytes) throws -> JSONValue where Bytes.Element == UInt8 {
        var parser = JSONParser(bytes: bytes)
        parser.skipByteOrderMark()
        let value = try parser.parseValue()
        try parser.expectEndOfInput()
        return value
    }

    // MARK: - Navigation for streaming readers

    /// Skips a UTF-8 byte-order mark; tells whether there was one.
    @discardableResult
    public mutating func skipByteOrderMark() -> Bool {
        guard (try? peek()) == 0xEF, byte(at: 1) == 0xBB, byte(at: 2) == 0xBF else { return false }
        position += 3
        return true
    }

    /// The next significant byte, without consuming it; nil at the end of input.
    public mutating func peekSignificant() throws -> UInt8? {
        try skipWhitespace()
        return try peek()
    }

    /// Consumes the next significant byte, which must be `expected`.
    public mutating func expect(_ expected: UInt8, _ what: String) throws {
        try skipWhitespace()
        guard let byte = try peek() else { throw error("unexpected end of input, expected \(what)") }
        guard byte == expected else { throw error("expected \(what), found \(describe(byte))") }
        position += 1
    }

    /// Consumes an object key and its colon.
    public mutating func parseKey() throws -> String {
        try skipWhitespace()
        guard let byte = try peek() else { throw error("unexpected end of input, expected an object key") }
        guard byte == UInt8(ascii: "\"") else { throw error("expected an object key, found \(describe(byte))") }
        let key = try parseString()
        try expect(UInt8(ascii: ":"), "':' after an object key")
        return key
    }

    /// After an element or member: consumes `,` and returns true, or consumes `closer` and
    /// returns false.
    public mutating func continueAfterElement(closer: UInt8) throws -> Bool {
        try skipWhitespace()
        guard let byte = try peek() else {
            throw error("unexpected end of input, expected ',' or '\(Character(Unicode.Scalar(closer)))'")
        }
        position += 1
        if byte == UInt8(ascii: ",") { return true }
        if byte == closer { return false }
        position -= 1
        throw error("expected ',' or '\(Character(Unicode.Scalar(closer)))', found \(describe(byte))")
    }

    /// Requires that only whitespace remains.
    public mutating func expectEndOfInput() throws {
        try skipWhitespace()
        if let byte = try peek() { throw error("unexpected \(describe(byte)) after the end of the JSON value") }
    }

    /// Forgets the bytes already parsed so a long stream keeps a bounded buffer. Call between
    /// top-level values only.
    public mutating func discardConsumed() {
        // Compact only when most of the buffer is consumed: moving the tail at every record would
        // cost a copy of the whole buffer per record.
        guard position > 0, position >= buffer.count / 2 else { return }
        for index in 0..<position where buffer[index] == UInt8(ascii: "\n") {
            discardedNewlines += 1
            lastDiscardedNewlineOffset = discardedBytes + index
        }
        buffer.removeSubrange(0..<position)
        discardedBytes += position
        position = 0
    }

    /// An error located at the current position.
    public func error(_ message: String) -> JSONSyntaxError {
        var line = discardedNewlines + 1
        var lineStart = lastDiscardedNewlineOffset + 1
        for index in 0..<min(position, buffer.count) where buffer[index] == UInt8(ascii: "\n") {
            line += 1
            lineStart = discardedBytes + index + 1
        }
        return JSONSyntaxError(
            message: message, byteOffset: byteOffset, line: line, column: byteOffset - lineStart + 1)
    }

    // MARK: - Values

    private mutating func parseValue(depth: Int) throws -> JSONValue {
        try skipWhitespace()
        guard let byte = try peek() else { throw error("unexpected end of input, expected a value") }
        switch byte {
        case UInt8(ascii: "{"):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            position += 1
            var members: [JSONMember] = []
            if try peekSignificant() == UInt8(ascii: "}") {
                position += 1
                return .object(JSONObject(members))
            }
            repeat {
                let key = try parseKey()
                let value = try parseValue(depth: depth + 1)
                members.append(JSONMember(key: key, value: value))
            } while try continueAfterElement(closer: UInt8(ascii: "}"))
            return .object(JSONObject(members))
        case UInt8(ascii: "["):
            guard depth < Self.maximumDepth else { throw error("nesting deeper than \(Self.maximumDepth) levels") }
            position += 1
            var elements: [JSONValue] = []
            if try peekSignificant() == UInt8(ascii: "]") {
                position += 1
                return .array(elements)
            }
            repeat {
                elements.append(try parseValue(depth: depth + 1))
            } while try continueAfterElement(closer: UInt8(ascii: "]"))
            return .array(elements)
        case UInt8(ascii: "\""):
            return .string(try parseString())
        case UInt8(ascii: "t"):
            try parseLiteral("true")
            return .bool(true)
        case UInt8(ascii: "f"):
            try parseLiteral("false")
            return .bool(false)
        case UInt8(ascii: "n"):
            try parseLiteral("null")
            return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return .number(try parseNumber())
        default:
            throw error("unexpected \(describe(byte)), expected a value")
        }
    }

    private mutating func parseLiteral(_ literal: StaticString) throws {
        let count = literal.utf8CodeUnitCount
        try ensureAvailable(count)
        let matches = literal.withUTF8Buffer { expected in
            position + count <= buffer.count && (0..<count).allSatisfy { buffer[position + $0] == expected[$0] }
        }
        guard matches else { throw error("invalid literal, expected '\(literal)'") }
        position += count
    }

    private mutating func parseNumber() throws -> JSONNumber {
        let start = position
        func digits(_ parser: inout JSONParser) throws -> Int {
            var count = 0
            while let byte = try parser.peek(), byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") {
                parser.position += 1
                count += 1
            }
            return count
        }
        if try peek() == UInt8(ascii: "-") { position += 1 }
        let leadingZero = try peek() == UInt8(ascii: "0")
        let integerDigits = try digits(&self)
        guard integerDigits > 0 else { throw error("invalid number: no digits") }
        if leadingZero && integerDigits > 1 {
            position = start
            throw error("invalid number: leading zero")
        }
        if try peek() == UInt8(ascii: ".") {
            position += 1
            guard try digits(&self) > 0 else { throw error("invalid number: no digits after the decimal point") }
        }
        if let byte = try peek(), byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
            position += 1
            if let sign = try peek(), sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { position += 1 }
            guard try digits(&self) > 0 else { throw error("invalid number: no digits in the exponent") }
        }
        return JSONNumber(text: String(decoding: buffer[start..<position], as: UTF8.self))
    }

    private mutating func parseString() throws -> String {
        position += 1  // opening quote
        let start = position
        // Fast path: no escapes.
        while true {
            guard let byte = try peek() else { throw error("unexpected end of input inside a string") }
            if byte == UInt8(ascii: "\"") {
                guard
                    let string = buffer[start..<position].withUnsafeBufferPointer({
                        String(validating: $0, as: UTF8.self)
                    })
                else {
                    position = start
                    throw error("invalid UTF-8 in a string")
                }
                position += 1
                return string
            }
            if byte == UInt8(ascii: "\\") { break }
            if byte < 0x20 { throw error("unescaped control character \(describe(byte)) in a string") }
            position += 1
        }
        // Slow path: unescape into a scratch buffer.
        var bytes = Array(buffer[start..<position])
        while true {
            guard let byte = try peek() else { throw error("unexpected end of input inside a string") }
            position += 1
            switch byte {
            case UInt8(ascii: "\""):
                guard let string = String(validating: bytes, as: UTF8.self) else {
                    throw error("invalid UTF-8 in a string")
                }
                return string
            case UInt8(ascii: "\\"):
                guard let escape = try peek() else { throw error("unexpected end of input inside a string") }
                position += 1
                switch escape {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): bytes.append(escape)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0C)
                case UInt8(ascii: "n"): bytes.append(0x0A)
                case UInt8(ascii: "r"): bytes.append(0x0D)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "u"):
                    var scalar = try parseHex4()
                    if (0xD800..<0xDC00).contains(scalar) {
                        try ensureAvailable(2)
                        guard try peek() == UInt8(ascii: "\\"), self.byte(at: 1) == UInt8(ascii: "u") else {
                            throw error("unpaired UTF-16 surrogate in a \\u escape")
                        }
                        position += 2
                        let low = try parseHex4()
                        guard (0xDC00..<0xE000).contains(low) else { throw error("invalid UTF-16 low surrogate") }
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    } else if (0xDC00..<0xE000).contains(scalar) {
                        throw error("unpaired UTF-16 surrogate in a \\u escape")
                    }
                    bytes.append(contentsOf: String(Character(Unicode.Scalar(scalar)!)).utf8)
                default:
                    position -= 1
                    throw error("invalid escape \\\(describe(escape)) in a string")
                }
            default:
                if byte < 0x20 {
                    position -= 1
                    throw error("unescaped control character \(describe(byte)) in a string")
                }
                bytes.append(byte)
            }
        }
    }

    private mutating func parseHex4() throws -> UInt32 {
        try ensureAvailable(4)
        var value: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = try peek() else { throw error("unexpected end of input in a \\u escape") }
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
            default: throw error("invalid hex digit \(describe(byte)) in a \\u escape")
            }
            value = value << 4 | UInt32(digit)
            position += 1
        }
        return value
    }

    // MARK: - Bytes

    private mutating func skipWhitespace() throws {
        while let byte = try peek() {
            switch byte {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    @inline(__always)
    private mutating func peek() throws -> UInt8? {
        if position < buffer.count { return buffer[position] }
        return try refill() ? buffer[position] : nil
    }

    private func byte(at offset: Int) -> UInt8? {
        position + offset < buffer.count ? buffer[position + offset] : nil
    }

    private mutating func ensureAvailable(_ count: Int) throws {
        while buffer.count - position < count, try refill() {}
    }

    /// Appends the next chunk of the file; false at end of input.
    private mutating func refill() throws -> Bool {
        guard !atEndOfInput, let fileDescriptor else { return false }
        if chunk.isEmpty { chunk = [UInt8](repeating: 0, count: chunkSize) }
        var readCount = 0
        repeat {
            readCount = chunk.withUnsafeMutableBytes { raw in read(fileDescriptor, raw.baseAddress!, raw.count) }
        } while readCount < 0 && errno == EINTR
        if readCount < 0 { throw error("read error: \(String(cString: strerror(errno)))") }
        if readCount == 0 {
            atEndOfInput = true
            return false
        }
        buffer.append(contentsOf: chunk[0..<readCount])
        return true
    }

    private func describe(_ byte: UInt8) -> String {
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        return "byte 0x" + String(byte, radix: 16, uppercase: true)
    }
}
