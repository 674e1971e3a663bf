extension LibPQConnection: SQLSession {
    func execute(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> Int {
        try query(dynamic: sql, parameters.map(PostgresValue.init)).affectedRows
    }

    func rows(_ sql: String, _ parameters: [SQLValue]) throws(StoreError) -> [SQLRow] {
        let result = try query(dynamic: sql, parameters.map(PostgresValue.init))
        return (0..<result.count).map { row in
            SQLRow(columns: (0..<result.columnCount).map { result.text(row, $0) })
        }
    }
}

extension PostgresValue {
    init(_ value: SQLValue) {
        switch value {
        case .null: self = .null
        case .integer(let integer): self = .integer(integer)
        case .real(let real): self = .real(real)
        case .text(let text): self = .text(text)
        }
    }
}
