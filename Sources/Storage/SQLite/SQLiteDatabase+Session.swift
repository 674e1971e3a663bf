extension SQLiteDatabase: SQLSession {
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> Int {
        try statement(sql).bindNumbered(parameters.map(SQLiteValue.init)).run()
        return changes
    }

    func rows(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        let statement = try statement(sql).bindNumbered(parameters.map(SQLiteValue.init))
        var rows: [SQLRow] = []
        while try statement.step() {
            rows.append(SQLRow(columns: (0..<statement.columnCount).map { statement.text($0) }))
        }
        return rows
    }
}

extension SQLiteValue {
    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        case .text(let text): self = .text(text)
        }
    }
}
