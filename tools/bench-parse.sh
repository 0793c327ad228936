#!/usr/bin/env bash
# Parse throughput and peak memory of `revtag parse`, on one core.
#
# Builds release, generates (once) a synthetic corpus of about 200 MB under tools/out/
# (git-ignored) with tools/generate-corpus.py, then times `revtag parse` pinned to core 0
# (taskset -c 0) under /usr/bin/time -v, on:
#   1. the bundled corpus/ (read 20 times over, as it is small; its PDFs go through
#      pdftohtml, whose time counts too, so it is also measured without them),
#   2. the generated corpus, JSON output to /dev/null (the full job),
#   3. the generated corpus, --format summary (parsing without rendering the JSON),
#   4. each of the generated corpus's six formats alone (--format summary), each read
#      BENCH_FORMAT_TIMES times over (default 5) so a run lasts long enough for /usr/bin/time's
#      10 ms resolution to matter little.
# Prints MB/s (input bytes / wall-clock seconds, and / CPU seconds, which is the fairer
# figure on a shared machine) and peak resident memory. Each row is the run with the least
# CPU time of BENCH_REPS runs (default 3): other work on a shared machine only ever slows a
# run down.
#
# Usage: tools/bench-parse.sh [SIZE_MB]     (default 200)
#        REVTAG_BIN=/path/to/revtag tools/bench-parse.sh   (time that binary, no build)
#        BENCH_REPS=5 tools/bench-parse.sh
set -euo pipefail
cd "$(dirname "$0")/.."
size_mb="${1:-200}"
reps="${BENCH_REPS:-3}"
format_times="${BENCH_FORMAT_TIMES:-5}"
out="tools/out/corpus-${size_mb}mb"

if [ ! -x /usr/bin/time ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq && apt-get install -y -qq time >/dev/null
fi
command -v taskset >/dev/null || { echo "taskset (util-linux) is needed" >&2; exit 1; }

if [ -n "${REVTAG_BIN:-}" ]; then
  bin="$REVTAG_BIN"  # compare another build (say, a saved copy from before a change)
else
  swift build -c release --product revtag >/dev/null
  bin=.build/release/revtag
fi

if [ ! -f "$out/manifest.tsv" ]; then
  echo "generating a ${size_mb} MB corpus in $out ..." >&2
  python3 tools/generate-corpus.py --total-mb "$size_mb" --size-kb 200 --seed 1 --out "$out"
fi

bytes_of() { # total bytes of the supported files under the given directories
  find "$@" -type f \( -name '*.html' -o -name '*.htm' -o -name '*.xhtml' -o -name '*.xml' -o -name '*.pdf' \
    -o -name '*.txt' -o -name '*.md' -o -name '*.markdown' \) -printf '%s\n' | awk '{s += $1} END {print s}'
}

run() { # label, repetitions, format, paths...
  local label="$1" times="$2" format="$3"
  shift 3
  local args=()
  for _ in $(seq "$times"); do args+=("$@"); done
  local bytes
  bytes=$(( $(bytes_of "$@") * times ))
  local log best="" wall cpu rss
  log=$(mktemp)
  for _ in $(seq "$reps"); do
    taskset -c 0 /usr/bin/time -v "$bin" parse --format "$format" "${args[@]}" >/dev/null 2>"$log" || {
      echo "$label: revtag parse failed:" >&2; grep -v '^\s' "$log" | head -20 >&2; }
    local w c r
    w=$(grep 'Elapsed (wall clock)' "$log" | awk '{print $NF}' | awk -F: '{ if (NF == 3) print $1*3600 + $2*60 + $3; else print $1*60 + $2 }')
    c=$(awk -F: '/User time|System time/ {s += $2} END {print s}' "$log")
    r=$(grep 'Maximum resident set size' "$log" | awk '{print $NF}')
    if [ -z "$best" ] || awk -v a="$c" -v b="$best" 'BEGIN {exit !(a < b)}'; then best="$c"; wall="$w"; cpu="$c"; rss="$r"; fi
  done
  awk -v l="$label" -v b="$bytes" -v w="$wall" -v c="$cpu" -v r="$rss" 'BEGIN {
    printf "%-40s %7.1f MB  wall %6.2f s = %6.1f MB/s  cpu %6.2f s = %6.1f MB/s  peak RSS %6.1f MB\n",
      l, b / 1e6, w, b / 1e6 / w, c, b / 1e6 / c, r / 1024 }'
  rm -f "$log"
}

echo "revtag parse, release build, one core (taskset -c 0), least CPU of $reps runs, $(date -u +%Y-%m-%dT%H:%MZ)"
run "corpus/ x20, --format json" 20 json corpus
run "corpus/ x20, --format summary" 20 summary corpus
mapfile -t nonpdf < <(find corpus -type f ! -name '*.pdf' | sort)
run "corpus/ without PDFs x20, --format json" 20 json "${nonpdf[@]}"
run "generated ${size_mb} MB, --format json" 1 json "$out"
run "generated ${size_mb} MB, --format summary" 1 summary "$out"
for kind in html word xhtml pdfxml text markdown; do
  mapfile -t files < <(awk -F'\t' -v k="$kind" -v d="$out" 'NR > 1 && $2 == k {print d "/" $1}' "$out/manifest.tsv")
  run "generated, $kind only x$format_times, --format summary" "$format_times" summary "${files[@]}"
done
