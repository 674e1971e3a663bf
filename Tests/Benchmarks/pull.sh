#!/usr/bin/env bash
# OCPI pull benchmark (issue #7), release build, SQLite, on loopback: a full pull of one
# operator's synthetic feed (default 330,000 locations, ~1M EVSEs) from an OCPI 2.2.1 Sender (our
# own `serve` on a second database) into an empty register: seconds, locations/s, the puller's
# peak RSS. (Pushes are measured by bench.py.) Usage: Tests/Benchmarks/pull.sh [LOCATIONS].
# BENCH_DIR keeps the files.
set -euo pipefail
cd "$(dirname "$0")/../.."
locations=${1:-330000}
work=${BENCH_DIR:-$(mktemp -d)}
source_port=$((20000 + RANDOM % 10000))
swift build -c release --product chargereg >/dev/null
bin=$PWD/.build/release/chargereg
source_db="$work/sender-$locations.sqlite"
target_db="$work/pulled-$locations.sqlite"
rm -f "$target_db"*
if [ ! -f "$source_db" ]; then
    # One operator's feed: every generated location under CL*VLT (ids stay unique: SUR-1, VLT-1, …).
    "$bin" generate --locations "$locations" 2>/dev/null | sed 's/"party_id":"[A-Z0-9]*"/"party_id":"VLT"/g' >"$work/feed.json"
    "$bin" ingest --database "$source_db" "$work/feed.json" >/dev/null
    rm -f "$work/feed.json"
fi
echo "Sender: $locations locations, $(sqlite3 "$source_db" 'select count(*) from evses') EVSEs"
"$bin" serve --database "$source_db" --listen "127.0.0.1:$source_port" --rate-limit 0 2>/dev/null &
sender=$!
trap 'kill $sender 2>/dev/null' EXIT
sleep 1

export CHARGEREG_DATABASE="$target_db"
"$bin" office configure --countries CL >/dev/null
"$bin" feeds add "CL*VLT" --versions-url "http://127.0.0.1:$source_port/ocpi/versions" --ocpi-version 2.2.1 >/dev/null
start=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$work/rss" "$bin" pull --party "CL*VLT" --full >"$work/pull.log"
end=$(date +%s.%N)
cat "$work/pull.log"
awk -v s="$start" -v e="$end" -v n="$locations" -v r="$(cat "$work/rss")" \
    'BEGIN { printf "full pull: %.1f s, %.0f locations/s, puller peak RSS %.0f MB\n", e-s, n/(e-s), r/1024 }'

