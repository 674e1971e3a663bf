#!/usr/bin/env bash
# Export benchmark (issue #6): on a generated register of 352,000 Chilean locations (~1M EVSEs) in
# SQLite (release build), each dump through `chargereg export` (seconds, MB/s, peak RSS), a full
# crawl of the OCPI Sender at limit=1000 following its Link headers over one keep-alive connection
# (seconds, MB/s, the server's peak RSS), and single pages at deep offsets without a cursor.
# Usage: Tests/Benchmarks/export.sh [LOCATIONS]. BENCH_DIR keeps the files (and reuses the database).
set -euo pipefail
cd "$(dirname "$0")/../.."
locations=${1:-352000}
work=${BENCH_DIR:-$(mktemp -d)}
port=$((20000 + RANDOM % 10000))
swift build -c release --product chargereg >/dev/null
bin=$PWD/.build/release/chargereg
db="$work/export-$locations.sqlite"
if [ ! -f "$db" ]; then
    "$bin" generate --locations "$locations" --out "$work/feed.json" 2>/dev/null
    "$bin" ingest --database "$db" "$work/feed.json" >/dev/null
    rm -f "$work/feed.json"
fi
echo "$locations locations, $(sqlite3 "$db" 'select count(*) from evses') EVSEs"
cat "$db" >/dev/null # the same warm page cache for every run
measure() { # label, then the command
    local start end size rss
    start=$(date +%s.%N)
    /usr/bin/time -f '%M' -o "$work/rss" "${@:2}"
    end=$(date +%s.%N)
    size=$(stat -c %s "$work/out")
    rss=$(cat "$work/rss")
    awk -v l="$1" -v s="$start" -v e="$end" -v b="$size" -v r="$rss" \
        'BEGIN { printf "%-26s %7.2f s %8.1f MB %7.1f MB/s  peak RSS %5.0f MB\n", l, e-s, b/1e6, b/1e6/(e-s), r/1024 }'
}
measure "dump OCPI 2.2.1" "$bin" export --database "$db" --format ocpi --out "$work/out"
measure "dump CSV" "$bin" export --database "$db" --format csv --out "$work/out"
measure "dump GeoJSON" "$bin" export --database "$db" --format geojson --out "$work/out"
"$bin" serve --database "$db" --listen "127.0.0.1:$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
python3 - "$port" "$work/out" <<'PY'
import http.client, re, sys, time
port, out = int(sys.argv[1]), sys.argv[2]
connection = http.client.HTTPConnection("127.0.0.1", port)
def get(target):
    connection.request("GET", target)
    response = connection.getresponse()
    return response, response.read()
target, pages, size, slowest = "/ocpi/2.2.1/sender/locations?limit=1000", 0, 0, 0.0
start = time.time()
while target:
    before = time.time()
    response, body = get(target)
    slowest = max(slowest, time.time() - before)
    pages += 1
    size += len(body)
    link = response.getheader("Link")
    target = re.sub(r"^https?://[^/]+", "", re.match(r"<([^>]*)>", link).group(1)) if link else None
seconds = time.time() - start
total = int(response.getheader("X-Total-Count"))
print(f"Sender crawl, limit=1000     {seconds:6.2f} s {size/1e6:8.1f} MB {size/1e6/seconds:7.1f} MB/s  "
      f"{pages} pages, {total} locations, slowest page {slowest*1000:.0f} ms")
for offset in (0, total // 2, total - 1000):
    times = []
    for _ in range(5):
        before = time.time()
        get(f"/ocpi/2.2.1/sender/locations?limit=1000&offset={offset}")
        times.append(time.time() - before)
    print(f"page at offset {offset:>7} (no cursor), limit=1000: best {min(times)*1000:.0f} ms, worst {max(times)*1000:.0f} ms")
PY
echo "server: peak RSS $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$server/status") MB, of which anonymous $(awk '/RssAnon/ {print int($2/1024)}' "/proc/$server/status") MB now (the rest is the database file mapped by each reader connection)"
