/// Which members each object has in which OCPI version (ocpi.md §2, §6.1, §6.2). A member read
/// from a record of another version is mapped and flagged; a member of no version is kept as an
/// extension and flagged.
enum FieldCatalogue {
    enum Since {
        case all
        case only211
        case from22
        case from230
    }

    static func isDefined(_ since: Since, in version: OCPIVersion) -> Bool {
        switch since {
        case .all: true
        case .only211: version == .v2_1_1
        case .from22: version >= .v2_2
        case .from230: version == .v2_3_0
        }
    }

    static let location: [String: Since] = [
        "country_code": .from22, "party_id": .from22, "id": .all, "publish": .from22, "publish_allowed_to": .from22,
        "name": .all, "address": .all, "city": .all, "postal_code": .all, "state": .from22, "country": .all,
        "coordinates": .all, "related_locations": .all, "type": .only211, "parking_type": .from22, "evses": .all,
        "directions": .all, "operator": .all, "suboperator": .all, "owner": .all, "facilities": .all,
        "time_zone": .all, "opening_times": .all, "charging_when_closed": .all, "images": .all, "energy_mix": .all,
        "last_updated": .all, "parking_places": .from230, "help_phone": .from230,
    ]

    static let evse: [String: Since] = [
        "uid": .all, "evse_id": .all, "status": .all, "status_schedule": .all, "capabilities": .all,
        "connectors": .all, "floor_level": .all, "coordinates": .all, "physical_reference": .all,
        "directions": .all, "parking_restrictions": .all, "images": .all, "last_updated": .all,
        "parking": .from230, "accepted_service_providers": .from230,
    ]

    static let connector: [String: Since] = [
        "id": .all, "standard": .all, "format": .all, "power_type": .all, "voltage": .only211,
        "amperage": .only211, "max_voltage": .from22, "max_amperage": .from22, "max_electric_power": .from22,
        "tariff_id": .only211, "tariff_ids": .from22, "terms_and_conditions": .all, "last_updated": .all,
        "capabilities": .from230,
    ]

    static let environmentalImpact: [String: Since] = ["source": .only211, "category": .from22, "amount": .all]
}
