import JSON
import OCPI
import RegistryCore

/// What one push to the Locations Receiver does to a stored location (OCPI 2.2.1 §8.2.2;
/// ocpi.md §3.2, §7.2), worked on the location's JSON in the pushing version so that every
/// version's field names apply as sent:
///
/// - PUT of a Location replaces it; of an EVSE or Connector replaces or adds that child only;
/// - PATCH replaces the members it carries (lists whole) and must carry `last_updated`;
/// - a child's `last_updated` moves its parents' (OCPI: "the Receiver SHALL also set the new
///   `last_updated` value on the parent");
/// - the URL's ids must be the body's ids (`2001`); a child under an unknown parent is `404`.
struct LocationPush {
    enum Method: String { case put = "PUT", patch = "PATCH" }

    /// Why a push is refused: OCPI status `2001` (the request) or an unknown object (`404`, `2003`).
    enum Problem: Error, Equatable {
        case invalid(String)
        case unknown(String)
    }

    let method: Method
    let party: PartyCode
    let locationID: String
    let evseUID: String?
    let connectorID: String?

    /// The location after the push, in the pushing version's JSON. `stored` is the current
    /// location in that version, nil when there is none.
    func apply(_ body: JSONValue, to stored: JSONValue?) throws(Problem) -> JSONValue {
        guard case .object(let patch) = body else { throw .invalid("the body must be one JSON object") }
        let stamp = patch["last_updated"]
        if method == .patch, stamp == nil || stamp == .null {
            throw .invalid("a PATCH must carry last_updated")
        }
        guard let evseUID else {
            try Self.same(patch["id"], locationID, "id", required: method == .put)
            if method == .put {
                try owner(patch, "country_code", party.countryCode)
                try owner(patch, "party_id", party.partyID)
                return body
            }
            guard case .object(let location)? = stored else { throw .unknown("unknown Location \(locationID)") }
            return .object(Self.merged(location, patch))
        }
        guard case .object(var location)? = stored else { throw .unknown("unknown Location \(locationID)") }
        var evses = Self.array(location["evses"])
        let evseIndex = Self.index(of: evseUID, by: "uid", in: evses)
        var evse: JSONObject
        if let connectorID {
            guard let evseIndex, case .object(let found) = evses[evseIndex] else {
                throw .unknown("unknown EVSE \(evseUID) of Location \(locationID)")
            }
            evse = found
            var connectors = Self.array(evse["connectors"])
            let connectorIndex = Self.index(of: connectorID, by: "id", in: connectors)
            try Self.same(patch["id"], connectorID, "id", required: method == .put)
            let connector: JSONValue
            switch (method, connectorIndex) {
            case (.put, _): connector = body
            case (.patch, let index?):
                guard case .object(let current) = connectors[index] else {
                    throw .invalid("connector is not an object")
                }
                connector = .object(Self.merged(current, patch))
            case (.patch, nil): throw .unknown("unknown Connector \(connectorID) of EVSE \(evseUID)")
            }
            if let connectorIndex { connectors[connectorIndex] = connector } else { connectors.append(connector) }
            evse = Self.setting(evse, "connectors", .array(connectors))
            if let stamp { evse = Self.setting(evse, "last_updated", stamp) }
        } else {
            try Self.same(patch["uid"], evseUID, "uid", required: method == .put)
            switch (method, evseIndex) {
            case (.put, _): evse = patch
            case (.patch, let index?):
                guard case .object(let current) = evses[index] else { throw .invalid("EVSE is not an object") }
                evse = Self.merged(current, patch)
            case (.patch, nil): throw .unknown("unknown EVSE \(evseUID) of Location \(locationID)")
            }
        }
        if let evseIndex { evses[evseIndex] = .object(evse) } else { evses.append(.object(evse)) }
        location = Self.setting(location, "evses", .array(evses))
        if let stamp { location = Self.setting(location, "last_updated", stamp) }
        return .object(location)
    }

    /// A PUT Location's owner fields, when present, are the URL's (2.1.1 has none).
    private func owner(_ object: JSONObject, _ key: String, _ expected: String) throws(Problem) {
        guard case .string(let value)? = object[key] else { return }
        guard value.uppercased() == expected else {
            throw .invalid("\(key) '\(value)' in the body is not the URL's '\(expected)'")
        }
    }

    /// The body's id, when present (or required), is the URL's, without regard to case (CiString).
    private static func same(_ value: JSONValue?, _ expected: String, _ key: String, required: Bool)
        throws(Problem)
    {
        switch value {
        case .string(let text)? where text.uppercased() == expected.uppercased(): return
        case .string(let text)?: throw .invalid("\(key) '\(text)' in the body is not the URL's '\(expected)'")
        case nil where !required: return
        default: throw .invalid("the body needs \(key) '\(expected)', as in the URL")
        }
    }

    private static func array(_ value: JSONValue?) -> [JSONValue] {
        if case .array(let items)? = value { items } else { [] }
    }

    private static func index(of id: String, by key: String, in items: [JSONValue]) -> Int? {
        items.firstIndex { item in
            if case .string(let value)? = item[key] { value.uppercased() == id.uppercased() } else { false }
        }
    }

    /// `base` with each member of `patch` replacing its namesake (or appended): OCPI PATCH.
    static func merged(_ base: JSONObject, _ patch: JSONObject) -> JSONObject {
        patch.members.reduce(base) { setting($0, $1.key, $1.value) }
    }

    static func setting(_ object: JSONObject, _ key: String, _ value: JSONValue) -> JSONObject {
        var object = object
        if let index = object.members.firstIndex(where: { $0.key == key }) {
            object.members[index].value = value
        } else {
            object.members.append(JSONMember(key: key, value: value))
        }
        return object
    }
}
