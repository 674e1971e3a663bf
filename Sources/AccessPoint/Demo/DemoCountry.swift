/// What the generator knows of a country: its codes, time zone, postal code shape, and its
/// larger cities with their centres and relative sizes (so charge points cluster where people
/// live, as real networks do).
struct DemoCountry {
    struct City {
        let name: String
        let latitude: Double
        let longitude: Double
        let weight: Double
        /// The first digits of the city's postal codes.
        let postalPrefix: String
    }

    let alpha2: String
    let alpha3: String
    let timeZone: String
    let postalDigits: Int
    let operators: [(partyID: String, name: String)]
    let cities: [City]
    let streets: [String]

    static let all: [DemoCountry] = [chile, colombia, costaRica]

    static func named(_ code: String) -> DemoCountry? {
        all.first { $0.alpha2 == code.uppercased() || $0.alpha3 == code.uppercased() }
    }

    static let chile = DemoCountry(
        alpha2: "CL", alpha3: "CHL", timeZone: "America/Santiago", postalDigits: 7,
        operators: [
            ("VLT", "Voltaje Andino"), ("COP", "Copec Voltex"), ("ENL", "Enel X Way Chile"),
            ("SUR", "Carga Sur"), ("PAC", "Pacífico Energía"),
        ],
        cities: [
            City(name: "Santiago", latitude: -33.4489, longitude: -70.6693, weight: 40, postalPrefix: "83"),
            City(name: "Valparaíso", latitude: -33.0472, longitude: -71.6127, weight: 6, postalPrefix: "23"),
            City(name: "Viña del Mar", latitude: -33.0245, longitude: -71.5518, weight: 6, postalPrefix: "25"),
            City(name: "Concepción", latitude: -36.8270, longitude: -73.0503, weight: 7, postalPrefix: "40"),
            City(name: "Antofagasta", latitude: -23.6509, longitude: -70.3975, weight: 4, postalPrefix: "12"),
            City(name: "La Serena", latitude: -29.9027, longitude: -71.2519, weight: 4, postalPrefix: "17"),
            City(name: "Temuco", latitude: -38.7359, longitude: -72.5904, weight: 4, postalPrefix: "47"),
            City(name: "Puerto Montt", latitude: -41.4689, longitude: -72.9411, weight: 3, postalPrefix: "54"),
            City(name: "Rancagua", latitude: -34.1708, longitude: -70.7444, weight: 3, postalPrefix: "28"),
            City(name: "Talca", latitude: -35.4264, longitude: -71.6554, weight: 3, postalPrefix: "34"),
        ],
        streets: [
            "Av. Libertador Bernardo O'Higgins", "Av. Providencia", "Av. Apoquindo", "Av. Vicuña Mackenna",
            "Calle Prat", "Av. Pedro de Valdivia", "Av. Matta", "Calle Arturo Prat", "Av. Colón", "Av. Los Leones",
        ])

    static let colombia = DemoCountry(
        alpha2: "CO", alpha3: "COL", timeZone: "America/Bogota", postalDigits: 6,
        operators: [
            ("CEL", "Celsia Move"), ("ENL", "Enel X Colombia"), ("TER", "Terpel Voltex"), ("EPM", "EPM Carga"),
        ],
        cities: [
            City(name: "Bogotá", latitude: 4.7110, longitude: -74.0721, weight: 40, postalPrefix: "11"),
            City(name: "Medellín", latitude: 6.2442, longitude: -75.5812, weight: 20, postalPrefix: "05"),
            City(name: "Cali", latitude: 3.4516, longitude: -76.5320, weight: 12, postalPrefix: "76"),
            City(name: "Barranquilla", latitude: 10.9685, longitude: -74.7813, weight: 8, postalPrefix: "08"),
            City(name: "Cartagena", latitude: 10.3910, longitude: -75.4794, weight: 6, postalPrefix: "13"),
            City(name: "Bucaramanga", latitude: 7.1193, longitude: -73.1227, weight: 5, postalPrefix: "68"),
        ],
        streets: ["Calle 72", "Carrera 7", "Avenida El Poblado", "Calle 100", "Carrera 15", "Avenida Boyacá"])

    static let costaRica = DemoCountry(
        alpha2: "CR", alpha3: "CRI", timeZone: "America/Costa_Rica", postalDigits: 5,
        operators: [("ICE", "ICE Electromovilidad"), ("CNF", "CNFL Carga"), ("EVC", "EV Costa")],
        cities: [
            City(name: "San José", latitude: 9.9281, longitude: -84.0907, weight: 40, postalPrefix: "10"),
            City(name: "Alajuela", latitude: 10.0163, longitude: -84.2116, weight: 15, postalPrefix: "20"),
            City(name: "Cartago", latitude: 9.8644, longitude: -83.9194, weight: 10, postalPrefix: "30"),
            City(name: "Heredia", latitude: 9.9981, longitude: -84.1165, weight: 10, postalPrefix: "40"),
            City(name: "Liberia", latitude: 10.6350, longitude: -85.4377, weight: 5, postalPrefix: "50"),
            City(name: "Puntarenas", latitude: 9.9763, longitude: -84.8384, weight: 5, postalPrefix: "60"),
        ],
        streets: ["Avenida Central", "Paseo Colón", "Calle 5", "Avenida Segunda", "Ruta 27", "Boulevard Rohrmoser"])
}
