#!/usr/bin/env bash
# Tagging benchmark: match-only and parse + tag end to end, in MB/s, on one core.
#
#   tools/bench-tagging.sh                 # corpus/ and a generated 40 MB corpus
#   tools/bench-tagging.sh DIR...          # your own folders
#   BENCH_GENERATED_MB=200 tools/bench-tagging.sh
#
# Release build; pinned to one core with taskset when available. Targets (issue 3):
# match-only >= 150 MB/s, end to end >= 50 MB/s per core on HTML.
set -euo pipefail
cd "$(dirname "$0")/.."
swift build -c release --product bench-tagging >/dev/null
BIN="$(swift build -c release --show-bin-path)/bench-tagging"
PIN=()
if command -v taskset >/dev/null 2>&1; then PIN=(taskset -c 0); fi

run() {
    echo "== $*"
    "${PIN[@]}" "$BIN" "$@"
    echo
}

if [ "$#" -gt 0 ]; then
    run "$@"
    exit 0
fi

run corpus
MB="${BENCH_GENERATED_MB:-40}"
OUT="tools/out/bench-corpus-${MB}mb"
if [ ! -f "$OUT/manifest.tsv" ]; then
    python3 tools/generate-corpus.py --total-mb "$MB" --size-kb 400 --seed 1 --out "$OUT" >/dev/null
fi
run "$OUT"
