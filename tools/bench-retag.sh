#!/usr/bin/env bash
# Benchmark of `revtag retag` (release build) on a generated corpus:
# docs/s, MB/s and peak memory for --jobs 1 and --jobs 2 (store writes included), a first run
# pinned to one core (`taskset -c 0`, --jobs 1: the single-core figure; with load-ahead an
# unpinned --jobs 1 uses more than one core) and the scaling to 2 jobs as wall(pinned --jobs 1)
# over wall(--jobs 2),
# then the time of a no-change re-run over the same documents, and a "codebook changed" re-run
# (the shipped codebook plus one phrase) for each --jobs, which loads every document from the
# parse cache the first runs wrote beside their stores instead of parsing it.
#
# Usage: tools/bench-retag.sh [DOCS [SIZE_KB]]     (default 10000 documents of ~115 KB: ~1.1 GB)
#        KEEP=1 tools/bench-retag.sh ...           keep tools/out/bench-retag afterwards
#        GENERATE_ONLY=1 tools/bench-retag.sh ...  only generate the corpus (kept for a later run)
#        CORPUS=DIR tools/bench-retag.sh           use an existing corpus folder (read only; DOCS and
#                                                  SIZE_KB are then ignored), e.g. another worktree's
#        JOBS="1 2" tools/bench-retag.sh ...       which --jobs to measure (the no-change re-runs use the last)
#        PINNED=0 tools/bench-retag.sh ...         skip the first run pinned to one core (and the scaling)
#        AB_NO_CACHE=0 tools/bench-retag.sh ...    skip the last run: a codebook change with --no-parse-cache
#        RETAG_ARGS="--load-ahead 0" tools/bench-retag.sh   more options for every retag run
#        REVTAG=PATH tools/bench-retag.sh ...      measure that revtag binary (e.g. an older build, for
#                                                  a same-minute comparison) instead of building this one
#
# Each run's line gives its MB per CPU second (MiB read over user + sys time, all threads: what
# a core achieves when every core is busy), and the CPU seconds by stage from the report (summed over threads): parse+tag,
# and what is spent outside them (read, hash, compare with the previous run, prepare rows,
# the writer thread), as a share of parse+tag, the parse cache's loads and writes, and the
# wall seconds the tagging threads waited for the writer (queue full) and it for them. "Cores
# used" is CPU time over wall time: well under the --jobs asked (plus the writer's share) with
# little waiting means other processes had the cores (compare the load average). The
# store's size is measured after the run (database and WAL), per GB of text read, and so is the
# parse cache's (<store>.parse-cache).
#
# The corpus comes from tools/generate-corpus.py (deterministic, seed 1) and is written
# under tools/out/ (git-ignored); it and the stores are deleted at the end unless KEEP=1.
# Before each measured run the corpus is read once (into the page cache), so that every run reads
# it from memory: the first run measured must not be the only one to read it from disk.
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
if [ -n "${CORPUS:-}" ]; then
    [ -d "$CORPUS" ] || { echo "bench-retag: CORPUS=$CORPUS is not a folder" >&2; exit 66; }
    mkdir -p "$OUT"
elif [ ! -f "$STAMP" ]; then
    rm -rf "$OUT"
    mkdir -p "$OUT"
    echo "generating $DOCS documents of ~$SIZE_KB KB..." >&2
    python3 "$GENERATOR" --docs "$DOCS" --size-kb "$SIZE_KB" --seed 1 --out "$OUT/corpus" >/dev/null
    rm -f "$OUT/corpus/manifest.tsv"
    touch "$STAMP"
