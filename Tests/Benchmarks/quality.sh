#!/usr/bin/env bash
# Quality scoring benchmark (issue #8): `chargereg quality` scoring a register from scratch
# (every location decoded and scored on completeness, correctness and timeliness, the
# cross-record duplicate checks, the scorecards, the day's snapshots), release build, on SQLite
# and, when a server is given or can be started, PostgreSQL: seconds, locations/s, peak RSS.
# Usage: Tests/Benchmarks/quality.sh [LOCATIONS] (default 330,000 generated locations ≈ 1M EVSEs).
# BENCH_DIR keeps the files; BENCH_POSTGRES=libpq-string uses that server.
set -euo pipefail
cd "$(dirname "$0")/../.."
locations=${1:-330000}
work=${BENCH_DIR:-$(mktemp -d)}
mkdir -p "$work" && chmod 755 "$work"
swift build -c release --product chargereg >/dev/null
bin=$PWD/.build/release/chargereg
feed="$work/generated-$locations.json"
[ -f "$feed" ] || "$bin" generate --locations "$locations" --out "$feed" 2>/dev/null

measure() { # backend database
    "$bin" ingest --database "$2" "$feed" >/dev/null
    local evses
    evses=$("$bin" stats --database "$2" | awk '$1 == "evses" && NF == 2 {print $2}')
    /usr/bin/time -f "%e %M" -o "$work/time" "$bin" quality --database "$2" --format csv --out "$work/quality.csv"
    read -r seconds rss_kb <"$work/time"
    echo "$1: scored $locations locations / $evses EVSEs from scratch in $seconds s ($(python3 -c "print(round($locations/$seconds))") locations/s), peak RSS $((rss_kb / 1024)) MB"
    head -3 "$work/quality.csv"
}

rm -f "$work/quality.sqlite"*
measure sqlite "$work/quality.sqlite"

# PostgreSQL: $BENCH_POSTGRES, or a throwaway local cluster (Tests/Benchmarks/postgres.sh).
source Tests/Benchmarks/postgres.sh
[ -n "$postgres" ] && measure postgresql "$postgres"
