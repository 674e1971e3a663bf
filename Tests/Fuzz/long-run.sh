#!/usr/bin/env bash
# The long fuzz run: the suite's fuzz tests (Tests/FuzzTests) at a size of hours instead of
# seconds, with a fresh seed unless one is given. It prints the seed, each test's counts ("fuzz:"
# lines: requests, documents, statuses, RSS and descriptors of serve before and after) and the
# verdict; a failure names the input, and the same seed finds it again.
#
#   Tests/Fuzz/long-run.sh [REQUESTS [DOCUMENTS [SECONDS]]]
#
# REQUESTS: HTTP requests sent to the real serve over sockets, and as many parsed in-process
# (default 1000000); DOCUMENTS: mutated OCPI documents (default 100000); SECONDS: the time budget
# of each test, after which it stops early and says how far it got (default 7200). The resource
# tests run at the sizes of issue #18's acceptance (10,000 unread pipelined requests, 5,000 idle
# connections, 2,000 connections under 1,024 descriptors, 100,000 invented methods).
set -euo pipefail
cd "$(dirname "$0")/../.."

export CHARGEREG_FUZZ_REQUESTS=${1:-1000000}
export CHARGEREG_FUZZ_DOCUMENTS=${2:-100000}
export CHARGEREG_FUZZ_SECONDS=${3:-7200}
export CHARGEREG_FUZZ_SEED=${CHARGEREG_FUZZ_SEED:-$(date +%s)}
export CHARGEREG_FUZZ_LONG=1
# The idle-connection test opens thousands of sockets from this process.
ulimit -n "$(ulimit -Hn)"

echo "fuzz: seed $CHARGEREG_FUZZ_SEED; $CHARGEREG_FUZZ_REQUESTS requests, $CHARGEREG_FUZZ_DOCUMENTS documents, ${CHARGEREG_FUZZ_SECONDS} s per test at most"
swift build --build-tests
log=$(mktemp)
status=0
swift test --skip-build --filter FuzzTests >"$log" 2>&1 || status=$?
grep -E '^fuzz:|✘|Test run' "$log" || true
echo "fuzz: the whole output is in $log"
exit "$status"
