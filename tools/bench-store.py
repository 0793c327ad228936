#!/usr/bin/env python3
"""Times the annotation store through the revtag CLI and prints the figures.

Usage: tools/bench-store.py [--bin .build/release/revtag] [--records 4000]

Measures: an all-or-nothing import of N case records (6 tags and one person each,
one transaction), the JSONL export of the result, `status` over N documents, a
refused import (one bad line at the end: validation time, store untouched), and the
latency of one `confirm` on a corpus document already tagged in the store.
"""
import argparse, atexit, json, os, shutil, subprocess, sys, tempfile, time

TAGS = ["characteristic/alcohol-misuse", "characteristic/mental-health", "weapon/knife",
        "agency/police", "location/home", "outcome/homicide"]

def timed(args, env):
    start = time.perf_counter()
    done = subprocess.run(args, env=env, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode not in (0, 65):
        sys.exit(f"{' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return elapsed, done

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", default=".build/release/revtag")
    parser.add_argument("--records", type=int, default=4000)
    options = parser.parse_args()
    binary = os.path.abspath(options.bin)
    folder = tempfile.mkdtemp(prefix="revtag-bench-")
    atexit.register(shutil.rmtree, folder, True)
    env = dict(os.environ, REVTAG_STORE=os.path.join(folder, "store.sqlite"), REVTAG_CODER="bench")
    lines = []
    for index in range(options.records):
        tags = [{"tag": t, "subject": "victim"} if t.startswith("characteristic") else {"tag": t} for t in TAGS]
        lines.append(json.dumps({"document": f"bulk/doc-{index}.html", "coder": "bench", "tags": tags,
                                 "people": [{"subject": "victim", "age": 20 + index % 50}]}))
    good = os.path.join(folder, "good.jsonl")
    bad = os.path.join(folder, "bad.jsonl")
    with open(good, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    with open(bad, "w") as handle:
        handle.write("\n".join(lines) + "\n" + '{"document": "x", "coder": "bench", "tags": [{"tag": "weapon/spoon"}]}\n')

    decisions = options.records * len(TAGS)
    elapsed, _ = timed([binary, "annotations", "import", good], env)
    print(f"import {options.records} records ({decisions} decisions, one transaction): {elapsed:.2f} s"
          f" = {decisions / elapsed:,.0f} decisions/s")
    size = os.path.getsize(env["REVTAG_STORE"])
    print(f"store size: {size / 1e6:.1f} MB")
    elapsed, _ = timed([binary, "annotations", "export", "--out", os.path.join(folder, "out.jsonl")], env)
    print(f"export jsonl: {elapsed:.2f} s")
    elapsed, _ = timed([binary, "status", "--all-coders"], env)
    print(f"status over {options.records} documents: {elapsed:.2f} s")
    elapsed, refused = timed([binary, "annotations", "import", bad], env)
    print(f"refused import ({options.records + 1} lines, last one bad, exit {refused.returncode}): {elapsed:.2f} s")
    corpus = "corpus/dhr-ipv-01.html"
    if os.path.exists(corpus):
        timed([binary, "confirm", corpus, "outcome/homicide"], env)
        elapsed, _ = timed([binary, "reject", corpus, "location/home"], env)
        print(f"reject on a stored, already-tagged document (process start to exit): {elapsed * 1000:.0f} ms")

if __name__ == "__main__":
    main()
