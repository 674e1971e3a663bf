/// An OCPI 2.2.1 Location of party `CL*{party}` with one EVSE and one Type 2 connector, for the
/// tests that push, pull or ingest several parties' locations.
enum LocationJSON {
    static func make(
        _ party: String, _ id: String, name: String = "Site", publish: Bool = true, evseUID: String? = nil,
        evseID: String? = nil, latitude: String = "-33.45"
    ) -> String {
        """
        {"country_code": "CL", "party_id": "\(party)", "id": "\(id)", "publish": \(publish), "name": "\(name)",
         "address": "Av. Uno 1", "city": "Santiago", "postal_code": "8320000", "country": "CHL",
         "coordinates": {"latitude": "\(latitude)", "longitude": "-70.66"}, "time_zone": "America/Santiago",
         "last_updated": "2026-11-01T10:00:00Z",
         "evses": [{"uid": "\(evseUID ?? id + "-1")", "evse_id": "\(evseID ?? "CL*\(party)*E\(id)")",
           "status": "AVAILABLE", "last_updated": "2026-11-01T10:00:00Z",
           "connectors": [{"id": "1", "standard": "IEC_62196_T2", "format": "SOCKET", "power_type": "AC_3_PHASE",
             "max_voltage": 230, "max_amperage": 32, "last_updated": "2026-11-01T10:00:00Z"}]}]}
        """
    }
}