fi
rm -rf "$OUT"/store-*.sqlite* "$OUT"/report-*.json "$OUT"/time-*.txt "$OUT"/wall-*.txt "$OUT"/codebook-changed*.yaml
[ "${GENERATE_ONLY:-0}" = 1 ] && { KEEP=1; exit 0; }
CORPUS=${CORPUS:-$OUT/corpus}
if [ "$CORPUS" != "$OUT/corpus" ] && [ "${KEEP:-0}" != 1 ]; then
    # Never delete a corpus we did not generate: only the stores and reports.
    cleanup() { rm -rf "$OUT"/store-*.sqlite* "$OUT"/report-*.json "$OUT"/time-*.txt "$OUT"/wall-*.txt "$OUT"/codebook-changed*.yaml; }
fi

if [ -n "${REVTAG:-}" ]; then
    BIN=$REVTAG
else
    swift build -c release --product revtag >/dev/null
    BIN="$(swift build -c release --show-bin-path)/revtag"
fi
CORPUS_BYTES=$(du -sb "$CORPUS" | cut -f1)
CORPUS_FILES=$(find "$CORPUS" -type f | wc -l)
echo "corpus: $CORPUS_FILES files, $((CORPUS_BYTES / 1048576)) MiB; cores: $(nproc); load: $(cut -d' ' -f1-3 /proc/loadavg)"

# Runs retag under /usr/bin/time -v (prefixed by $PREFIX when set, e.g. "taskset -c 0");
# prints one line of figures and writes the run's wall seconds to $OUT/wall-<label>.txt.
measure() {
    local label=$1 store=$2
    shift 2
    local report="$OUT/report-$label.json" timing="$OUT/time-$label.txt"
    find -L "$CORPUS" -type f -print0 | xargs -0 cat > /dev/null
    # shellcheck disable=SC2086  # RETAG_ARGS and PREFIX are split on purpose
    ${PREFIX:-} /usr/bin/time -v "$BIN" retag "$CORPUS" --store "$store" --quiet --format json --report "$report" "$@" ${RETAG_ARGS:-} 2>"$timing" || true
    python3 - "$label" "$report" "$timing" "$store" "$OUT/wall-$label.txt" <<'PY'
import json, os, re, sys
label, report_path, timing_path, store, wall_path = sys.argv[1:6]
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
cpu_seconds = float(field("User time (seconds)")) + float(field("System time (seconds)"))
open(wall_path, "w").write(f"{seconds}\n")
print(f"{label:>14}: {counts['processed']} re-tagged, {counts['unchanged']} unchanged, {counts['failed']} failed; "
      f"{mb:.0f} MiB read; wall {seconds:.2f} s; "
      f"{(counts['processed'] or done) / seconds:.0f} docs/s; {mb / seconds:.1f} MB/s; peak RSS {rss_mb:.0f} MB; "
      f"user {field('User time (seconds)')} s, sys {field('System time (seconds)')} s; "
      f"cores used {cpu_seconds / seconds:.2f}; {mb / max(cpu_seconds, 1e-9):.1f} MB per CPU s; "
      f"load {open('/proc/loadavg').read().split()[0]}")
cpu = report.get("cpu")
if cpu and counts["processed"]:
    core = cpu["parse"] + cpu["tag"]
    names = ["read", "hash", "compare", "prepare", "write"]
    outside = sum(cpu[n] for n in names)
    print(f"{'':>14}  CPU: parse {cpu['parse']:.2f} s + tag {cpu['tag']:.2f} s = {core:.2f} s ({mb / core:.1f} MB/s per core); "
          f"outside {outside:.2f} s = {100 * outside / core:.1f}% of parse+tag ("
          + ", ".join(f"{n} {cpu[n]:.2f}" for n in names) + f" of which transactions {cpu.get('transactions', 0):.2f})")
    print(f"{'':>14}  waits (wall s): tagging threads for the writer {cpu.get('workersWaitingForWriter', 0):.2f}, "
          f"writer for the tagging threads {cpu.get('writerWaitingForWorkers', 0):.2f}")
    cache = report.get("parseCache")
    if cache:
        load, save = cpu.get("cacheLoad", 0), cpu.get("cacheStore", 0)
        total = sum(cpu.get(n, 0) for n in names + ["parse", "tag", "cacheLoad", "cacheStore"])
        print(f"{'':>14}  parse cache: {cache['hits']} loaded, {cache['parsed']} parsed, {cache['invalid']} damaged, "
              f"{cache['written']} written; load {load:.2f} s"
              + (f" ({mb / load:.0f} MB/s of documents)" if cache["hits"] and load > 0 else "")
              + f", write {save:.2f} s; all stages {total:.2f} CPU s = {mb / total:.1f} MB/s per core")
size = sum(os.path.getsize(p) for p in (store, store + "-wal") if os.path.exists(p))
if counts["processed"]:
    print(f"{'':>14}  store: {size / 1048576:.0f} MB = {size / counts['bytes']:.2f} GB per GB of text")
cache_dir = store + ".parse-cache"
if counts["processed"] and os.path.isdir(cache_dir):
    cache_size = sum(os.path.getsize(os.path.join(root, f)) for root, _, files in os.walk(cache_dir) for f in files)
    print(f"{'':>14}  parse cache: {cache_size / 1048576:.0f} MB = {cache_size / counts['bytes']:.2f} GB per GB of text")
PY
}

