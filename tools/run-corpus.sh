#!/usr/bin/env bash
# The README's first command: sets up a fresh machine, builds revtag (release) and runs its
# main job on the bundled corpus:
#   1. parse every document (summary per file),
#   2. a re-tagging run of the whole corpus into a store (suggestions with evidence; human
#      decisions are never touched), then the coding status per document,
#   3. suggestions for one document, shown as a coder sees them,
#   4. the aggregate report (Tables 3-6) made from the corpus's gold annotations.
# Outputs go to tools/out/ (ignored by git); the store is tools/out/corpus.sqlite unless
# REVTAG_STORE names another.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
swift build -c release
bin=.build/release/revtag
out=tools/out
mkdir -p "$out/report"
store="${REVTAG_STORE:-$out/corpus.sqlite}"

echo "== parse"
"$bin" parse --format summary corpus
echo "== retag (store: $store)"
"$bin" retag corpus --store "$store" --report "$out/retag-report.md" --format markdown
"$bin" status --store "$store" --all-coders
echo "== suggest (one document, text form)"
"$bin" suggest --format text corpus/dhr-ipv-03.xhtml > "$out/suggest-dhr-ipv-03.txt"
sed -n 1,60p "$out/suggest-dhr-ipv-03.txt"
echo "== aggregate (from the gold annotations)"
python3 -c 'import json, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        print(json.dumps(json.load(handle), ensure_ascii=False))' annotations/gold/*.json > "$out/gold.jsonl"
rm -f "$out/gold.sqlite" "$out/gold.sqlite-wal" "$out/gold.sqlite-shm"
"$bin" annotations import "$out/gold.jsonl" --coder gold --store "$out/gold.sqlite"
for ext in html md csv json; do
  "$bin" aggregate --store "$out/gold.sqlite" --out "$out/report/report.$ext"
done
sed -n 1,40p "$out/report/report.md"
echo "Report: $out/report/report.html"
