#!/usr/bin/env bash
# Sets up, builds (release) and runs revtag's main job on the bundled corpus:
# parse every document, then suggest tags for each.
set -euo pipefail
cd "$(dirname "$0")/.."
bash tools/install-deps.sh
swift build -c release
bin=.build/release/revtag
shopt -s globstar nullglob
files=(corpus/**/*.*)
"$bin" parse --format text "${files[@]}" | tail -n 5
"$bin" suggest --format text "${files[@]}"
