#!/usr/bin/env python3
"""Latency benchmark for `revtag lsp`: didChange -> publishDiagnostics on a large review.

Drives the real binary over pipes like an editor: initialize, didOpen of a generated
review (default 1.5 MB of HTML), then N single-character edits at random places in the
prose, one at a time; for each, the time from writing the didChange frame to reading the
publishDiagnostics frame for that version. Prints time to first diagnostics, p50, p95 and
max, and the number of diagnostics published.

    swift build -c release --product revtag
    python3 tools/bench-lsp.py --binary .build/release/revtag [--size 1500000] [--edits 200] [--format html|text|markdown] [--log FILE]

With --log, the server's per-analysis CPU times are summarised too (latency on a shared
machine is noisy; the load average is printed with the figures).

The generated text is fictional (invented people, places and agencies), deterministic for a seed.
"""
import argparse
import atexit
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time

FIRST = ["Adult A", "Sam", "Mr B", "Ms C", "Jordan", "Alex", "Mrs D", "Robin"]
AGENCIES = ["the GP practice", "Children's Social Care", "the police", "the housing provider",
            "the mental health trust", "the probation service", "the hospital", "the school"]
SENTENCES = [
    "{p} told {a} that he had been drinking heavily since losing his job.",
    "{p} had a long history of alcohol misuse and had missed several appointments with {a}.",
    "There was no evidence that {p} misused drugs at that time.",
    "{a} recorded that {p} was experiencing domestic abuse from her partner.",
    "{p} disclosed that her husband had threatened to kill her if she left.",
    "The review panel noted that {p} had been diagnosed with depression in the spring.",
    "{a} should consider whether a referral to adult safeguarding was needed.",
    "On the evening of the incident {p} attacked the victim with a knife in the kitchen.",
    "{p} had recently been released from custody and was living in a hostel.",
    "Neighbours had reported hearing shouting at the address on three occasions.",
    "{p} was unemployed and had rent arrears, according to {a}.",
    "The café manager remembered {p} as a quiet man who rarely spoke to anyone.",
    "{p} said she was frightened of him and wanted the locks changed — “today, please”.",
    "{a} did not share the information with other agencies, which was a missed opportunity.",
    "{p}’s sister said that the relationship had been controlling for years 🙁.",
    "A multi-agency risk assessment conference considered the case in October.",
]
NEUTRAL = [
    "On {d} {p} attended an appointment with {a}.",
    "{a} wrote to {p} on {d} to offer a further appointment.",
    "A housing officer visited the flat on {d} and recorded that repairs were needed.",
    "{p} moved to a new address in the town centre on {d}.",
    "The panel met six times between {d} and the following spring.",
    "{a} provided a chronology and an individual management review.",
    "{p} spoke to the author by telephone on {d} and helped with the timeline.",
    "There is no record of contact between {p} and {a} during the summer.",
    "{p} was registered with a practice near the station from {d}.",
    "The review was chaired by an independent author appointed on {d}.",
    "{a} closed the referral on {d} after two unanswered letters.",
    "{p} started work at a warehouse on the industrial estate on {d}.",
    "Records from {a} were requested on {d} and received within a month.",
    "The terms of reference were agreed by the panel on {d}.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]
HEADINGS = ["Introduction", "Background", "Chronology of agency contact", "Analysis", "Findings",
            "Recommendations", "Terms of reference", "Family involvement"]


def generate(size, fmt, rng):
    paragraphs = []
    total = 0
    section = 0
    while total < size:
        if len(paragraphs) % 25 == 0:
            section += 1
            heading = f"{section}. {HEADINGS[section % len(HEADINGS)]}"
            paragraphs.append(("h", heading))
            total += len(heading) + 12
        # Most sentences of a chronology mention no characteristic; about one in five does.
        sentences = [(rng.choice(SENTENCES) if rng.random() < 0.2 else rng.choice(NEUTRAL)).format(
                         p=rng.choice(FIRST), a=rng.choice(AGENCIES),
                         d=f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2012, 2022)}")
                     for _ in range(rng.randint(3, 6))]
        text = " ".join(sentences)
        paragraphs.append(("p", text))
        total += len(text.encode()) + 10
    if fmt == "html":
        out = ["<!DOCTYPE html>", "<html><head><meta charset=\"utf-8\"><title>Domestic Homicide Review: Adult A</title></head><body>",
               "<h1>Domestic Homicide Review into the death of Adult A</h1>"]
        for kind, text in paragraphs:
            out.append(f"<h2>{text}</h2>" if kind == "h" else f"<p>{text}</p>")
        out.append("</body></html>")
        return "\n".join(out) + "\n", "html", "review.html"
    if fmt == "markdown":
        out = ["# Domestic Homicide Review into the death of Adult A", ""]
        for kind, text in paragraphs:
            out += [f"## {text}" if kind == "h" else text, ""]
        return "\n".join(out), "markdown", "review.md"
    out = ["Domestic Homicide Review into the death of Adult A", ""]
    for kind, text in paragraphs:
        out += [text, ""]
    return "\n".join(out), "plaintext", "review.txt"


