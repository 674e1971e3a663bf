import JSON
import RegistryCore

/// A record's quality as the quality monitor keeps it between scans: a JSON object whose numbers
/// are the shortest text that reads back as the same `Double`, so that a scorecard summed from
/// stored records equals one summed from freshly scored ones, bit for bit.
extension RecordQuality {
    public var storedJSON: [UInt8] {
        var writer = JSONWriter(capacity: 256 + findings.count * 96)
        writer.beginObject()
        writer.member("evses", evses)
        for (name, value) in [
            ("completeness", completeness), ("correctness", correctness), ("timeliness", timeliness),
            ("combined", combined),
        ] {
            writer.member(name, JSONNumber(text: value.isFinite ? "\(value)" : "0"))
        }
        writer.member("static_latency", staticLatencySeconds.map { JSONNumber(text: "\($0)") })
        writer.member("dynamic_latency", dynamicLatencySeconds.map { JSONNumber(text: "\($0)") })
        writer.member("stale_evses", staleEVSEs)
        writer.member("live_evses", liveEVSEs)
        writer.key("findings")
        writer.beginArray()
        for finding in findings {
            writer.beginArray()
            writer.string(finding.code.rawValue)
            writer.string(finding.path)
            writer.string(finding.message)
            writer.endArray()
        }
        writer.endArray()
        writer.endObject()
        return writer.bytes
    }

    /// Reads `storedJSON` back; nil for a text it did not write.
    public init?(key: LocationKey, stored json: [UInt8]) {
        guard case .object(let object) = try? JSONParser.parse(json),
            case .number(let evses) = object["evses"], let evses = evses.intValue,
            case .number(let completeness) = object["completeness"], let completeness = completeness.doubleValue,
            case .number(let correctness) = object["correctness"], let correctness = correctness.doubleValue,
            case .number(let timeliness) = object["timeliness"], let timeliness = timeliness.doubleValue,
            case .number(let combined) = object["combined"], let combined = combined.doubleValue,
            case .number(let stale) = object["stale_evses"], let stale = stale.intValue,
            case .number(let live) = object["live_evses"], let live = live.intValue,
            case .array(let items) = object["findings"]
        else { return nil }
        var findings: [Finding] = []
        for item in items {
            guard case .string(let code) = item[0], case .string(let path) = item[1],
                case .string(let message) = item[2]
            else { return nil }
            findings.append(Finding(FindingCode(rawValue: code), path, message))
        }
        func seconds(_ name: String) -> Int64? {
            guard case .number(let number) = object[name] else { return nil }
            return Int64(number.text)
        }
        self.init(
            key: key, evses: evses, completeness: completeness, correctness: correctness, timeliness: timeliness,
            combined: combined, findings: findings, staticLatencySeconds: seconds("static_latency"),
            dynamicLatencySeconds: seconds("dynamic_latency"), staleEVSEs: stale, liveEVSEs: live)
    }
}
