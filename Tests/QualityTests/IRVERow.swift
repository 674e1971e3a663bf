import JSON

/// Maps a row of France's IRVE consolidated file (schema-irve v2.3.1) into an OCPI 2.2.1
/// Location, as a registry taking IRVE data would: one location per station, one EVSE per
/// charge point, one connector per declared plug type. Values that do not map stay as given, so
/// the model's rules see them.
enum IRVERow {
    static func location(_ row: [String: String], status: [String: String]? = nil) -> JSONValue {
        var location = JSONObject()
        func put(_ object: inout JSONObject, _ key: String, _ value: JSONValue?) {
            if let value { object.members.append(JSONMember(key: key, value: value)) }
        }
        func text(_ value: String?) -> JSONValue? { value.flatMap { $0.isEmpty ? nil : .string($0) } }
        put(&location, "country_code", .string("FR"))
        put(&location, "party_id", .string("A68"))
        put(&location, "id", text(row["id_station_itinerance"]))
        put(&location, "publish", .bool(true))
        put(&location, "name", text(row["nom_station"]))
        let address = row["adresse_station"] ?? ""
        if let match = address.firstMatch(of: /^(.*) (\d{5}) (.+)$/) {
            put(&location, "address", .string(String(match.output.1)))
            put(&location, "city", .string(String(match.output.3)))
            put(&location, "postal_code", .string(String(match.output.2)))
        } else {
            put(&location, "address", text(address))
        }
        put(&location, "country", .string("FRA"))
        if let pair = row["coordonneesXY"]?.firstMatch(of: /^\[\s*([^,\]]+)\s*,\s*([^,\]]+)\s*\]$/) {
            put(
                &location, "coordinates",
                .object(
                    JSONObject([
                        JSONMember(key: "latitude", value: .string(String(pair.output.2))),
                        JSONMember(key: "longitude", value: .string(String(pair.output.1))),
                    ])))
        }
        let parking = [
            "Voirie": "ON_STREET", "Parking public": "PARKING_LOT", "Parking privé à usage public": "PARKING_LOT",
            "Parking privé réservé à la clientèle": "PARKING_LOT", "Station dédiée à la recharge rapide": "ON_DRIVEWAY",
        ]
        if let value = row["implantation_station"], !value.isEmpty {
            put(&location, "parking_type", .string(parking[value] ?? value))
        }
        put(
            &location, "operator",
            .object(JSONObject([JSONMember(key: "name", value: .string(row["nom_operateur"] ?? ""))])))
        put(
            &location, "owner",
            .object(JSONObject([JSONMember(key: "name", value: .string(row["nom_amenageur"] ?? ""))])))
        put(&location, "time_zone", .string("Europe/Paris"))
        put(&location, "opening_times", openingTimes(row["horaires"] ?? ""))
        let updated = (row["date_maj"] ?? "") + "T00:00:00Z"
        let evseUpdated = status?["horodatage"].map(dateTime) ?? updated
        put(&location, "evses", .array([evse(row, status: status, lastUpdated: evseUpdated)]))
        put(&location, "last_updated", .string(max(updated, evseUpdated)))
        return .object(location)
    }

    static func evse(_ row: [String: String], status: [String: String]?, lastUpdated: String) -> JSONValue {
        var evse = JSONObject()
        let id = status?["id_pdc_itinerance"] ?? row["id_pdc_itinerance"] ?? ""
        evse.members.append(
            JSONMember(key: "uid", value: .string(row["id_pdc_local"].flatMap { $0.isEmpty ? nil : $0 } ?? id)))
        evse.members.append(JSONMember(key: "evse_id", value: .string(id)))
        if let state = evseStatus(status) { evse.members.append(JSONMember(key: "status", value: .string(state))) }
        var capabilities: [JSONValue] = []
        if row["paiement_cb"] == "true" { capabilities.append(.string("CREDIT_CARD_PAYABLE")) }
        if row["reservation"] == "true" { capabilities.append(.string("RESERVABLE")) }
        evse.members.append(JSONMember(key: "capabilities", value: .array(capabilities)))
        // One connector per declared plug; the nominal power goes to the most powerful one.
        let plugs: [(column: String, standard: String, format: String, power: String, volts: Int, amps: Int)] = [
            ("prise_type_combo_ccs", "IEC_62196_T2_COMBO", "CABLE", "DC", 400, 150),
            ("prise_type_chademo", "CHADEMO", "CABLE", "DC", 500, 125),
            (
                "prise_type_2", "IEC_62196_T2", row["cable_t2_attache"] == "true" ? "CABLE" : "SOCKET", "AC_3_PHASE",
                230, 32
            ),
            ("prise_type_ef", "DOMESTIC_F", "SOCKET", "AC_1_PHASE", 230, 16),
        ]
        var connectors: [JSONValue] = []
        for plug in plugs where isTrue(row[plug.column]) {
            var connector = JSONObject([
                JSONMember(key: "id", value: .string(String(connectors.count + 1))),
                JSONMember(key: "standard", value: .string(plug.standard)),
                JSONMember(key: "format", value: .string(plug.format)),
                JSONMember(key: "power_type", value: .string(plug.power)),
                JSONMember(key: "max_voltage", value: .number(JSONNumber(plug.volts))),
                JSONMember(key: "max_amperage", value: .number(JSONNumber(plug.amps))),
            ])
            if connectors.isEmpty, let kilowatts = Double(row["puissance_nominale"] ?? "") {
                connector.members.append(
                    JSONMember(key: "max_electric_power", value: .number(JSONNumber(Int(kilowatts * 1000)))))
            }
            connector.members.append(JSONMember(key: "last_updated", value: .string(lastUpdated)))
            connectors.append(.object(connector))
        }
        evse.members.append(JSONMember(key: "connectors", value: .array(connectors)))
        evse.members.append(JSONMember(key: "last_updated", value: .string(lastUpdated)))
        return .object(evse)
    }

    /// IRVE booleans, read as a tolerant importer of French data would (`oui` is yes).
    static func isTrue(_ text: String?) -> Bool { ["true", "oui", "1"].contains(text?.lowercased() ?? "") }

    /// IRVE's state and occupancy as one OCPI status; an unknown state passes through as given,
    /// an empty occupancy of a working point gives none.
    static func evseStatus(_ status: [String: String]?) -> String? {
        guard let status else { return "UNKNOWN" }
        let state = status["etat_pdc"] ?? ""
        switch state {
        case "hors_service": return "OUTOFORDER"
        case "inconnu": return "UNKNOWN"
        case "en_service":
            switch status["occupation_pdc"] ?? "" {
            case "libre": return "AVAILABLE"
            case "occupe": return "CHARGING"
            case "reserve": return "RESERVED"
            case "inconnu": return "UNKNOWN"
            case "": return nil
            case let other: return other
            }
        default: return state
        }
    }

    /// `2022-10-18T12:35:49+0000` as OCPI writes it; anything else as given.
    static func dateTime(_ text: String) -> String {
        text.hasSuffix("+0000") ? String(text.dropLast(5)) + "Z" : text
    }

    /// OSM-style opening hours (`24/7`, `Mo-Fr 08:00-12:00,Th 08:00-18:00`) as OCPI Hours; text that
    /// does not read gives `twentyfourseven: false` and no regular hours.
    static func openingTimes(_ text: String) -> JSONValue {
        if text == "24/7" { return .object(JSONObject([JSONMember(key: "twentyfourseven", value: .bool(true))])) }
        let days = ["Mo": 1, "Tu": 2, "We": 3, "Th": 4, "Fr": 5, "Sa": 6, "Su": 7]
        var periods: [JSONValue] = []
        for rule in text.split(separator: ",") {
            guard let match = rule.firstMatch(of: /^(\w\w)(?:-(\w\w))? (\d\d:\d\d)-(\d\d:\d\d)$/),
                let first = days[String(match.output.1)], let last = match.output.2.map({ days[String($0)] }) ?? first
            else { continue }
            for weekday in first...max(first, last) {
                periods.append(
                    .object(
                        JSONObject([
                            JSONMember(key: "weekday", value: .number(JSONNumber(weekday))),
                            JSONMember(key: "period_begin", value: .string(String(match.output.3))),
                            JSONMember(key: "period_end", value: .string(String(match.output.4))),
                        ])))
            }
        }
        return .object(
            JSONObject([
                JSONMember(key: "twentyfourseven", value: .bool(false)),
                JSONMember(key: "regular_hours", value: .array(periods)),
            ]))
    }

    /// RFC 4180 records: quoted fields may hold commas, doubled quotes and line breaks.
    static func parseCSV(_ text: String) -> [[String]] {
        var records: [[String]] = []
        var record: [String] = []
        var field = ""
        var quoted = false
        var characters = Array(text)[...]
        while let character = characters.popFirst() {
            if quoted {
                if character == "\"" {
                    if characters.first == "\"" {
                        field.append("\"")
                        characters.removeFirst()
                    } else {
                        quoted = false
                    }
                } else {
                    field.append(character)
                }
            } else if character == "\"" {
                quoted = true
            } else if character == "," {
                record.append(field)
                field = ""
            } else if character == "\n" || character == "\r\n" {
                record.append(field)
                records.append(record)
                record = []
                field = ""
            } else if character != "\r" {
                field.append(character)
            }
        }
        if !field.isEmpty || !record.isEmpty {
            record.append(field)
            records.append(record)
        }
        return records
    }
}