class Server:
    def __init__(self, binary, cwd, extra, log=None):
        self.proc = subprocess.Popen([binary, "lsp"] + extra, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=open(log, "w") if log else subprocess.DEVNULL, cwd=cwd)
        self.lock = threading.Condition()
        self.messages = []
        self.arrivals = []
        threading.Thread(target=self.reader, daemon=True).start()
        self.next_id = 0

    def reader(self):
        stream = self.proc.stdout
        while True:
            header = b""
            while not header.endswith(b"\r\n\r\n"):
                byte = stream.read(1)
                if not byte:
                    return
                header += byte
            length = 0
            for line in header.decode("ascii").split("\r\n"):
                if line.lower().startswith("content-length:"):
                    length = int(line.split(":")[1])
            body = stream.read(length)
            arrived = time.perf_counter()
            # Decoded by the waiting thread: parsing a large frame here would delay reading
            # (and timing) the frames behind it.
            with self.lock:
                self.messages.append(body)
                self.arrivals.append(arrived)
                self.lock.notify_all()

    def send(self, message):
        body = json.dumps(message, ensure_ascii=False).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()
        return time.perf_counter()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.wait(lambda m: m.get("id") == self.next_id and "method" not in m)[0]

    def wait(self, predicate, timeout=120):
        deadline = time.time() + timeout
        with self.lock:
            while True:
                for index, message in enumerate(self.messages):
                    if isinstance(message, bytes):
                        message = self.messages[index] = json.loads(message)
                    if predicate(message):
                        arrived = self.arrivals[index]
                        del self.messages[index]
                        del self.arrivals[index]
                        return message, arrived
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise TimeoutError("no matching message")
                self.lock.wait(remaining)


