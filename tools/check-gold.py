#!/usr/bin/env python3
"""Check gold annotation files against the taxonomy and their documents.

Usage: tools/check-gold.py [annotations/gold/NAME.json ...]
(no arguments: every file in annotations/gold/). Run from the repository root.

Checks: valid JSON; the keys of annotations/README.md; reviewType, category and
tag ids exist in TAXONOMY.md; `subject` present on characteristic tags only;
no duplicate (tag, subject); every evidence quote occurs in the document's text
(tags, comments, script and style stripped, entities decoded, whitespace
collapsed). Exit status 1 when anything fails.
"""
import glob
import html
import json
import os
import re
import sys

TAXONOMY_CANDIDATES = ["../shared/TAXONOMY.md", "/work/shared/TAXONOMY.md"]


def load_taxonomy():
    path = next((p for p in TAXONOMY_CANDIDATES if os.path.exists(p)), None)
    if path is None:
        sys.exit("check-gold: TAXONOMY.md not found (looked in %s)" % TAXONOMY_CANDIDATES)
    facets = {}
    facet = None
    for line in open(path, encoding="utf-8"):
        m = re.match(r"^## ([a-z-]+)", line)
        if m:
            facet = m.group(1)
            facets.setdefault(facet, set())
            continue
        if facet is None or facet == "demographics":
            continue
        row = re.match(r"^\| ([a-z0-9-]+) \|", line)
        if row and row.group(1) != "id":
            facets[facet].add(row.group(1))
            continue
        if line.strip() and not line.startswith("|"):
            # inline list: "knife (any bladed article), firearm, ..."
            body = re.sub(r"\([^)]*\)", "", line)
            for item in body.split(","):
                item = item.strip().rstrip(".").strip()
                if re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", item):
                    facets[facet].add(item)
    return facets


def document_text(path):
    if path.endswith(".pdf"):
        # Convert with poppler's pdftohtml, as revtag does, then read the XML.
        import subprocess
        raw = subprocess.run(["pdftohtml", "-xml", "-i", "-q", "-stdout", path],
                             check=True, capture_output=True).stdout
        path = path + ".xml"
    else:
        raw = open(path, "rb").read()
    if path.endswith((".html", ".htm", ".xhtml", ".xml")):
        head = raw[:2048].decode("ascii", "replace").lower()
        enc = "utf-8"
        m = re.search(r'charset=["\']?([a-z0-9_-]+)', head)
        if m:
            enc = {"windows-1252": "cp1252"}.get(m.group(1), m.group(1))
        text = raw.decode(enc)
        text = re.sub(r"(?is)<(script|style)\b.*?</\1\s*>", " ", text)
        text = re.sub(r"(?s)<!--.*?-->", " ", text)
        block = r"(?i)</?(p|div|li|ul|ol|td|th|tr|table|h[1-6]|br|section|article|header|footer|nav|aside|main|blockquote|body|title)\b[^>]*>"
        text = re.sub(block, " ", text)
        text = re.sub(r"(?s)<[^>]*>", "", text)
        text = html.unescape(text)
    else:
        text = raw.decode("utf-8")
    text = text.replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text)


def norm(s):
    return re.sub(r"\s+", " ", s.replace("\u00a0", " ")).strip()


def check(path, facets):
    errors = []
    try:
        gold = json.load(open(path, encoding="utf-8"))
    except ValueError as e:
        return ["invalid JSON: %s" % e]
    expected = {"document", "reviewType", "category", "tags", "people"}
    if set(gold) != expected:
        errors.append("keys %s, expected %s" % (sorted(gold), sorted(expected)))
        return errors
    name = os.path.splitext(os.path.basename(gold["document"]))[0]
    if name != os.path.splitext(os.path.basename(path))[0]:
        errors.append("document %s does not match file name" % gold["document"])
    if not os.path.exists(gold["document"]):
        return errors + ["document %s not found" % gold["document"]]
    text = document_text(gold["document"])
    if gold["reviewType"] not in facets["review-type"]:
        errors.append("unknown reviewType %s" % gold["reviewType"])
    if gold["category"] not in facets["category"]:
        errors.append("unknown category %s" % gold["category"])
    seen = set()
    for t in gold["tags"]:
        tag = t.get("tag", "")
        facet, _, ident = tag.partition("/")
        if facet in ("review-type", "category") or ident not in facets.get(facet, ()):
            errors.append("unknown tag %s" % tag)
        extra = set(t) - {"tag", "subject", "evidence"}
        if extra:
            errors.append("%s: unexpected keys %s" % (tag, sorted(extra)))
        if facet == "characteristic":
            if t.get("subject") not in ("victim", "perpetrator", "unknown"):
                errors.append("%s: characteristic needs a subject" % tag)
        elif "subject" in t:
            errors.append("%s: subject only on characteristic tags" % tag)
        key = (tag, t.get("subject"))
        if key in seen:
            errors.append("duplicate %s" % (key,))
        seen.add(key)
        ev = norm(t.get("evidence", ""))
        if not ev:
            errors.append("%s: empty evidence" % tag)
        elif ev not in text:
            errors.append("%s: evidence not in document: %r" % (tag, ev))
    for p in gold["people"]:
        if p.get("subject") not in ("victim", "perpetrator", "unknown"):
            errors.append("person without valid subject: %s" % p)
        if set(p) - {"subject", "name", "gender", "age", "ethnicity"}:
            errors.append("person with unexpected keys: %s" % p)
        if "gender" in p and p["gender"] not in ("female", "male"):
            errors.append("bad gender %s" % p["gender"])
        if "ethnicity" in p and p["ethnicity"] not in ("white", "asian", "black", "mixed", "other"):
            errors.append("bad ethnicity %s" % p["ethnicity"])
        age = p.get("age")
        if age is not None and not (isinstance(age, int) or (isinstance(age, dict) and set(age) == {"min", "max"})):
            errors.append("bad age %s" % age)
    return errors


def main():
    facets = load_taxonomy()
    files = sys.argv[1:] or sorted(glob.glob("annotations/gold/*.json"))
    failed = 0
    for f in files:
        errs = check(f, facets)
        if errs:
            failed += 1
            print("FAIL %s" % f)
            for e in errs:
                print("  - %s" % e)
        else:
            gold = json.load(open(f, encoding="utf-8"))
            print("ok   %s (%d tags, %d people)" % (f, len(gold["tags"]), len(gold["people"])))
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
