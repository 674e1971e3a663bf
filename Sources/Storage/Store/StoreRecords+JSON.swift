import JSON
import RegistryCore

/// The JSON forms both backends store: a record's findings and a run's counts per finding code.
extension IngestRunSummary {
    /// `{"code": count, …}`, codes in order.
    var findingsJSON: [UInt8] {
        var writer = JSONWriter(capacity: 256)
        writer.beginObject()
        for (code, count) in findingsByCode.sorted(by: { $0.key < $1.key }) { writer.member(code.rawValue, count) }
        writer.endObject()
        return writer.bytes
    }

    mutating func readFindings(_ json: [UInt8]) {
        guard case .object(let counts) = try? JSONParser.parse(json) else { return }
        for member in counts.members {
            if case .number(let number) = member.value {
                findingsByCode[FindingCode(rawValue: member.key)] = number.intValue
            }
        }
    }
}

extension IngestRefusal {
    /// Refusals kept per run; beyond this only the run's count grows.
    static let maximumStoredPerRun = 10_000
}

extension Finding {
    /// A record's findings as a JSON array of `{code, path, message}`.
    static func storedJSON(_ findings: [Finding]) -> [UInt8] {
        var writer = JSONWriter(capacity: 64 + findings.count * 96)
        writer.beginArray()
        for finding in findings {
            writer.beginObject()
            writer.member("code", finding.code.rawValue)
            writer.member("path", finding.path)
            writer.member("message", finding.message)
            writer.endObject()
        }
        writer.endArray()
        return writer.bytes
    }
}

extension Finding {
    /// Reads a record's stored findings (`storedJSON`); an unreadable text reads as none.
    static func stored(_ json: [UInt8]) -> [Finding] {
        guard case .array(let items) = try? JSONParser.parse(json) else { return [] }
        return items.compactMap { item in
            guard case .string(let code) = item["code"], case .string(let path) = item["path"],
                case .string(let message) = item["message"]
            else { return nil }
            return Finding(FindingCode(rawValue: code), path, message)
        }
    }
}

extension StoredLocation {
    /// The findings stored with this version (decoder, register and correctness rules).
    public var findingList: [Finding] { Finding.stored(findings) }
}
