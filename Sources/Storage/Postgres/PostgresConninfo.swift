import CLibPQ

/// PostgreSQL connection strings as libpq reads them: `postgres://user:pass@host:port/db?…`
/// URLs or `key=value` pairs (libpq §34.1.1).
public enum PostgresConninfo {
    /// True when `database` names a PostgreSQL database rather than a SQLite file path.
    public static func isPostgres(_ database: String) -> Bool {
        if database.hasPrefix("postgres://") || database.hasPrefix("postgresql://") { return true }
        // key=value form: the first word is a keyword followed by '='.
        let firstWord = database.drop(while: \.isWhitespace).prefix { !$0.isWhitespace && $0 != "=" }
        let rest = database.drop(while: \.isWhitespace).dropFirst(firstWord.count).drop(while: \.isWhitespace)
        return !firstWord.isEmpty && rest.first == "=" && firstWord.allSatisfy { $0.isLetter || $0 == "_" }
    }

    /// Checks the syntax with libpq's own parser, naming what is wrong.
    public static func validate(_ conninfo: String) throws(StoreError) {
        var error: UnsafeMutablePointer<CChar>?
        let options = PQconninfoParse(conninfo, &error)
        defer {
            PQconninfoFree(options)
            PQfreemem(error)
        }
        if options == nil {
            let message = error.map { String(cString: $0).trimmingNewlines } ?? "cannot parse"
            throw .configuration("'\(redacted(conninfo))' is not a PostgreSQL connection string: \(message)")
        }
    }

    /// The string with any password replaced by `***`, fit for logs and error messages.
    public static func redacted(_ conninfo: String) -> String {
        guard isPostgres(conninfo) else { return conninfo }
        if let scheme = conninfo.firstRange(of: "://") {
            // URL: the password of user:password@host, and a password= query parameter.
            var text = conninfo
            let authorityEnd = text[scheme.upperBound...].firstIndex { $0 == "/" || $0 == "?" } ?? text.endIndex
            if let at = text[scheme.upperBound..<authorityEnd].lastIndex(of: "@"),
                let colon = text[scheme.upperBound..<at].firstIndex(of: ":")
            {
                text.replaceSubrange(text.index(after: colon)..<at, with: "***")
            }
            guard let question = text.firstIndex(of: "?") else { return text }
            let parameters = text[text.index(after: question)...].split(
                separator: "&", omittingEmptySubsequences: false
            )
            .map { $0.lowercased().hasPrefix("password=") ? "password=***" : String($0) }
            return text[...question] + parameters.joined(separator: "&")
        }
        // key=value pairs: rebuilt from libpq's own parse, so quoting tricks cannot hide a password.
        guard let options = PQconninfoParse(conninfo, nil) else { return "(unparsable connection string)" }
        defer { PQconninfoFree(options) }
        var pairs: [String] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val {
                let name = String(cString: keyword)
                pairs.append(name == "password" ? "password=***" : "\(name)=\(quoted(String(cString: value)))")
            }
            option += 1
        }
        return pairs.joined(separator: " ")
    }

    private static func quoted(_ value: String) -> String {
        guard value.isEmpty || value.contains(where: { $0 == " " || $0 == "'" || $0 == "\\" }) else { return value }
        return "'" + value.replacing("\\", with: "\\\\").replacing("'", with: "\\'") + "'"
    }
}

extension String {
    fileprivate var trimmingNewlines: String {
        split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}
