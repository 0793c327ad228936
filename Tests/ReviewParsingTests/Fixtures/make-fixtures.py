#!/usr/bin/env python3
"""Makes the small PDF fixture of the ReviewParsing tests (review.pdf).

Two A4 pages laid out line by line: a running header and a "Page N of 2" footer on each
page, a title in a large font, body paragraphs with non-ASCII text (é, ’) and a line end
hyphenated by hand ("dom-" / "estic"), a bold section heading. reportlab's invariant mode
makes the output reproducible.

Usage: python3 Tests/ReviewParsingTests/Fixtures/make-fixtures.py   (needs: pip install reportlab)
"""
import os

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

HERE = os.path.dirname(os.path.abspath(__file__))


def page_furniture(c, number):
    c.setFont("Helvetica-Oblique", 9)
    c.drawString(72, 800, "Westbrook SAR – Adult R – Confidential")
    c.drawString(270, 40, f"Page {number} of 2")


def main():
    c = canvas.Canvas(os.path.join(HERE, "review.pdf"), pagesize=A4, invariant=1)
    c.setTitle("Safeguarding Adults Review: Adult R")
    page_furniture(c, 1)
    c.setFont("Helvetica-Bold", 20)
    c.drawString(72, 740, "Safeguarding Adults Review: Adult R")
    c.setFont("Helvetica", 11)
    y = 700
    for line in [
        "Adult R, a retired café owner, lived alone. The review found that her dom-",
        "estic circumstances were known to three agencies but the GP’s concerns",
        "were not shared.",
    ]:
        c.drawString(72, y, line)
        y -= 14
    y -= 12
    c.setFont("Helvetica-Bold", 11)
    c.drawString(72, y, "Background")
    y -= 20
    c.setFont("Helvetica", 11)
    for line in [
        "Her son visited weekly and told the review that she had become with-",
        "drawn in the months before her death.",
    ]:
        c.drawString(72, y, line)
        y -= 14
    c.showPage()
    page_furniture(c, 2)
    c.setFont("Helvetica-Bold", 11)
    c.drawString(72, 740, "Findings")
    c.setFont("Helvetica", 11)
    y = 720
    for line in [
        "Agencies did not consider self-neglect. Zoë, her neighbour, raised the",
        "alarm when post built up behind the door.",
    ]:
        c.drawString(72, y, line)
        y -= 14
    c.showPage()
    c.save()


if __name__ == "__main__":
    main()
