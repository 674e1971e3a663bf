import JSON
import TestFixtures

/// Hostile OCPI documents made from valid ones: type confusion, huge and non-finite numbers
/// (`1e400`, `-0`, 20-digit integers), long strings, date-times with many fraction digits,
/// missing and duplicate members, deep nesting, and byte-level damage (flips, truncation,
/// invalid UTF-8, lone surrogates).
struct DocumentMutator {
    var random: SeededGenerator
    let corpus: [JSONValue]

    init(seed: UInt64, corpus: [JSONValue]) {
        random = SeededGenerator(seed: seed)
        self.corpus = corpus
    }

    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &random)] }
    mutating func chance(_ percent: Int) -> Bool { Int.random(in: 0..<100, using: &random) < percent }

    static let numbers = [
        "1e400", "-1e400", "1e-400", "-0", "0.0", "1e300", "-1e300", "9223372036854775807", "9223372036854775808",
        "-9223372036854775809", "18446744073709551616", "123456789012345678901234567890", "0.1234567890123456789",
        "4.9e-324", "1.7976931348623157e308", "3037000500", "-3037000500", "2147483648", "1E2", "7",
    ]

    static let strings = [
        "", " ", "1e400", "-Infinity", "NaN", "nan", "Infinity", "0x10", "-0", "90.0000001", "-180.0000001",
        "2026-01-01T00:00:00.1234567890Z", "2026-01-01T00:00:00.\(String(repeating: "1", count: 200))Z",
        "9999-12-31T23:59:60.999999999-23:59", "0000-01-01T00:00:00+23:59", "2026-13-01T00:00:00Z",
        "CL*VLT*E\(String(repeating: "9", count: 60))", "\u{0}", "\u{7F}", "\u{FFFF}", "🙂🙂", "Ω",
        String(repeating: "x", count: 70_000), "AC_3_PHASE", "DC", "IEC_62196_T2", "CHARGING", "REMOVED",
    ]

    /// A scalar of some JSON type, often at a boundary.
    mutating func scalar() -> JSONValue {
        switch Int.random(in: 0..<6, using: &random) {
        case 0: .number(JSONNumber(text: pick(Self.numbers)))
        case 1, 2: .string(pick(Self.strings))
        case 3: .bool(chance(50))
        case 4: .null
        default: chance(50) ? .array([]) : .object(JSONObject())
        }
    }

    /// A mutated document's bytes.
    mutating func next() -> [UInt8] {
        var value = pick(corpus)
        for _ in 0..<Int.random(in: 1...4, using: &random) { value = mutate(value, depth: 0) }
        var writer = JSONWriter(capacity: 4096)
        writer.value(value)
        var bytes = writer.bytes
        if chance(25) { damage(&bytes) }
        return bytes
    }

    /// Changes one node somewhere below `value`.
    mutating func mutate(_ value: JSONValue, depth: Int) -> JSONValue {
        switch value {
        case .object(var object) where !object.members.isEmpty && (depth == 0 || chance(70)):
            let index = Int.random(in: 0..<object.members.count, using: &random)
            switch Int.random(in: 0..<10, using: &random) {
            case 0: object.members.remove(at: index)
            case 1: object.members.append(object.members[index])  // a duplicate key
            case 2: object.members[index].value = scalar()
            case 3: object.members[index].key = object.members[index].key.uppercased()
            default: object.members[index].value = mutate(object.members[index].value, depth: depth + 1)
            }
            return .object(object)
        case .array(var elements) where !elements.isEmpty && chance(80):
            let index = Int.random(in: 0..<elements.count, using: &random)
            switch Int.random(in: 0..<6, using: &random) {
            case 0: elements.remove(at: index)
            case 1: elements += Array(repeating: elements[index], count: Int.random(in: 1...40, using: &random))
            case 2: elements[index] = scalar()
            default: elements[index] = mutate(elements[index], depth: depth + 1)
            }
            return .array(elements)
        default:
            if chance(5) {
                var nested = scalar()
                for _ in 0..<Int.random(in: 1...300, using: &random) { nested = .array([nested]) }
                return nested
            }
            return scalar()
        }
    }

    /// Byte-level damage: what no JSON writer would produce.
    mutating func damage(_ bytes: inout [UInt8]) {
        guard !bytes.isEmpty else { return }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<7, using: &random) {
        case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
        case 1: bytes.removeSubrange(at...)
        case 2:
            bytes.insert(
                contentsOf: pick([[0xC3, 0x28], [0xFF], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0x80]]),
                at: at)
        case 3:
            bytes.insert(
                contentsOf: Array(pick(["\\ud800", "\\udc00", "\\u0000", "\\uD83D\\u0041", "\\x", "\\u12"]).utf8),
                at: at)
        case 4:
            bytes.insert(
                contentsOf: Array(repeating: UInt8(ascii: "["), count: Int.random(in: 200...400, using: &random)),
                at: at)
        case 5:
            bytes.insert(contentsOf: Array(pick(["1e400", "-", "01", ".5", "1.", "+1", "tru", "nul"]).utf8), at: at)
        default: bytes.insert(contentsOf: Array(#""id":"dup","#.utf8), at: at)
        }
    }
}
