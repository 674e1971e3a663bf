#!/usr/bin/env bash
# Read API benchmark (issue #4): `wrk` against `chargereg serve` (release build, SQLite) on a
# generated register of 110,000 Chilean locations (~315,000 EVSEs): point lookups by random EVSE
# ID, and limit=100 list pages (unfiltered, and filtered by city). Usage: Tests/Benchmarks/read-api.sh
# [LOCATIONS]; needs wrk (Debian package 'wrk'). BENCH_DIR keeps the files.
set -euo pipefail
cd "$(dirname "$0")/../.."
locations=${1:-110000}
work=${BENCH_DIR:-$(mktemp -d)}
port=$((20000 + RANDOM % 10000))
swift build -c release --product chargereg >/dev/null
bin=$PWD/.build/release/chargereg
"$bin" generate --locations "$locations" --out "$work/feed.json" 2>/dev/null
rm -f "$work/api.sqlite"*
"$bin" ingest --database "$work/api.sqlite" "$work/feed.json" >/dev/null
"$bin" serve --database "$work/api.sqlite" --listen "127.0.0.1:$port" 2>/dev/null &
server=$!
trap 'kill $server 2>/dev/null' EXIT
sleep 1
cat > "$work/evse.lua" <<'LUA'
local operators = {"VLT", "COP", "ENL", "SUR", "PAC"}
math.randomseed(42)
request = function()
  return wrk.format("GET", "/api/v1/evses/CL*" .. operators[math.random(1, 5)] .. "*E" .. math.random(1, 50000))
end
LUA
cat > "$work/city.lua" <<'LUA'
local cities = {"Santiago", "Valpara%C3%ADso", "Concepci%C3%B3n", "Antofagasta", "Temuco"}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", "/api/v1/locations?limit=100&city=" .. cities[(n % 5) + 1])
end
LUA
run() { # label, wrk arguments
    local out
    out=$(wrk -t2 -c64 -d10s --latency "${@:2}" "http://127.0.0.1:$port${LIST_PATH:-}" 2>&1)
    printf '%-34s %10s req/s  p50 %-8s p99 %-8s\n' "$1" \
        "$(awk '/Requests\/sec/ {print $2}' <<<"$out")" "$(awk '$1=="50%" {print $2}' <<<"$out")" \
        "$(awk '$1=="99%" {print $2}' <<<"$out")"
}
# Warm up: the first seconds after start fault the database's pages into memory.
wrk -t2 -c64 -d5s -s "$work/evse.lua" "http://127.0.0.1:$port" >/dev/null
echo "$locations locations, $(sqlite3 "$work/api.sqlite" 'select count(*) from evses') EVSEs"
run "EVSE point lookup" -s "$work/evse.lua"
LIST_PATH="/api/v1/locations?limit=100" run "list page, limit=100"
run "list page by city, limit=100" -s "$work/city.lua"
grep -E 'RssAnon|RssFile' "/proc/$server/status" | tr -s ' \t' ' '
