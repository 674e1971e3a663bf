import Foundation

/// The machine-readable contracts the program publishes (JSON Schemas now; the OpenAPI document
/// and the quality rule catalogue join them), shipped as resources.
public enum SchemaFiles {
    /// The names of the published schemas, e.g. `location`.
    public static var names: [String] {
        guard let folder = Bundle.module.url(forResource: "json", withExtension: nil),
            let files = try? FileManager.default.contentsOfDirectory(atPath: folder.path)
        else { return [] }
        return files.filter { $0.hasSuffix(".schema.json") }.map { String($0.dropLast(".schema.json".count)) }.sorted()
    }

    /// The bytes of `json/<name>.schema.json`, or nil if there is no such schema.
    public static func schema(named name: String) -> Data? {
        guard names.contains(name),
            let url = Bundle.module.url(forResource: "json/\(name).schema", withExtension: "json")
        else { return nil }
        return try? Data(contentsOf: url)
    }

    /// The data-quality rule catalogue (`json/quality-rules.json`, issue #8): every finding code
    /// with its dimension, level, severity, parameters, description and source.
    public static var qualityRules: Data? {
        Bundle.module.url(forResource: "json/quality-rules", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    /// The default data-quality policy (`json/quality-policy.json`): weights, compliance
    /// thresholds, critical rules and timeliness limits.
    public static var qualityPolicy: Data? {
        Bundle.module.url(forResource: "json/quality-policy", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }

    /// The OpenAPI 3.1 document of the HTTP API (`json/openapi.json`).
    public static var openAPI: Data? {
        Bundle.module.url(forResource: "json/openapi", withExtension: "json").flatMap { try? Data(contentsOf: $0) }
    }
}