LAST=
for jobs in ${JOBS:-1 2}; do
    measure "jobs $jobs" "$OUT/store-$jobs.sqlite" --jobs "$jobs"
    LAST=$jobs
done
# The single-core figure: a first run pinned to one core (every thread of it), then the
# scaling to 2 jobs as wall(pinned --jobs 1) / wall(--jobs 2): 2.00 would be linear.
if [ "${PINNED:-1}" = 1 ]; then
    PREFIX="taskset -c 0" measure "jobs 1 pinned" "$OUT/store-pinned.sqlite" --jobs 1
    if [ -f "$OUT/wall-jobs 2.txt" ]; then
        python3 - "$OUT/wall-jobs 1 pinned.txt" "$OUT/wall-jobs 2.txt" <<'PY'
import sys
pinned, jobs2 = (float(open(path).read()) for path in sys.argv[1:3])
print(f"{'scaling':>14}: wall(pinned --jobs 1) {pinned:.2f} s / wall(--jobs 2) {jobs2:.2f} s = {pinned / jobs2:.2f} (2.00: linear)")
PY
    fi
fi
measure "no-change" "$OUT/store-$LAST.sqlite" --jobs "$LAST"
if [ "$CORPUS" = "$OUT/corpus" ]; then
    touch "$OUT"/corpus/*
    measure "touched" "$OUT/store-$LAST.sqlite" --jobs "$LAST"
fi
# The run users wait for: the codebook changed (one phrase added), the corpus did not; every
# document is re-tagged, loaded from the parse cache the first run wrote.
python3 - Sources/Tagging/Resources/codebook.yaml "$OUT" <<'PY'
import sys
text = open(sys.argv[1]).read()
for name, phrase in (("codebook-changed", "homicide review panel"), ("codebook-changed-again", "homicide review board")):
    changed = text.replace('phrases: ["domestic homicide review", ', f'phrases: ["domestic homicide review", "{phrase}", ', 1)
    changed = changed.replace('version: "1.0.0"', f'version: "1.0.0-{name}"', 1)
    assert changed.count(phrase) == 1 and changed != text, "the codebook's DHR phrases moved: update bench-retag.sh"
    open(f"{sys.argv[2]}/{name}.yaml", "w").write(changed)
PY
for jobs in ${JOBS:-1 2}; do
    measure "changed j$jobs" "$OUT/store-$jobs.sqlite" --jobs "$jobs" --codebook "$OUT/codebook-changed.yaml"
done
# The same kind of run without the cache (A/B, same minute): every document parsed again.
if [ "${AB_NO_CACHE:-1}" = 1 ]; then
    measure "no cache j$LAST" "$OUT/store-$LAST.sqlite" --jobs "$LAST" --codebook "$OUT/codebook-changed-again.yaml" --no-parse-cache
fi
