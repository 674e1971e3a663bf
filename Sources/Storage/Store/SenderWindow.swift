import RegistryCore

/// What an OCPI Locations Sender request asks for (issue #6; ocpi.md §3.1, §4.4, §7.7): the
/// published locations whose registry change time is in `[from, to)`, in the stable order
/// (change time, row id). A delta (`from` given) also carries locations removed in the window,
/// so that aggregators learn of deletions; a full crawl is the current set only.
public struct SenderWindow: Sendable, Equatable {
    public var from: Timestamp?
    public var to: Timestamp?

    public init(from: Timestamp? = nil, to: Timestamp? = nil) {
        self.from = from
        self.to = to
    }

    public var includesRemoved: Bool { from != nil }
}

/// Where the next Sender page starts: after this (change time, row id). It travels in our own
/// `Link` URLs beside `offset`, so that deep pages are keyset reads, not offset scans.
public struct SenderCursor: Sendable, Equatable {
    public var changedAt: Int64
    public var rowID: Int64

    public init(changedAt: Int64, rowID: Int64) {
        self.changedAt = changedAt
        self.rowID = rowID
    }

    /// `<microseconds>-<row id>`.
    public var text: String { "\(changedAt)-\(rowID)" }

    /// nil for anything this Sender did not issue.
    public init?(text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 2, let changedAt = Int64(parts[0]), let rowID = Int64(parts[1]), rowID > 0 else {
            return nil
        }
        self.init(changedAt: changedAt, rowID: rowID)
    }
}

/// One page of the Sender.
public struct SenderPage: Sendable {
    public var items: [StoredLocation]
    /// How many locations the window holds in all (`X-Total-Count`).
    public var total: Int
    /// Where the page after this one starts; nil when this page is the last.
    public var next: SenderCursor?
}

/// What the dumps' `ETag` is made of.
public struct PublishedState: Sendable, Equatable {
    public var count: Int
    public var lastChange: Timestamp?
}

/// The Sender's SQL, for both backends: the same statements with each dialect's placeholders
/// and booleans (SQLite's `publish = 1` is what lets it use the partial index of migration 0004).
struct SenderSQL {
    let page: String
    let pageValues: [LocationListSQL.Value]
    /// The page's size, at least 1: the page reads one row more, which says whether another follows.
    let limit: Int
    let count: String
    let countValues: [LocationListSQL.Value]

    init(
        _ window: SenderWindow, after cursor: SenderCursor?, offset: Int, limit: Int, columns: String,
        dialect: LocationListSQL.Dialect
    ) {
        var conditions = [dialect == .sqlite ? "publish = 1" : "publish"]
        var values: [LocationListSQL.Value] = []
        if !window.includesRemoved { conditions.append(dialect == .sqlite ? "removed = 0" : "NOT removed") }
        if let from = window.from {
            conditions.append("changed_at >= ?")
            values.append(.integer(from.microseconds))
        }
        if let to = window.to {
            conditions.append("changed_at < ?")
            values.append(.integer(to.microseconds))
        }
        self.limit = max(1, limit)
        count = LocationListSQL.numbered(
            "SELECT count(*) FROM locations WHERE \(conditions.joined(separator: " AND "))", for: dialect)
        countValues = values
        if let cursor {
            conditions.append("(changed_at, id) > (?, ?)")
            values += [.integer(cursor.changedAt), .integer(cursor.rowID)]
        }
        var sql = "SELECT \(columns), id FROM locations WHERE \(conditions.joined(separator: " AND "))"
        sql += " ORDER BY changed_at, id LIMIT \(min(self.limit, Int.max - 1) + 1)"
        if cursor == nil && offset > 0 { sql += " OFFSET \(offset)" }
        page = LocationListSQL.numbered(sql, for: dialect)
        pageValues = values
    }
}
