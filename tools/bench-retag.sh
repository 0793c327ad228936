#!/usr/bin/env bash
# Benchmark of `revtag retag` (release build) on a generated corpus:
# docs/s, MB/s and peak memory for --jobs 1 and --jobs 2 (store writes included),
# then the time of a no-change re-run over the same documents.
#
# Usage: tools/bench-retag.sh [DOCS [SIZE_KB]]     (default 10000 documents of ~115 KB: ~1.1 GB)
#        KEEP=1 tools/bench-retag.sh ...           keep tools/out/bench-retag afterwards
#        GENERATE_ONLY=1 tools/bench-retag.sh ...  only generate the corpus (kept for a later run)
#
# The corpus comes from tools/generate-corpus.py (deterministic, seed 1) and is written
# under tools/out/ (git-ignored); it and the stores are deleted at the end unless KEEP=1.
# Figures taken while other builds run on the machine are pessimistic.
set -euo pipefail
cd "$(dirname "$0")/.."

DOCS=${1:-10000}
SIZE_KB=${2:-115}
OUT=tools/out/bench-retag
GENERATOR=tools/generate-corpus.py
[ -f "$GENERATOR" ] || { echo "bench-retag: $GENERATOR is missing (it comes with the parser)" >&2; exit 66; }
[ -x /usr/bin/time ] || { echo "bench-retag: /usr/bin/time is needed for peak memory (apt-get install time)" >&2; exit 69; }

cleanup() { [ "${KEEP:-0}" = 1 ] || rm -rf "$OUT"; }
trap cleanup EXIT

# The corpus is kept between the steps (and reused when a previous KEEP=1 run left it complete).
STAMP="$OUT/corpus-$DOCS-$SIZE_KB.complete"
if [ ! -f "$STAMP" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    echo "generating $DOCS documents of ~$SIZE_KB KB..." >&2
    python3 "$GENERATOR" --docs "$DOCS" --size-kb "$SIZE_KB" --seed 1 --out "$OUT/corpus" >/dev/null
    rm -f "$OUT/corpus/manifest.tsv"
    touch "$STAMP"
fi
rm -f "$OUT"/store-*.sqlite* "$OUT"/report-*.json "$OUT"/time-*.txt
[ "${GENERATE_ONLY:-0}" = 1 ] && { KEEP=1; exit 0; }

swift build -c release --product revtag >/dev/null
BIN="$(swift build -c release --show-bin-path)/revtag"
CORPUS_BYTES=$(du -sb "$OUT/corpus" | cut -f1)
CORPUS_FILES=$(find "$OUT/corpus" -type f | wc -l)
echo "corpus: $CORPUS_FILES files, $((CORPUS_BYTES / 1048576)) MiB; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs retag under /usr/bin/time -v; prints one line of figures.
measure() {
    local label=$1 store=$2
    shift 2
    local report="$OUT/report-$label.json" timing="$OUT/time-$label.txt"
    /usr/bin/time -v "$BIN" retag "$OUT/corpus" --store "$store" --quiet --format json --report "$report" "$@" 2>"$timing" || true
    python3 - "$label" "$report" "$timing" <<'PY'
import json, re, sys
label, report_path, timing_path = sys.argv[1:4]
report = json.load(open(report_path))
timing = open(timing_path).read()
def field(name):
    match = re.search(re.escape(name) + r":\s*(.+)", timing)
    return match.group(1).strip() if match else "?"
wall = field("Elapsed (wall clock) time (h:mm:ss or m:ss)")
parts = [float(p) for p in wall.split(":")]
seconds = sum(p * 60 ** i for i, p in enumerate(reversed(parts)))
rss_mb = int(field("Maximum resident set size (kbytes)")) / 1024
counts = report["counts"]
mb = counts["bytes"] / 1048576
done = counts["processed"] + counts["unchanged"] + counts["failed"]
print(f"{label:>14}: {counts['processed']} re-tagged, {counts['unchanged']} unchanged, {counts['failed']} failed; "
      f"{mb:.0f} MiB read; wall {seconds:.2f} s; "
      f"{(counts['processed'] or done) / seconds:.0f} docs/s; {mb / seconds:.1f} MB/s; peak RSS {rss_mb:.0f} MB; "
      f"user {field('User time (seconds)')} s, sys {field('System time (seconds)')} s")
PY
}

measure "jobs 1" "$OUT/store-1.sqlite" --jobs 1
measure "jobs 2" "$OUT/store-2.sqlite" --jobs 2
measure "no-change" "$OUT/store-2.sqlite" --jobs 2
touch "$OUT"/corpus/*
measure "touched" "$OUT/store-2.sqlite" --jobs 2
ls -la "$OUT"/store-2.sqlite | awk '{printf "store after one run: %.0f MB\n", $5 / 1048576}'
