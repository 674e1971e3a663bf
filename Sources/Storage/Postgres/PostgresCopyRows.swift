/// Rows for `COPY … FROM STDIN` in PostgreSQL's text format: tab-separated columns, `\N` for
/// NULL, and backslash escapes for backslash, tab, newline and carriage return.
struct PostgresCopyRows {
    private(set) var bytes: [UInt8] = []
    private var atRowStart = true

    init(capacity: Int = 1 << 16) { bytes.reserveCapacity(capacity) }

    var isEmpty: Bool { bytes.isEmpty }

    private mutating func separate() {
        if !atRowStart { bytes.append(UInt8(ascii: "\t")) }
        atRowStart = false
    }

    mutating func null() {
        separate()
        bytes.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "N")])
    }

    mutating func text(_ value: String?) {
        guard var text = value.map(PostgresValue.storable) else { return null() }
        text.withUTF8 { utf8($0) }
    }

    mutating func utf8(_ value: [UInt8]) { value.withUnsafeBufferPointer { utf8($0) } }

    private mutating func utf8(_ value: UnsafeBufferPointer<UInt8>) {
        separate()
        var start = 0
        for index in value.indices {
            let escaped: UInt8
            switch value[index] {
            case UInt8(ascii: "\\"): escaped = UInt8(ascii: "\\")
            case UInt8(ascii: "\t"): escaped = UInt8(ascii: "t")
            case UInt8(ascii: "\n"): escaped = UInt8(ascii: "n")
            case UInt8(ascii: "\r"): escaped = UInt8(ascii: "r")
            default: continue
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: value[start..<index]))
            bytes.append(UInt8(ascii: "\\"))
            bytes.append(escaped)
            start = index + 1
        }
        bytes.append(contentsOf: UnsafeBufferPointer(rebasing: value[start...]))
    }

    mutating func integer(_ value: Int64?) {
        guard let value else { return null() }
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func integer(_ value: Int?) { integer(value.map(Int64.init)) }

    mutating func real(_ value: Double?) {
        guard let value else { return null() }
        separate()
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func boolean(_ value: Bool) {
        separate()
        bytes.append(value ? UInt8(ascii: "t") : UInt8(ascii: "f"))
    }

    /// bytea in hex form; its backslash is escaped for COPY.
    mutating func bytea(_ value: [UInt8]) {
        separate()
        bytes.append(UInt8(ascii: "\\"))
        bytes.append(contentsOf: PostgresValue.hex(value).utf8)
    }

    mutating func endRow() {
        bytes.append(UInt8(ascii: "\n"))
        atRowStart = true
    }
}
