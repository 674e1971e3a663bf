#!/usr/bin/env bash
# Ingest benchmark (issue #2): end-to-end `chargereg ingest` throughput and peak RSS on an input
# of at least 100 MB made from the real operators' feeds in ../shared/fixtures/ocpi-feeds, each
# copy with its own location ids, in one OCPI 2.2.1 envelope. Usage: Tests/Benchmarks/ingest.sh [MB]
set -euo pipefail
cd "$(dirname "$0")/../.."
target_mb=${1:-120}
work=${BENCH_DIR:-$(mktemp -d)}
input="$work/feeds-${target_mb}mb.json"
db="$work/bench.sqlite"

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
rm -f "$db" "$db"-wal "$db"-shm
"$bin" migrate --database "$db" >/dev/null
bytes=$(stat -c %s "$input")
/usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" ingest --database "$db" "$input" > "$work/report.txt"
read -r seconds rss_kb < "$work/time.txt"
read_count=$(grep -o 'read [0-9]*' "$work/report.txt" | head -1 | cut -d' ' -f2)
python3 - "$bytes" "$seconds" "$rss_kb" "$read_count" <<'PY'
import sys
size, seconds, rss, count = int(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
print(f"input {size/1e6:.1f} MB, {count} locations")
print(f"ingest {seconds:.2f} s: {size/1e6/seconds:.1f} MB/s, {count/seconds:,.0f} locations/s, peak RSS {rss/1024:.0f} MB")
PY
/usr/bin/time -f "%e %M" -o "$work/time2.txt" "$bin" ingest --database "$db" "$input" > /dev/null
read -r seconds rss_kb < "$work/time2.txt"
echo "re-ingest (all unchanged) $seconds s, peak RSS $((rss_kb / 1024)) MB"
/usr/bin/time -f "%e %M" -o "$work/time3.txt" "$bin" export --database "$db" --ocpi-version 2.2.1 --out "$work/export.json" 2>/dev/null
read -r seconds rss_kb < "$work/time3.txt"
echo "export 2.2.1: $seconds s, $(stat -c %s "$work/export.json") bytes, peak RSS $((rss_kb / 1024)) MB"
