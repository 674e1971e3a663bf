import CLibPQ

/// The rows of one statement, read in the text format; freed with the value.
final class PostgresResult {
    private let handle: OpaquePointer

    init(_ handle: OpaquePointer) { self.handle = handle }

    deinit { PQclear(handle) }

    var count: Int { Int(PQntuples(handle)) }
    var columnCount: Int32 { PQnfields(handle) }
    /// Rows changed by an INSERT, UPDATE or DELETE.
    var affectedRows: Int { Int(String(cString: PQcmdTuples(handle))) ?? 0 }

    func isNull(_ row: Int, _ column: Int32) -> Bool { PQgetisnull(handle, Int32(row), column) == 1 }

    func text(_ row: Int, _ column: Int32) -> String? {
        isNull(row, column) ? nil : String(cString: PQgetvalue(handle, Int32(row), column))
    }

    func int(_ row: Int, _ column: Int32) -> Int64 { optionalInt(row, column) ?? 0 }

    func optionalInt(_ row: Int, _ column: Int32) -> Int64? {
        guard !isNull(row, column) else { return nil }
        var value: Int64 = 0
        var negative = false
        var pointer = PQgetvalue(handle, Int32(row), column)!
        if pointer.pointee == CChar(UInt8(ascii: "-")) {
            negative = true
            pointer += 1
        }
        while pointer.pointee != 0 {
            value = value * 10 + Int64(pointer.pointee - CChar(UInt8(ascii: "0")))
            pointer += 1
        }
        return negative ? -value : value
    }

    func optionalReal(_ row: Int, _ column: Int32) -> Double? { text(row, column).flatMap(Double.init) }

    func bool(_ row: Int, _ column: Int32) -> Bool {
        PQgetvalue(handle, Int32(row), column).pointee == CChar(UInt8(ascii: "t"))
    }

    /// The value's bytes without a String round trip (stored documents on export paths).
    func bytes(_ row: Int, _ column: Int32) -> [UInt8] {
        let count = Int(PQgetlength(handle, Int32(row), column))
        guard count > 0, let pointer = PQgetvalue(handle, Int32(row), column) else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// A bytea value, decoded from its `\x…` hex form.
    func bytea(_ row: Int, _ column: Int32) -> [UInt8] {
        let text = bytes(row, column)
        guard text.count >= 2 else { return [] }
        func nibble(_ digit: UInt8) -> UInt8 { digit <= UInt8(ascii: "9") ? digit &- 48 : (digit | 0x20) &- 87 }
        var result: [UInt8] = []
        result.reserveCapacity((text.count - 2) / 2)
        var index = 2
        while index + 1 < text.count {
            result.append(nibble(text[index]) << 4 | nibble(text[index + 1]))
            index += 2
        }
        return result
    }
}
