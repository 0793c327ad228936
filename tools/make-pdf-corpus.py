#!/usr/bin/env python3
"""Re-make the PDF-derived sample reviews of corpus/ from tools/pdf-sources/*.txt.

Each source is a small text file: "key: value" settings, a line "---", then the
body in a tiny markup ("# " title, "## " heading, "### " subheading, "- " bullet,
paragraphs separated by blank lines). The script lays the text out itself on A4
pages with reportlab: justified paragraphs whose line ends are hyphenated ("dom-" /
"estic"), running headers on every page, a footer "Page N of M", and headings in
larger fonts. Depending on the source's `output` setting it then either keeps the
PDF (corpus/NAME.pdf) or converts it with `pdftohtml -xml -i -q` and keeps the XML
(corpus/NAME.xml), exactly as a researcher would when extracting text from a
published PDF.

Output is deterministic (reportlab's invariant mode), so re-running the script
reproduces the committed files.

Usage:  python3 tools/make-pdf-corpus.py [NAME ...]      (default: every source)
Needs:  pip install reportlab; apt-get install poppler-utils (for pdftohtml)
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SOURCES = os.path.join(ROOT, "tools", "pdf-sources")
CORPUS = os.path.join(ROOT, "corpus")

PAGE_W, PAGE_H = A4
MARGIN_X = 66.0
TOP = PAGE_H - 78.0       # first baseline of body text
BOTTOM = 74.0             # lowest baseline of body text
BODY_FONT, BODY_SIZE, LEADING = "Times-Roman", 11.0, 14.6
STYLES = {
    "title": ("Helvetica-Bold", 17.0, 22.0, 10.0, 12.0),   # font, size, leading, space before, space after
    "h2": ("Helvetica-Bold", 13.5, 17.0, 12.0, 4.0),
    "h3": ("Helvetica-BoldOblique", 11.5, 15.0, 8.0, 2.0),
}
PARA_GAP = 6.0
BULLET_INDENT = 16.0
VOWELS = set("aeiouy")
NO_SPLIT = {"th", "sh", "ch", "ph", "wh", "ck", "gh", "qu", "ng"}


def parse_source(path):
    """Returns (settings dict, list of (kind, text)) for one source file."""
    with open(path, encoding="utf-8") as handle:
        raw = handle.read()
    head, _, body = raw.partition("\n---\n")
    settings = {}
    for line in head.splitlines():
        if ":" in line:
            key, _, value = line.partition(":")
            settings[key.strip()] = value.strip()
    blocks = []
    for chunk in re.split(r"\n\s*\n", body.strip()):
        lines = [l.strip() for l in chunk.strip().splitlines()]
        if not lines:
            continue
        first = lines[0]
        if first.startswith("### "):
            blocks.append(("h3", " ".join(lines)[4:]))
        elif first.startswith("## "):
            blocks.append(("h2", " ".join(lines)[3:]))
        elif first.startswith("# "):
            blocks.append(("title", " ".join(lines)[2:]))
        elif first.startswith("- "):
            item = []
            for l in lines:
                if l.startswith("- ") and item:
                    blocks.append(("bullet", " ".join(item)))
                    item = []
                item.append(l[2:] if l.startswith("- ") else l)
            blocks.append(("bullet", " ".join(item)))
        else:
            blocks.append(("para", " ".join(lines)))
    return settings, blocks


def split_points(word):
    """Candidate hyphenation points (indices into word) from a simple syllable heuristic."""
    m = re.match(r"^([a-z]+)([^a-z]*)$", word)
    if not m or len(m.group(1)) < 7:
        return []
    core = m.group(1)
    points = []
    for i in range(3, len(core) - 2):
        a, b = core[i - 1], core[i]
        if core[i - 1:i + 1] in NO_SPLIT or core[i:i + 2] in NO_SPLIT and a not in VOWELS:
            continue
        if a in VOWELS and b not in VOWELS and i + 1 < len(core) and core[i + 1] in VOWELS:
            points.append(i)          # vo-cal
        elif (a not in VOWELS and b not in VOWELS and i + 1 < len(core) and core[i + 1] in VOWELS
              and any(ch in VOWELS for ch in core[:i])):
            points.append(i)          # con-sonant, assess-ment
    return points


def wrap(text, width, font, size, hyphenate=True):
    """Greedy line breaking with hyphenation; returns (lines, hyphenated flags)."""
    words = text.split()
    space = stringWidth(" ", font, size)
    lines, current, used = [], [], 0.0
    i = 0
    while i < len(words):
        word = words[i]
        w = stringWidth(word, font, size)
        extra = w + (space if current else 0.0)
        if used + extra <= width:
            current.append(word)
            used += extra
            i += 1
            continue
        room = width - used - (space if current else 0.0)
        best = None
        if hyphenate:
            for p in split_points(word):
                head = word[:p] + "-"
                if stringWidth(head, font, size) <= room:
                    best = p
        if best is not None:
            current.append(word[:best] + "-")
            words[i] = word[best:]
        if not current:           # a single over-long token
            current.append(word)
            i += 1
        lines.append(current)
        current, used = [], 0.0
    if current:
        lines.append(current)
    return [" ".join(l) for l in lines]


def layout(blocks):
    """Places every line on pages; returns a list of pages, each a list of draw ops."""
    pages, ops = [], []
    y = TOP
    width = PAGE_W - 2 * MARGIN_X

    def new_page():
        nonlocal ops, y
        pages.append(ops)
        ops, y = [], TOP

    for index, (kind, text) in enumerate(blocks):
        if kind in STYLES:
            font, size, leading, before, after = STYLES[kind]
            lines = wrap(text, width, font, size, hyphenate=False)
            needed = before + leading * len(lines) + 3 * LEADING   # keep with the next lines
            if y - needed < BOTTOM and ops:
                new_page()
            elif ops:
                y -= before
            for line in lines:
                ops.append(("text", MARGIN_X, y, font, size, line, 0.0))
                y -= leading
            y -= after
            continue
        indent = BULLET_INDENT if kind == "bullet" else 0.0
        lines = wrap(text, width - indent, BODY_FONT, BODY_SIZE)
        if kind == "bullet":
            if y < BOTTOM:
                new_page()
            ops.append(("text", MARGIN_X + 4.0, y, BODY_FONT, BODY_SIZE, "\u2022", 0.0))
        for n, line in enumerate(lines):
            if y < BOTTOM:
                new_page()
            last = n == len(lines) - 1
            gaps = line.count(" ")
            word_space = 0.0
            if not last and gaps:
                natural = stringWidth(line, BODY_FONT, BODY_SIZE)
                word_space = (width - indent - natural) / gaps
            ops.append(("text", MARGIN_X + indent, y, BODY_FONT, BODY_SIZE, line, word_space))
            y -= LEADING
        y -= PARA_GAP
    if ops:
        pages.append(ops)
    return pages


def render(settings, blocks, pdf_path):
    pages = layout(blocks)
    c = canvas.Canvas(pdf_path, pagesize=A4, invariant=1, pageCompression=1)
    c.setTitle(settings.get("title", ""))
    c.setAuthor(settings.get("author", ""))
    c.setSubject(settings.get("subject", ""))
    c.setCreator("revtag tools/make-pdf-corpus.py")
    total = len(pages)
    for number, ops in enumerate(pages, start=1):
        c.setFont("Helvetica-Oblique", 8.5)
        c.drawString(MARGIN_X, PAGE_H - 42, settings.get("header-left", ""))
        c.drawRightString(PAGE_W - MARGIN_X, PAGE_H - 42, settings.get("header-right", ""))
        c.setLineWidth(0.4)
        c.line(MARGIN_X, PAGE_H - 47, PAGE_W - MARGIN_X, PAGE_H - 47)
        c.setFont("Helvetica", 8.5)
        footer = settings.get("footer", "Page {n} of {total}").format(n=number, total=total)
        c.drawCentredString(PAGE_W / 2, 40, footer)
        for _, x, y, font, size, line, word_space in ops:
            t = c.beginText(x, y)
            t.setFont(font, size)
            t.setWordSpace(word_space)
            t.textLine(line)
            c.drawText(t)
        c.showPage()
    c.save()
    return total


def make(name):
    settings, blocks = parse_source(os.path.join(SOURCES, name + ".txt"))
    output = settings.get("output", "pdf2xml")
    with tempfile.TemporaryDirectory() as tmp:
        pdf = os.path.join(tmp, name + ".pdf")
        pages = render(settings, blocks, pdf)
        if output == "pdf":
            shutil.copyfile(pdf, os.path.join(CORPUS, name + ".pdf"))
            target = name + ".pdf"
        else:
            if shutil.which("pdftohtml") is None:
                sys.exit("pdftohtml not found: install poppler-utils")
            subprocess.run(["pdftohtml", "-xml", "-i", "-q", pdf, os.path.join(tmp, name)], check=True)
            shutil.copyfile(os.path.join(tmp, name + ".xml"), os.path.join(CORPUS, name + ".xml"))
            target = name + ".xml"
    size = os.path.getsize(os.path.join(CORPUS, target))
    print(f"corpus/{target}: {pages} pages, {size} bytes")


def main(argv):
    names = argv or sorted(f[:-4] for f in os.listdir(SOURCES) if f.endswith(".txt"))
    for name in names:
        make(name)


if __name__ == "__main__":
    main(sys.argv[1:])
