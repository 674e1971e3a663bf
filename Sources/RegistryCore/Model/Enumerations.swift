// The value sets of the OCPI 2.3.0 Locations module (a superset of 2.2.1 and 2.1.1; ocpi.md §2.5
// and §6.2). Each is used through `Open<…>`, so unknown values are kept and flagged.

/// EVSE capabilities (OCPI 2.2.1 §8.4.3). The payment ones describe AFIR ad-hoc payment.
public enum Capability: String, CaseIterable, Sendable {
    case chargingProfileCapable = "CHARGING_PROFILE_CAPABLE"
    case chargingPreferencesCapable = "CHARGING_PREFERENCES_CAPABLE"
    case chipCardSupport = "CHIP_CARD_SUPPORT"
    case contactlessCardSupport = "CONTACTLESS_CARD_SUPPORT"
    case creditCardPayable = "CREDIT_CARD_PAYABLE"
    case debitCardPayable = "DEBIT_CARD_PAYABLE"
    case pedTerminal = "PED_TERMINAL"
    case remoteStartStopCapable = "REMOTE_START_STOP_CAPABLE"
    case reservable = "RESERVABLE"
    case rfidReader = "RFID_READER"
    case startSessionConnectorRequired = "START_SESSION_CONNECTOR_REQUIRED"
    case tokenGroupCapable = "TOKEN_GROUP_CAPABLE"
    case unlockCapable = "UNLOCK_CAPABLE"
}

/// Whether the driver brings the cable (`SOCKET`) or it is attached (`CABLE`).
public enum ConnectorFormat: String, CaseIterable, Sendable {
    case socket = "SOCKET"
    case cable = "CABLE"
}

/// Plug and socket standards (OCPI ConnectorType; 2.3.0 adds MCS and SAE J3400).
public enum ConnectorType: String, CaseIterable, Sendable {
    case chademo = "CHADEMO"
    case chaoji = "CHAOJI"
    case domesticA = "DOMESTIC_A"
    case domesticB = "DOMESTIC_B"
    case domesticC = "DOMESTIC_C"
    case domesticD = "DOMESTIC_D"
    case domesticE = "DOMESTIC_E"
    case domesticF = "DOMESTIC_F"
    case domesticG = "DOMESTIC_G"
    case domesticH = "DOMESTIC_H"
    case domesticI = "DOMESTIC_I"
    case domesticJ = "DOMESTIC_J"
    case domesticK = "DOMESTIC_K"
    case domesticL = "DOMESTIC_L"
    case domesticM = "DOMESTIC_M"
    case domesticN = "DOMESTIC_N"
    case domesticO = "DOMESTIC_O"
    case gbtAC = "GBT_AC"
    case gbtDC = "GBT_DC"
    case iec60309Single16 = "IEC_60309_2_single_16"
    case iec60309Three16 = "IEC_60309_2_three_16"
    case iec60309Three32 = "IEC_60309_2_three_32"
    case iec60309Three64 = "IEC_60309_2_three_64"
    case iec62196T1 = "IEC_62196_T1"
    case iec62196T1Combo = "IEC_62196_T1_COMBO"
    case iec62196T2 = "IEC_62196_T2"
    case iec62196T2Combo = "IEC_62196_T2_COMBO"
    case iec62196T3A = "IEC_62196_T3A"
    case iec62196T3C = "IEC_62196_T3C"
    case mcs = "MCS"
    case nema5_20 = "NEMA_5_20"
    case nema6_30 = "NEMA_6_30"
    case nema6_50 = "NEMA_6_50"
    case nema10_30 = "NEMA_10_30"
    case nema10_50 = "NEMA_10_50"
    case nema14_30 = "NEMA_14_30"
    case nema14_50 = "NEMA_14_50"
    case pantographBottomUp = "PANTOGRAPH_BOTTOM_UP"
    case pantographTopDown = "PANTOGRAPH_TOP_DOWN"
    case saeJ3400 = "SAE_J3400"
    case teslaR = "TESLA_R"
    case teslaS = "TESLA_S"
}

/// Plug and Charge capabilities of a connector (OCPI 2.3.0).
public enum ConnectorCapability: String, CaseIterable, Sendable {
    case iso15118_2PlugAndCharge = "ISO_15118_2_PLUG_AND_CHARGE"
    case iso15118_20PlugAndCharge = "ISO_15118_20_PLUG_AND_CHARGE"
}

public enum EnergySourceCategory: String, CaseIterable, Sendable {
    case nuclear = "NUCLEAR"
    case generalFossil = "GENERAL_FOSSIL"
    case coal = "COAL"
    case gas = "GAS"
    case generalGreen = "GENERAL_GREEN"
    case solar = "SOLAR"
    case wind = "WIND"
    case water = "WATER"
}

