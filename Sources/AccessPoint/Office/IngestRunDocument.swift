import JSON
import Storage

/// `GET /api/v1/parties/{code}/ingest-runs` (office): the party's recent ingest runs (file, pull,
/// push) with their counts, and its feed's state when it has one (issue #7). Feed tokens are
/// never shown.
enum IngestRunDocument {
    static func json(_ runs: [IngestRun], feed: Feed?) -> [UInt8] {
        var w = JSONWriter(capacity: 512 + runs.count * 300)
        w.beginObject()
        w.key("feed")
        if let feed {
            w.beginObject()
            w.member("versions_url", feed.versionsURL)
            w.member("ocpi_version", feed.ocpiVersion)
            w.member("delta_minutes", feed.deltaMinutes)
            w.member("full_hours", feed.fullHours)
            w.member("last_delta_started_at", feed.lastDeltaStartedAt?.description)
            w.member("last_full_started_at", feed.lastFullStartedAt?.description)
            w.member("last_error", feed.lastError)
            w.member("last_error_at", feed.lastErrorAt?.description)
            w.endObject()
        } else {
            w.null()
        }
        w.key("runs")
        w.beginArray()
        for run in runs {
            w.beginObject()
            w.member("id", Int(run.id))
            w.member("kind", run.kind.rawValue)
            w.member("source", run.source)
            w.member("ocpi_version", run.ocpiVersion)
            w.member("status", run.status.rawValue)
            w.member("started_at", run.startedAt.description)
            w.member("finished_at", run.finishedAt?.description)
            let s = run.summary
            for (key, value) in [
                ("read", s.read), ("created", s.created), ("changed", s.changed), ("unchanged", s.unchanged),
                ("refused", s.refused), ("removed", s.removed),
            ] {
                w.member(key, value)
            }
            w.member("error", run.error)
            w.endObject()
        }
        w.endArray()
        w.endObject()
        return w.bytes
    }
}
