#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// A parameter sent to PostgreSQL, in the text format (the server parses it by the parameter's
/// type in the statement).
enum PostgresValue {
    case null
    case integer(Int64)
    case real(Double)
    case boolean(Bool)
    case text(String)
    /// UTF-8 text already in bytes (stored documents), sent without a String round trip.
    case utf8([UInt8])
    /// Binary data, sent in bytea's hex form.
    case bytea([UInt8])
    /// A `text[]` (array literal, every element quoted).
    case textArray([String])
    case integerArray([Int64])

    init(_ value: LocationListSQL.Value) {
        switch value {
        case .text(let text): self = .text(text)
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        }
    }

    static func optional(_ text: String?) -> PostgresValue { text.map { .text($0) } ?? .null }

    /// The text-format bytes, NUL-terminated; nil for NULL.
    fileprivate var textBytes: [UInt8]? {
        switch self {
        case .null: nil
        case .integer(let value): Array(String(value).utf8) + [0]
        case .real(let value): Array(String(value).utf8) + [0]
        case .boolean(let value): value ? [UInt8(ascii: "t"), 0] : [UInt8(ascii: "f"), 0]
        case .text(let value): Array(PostgresValue.storable(value).utf8) + [0]
        case .utf8(let bytes): bytes + [0]
        case .bytea(let bytes): Array(PostgresValue.hex(bytes).utf8) + [0]
        case .textArray(let values):
            Array(
                ("{" + values.map { PostgresValue.quotedElement(PostgresValue.storable($0)) }.joined(separator: ",")
                    + "}").utf8) + [0]
        case .integerArray(let values): Array(("{" + values.map(String.init).joined(separator: ",") + "}").utf8) + [0]
        }
    }

    /// The text with U+0000 replaced by U+FFFD: PostgreSQL's text types cannot hold the NUL
    /// character (PostgreSQL documentation §8.3), and a parameter would end at it; a document
    /// may still carry one in any string, as JSON's `\u0000`.
    static func storable(_ text: String) -> String {
        text.utf8.contains(0) ? text.replacing("\u{0}", with: "\u{FFFD}") : text
    }

    /// An array element in double quotes, with `"` and `\` escaped by a backslash.
    private static func quotedElement(_ value: String) -> String {
        var quoted = "\""
        for character in value.unicodeScalars {
            if character == "\"" || character == "\\" { quoted.unicodeScalars.append("\\") }
            quoted.unicodeScalars.append(character)
        }
        return quoted + "\""
    }

    /// `\x` followed by lower-case hex digits.
    static func hex(_ bytes: [UInt8]) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = [UInt8(ascii: "\\"), UInt8(ascii: "x")]
        text.reserveCapacity(2 + bytes.count * 2)
        for byte in bytes {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Calls `body` with libpq's parallel parameter arrays, valid only during the call.
    static func withParameters<R>(
        _ parameters: [PostgresValue],
        _ body: (UnsafePointer<UnsafePointer<CChar>?>?, UnsafePointer<Int32>?, UnsafePointer<Int32>?) -> R
    ) -> R {
        let buffers = parameters.map(\.textBytes)
        var pointers: [UnsafePointer<CChar>?] = []
        var allocations: [UnsafeMutablePointer<CChar>] = []
        defer { allocations.forEach { $0.deallocate() } }
        for buffer in buffers {
            guard let buffer else {
                pointers.append(nil)
                continue
            }
            let allocation = UnsafeMutablePointer<CChar>.allocate(capacity: buffer.count)
            buffer.withUnsafeBytes {
                allocation.update(from: $0.bindMemory(to: CChar.self).baseAddress!, count: buffer.count)
            }
            allocations.append(allocation)
            pointers.append(UnsafePointer(allocation))
        }
        return pointers.withUnsafeBufferPointer { body($0.baseAddress, nil, nil) }
    }
}
