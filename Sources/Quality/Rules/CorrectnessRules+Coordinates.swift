import RegistryCore

/// K5 (valid, precise, not 0,0, inside the country), K6's swap detection and K16 (EVSEs near
/// their location).
extension CorrectnessRules {
    /// OCPI's coordinate pattern asks for 5 to 7 decimals (about 1 m).
    static let minimumDecimals = 5
    /// Farther than this, an EVSE's own coordinates are not where its location says (K16).
    static let evseDistanceLimit = 200.0

    func checkCoordinates(_ location: Location, into findings: inout [Finding]) {
        guard let coordinates = location.coordinates else { return }
        guard let point = GeoPoint(coordinates) else {
            findings.append(
                Finding(
                    .coordinatesInvalid, "coordinates",
                    "\(coordinates.latitude), \(coordinates.longitude) are not WGS84 degrees (latitude -90…90, longitude -180…180)"
                ))
            return
        }
        if point.latitude == 0 && point.longitude == 0 {
            findings.append(Finding(.coordinatesZero, "coordinates", "0, 0 is a placeholder, not a place"))
            return
        }
        for (name, text) in [("latitude", coordinates.latitude), ("longitude", coordinates.longitude)]
        where Self.decimals(text) < Self.minimumDecimals {
            findings.append(
                Finding(
                    .coordinatesImprecise, "coordinates.\(name)",
                    "\(text) has fewer than \(Self.minimumDecimals) decimals (coarser than about 1 m)"))
        }
        if let alpha3 = location.country?.uppercased(), let boxes = CountryBoxes.byAlpha3[alpha3],
            !Self.inside(point, boxes)
        {
            let name = Country(alpha3: alpha3)?.name ?? alpha3
            let swapped = GeoPoint(latitude: point.longitude, longitude: point.latitude)
            if (-90...90).contains(swapped.latitude) && Self.inside(swapped, boxes) {
                findings.append(
                    Finding(
                        .coordinatesSwapped, "coordinates",
                        "\(coordinates.latitude), \(coordinates.longitude) lies outside \(name) but inside it with latitude and longitude swapped"
                    ))
            } else {
                findings.append(
                    Finding(
                        .coordinatesOutsideCountry, "coordinates",
                        "\(coordinates.latitude), \(coordinates.longitude) lies outside \(name)"))
            }
        }
        for (index, evse) in location.evses.enumerated() {
            guard let evseCoordinates = evse.coordinates else { continue }
            guard let evsePoint = GeoPoint(evseCoordinates) else {
                findings.append(
                    Finding(
                        .coordinatesInvalid, "evses[\(index)].coordinates",
                        "\(evseCoordinates.latitude), \(evseCoordinates.longitude) are not WGS84 degrees"))
                continue
            }
            let distance = point.distance(to: evsePoint)
            if distance > Self.evseDistanceLimit {
                findings.append(
                    Finding(
                        .evseFarFromLocation, "evses[\(index)].coordinates",
                        "\(Int(distance.rounded())) m from the location (more than \(Int(Self.evseDistanceLimit)) m)"))
            }
        }
    }

    static func inside(_ point: GeoPoint, _ boxes: [CountryBoxes.Box]) -> Bool {
        boxes.contains {
            $0.south <= point.latitude && point.latitude <= $0.north && $0.west <= point.longitude
                && point.longitude <= $0.east
        }
    }

    static func decimals(_ text: String) -> Int {
        guard let dot = text.firstIndex(of: ".") else { return 0 }
        return text[text.index(after: dot)...].prefix { $0.isASCII && $0.isNumber }.count
    }
}
