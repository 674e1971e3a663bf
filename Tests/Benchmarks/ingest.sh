#!/usr/bin/env bash
# Ingest benchmark (issue #2): end-to-end `chargereg ingest` throughput and peak RSS on an input
# of at least 100 MB made from the real operators' feeds in ../shared/fixtures/ocpi-feeds, each
# copy with its own location ids, in one OCPI 2.2.1 envelope, on SQLite and PostgreSQL (issue #3).
# Usage: Tests/Benchmarks/ingest.sh [MB]; BENCH_BACKENDS="sqlite postgres", BENCH_POSTGRES=libpq-string.
set -euo pipefail
cd "$(dirname "$0")/../.."
target_mb=${1:-120}
work=${BENCH_DIR:-$(mktemp -d)}
input="$work/feeds-${target_mb}mb.json"

python3 - "$input" "$target_mb" <<'PY'
import glob, json, sys
out, target = sys.argv[1], int(sys.argv[2]) * 1_000_000
records = []
for path in sorted(glob.glob("../shared/fixtures/ocpi-feeds/ocpi_2_2*.json")):
    data = json.load(open(path, encoding="utf-8-sig"))
    for location in (data["data"] if isinstance(data, dict) else data):
        location.setdefault("country_code", "PL")
        location["party_id"] = location.get("party_id") or "E24"
        location["id"] = "\u0000" + str(location["id"])
        records.append(json.dumps(location, ensure_ascii=False, separators=(",", ":")))
with open(out, "w", encoding="utf-8") as f:
    f.write('{"status_code":1000,"timestamp":"2026-11-21T00:00:00Z","data":[\n')
    written, copy, first = 0, 0, True
    while written < target:
        for record in records:
            line = record.replace('"id":"\\u0000', f'"id":"c{copy}-', 1)
            f.write(("" if first else ",\n") + line)
            first = False
            written += len(line.encode()) + 2
        copy += 1
    f.write("\n]}\n")
PY

swift build -c release --product chargereg >/dev/null
bin=.build/release/chargereg
bytes=$(stat -c %s "$input")

# PostgreSQL: $BENCH_POSTGRES, or a throwaway local cluster (Tests/Benchmarks/postgres.sh).
source Tests/Benchmarks/postgres.sh

measure() { # label, then the command; prints "seconds rss_mb"
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "${@:2}" > "$work/$1.out" 2>/dev/null
    read -r seconds rss_kb < "$work/time.txt"
    echo "$seconds $((rss_kb / 1024))"
}

echo "input $(python3 -c "print(f'{$bytes/1e6:.1f}')") MB"
for backend in ${BENCH_BACKENDS:-sqlite postgres}; do
    if [[ $backend == sqlite ]]; then
        db="$work/bench.sqlite"; rm -f "$db" "$db"-wal "$db"-shm
    else
        psql "$postgres" -qc "DROP SCHEMA IF EXISTS chargereg_bench CASCADE; CREATE SCHEMA chargereg_bench" 2>/dev/null
        db="$postgres options='-csearch_path=chargereg_bench'"
    fi
    "$bin" migrate --database "$db" >/dev/null
    read -r seconds rss < <(measure ingest "$bin" ingest --database "$db" "$input")
    count=$(grep -o 'read [0-9]*' "$work/ingest.out" | head -1 | cut -d' ' -f2)
    python3 -c "print(f'$backend ingest: {$seconds:.2f} s, {$bytes/1e6/$seconds:.1f} MB/s, {$count/$seconds:,.0f} locations/s ($count), peak RSS $rss MB')"
    read -r seconds rss < <(measure reingest "$bin" ingest --database "$db" "$input")
    echo "$backend re-ingest (all unchanged): $seconds s, peak RSS $rss MB"
    read -r seconds rss < <(measure export "$bin" export --database "$db" --ocpi-version 2.2.1 --out "$work/export.json")
    echo "$backend export 2.2.1: $seconds s, $(stat -c %s "$work/export.json") bytes, peak RSS $rss MB"
done
