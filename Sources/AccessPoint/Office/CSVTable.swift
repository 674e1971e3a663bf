/// A CSV table (RFC 4180): quoted fields with doubled quotes, commas and line breaks inside
/// quotes, CRLF or LF line ends, an optional UTF-8 byte-order mark. Used for the register's
/// open-data file and for importing other offices' registers.
struct CSVTable {
    let header: [String]
    let rows: [[String]]

    /// `field` as a CSV field: quoted where it holds a comma, quote or line break. CSV has no
    /// escape for the other control characters (a NUL stops many readers), so each is written
    /// as U+FFFD; the JSON outputs keep them, escaped.
    static func quoted(_ field: String) -> String {
        var field = field
        if field.unicodeScalars.contains(where: isUnwritable) {
            field = String(String.UnicodeScalarView(field.unicodeScalars.map { isUnwritable($0) ? "\u{FFFD}" : $0 }))
        }
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return field }
        return "\"" + field.replacing("\"", with: "\"\"") + "\""
    }

    /// Control characters other than tab and line breaks.
    private static func isUnwritable(_ scalar: Unicode.Scalar) -> Bool {
        (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
            || (0x7F...0x9F).contains(scalar.value)
    }

    /// Parses `text`; a quote left open or a row with another number of fields than the header
    /// is an error naming the line.
    init(parsing text: String) throws(ForeignRegisterError) {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var line = 1
        var recordLine = 1
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if quoted {
                if scalar == "\"" {
                    if index + 1 < scalars.count && scalars[index + 1] == "\"" {
                        field.unicodeScalars.append("\"")
                        index += 1
                    } else {
                        quoted = false
                    }
                } else {
                    if scalar == "\n" { line += 1 }
                    field.unicodeScalars.append(scalar)
                }
            } else {
                switch scalar {
                case "\"" where field.isEmpty: quoted = true
                case ",":
                    record.append(field)
                    field = ""
                case "\r": break
                case "\n":
                    record.append(field)
                    field = ""
                    if record != [""] { records.append(record) }
                    record = []
                    line += 1
                    recordLine = line
                default: field.unicodeScalars.append(scalar)
                }
            }
            index += 1
        }
        if quoted { throw .malformed("line \(recordLine): a quoted field is not closed") }
        record.append(field)
        if record != [""] { records.append(record) }
        guard let header = records.first else { throw .malformed("the file is empty") }
        self.header = header.map { $0.lowercased() }
        for (offset, row) in records.dropFirst().enumerated() where row.count != header.count {
            throw .malformed("row \(offset + 2): \(row.count) fields where the header has \(header.count)")
        }
        rows = Array(records.dropFirst())
    }
}
