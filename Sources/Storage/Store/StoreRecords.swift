import RegistryCore

/// Where an ingest comes from.
public enum IngestKind: String, Sendable {
    case file, pull, push
}

/// What is known when an ingest begins.
public struct IngestRunStart: Sendable {
    public var kind: IngestKind
    /// The file path, feed URL or pushing party.
    public var source: String
    public var party: PartyCode?
    public var ocpiVersion: String?

    public init(kind: IngestKind, source: String, party: PartyCode? = nil, ocpiVersion: String? = nil) {
        self.kind = kind
        self.source = source
        self.party = party
        self.ocpiVersion = ocpiVersion
    }
}

/// A location ready to store: the model for the query columns, its canonical document and
/// content hash (computed by the caller with the OCPI encoder), and its findings.
public struct IncomingLocation: Sendable {
    public var location: Location
    public var findings: [Finding]
    /// The canonical OCPI 2.3.0 JSON document.
    public var document: [UInt8]
    /// SHA-256 of the document without `last_updated` values.
    public var contentHash: [UInt8]

    public init(location: Location, findings: [Finding], document: [UInt8], contentHash: [UInt8]) {
        self.location = location
        self.findings = findings
        self.document = document
        self.contentHash = contentHash
    }
}

/// What storing one location did.
public enum IngestOutcome: String, Sendable {
    case created, changed, unchanged
}

/// A record that was not stored, with where it was and why.
public struct IngestRefusal: Sendable, Equatable {
    /// 1-based position of the record in its input.
    public var position: Int
    public var byteOffset: Int?
    public var locationID: String?
    public var reason: String

    public init(position: Int, byteOffset: Int?, locationID: String?, reason: String) {
        self.position = position
        self.byteOffset = byteOffset
        self.locationID = locationID
        self.reason = reason
    }
}

/// The counts an ingest reports when it ends.
public struct IngestRunSummary: Sendable, Equatable {
    public var read = 0
    public var created = 0
    public var changed = 0
    public var unchanged = 0
    public var refused = 0
    public var removed = 0
    public var findingsByCode: [FindingCode: Int] = [:]

    public init() {}

    public mutating func count(_ findings: [Finding]) {
        for finding in findings { findingsByCode[finding.code, default: 0] += 1 }
    }

    /// A refused record: counted, and under its code when it has one.
    public mutating func countRefusal(code: FindingCode?) {
        refused += 1
        if let code { findingsByCode[code, default: 0] += 1 }
    }

    public mutating func count(_ outcome: IngestOutcome) {
        switch outcome {
        case .created: created += 1
        case .changed: changed += 1
        case .unchanged: unchanged += 1
        }
    }
}

/// The record of one ingest run (file, pull or push batch).
public struct IngestRun: Sendable, Equatable {
    public enum Status: String, Sendable {
        /// `interrupted`: the process running it stopped before it finished (found when an access
        /// point started); nothing of it was stored.
        case running, succeeded, failed, interrupted
    }

    public var id: Int64
    public var kind: IngestKind
    public var source: String
    public var party: String?
    public var ocpiVersion: String?
    public var startedAt: Timestamp
    public var finishedAt: Timestamp?
    public var status: Status
    public var summary: IngestRunSummary
    public var error: String?
}

/// A stored location with the registry's own metadata.
public struct StoredLocation: Sendable {
    public var key: LocationKey
    /// The canonical OCPI 2.3.0 document as stored.
    public var document: [UInt8]
    public var publish: Bool
    public var removed: Bool
    public var firstSeenAt: Timestamp
    /// The registry's change time: what aggregators filter on and what exports call `last_updated`.
    public var changedAt: Timestamp
    /// The last time an ingest delivered this location, changed or not.
    public var confirmedAt: Timestamp
    public var operatorLastUpdated: Timestamp?
    public var version: Int
    public var sourceKind: IngestKind
    public var source: String
    /// The findings as a JSON array of `{code, path, message}`.
    public var findings: [UInt8]
}

/// One version of a location's history.
public struct LocationVersion: Sendable {
    public enum Change: String, Sendable {
        case created, changed, removed, restored
    }

    public var version: Int
    public var recordedAt: Timestamp
    public var runID: Int64?
    public var change: Change
    public var contentHash: [UInt8]
    public var document: [UInt8]
}

/// Which locations a listing or export includes.
public struct LocationQuery: Sendable {
    /// Only `publish=true` records (what open data and aggregators get).
    public var publishedOnly: Bool
    public var includeRemoved: Bool
    public var party: PartyCode?

    public init(publishedOnly: Bool = true, includeRemoved: Bool = false, party: PartyCode? = nil) {
        self.publishedOnly = publishedOnly
        self.includeRemoved = includeRemoved
        self.party = party
    }
}

/// Counts of the register.
public struct RegistryStats: Sendable, Equatable {
    /// Locations and EVSEs under one key (an operator, a country).
    public struct Count: Sendable, Equatable {
        public var key: String
        public var locations: Int
        public var evses: Int
    }

    /// How many of something carry one value (a status, a standard, a finding code).
    public struct Tally: Sendable, Equatable {
        public var key: String
        public var count: Int
    }

    public var locations = 0
    public var published = 0
    public var removed = 0
    public var evses = 0
    public var connectors = 0
    public var byOperator: [Count] = []
    public var byCountry: [Count] = []
    /// EVSEs per status.
    public var byStatus: [Tally] = []
    /// Connectors per standard.
    public var byConnectorStandard: [Tally] = []
    /// Connectors per power class (AFIR-style bands).
    public var byPowerClass: [Tally] = []
    /// Findings per code.
    public var findingsByCode: [Tally] = []
    public var ingestRuns = 0

    public init() {}
}

/// One migration and whether this run applied it.
public struct MigrationStatus: Sendable, Equatable {
    public var name: String
    public var appliedNow: Bool
}
