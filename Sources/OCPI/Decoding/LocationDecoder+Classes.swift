import RegistryCore

extension LocationDecoder {
    func decodeGeoLocation(_ fields: inout Fields) -> GeoLocation? {
        guard let latitude = fields.trimmedString("latitude", required: true, maxLength: 10),
            let longitude = fields.trimmedString("longitude", required: true, maxLength: 11)
        else { return nil }
        return GeoLocation(latitude: latitude, longitude: longitude)
    }

    func decodeAdditionalGeoLocation(_ fields: inout Fields) -> AdditionalGeoLocation? {
        guard let latitude = fields.trimmedString("latitude", required: true, maxLength: 10),
            let longitude = fields.trimmedString("longitude", required: true, maxLength: 11)
        else { return nil }
        return AdditionalGeoLocation(
            latitude: latitude, longitude: longitude, name: fields.object("name") { decodeDisplayText(&$0) })
    }

    func decodeDisplayText(_ fields: inout Fields) -> DisplayText {
        DisplayText(
            language: fields.string("language", required: true, maxLength: 2),
            text: fields.string("text", required: true, maxLength: 512))
    }

    func decodeBusinessDetails(_ fields: inout Fields) -> BusinessDetails {
        BusinessDetails(
            name: fields.string("name", required: true, maxLength: 100),
            website: fields.string("website", maxLength: 255),
            logo: fields.object("logo") { decodeImage(&$0) })
    }

    func decodeImage(_ fields: inout Fields) -> Image {
        var image = Image(url: fields.string("url", required: true, maxLength: 255))
        image.thumbnail = fields.string("thumbnail", maxLength: 255)
        image.category = fields.enumeration("category", required: true)
        image.type = fields.string("type", required: true, maxLength: 4)
        image.width = fields.int("width")
        image.height = fields.int("height")
        return image
    }

    func decodeHours(_ fields: inout Fields) -> Hours {
        var hours = Hours(twentyfourseven: fields.bool("twentyfourseven", required: !version.is211))
        hours.regularHours = fields.objects("regular_hours") { regular in
            RegularHours(
                weekday: regular.int("weekday", required: true),
                periodBegin: regular.string("period_begin", required: true, maxLength: 5),
                periodEnd: regular.string("period_end", required: true, maxLength: 5))
        }
        hours.exceptionalOpenings = fields.objects("exceptional_openings") { decodeExceptionalPeriod(&$0) }
        hours.exceptionalClosings = fields.objects("exceptional_closings") { decodeExceptionalPeriod(&$0) }
        return hours
    }

    func decodeExceptionalPeriod(_ fields: inout Fields) -> ExceptionalPeriod {
        ExceptionalPeriod(
            periodBegin: fields.timestamp("period_begin", required: true),
            periodEnd: fields.timestamp("period_end", required: true))
    }

    func decodeEnergyMix(_ fields: inout Fields) -> EnergyMix {
        var mix = EnergyMix(isGreenEnergy: fields.bool("is_green_energy", required: true))
        mix.energySources = fields.objects("energy_sources") { source in
            EnergySource(
                source: source.enumeration("source", required: true),
                percentage: source.number("percentage", required: true))
        }
        mix.environImpact = fields.objects("environ_impact", catalogue: FieldCatalogue.environmentalImpact) { impact in
            let key = version.is211 ? "source" : "category"
            let alias = version.is211 ? "category" : "source"
            guard let text = impact.string(key, required: true, aliases: [alias]) else {
                return EnvironmentalImpact(category: nil, amount: impact.number("amount", required: true))
            }
            return EnvironmentalImpact(
                category: impact.openValue(text, path: impact.childPath(key)),
                amount: impact.number("amount", required: true))
        }
        mix.supplierName = fields.string("supplier_name", maxLength: 64)
        mix.energyProductName = fields.string("energy_product_name", maxLength: 64)
        return mix
    }

    func decodePublishToken(_ fields: inout Fields) -> PublishTokenType {
        var token = PublishTokenType()
        token.uid = fields.string("uid", maxLength: 36)
        token.type = fields.enumeration("type")
        token.visualNumber = fields.string("visual_number", maxLength: 64)
        token.issuer = fields.string("issuer", maxLength: 64)
        token.groupID = fields.string("group_id", maxLength: 36)
        return token
    }

    func decodeParking(_ fields: inout Fields) -> Parking {
        var parking = Parking(id: fields.string("id", required: true, maxLength: 36))
        parking.physicalReference = fields.string("physical_reference", maxLength: 12)
        parking.vehicleTypes = fields.enumerations("vehicle_types")
        parking.maxVehicleWeight = fields.number("max_vehicle_weight")
        parking.maxVehicleHeight = fields.number("max_vehicle_height")
        parking.maxVehicleLength = fields.number("max_vehicle_length")
        parking.maxVehicleWidth = fields.number("max_vehicle_width")
        parking.parkingSpaceLength = fields.number("parking_space_length")
        parking.parkingSpaceWidth = fields.number("parking_space_width")
        parking.dangerousGoodsAllowed = fields.bool("dangerous_goods_allowed")
        parking.direction = fields.enumeration("direction")
        parking.driveThrough = fields.bool("drive_through")
        parking.restrictedToType = fields.bool("restricted_to_type", required: true)
        parking.reservationRequired = fields.bool("reservation_required", required: true)
        parking.timeLimit = fields.number("time_limit")
        parking.roofed = fields.bool("roofed")
        parking.images = fields.objects("images") { decodeImage(&$0) }
        parking.lighting = fields.bool("lighting")
        parking.refrigerationOutlet = fields.bool("refrigeration_outlet")
        parking.standards = fields.strings("standards", maxLength: 36)
        parking.apdsReference = fields.string("apds_reference")
        return parking
    }
}
