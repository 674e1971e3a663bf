/// The `Link` header field (RFC 8288 §3): comma-separated `<URI>; param=value` entries. Parsed
/// as peers really send it (ocpi.md §7.6): any spacing, any case in names, quoted or bare
/// values, several links in one field or several fields, commas inside `<…>` and quotes.
public enum LinkHeader {
    /// The target of the first link whose `rel` names `relation` (rel may list several).
    public static func target(_ fields: [String], relation: String) -> String? {
        for field in fields {
            for link in links(in: field) {
                let rels = link.parameters["rel"]?.lowercased().split(separator: " ").map(String.init) ?? []
                if rels.contains(relation.lowercased()) { return link.target }
            }
        }
        return nil
    }

    struct Link {
        var target: String
        var parameters: [String: String]
    }

    static func links(in field: String) -> [Link] {
        var links: [Link] = []
        var scalars = Substring(field).unicodeScalars[...]
        func skipSpaces() { while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() } }
        while true {
            skipSpaces()
            while scalars.first == "," {
                scalars.removeFirst()
                skipSpaces()
            }
            guard scalars.first == "<", let close = scalars.firstIndex(of: ">") else { return links }
            let target = String(String.UnicodeScalarView(scalars[scalars.index(after: scalars.startIndex)..<close]))
                .trimmingSpaces
            scalars = scalars[scalars.index(after: close)...]
            var parameters: [String: String] = [:]
            while true {
                skipSpaces()
                guard scalars.first == ";" else { break }
                scalars.removeFirst()
                skipSpaces()
                var name = ""
                while let first = scalars.first, first != "=", first != ";", first != ",", first != " " {
                    name.unicodeScalars.append(first)
                    scalars.removeFirst()
                }
                skipSpaces()
                var value = ""
                if scalars.first == "=" {
                    scalars.removeFirst()
                    skipSpaces()
                    if scalars.first == "\"" {
                        scalars.removeFirst()
                        while let first = scalars.first, first != "\"" {
                            scalars.removeFirst()
                            if first == "\\", let escaped = scalars.first {
                                value.unicodeScalars.append(escaped)
                                scalars.removeFirst()
                            } else {
                                value.unicodeScalars.append(first)
                            }
                        }
                        if !scalars.isEmpty { scalars.removeFirst() }
                    } else {
                        while let first = scalars.first, first != ";", first != ",", first != " " {
                            value.unicodeScalars.append(first)
                            scalars.removeFirst()
                        }
                    }
                }
                if !name.isEmpty, parameters[name.lowercased()] == nil { parameters[name.lowercased()] = value }
            }
            links.append(Link(target: target, parameters: parameters))
        }
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        var text = Substring(self)
        while text.first == " " || text.first == "\t" { text.removeFirst() }
        while text.last == " " || text.last == "\t" { text.removeLast() }
        return String(text)
    }
}
