import Testing

@testable import AccessPoint

/// CSV fields (RFC 4180): quoted where needed, and never a raw control character, which CSV
/// cannot escape and which stops many readers.
@Suite struct CSVTableTests {
    @Test func fieldsAreQuotedAndControlCharactersReplaced() throws {
        #expect(CSVTable.quoted("plain") == "plain")
        #expect(CSVTable.quoted("a,\"b\"") == "\"a,\"\"b\"\"\"")
        #expect(CSVTable.quoted("Av. Uno\u{0}2") == "Av. Uno\u{FFFD}2")
        #expect(CSVTable.quoted("line\nbreak\u{1B}") == "\"line\nbreak\u{FFFD}\"")
        #expect(CSVTable.quoted("tab\there\u{85}") == "tab\there\u{FFFD}")
        let table = try CSVTable(parsing: "name\n" + CSVTable.quoted("x\u{0},y") + "\n")
        #expect(table.rows == [["x\u{FFFD},y"]])
    }
}
