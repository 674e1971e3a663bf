import Foundation
import TestFixtures
import Testing

@testable import Storage

/// Text is bound with its byte length, never as a C string: a NUL inside does not end it, so no
/// value can be cut short (or an id land on another) by the store.
@Suite struct SQLiteBindingTests {
    @Test func textWithANulIsBoundWhole() throws {
        let path = Fixtures.temporaryDirectory().appendingPathComponent("bind.sqlite").path
        let database = try SQLiteDatabase(path: path)
        let statement = try database.statement("SELECT length(CAST(? AS BLOB)), ? = 'L1'")
        _ = statement.bind(.text("L1\u{0}SHADOW"), .text("L1\u{0}SHADOW"))
        #expect(try statement.step())
        #expect(statement.int(0) == 9 && statement.int(1) == 0)
    }
}