def utf16_len(s):
    return len(s.encode("utf-16-le")) // 2


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--binary", default=".build/release/revtag")
    parser.add_argument("--size", type=int, default=1_500_000, help="bytes of review text (default 1.5 MB)")
    parser.add_argument("--edits", type=int, default=200)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--format", choices=["html", "text", "markdown"], default="html")
    parser.add_argument("--log", help="write the server's log (per-analysis timings) to this file")
    parser.add_argument("--input", help="benchmark this review file instead of a generated one (.html, .txt, .md, .xml)")
    args = parser.parse_args()

    load_before = os.getloadavg()
    rng = random.Random(args.seed)
    if args.input:
        with open(args.input, encoding="utf-8") as handle:
            text = handle.read()
        filename = os.path.basename(args.input)
        extension = filename.rsplit(".", 1)[-1].lower()
        language = {"html": "html", "htm": "html", "xhtml": "xml", "xml": "xml", "md": "markdown"}.get(extension, "plaintext")
        args.format = extension
    else:
        text, language, filename = generate(args.size, args.format, rng)
    workdir = tempfile.mkdtemp(prefix="revtag-bench-")
    atexit.register(shutil.rmtree, workdir, True)
    path = os.path.join(workdir, filename)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(text)
    uri = "file://" + path
    binary = os.path.abspath(args.binary)
    server = Server(binary, workdir, ["--store", os.path.join(workdir, "bench.sqlite"), "--coder", "bench"], args.log)
    server.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + workdir,
                                  "capabilities": {"textDocument": {"publishDiagnostics": {"versionSupport": True}}}})
    server.send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

    version = 1
    sent = server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}})
    published, arrived = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                                     and m["params"].get("version") == version)
    first = (arrived - sent) * 1000
    counts = [len(published["params"]["diagnostics"])]

    lines = text.split("\n")
    # Lines of prose we may edit (paragraph content, not markup-only lines).
    editable = [i for i, line in enumerate(lines) if len(line) > 40 and not line.startswith("<!") and "<h" not in line[:3]]
    latencies = []
    firsts = []
    provisional = 0
    for _ in range(args.edits):
        index = rng.choice(editable)
        line = lines[index]
        # A column inside the prose (after any opening tag, before any closing tag).
        low = line.find(">") + 1 if line.startswith("<") else 0
        high = line.rfind("<") if line.endswith(">") else len(line)
        column = rng.randint(low, max(low, high))
        char = rng.choice("abcdefghijklmnopqrstuvwxyz ")
        position = {"line": index, "character": utf16_len(line[:column])}
        lines[index] = line[:column] + char + line[column:]
        version += 1
        sent = server.send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": position, "end": position}, "text": char}]}})
        # The first publish of this version (provisional for slow documents), then the exact one.
        first_message, first_arrived = server.wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                                                   and m["params"].get("version") == v)
        firsts.append((first_arrived - sent) * 1000)
        published, arrived = first_message, first_arrived
        if first_message["params"].get("provisional"):
            provisional += 1
            published, arrived = server.wait(lambda m, v=version: m.get("method") == "textDocument/publishDiagnostics"
                                             and m["params"].get("version") == v and not m["params"].get("provisional"))
        latencies.append((arrived - sent) * 1000)
        counts.append(len(published["params"]["diagnostics"]))

    # Check that incremental analysis gave what a fresh analysis of the same text gives.
    last = [(d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"]) for d in published["params"]["diagnostics"]]
    server.send({"jsonrpc": "2.0", "method": "textDocument/didClose", "params": {"textDocument": {"uri": uri}}})
    server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"].get("version") is None)
    version += 1
    server.send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {
        "textDocument": {"uri": uri, "languageId": language, "version": version, "text": "\n".join(lines)}}})
    fresh, _ = server.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                           and m["params"].get("version") == version)
    again = [(d["range"]["start"]["line"], d["range"]["start"]["character"], d["code"]) for d in fresh["params"]["diagnostics"]]
    server.request("shutdown", None)
    server.send({"jsonrpc": "2.0", "method": "exit"})
    code = server.proc.wait(timeout=30)

    def percentiles(values):
        values = sorted(values)
        return statistics.median(values), values[min(len(values) - 1, int(round(0.95 * len(values))) - 1)], values[-1]

    p50, p95, worst = percentiles(latencies)
    f50, f95, fworst = percentiles(firsts)
    load_after = os.getloadavg()
    print(f"load average (1/5/15 min): before {load_before[0]:.2f}/{load_before[1]:.2f}/{load_before[2]:.2f}, "
          f"after {load_after[0]:.2f}/{load_after[1]:.2f}/{load_after[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"document: {args.format}, {len(text.encode()) / 1e6:.2f} MB, {len(lines)} lines; edits: {args.edits} single characters")
    print(f"time to first diagnostics (didOpen): {first:.1f} ms, {counts[0]} diagnostics")
    print(f"didChange -> first publishDiagnostics: p50 {f50:.1f} ms, p95 {f95:.1f} ms, max {fworst:.1f} ms "
          f"({provisional} of {args.edits} provisional: previous diagnostics moved with the edit)")
    print(f"didChange -> exact publishDiagnostics: p50 {p50:.1f} ms, p95 {p95:.1f} ms, max {worst:.1f} ms, "
          f"mean {statistics.mean(latencies):.1f} ms")
    print(f"diagnostics per publish: min {min(counts)}, max {max(counts)}; exit code {code}")
    print(f"incremental result equals a fresh analysis of the final text: {'yes' if last == again else 'NO'}")
    if args.log:
        # The server logs each analysis's CPU time (its thread's, so what it costs without
        # other processes on the cores) and whether an inert edit let it move the last result.
        import re
        rows = []
        with open(args.log, encoding="utf-8") as handle:
            for line in handle:
                found = re.search(r" v(\d+): [\d.]+ ms, cpu ([\d.]+) ms .*?(inert edit|blocks tagged).*published in [\d.]+ ms \(cpu ([\d.]+)\)", line)
                if found and 1 < int(found.group(1)) <= args.edits + 1:
                    rows.append((found.group(3) == "inert edit", float(found.group(2)) + float(found.group(4))))
        if rows:
            cpu50, cpu95, _ = percentiles([cpu for _, cpu in rows])
            inert = [cpu for moved, cpu in rows if moved]
            print(f"server CPU per edit (analysis + exact publish): p50 {cpu50:.1f} ms, p95 {cpu95:.1f} ms; "
                  f"{len(inert)} of {len(rows)} edits inert (result moved, CPU p50 "
                  f"{statistics.median(inert) if inert else 0:.1f} ms)")
    return 0 if last == again and code == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