public enum EnvironmentalImpactCategory: String, CaseIterable, Sendable {
    case nuclearWaste = "NUCLEAR_WASTE"
    case carbonDioxide = "CARBON_DIOXIDE"
}

/// Where an EVSE stands relative to its parking place (OCPI 2.3.0 EVSEPosition).
public enum EVSEPosition: String, CaseIterable, Sendable {
    case left = "LEFT"
    case right = "RIGHT"
    case center = "CENTER"
}

/// The status of an EVSE. `REMOVED` is the only way OCPI deletes an EVSE.
public enum EVSEStatus: String, CaseIterable, Sendable {
    case available = "AVAILABLE"
    case blocked = "BLOCKED"
    case charging = "CHARGING"
    case inoperative = "INOPERATIVE"
    case outOfOrder = "OUTOFORDER"
    case planned = "PLANNED"
    case removed = "REMOVED"
    case reserved = "RESERVED"
    case unknown = "UNKNOWN"
}

public enum Facility: String, CaseIterable, Sendable {
    case hotel = "HOTEL"
    case restaurant = "RESTAURANT"
    case cafe = "CAFE"
    case mall = "MALL"
    case supermarket = "SUPERMARKET"
    case sport = "SPORT"
    case recreationArea = "RECREATION_AREA"
    case nature = "NATURE"
    case museum = "MUSEUM"
    case bikeSharing = "BIKE_SHARING"
    case busStop = "BUS_STOP"
    case taxiStand = "TAXI_STAND"
    case tramStop = "TRAM_STOP"
    case metroStation = "METRO_STATION"
    case trainStation = "TRAIN_STATION"
    case airport = "AIRPORT"
    case parkingLot = "PARKING_LOT"
    case carpoolParking = "CARPOOL_PARKING"
    case fuelStation = "FUEL_STATION"
    case wifi = "WIFI"
}

public enum ImageCategory: String, CaseIterable, Sendable {
    case charger = "CHARGER"
    case entrance = "ENTRANCE"
    case location = "LOCATION"
    case network = "NETWORK"
    case `operator` = "OPERATOR"
    case other = "OTHER"
    case owner = "OWNER"
}

/// How a parking place is laid out (OCPI 2.3.0).
public enum ParkingDirection: String, CaseIterable, Sendable {
    case parallel = "PARALLEL"
    case perpendicular = "PERPENDICULAR"
    case angle = "ANGLE"
}

/// Who may charge at an EVSE (2.3.0 adds employees, taxis and tenants).
public enum ParkingRestriction: String, CaseIterable, Sendable {
    case evOnly = "EV_ONLY"
    case plugged = "PLUGGED"
    case disabled = "DISABLED"
    case customers = "CUSTOMERS"
    case motorcycles = "MOTORCYCLES"
    case employees = "EMPLOYEES"
    case taxis = "TAXIS"
    case tenants = "TENANTS"
}

/// The kind of parking (2.2+ `parking_type`; 2.1.1's `type` maps onto it, OTHER/UNKNOWN to none).
public enum ParkingType: String, CaseIterable, Sendable {
    case alongMotorway = "ALONG_MOTORWAY"
    case parkingGarage = "PARKING_GARAGE"
    case parkingLot = "PARKING_LOT"
    case onDriveway = "ON_DRIVEWAY"
    case onStreet = "ON_STREET"
    case undergroundGarage = "UNDERGROUND_GARAGE"
}

public enum PowerType: String, CaseIterable, Sendable {
    case ac1Phase = "AC_1_PHASE"
    case ac2Phase = "AC_2_PHASE"
    case ac2PhaseSplit = "AC_2_PHASE_SPLIT"
    case ac3Phase = "AC_3_PHASE"
    case dc = "DC"
}

public enum TokenType: String, CaseIterable, Sendable {
    case adHocUser = "AD_HOC_USER"
    case appUser = "APP_USER"
    case emaid = "EMAID"
    case other = "OTHER"
    case rfid = "RFID"
}

/// Vehicle types a parking place serves (OCPI 2.3.0, for AFIR reporting).
public enum VehicleType: String, CaseIterable, Sendable {
    case motorcycle = "MOTORCYCLE"
    case personalVehicle = "PERSONAL_VEHICLE"
    case personalVehicleWithTrailer = "PERSONAL_VEHICLE_WITH_TRAILER"
    case van = "VAN"
    case semiTractor = "SEMI_TRACTOR"
    case rigid = "RIGID"
    case truckWithTrailer = "TRUCK_WITH_TRAILER"
    case bus = "BUS"
    case disabled = "DISABLED"
}
