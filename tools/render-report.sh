#!/usr/bin/env bash
# Makes the aggregate report (Tables 3-6 as HTML, Markdown, CSV and JSON) of the sample
# corpus from its gold annotations: gold JSON -> one JSONL file -> a fresh annotation store
# (`revtag annotations import`) -> `revtag aggregate`.
#
# Usage: tools/render-report.sh [OUTDIR] [-- extra aggregate options, e.g. --top 3 --min-cases 3]
# Default OUTDIR: tools/out/report (ignored by git). Open OUTDIR/report.html in a browser.
#
# To report on a real coding project instead, point aggregate at its store:
#   revtag aggregate --store annotations/revtag.sqlite --out report.html
set -euo pipefail
cd "$(dirname "$0")/.."
out="tools/out/report"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then out="$1"; shift; fi
if [ $# -gt 0 ] && [ "$1" = "--" ]; then shift; fi
mkdir -p "$out"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

swift build --product revtag >/dev/null
bin="$(swift build --show-bin-path)/revtag"

python3 -c 'import json, sys
for path in sys.argv[1:]:
    with open(path, encoding="utf-8") as handle:
        print(json.dumps(json.load(handle), ensure_ascii=False))' annotations/gold/*.json > "$work/gold.jsonl"

"$bin" annotations import "$work/gold.jsonl" --coder gold --store "$work/report.sqlite"
for ext in html md csv json; do
  "$bin" aggregate --store "$work/report.sqlite" --out "$out/report.$ext" "$@"
done
echo "report: $out/report.html"
