import RegistryCore

extension LocationDecoder {
    func decodeEVSE(_ fields: inout Fields) -> EVSE {
        var evse = EVSE(uid: fields.string("uid", required: true, maxLength: version.is211 ? 39 : 36))
        evse.evseID = fields.string("evse_id", maxLength: 48)
        evse.status = fields.enumeration("status", required: true)
        evse.statusSchedule = fields.objects("status_schedule") { schedule in
            StatusSchedule(
                periodBegin: schedule.timestamp("period_begin", required: true),
                periodEnd: schedule.timestamp("period_end"), status: schedule.enumeration("status", required: true))
        }
        evse.capabilities = fields.enumerations("capabilities")
        evse.connectors = fields.objects(
            "connectors", required: true, catalogue: FieldCatalogue.connector, keepUnknown: true
        ) {
            decodeConnector(&$0)
        }
        evse.floorLevel = fields.string("floor_level", maxLength: 4)
        evse.coordinates = fields.object("coordinates") { decodeGeoLocation(&$0) }
        evse.physicalReference = fields.string("physical_reference", maxLength: 16)
        evse.directions = fields.objects("directions") { decodeDisplayText(&$0) }
        evse.parkingRestrictions = fields.enumerations("parking_restrictions")
        evse.images = fields.objects("images") { decodeImage(&$0) }
        evse.lastUpdated = fields.timestamp("last_updated", required: true)
        evse.parking = fields.objects("parking") { parking in
            EVSEParking(
                parkingID: parking.string("parking_id", required: true, maxLength: 36),
                evsePosition: parking.enumeration("evse_position"))
        }
        evse.acceptedServiceProviders = fields.strings("accepted_service_providers", maxLength: 50)
        evse.extensions = fields.unknownMembers()
        return evse
    }

    func decodeConnector(_ fields: inout Fields) -> Connector {
        var connector = Connector(id: fields.string("id", required: true, maxLength: 36))
        connector.standard = fields.enumeration("standard", required: true)
        connector.format = fields.enumeration("format", required: true)
        connector.powerType = fields.enumeration("power_type", required: true)
        if version.is211 {
            connector.maxVoltage = fields.int("voltage", required: true, aliases: ["max_voltage"])
            connector.maxAmperage = fields.int("amperage", required: true, aliases: ["max_amperage"])
        } else {
            connector.maxVoltage = fields.int("max_voltage", required: true, aliases: ["voltage"])
            connector.maxAmperage = fields.int("max_amperage", required: true, aliases: ["amperage"])
        }
        connector.maxElectricPower = fields.int("max_electric_power")
        // 2.1.1 has one `tariff_id`; 2.2+ a list `tariff_ids`. Either is read in any version.
        connector.tariffIDs = fields.strings("tariff_ids", maxLength: 36)
        if let single = fields.string("tariff_id", maxLength: 36), !connector.tariffIDs.contains(single) {
            connector.tariffIDs.insert(single, at: 0)
        }
        connector.termsAndConditions = fields.string("terms_and_conditions", maxLength: 255)
        connector.lastUpdated = fields.timestamp("last_updated", required: true)
        connector.capabilities = fields.enumerations("capabilities")
        connector.extensions = fields.unknownMembers()
        return connector
    }
}
