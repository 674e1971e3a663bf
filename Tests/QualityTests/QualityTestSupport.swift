import Foundation
import JSON
import OCPI
import Quality
import RegistryCore
import Schemas
import TestFixtures

/// The scorer as the access point builds it: the published catalogue and default policy, and the
/// machine's tzdata.
enum QualityTestSupport {
    static let catalogue = try! QualityCatalogue(json: Array(SchemaFiles.qualityRules!))

    static let policy = try! QualityPolicy(
        json: Array(SchemaFiles.qualityPolicy!), knownCodes: Set(catalogue.rules.keys))

    static let timeZones: TimeZoneTable = {
        func read(_ name: String) -> String {
            (try? String(contentsOfFile: "/usr/share/zoneinfo/\(name)", encoding: .utf8)) ?? ""
        }
        return TimeZoneTable(zone1970: read("zone1970.tab"), zoneTab: read("zone.tab"), tzdataZI: read("tzdata.zi"))
    }()

    static let scorer = QualityScorer(catalogue: catalogue, policy: policy, timeZones: timeZones)

    /// Decodes one OCPI location and adds the register's findings, as ingest does.
    static func decode(_ json: JSONValue, version: OCPIVersion, register: RegisterSnapshot) throws -> DecodedLocation {
        switch LocationDecoder(version: version).decode(json) {
        case .success(var decoded):
            decoded.findings += register.findings(of: decoded.location)
            return decoded
        case .failure(let refusal): throw refusal
        }
    }

    /// A freshly received record: pulled once, just now.
    static func receipt(at now: Timestamp) -> TimelinessRules.Receipt {
        TimelinessRules.Receipt(changedAt: now, confirmedAt: now, version: 1, pushed: false)
    }
}

extension JSONValue {
    /// A copy with the member at `path` (keys and array indexes, e.g. `evses.0.uid`) replaced,
    /// or removed when `value` is nil.
    func setting(_ path: String, to value: JSONValue?) -> JSONValue {
        var components = path.split(separator: ".").map(String.init)[...]
        guard let head = components.popFirst() else { return value ?? .null }
        let rest = components.joined(separator: ".")
        switch self {
        case .object(var object):
            if let index = object.members.firstIndex(where: { $0.key == head }) {
                if rest.isEmpty, value == nil {
                    object.members.remove(at: index)
                } else {
                    object.members[index].value =
                        rest.isEmpty ? value! : object.members[index].value.setting(rest, to: value)
                }
            } else if let value {
                object.members.append(
                    JSONMember(key: head, value: JSONValue.object(JSONObject()).setting(rest, to: value)))
            }
            return .object(object)
        case .array(var items):
            guard let index = Int(head), items.indices.contains(index) else { return self }
            items[index] = rest.isEmpty ? (value ?? .null) : items[index].setting(rest, to: value)
            return .array(items)
        default:
            return self
        }
    }
}
