#!/usr/bin/env bash
# OCPI ingest benchmark (issue #7), release build, SQLite, everything on loopback:
# - a full pull of one operator's synthetic feed (default 330,000 locations, ~1M EVSEs) from an
#   OCPI 2.2.1 Sender (our own `serve` on a second database) into an empty register:
#   seconds, locations/s, the puller's peak RSS;
# - single-connector PATCHes pushed to the Receiver by wrk (-t2 -c16, 10 s), each an ingest run:
#   pushes/s and latency.
# Usage: Tests/Benchmarks/ocpi-ingest.sh [LOCATIONS]. BENCH_DIR keeps the files.
set -euo pipefail
cd "$(dirname "$0")/../.."
locations=${1:-330000}
work=${BENCH_DIR:-$(mktemp -d)}
source_port=$((20000 + RANDOM % 5000))
target_port=$((25000 + RANDOM % 5000))
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
"$bin" serve --database "$source_db" --listen "127.0.0.1:$source_port" 2>/dev/null &
sender=$!
trap 'kill $sender ${receiver:-} 2>/dev/null' EXIT
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

# Pushes: the operator is approved and holds an operator token.
"$bin" serve --listen "127.0.0.1:$target_port" 2>/dev/null &
receiver=$!
sleep 1
curl -sf -X POST "127.0.0.1:$target_port/api/v1/applications" -d '{
  "organisation": {"legal_name": "Voltaje Andino SpA", "company_id": "76.123.456-7", "address": "Santiago",
    "country": "CL", "contact": {"name": "C", "email": "c@example.cl"}, "helpdesk_phone": "+56 2 2345 6789",
    "website": "https://example.cl"}, "roles": ["CPO"], "country": "CL", "proposed_code": "CL*VLT"}' >/dev/null
"$bin" office review 1 >/dev/null
"$bin" office approve 1 >/dev/null
token=$("$bin" token create --role operator --party "CL*VLT" 2>/dev/null)
sqlite3 "$target_db" "select location_id from locations" >"$work/ids.txt"
cat >"$work/patch.lua" <<LUA
wrk.method = "PATCH"
wrk.headers["Authorization"] = "Token $token"
wrk.headers["Content-Type"] = "application/json"
local ids = {}
for line in io.lines("$work/ids.txt") do ids[#ids + 1] = line end
request = function()
  local id = ids[math.random(#ids)]
  local path = "/ocpi/2.2.1/receiver/locations/CL/VLT/" .. id .. "/" .. id .. "-1/1"
  local body = '{"max_amperage": ' .. math.random(16, 32) .. ', "last_updated": "2026-11-22T10:00:00Z"}'
  return wrk.format(nil, path, nil, body)
end
done = function(summary, latency, requests)
  io.write(string.format("pushes: %d, non-2xx %d\n", summary.requests, summary.errors.status))
end
LUA
wrk -t2 -c16 -d10s --latency -s "$work/patch.lua" "http://127.0.0.1:$target_port" | grep -E "Requests/sec|50%|99%|pushes|Non-2xx"
echo "runs stored: $(sqlite3 "$target_db" "select count(*) from ingest_runs where kind = 'push'")"
echo "receiver: peak RSS $(awk '/VmHWM/ {print int($2/1024)}' "/proc/$receiver/status") MB, anonymous $(awk '/RssAnon/ {print int($2/1024)}' "/proc/$receiver/status") MB"
