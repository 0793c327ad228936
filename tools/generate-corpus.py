#!/usr/bin/env python3
"""Generate a large synthetic corpus of statutory case reviews for benchmarks.

Deterministic: the same --seed, --docs and --size-kb give byte-identical files (each
document is drawn from its own random stream, seeded by the seed and its index, so any
document can be regenerated alone). Python 3 standard library only.

Every document is fiction built from phrase banks: a review type (DHR, CSPR/SCR, SAR, IIR,
learning review) and a category (the six forms of violence of ../shared/TAXONOMY.md), a
victim and a perpetrator with characteristics stated, negated ("there was no evidence
that..."), hypothetical ("had ... been offered"), or belonging to third parties ("his
father..."), pseudonyms introduced once, and the usual structure: front matter,
introduction, terms of reference, background, a chronology of agency contact (which grows
to reach the requested size), analysis, findings, recommendations and a table.

Formats rotate over: clean HTML, Word-export HTML (windows-1252, MsoNormal soup,
conditional comments), XHTML, pdftohtml XML (positioned lines with hyphenation, running
headers and page numbers), plain text and Markdown.

Usage:
  python3 tools/generate-corpus.py --docs 1000 --size-kb 200 --seed 1 --out tools/out/corpus200
  python3 tools/generate-corpus.py --total-mb 1200 --size-kb 400 --out tools/out/corpus-1g

A manifest.tsv (file, format, review type, category, bytes) is written next to the files.
"""
import argparse
import html
import os
import random
import sys

REVIEW_TYPES = {
    "dhr": ["Domestic Homicide Review", "Domestic Abuse Related Death Review"],
    "scr": ["Child Safeguarding Practice Review", "Local Child Safeguarding Practice Review", "Serious Case Review"],
    "sar": ["Safeguarding Adults Review", "Safeguarding Adult Review"],
    "iir": ["Independent Investigation into the Care and Treatment of", "Mental Health Homicide Review"],
    "other": ["Learning Review", "Thematic Review"],
}
CATEGORIES = {
    "dhr": ["intimate-partner-violence", "adult-family-violence"],
    "scr": ["within-family-violence-towards-children", "child-sexual-abuse", "youth-peer-violence"],
    "sar": ["adult-peer-violence", "adult-family-violence"],
    "iir": ["adult-family-violence", "adult-peer-violence", "intimate-partner-violence"],
    "other": ["youth-peer-violence", "adult-peer-violence"],
}
SHORT = {
    "intimate-partner-violence": "ipv", "adult-family-violence": "afv", "within-family-violence-towards-children": "wfc",
    "child-sexual-abuse": "csa", "youth-peer-violence": "ypv", "adult-peer-violence": "apv",
}
PLACES = ["Northmere", "Eastbrook", "Calder Vale", "Ashdown", "Fenmoor", "Riverton", "Oakhurst", "Brackenridge",
          "Wexcombe", "Lowmoor", "Harwell", "Greyhaven", "Merridale", "Easterfield", "Thornbury Vale", "Kestlewick",
          "Saltmarsh", "Hollinford", "Redbridge Moor", "Ambleford"]
BODIES = {
    "dhr": "Community Safety Partnership", "scr": "Safeguarding Children Partnership",
    "sar": "Safeguarding Adults Board", "iir": "Integrated Care Board", "other": "Safeguarding Partnership",
}
FEMALE = ["Amara", "Beverley", "Carol", "Dalia", "Erin", "Fatima", "Grace", "Hana", "Irena", "Joanne", "Kezia",
          "Leanne", "Marta", "Nadia", "Olive", "Priya", "Rosa", "Sadia", "Tamsin", "Ursula", "Violet", "Wendy", "Zoë",
          "Aoife", "Chloé", "Renée"]
MALE = ["Aaron", "Bilal", "Callum", "Darius", "Ewan", "Farid", "Gareth", "Hamza", "Ivan", "Jamal", "Kieran", "Liam",
        "Marek", "Nathan", "Owen", "Patrick", "Reuben", "Samir", "Tomasz", "Umar", "Victor", "Wesley", "José"]
ETHNICITY = [("White British", "white"), ("White Irish", "white"), ("Polish", "white"), ("Pakistani heritage", "asian"),
             ("Indian heritage", "asian"), ("Bangladeshi heritage", "asian"), ("Black British", "black"),
             ("Black Caribbean", "black"), ("Somali heritage", "black"), ("of mixed White and Black Caribbean heritage", "mixed"),
             ("Kurdish", "other")]
AGENCIES = ["the police", "the GP practice", "adult social care", "children's social care", "the mental health trust",
            "the ambulance service", "the housing association", "the substance misuse service", "the hospital emergency department",
            "the probation service", "the school", "the health visiting service", "the domestic abuse service",
            "the community mental health team", "the local authority housing team", "the youth offending service"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

CHARACTERISTICS = {
    "alcohol-misuse": [
        ("affirm", "{X} drank heavily, often starting in the morning, and {x_pos} GP recorded alcohol dependence."),
        ("affirm", "Records show that {X} had misused alcohol for many years and had twice been detoxed in hospital."),
        ("negate", "There was no evidence that {X} misused alcohol, and {x_sub} told the GP {x_sub} rarely drank."),
        ("hypo", "Had {X}'s drinking been explored at that appointment, a referral to the alcohol service could have followed."),
        ("third", "{X}'s father had a drinking problem and {X} described a childhood shaped by it."),
    ],
    "mental-health": [
        ("affirm", "{X} had a long history of depression and had been prescribed antidepressants since {year}."),
        ("affirm", "In {year} {X} was diagnosed with paranoid schizophrenia after an admission under the Mental Health Act."),
        ("negate", "{X} had no known mental health diagnosis and had never been referred to mental health services."),
        ("hypo", "If a mental health assessment had been requested, {X}'s low mood might have been recognised earlier."),
        ("third", "{X}'s mother had bipolar disorder and was often in hospital when {X} was a child."),
    ],
    "substance-misuse": [
        ("affirm", "{X} used cannabis daily and later crack cocaine, and owed money to local dealers."),
        ("negate", "Toxicology found no illicit drugs, and nothing in the records suggests {X} used them."),
        ("hypo", "Professionals should consider whether drug use is present when a young person goes missing."),
    ],
    "learning-disability": [
        ("affirm", "{X} had a mild learning disability and needed support to manage letters and appointments."),
        ("negate", "Although staff described {X} as slow to understand, {x_sub} was never assessed as having a learning disability."),
    ],
    "social-isolation": [
        ("affirm", "{X} had become increasingly isolated, with no friends nearby and little contact with family."),
        ("negate", "{X} was not isolated: {x_sub} saw friends weekly and attended a local church."),
    ],
    "financial-difficulties": [
        ("affirm", "{X} was in rent arrears and had taken out payday loans to cover household bills."),
        ("hypo", "A referral for debt advice would have been appropriate given the arrears."),
    ],
    "homelessness": [
        ("affirm", "After the eviction {X} was sofa-surfing and spent several nights sleeping in a car."),
        ("negate", "{X} was never homeless, though the tenancy was at risk for a time."),
    ],
    "caring-responsibilities": [
        ("affirm", "{X} was the main carer for {x_pos} elderly mother, who had dementia."),
        ("hypo", "Carers in this position should be offered an assessment of their own needs."),
    ],
    "history-of-violence": [
        ("affirm", "{X} had previous convictions for assault, including an attack on a former partner in {year}."),
        ("negate", "{X} had no previous convictions and was not known to the police before the incident."),
    ],
    "english-additional-language": [
        ("affirm", "{X} spoke limited English and an interpreter was needed at hospital appointments."),
        ("negate", "{X} spoke fluent English and did not need an interpreter."),
    ],
    "born-outside-uk": [
        ("affirm", "{X} was born in {country} and came to the United Kingdom in {year}."),
    ],
    "disability": [
        ("affirm", "{X} used a wheelchair following a stroke and needed help with personal care."),
    ],
    "self-neglect": [
        ("affirm", "The home was cluttered and unsanitary, and {X} repeatedly refused help with personal care."),
        ("negate", "Visiting staff found the home clean and saw no signs of self-neglect."),
    ],
    "care-experienced": [
        ("affirm", "{X} had been in foster care from the age of nine and left care at eighteen."),
    ],
    "unemployment": [
        ("affirm", "{X} lost {x_pos} job at a warehouse in {year} and did not work again."),
    ],
    "childhood-abuse-neglect": [
        ("affirm", "{X} told a counsellor that {x_sub} had been physically abused as a child."),
        ("third", "{X}'s older brother had been removed from the family because of neglect."),
    ],
}
ORDER = list(CHARACTERISTICS)
# What can be said of a child or a teenager.
CHILD_ORDER = ["mental-health", "substance-misuse", "learning-disability", "social-isolation", "english-additional-language",
               "born-outside-uk", "disability", "childhood-abuse-neglect", "alcohol-misuse"]


class Person:
    def __init__(self, rng, gender, age, role):
        self.gender = gender
        self.name = rng.choice(FEMALE if gender == "female" else MALE)
        self.age = age
        self.ethnicity = rng.choice(ETHNICITY)
        self.role = role
        self.sub = "she" if gender == "female" else "he"
        self.pos = "her" if gender == "female" else "his"


def fill(text, person, rng):
    out = (text.replace("{X}", person.name).replace("{x_pos}", person.pos).replace("{x_sub}", person.sub)
           .replace("{year}", str(rng.randint(2005, 2021))).replace("{country}", rng.choice(
               ["Poland", "Pakistan", "Nigeria", "Romania", "Somalia", "Jamaica", "India", "Syria", "Lithuania"])))
    return out[0].upper() + out[1:]


def date(rng, year):
    return f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {year}"


def build(rng, index, target_chars):
    """The document as a list of blocks: (kind, level, text) or ("table", rows)."""
    rtype = rng.choice(["dhr", "dhr", "scr", "sar", "iir", "other"])
    category = rng.choice(CATEGORIES[rtype])
    place = rng.choice(PLACES)
    year = rng.randint(2015, 2024)
    child = category in ("within-family-violence-towards-children", "child-sexual-abuse", "youth-peer-violence")
    victim = Person(rng, rng.choice(["female", "male"]), rng.randint(2, 16) if child else rng.randint(19, 88), "victim")
    perp = Person(rng, rng.choice(["male", "male", "female"]), rng.randint(15, 19) if category == "youth-peer-violence"
                  else rng.randint(20, 70), "perpetrator")
    if perp.name == victim.name:
        perp.name = perp.name + "-" + rng.choice(["Lee", "Ray", "Jo"])
    label = rng.choice(REVIEW_TYPES[rtype])
    pseudonym = rng.choice(["Adult", "Child", "Person"]) + " " + chr(65 + index % 26)
    title = f"{label} {victim.name}" if label.endswith(" of") else f"{label}: {victim.name}"
    blocks = [("h", 1, title),
              ("p", 0, f"{place} {BODIES[rtype]}"),
              ("p", 0, f"Independent author: {rng.choice(FEMALE)} {rng.choice(['Hale', 'Osei', 'Brennan', 'Novak', 'Iqbal'])}. "
                       f"Published: {rng.choice(MONTHS)} {year + 1}")]
    n = 1
    blocks.append(("h", 2, f"{n}. Introduction"))
    blocks.append(("p", 0, f"{n}.1 This {label.lower()} examines the contact agencies had with {victim.name}, referred to in "
                           f"this report as {pseudonym}, and with {perp.name} before the incident in {rng.choice(MONTHS)} {year}."))
    blocks.append(("p", 0, f"{n}.2 {victim.name} was {victim.age} years old and {victim.ethnicity[0]}. {perp.name}, "
                           f"{'her' if victim.gender == 'female' else 'his'} {relationship(rng, category)}, was {perp.age} and "
                           f"{perp.ethnicity[0]}."))
    blocks.append(("p", 0, f"{n}.3 The panel offers its condolences to {victim.name}'s family, who contributed to the review."))
    n += 1
    blocks.append(("h", 2, f"{n}. Terms of reference"))
    blocks.append(("p", 0, f"{n}.1 The review considered the period from {rng.choice(MONTHS)} {year - 3} to the incident. "
                           "The key lines of enquiry were:"))
    for line in rng.sample(["how agencies identified and responded to risk",
                            "whether information was shared between agencies",
                            "whether the needs of carers were recognised",
                            "how the voice of the person was heard",
                            "whether safeguarding procedures were followed",
                            "the impact of culture, language and faith on access to services"], 4):
        blocks.append(("li", 0, line[0].upper() + line[1:] + ";"))
    n += 1
    blocks.append(("h", 2, f"{n}. Background"))
    def order_for(person):
        return CHILD_ORDER if person.age < 18 else ORDER

    for sub, person in ((1, victim), (2, perp)):
        blocks.append(("h", 3, f"{n}.{sub} {person.name}"))
        for cid in rng.sample(order_for(person), 5):
            kind, sentence = rng.choice(CHARACTERISTICS[cid])
            other = person if rng.random() < .5 else victim
            blocks.append(("p", 0, fill(sentence, person, rng) + " " + fill(
                rng.choice(CHARACTERISTICS[rng.choice(order_for(other))])[1], other, rng)))
    n += 1
    blocks.append(("h", 2, f"{n}. Chronology of agency contact"))
    chronology_n = n
    para = 1
    size = sum(len(b[2]) for b in blocks if b[0] != "table")
    reserve = 4000
    while size < target_chars - reserve:
        agency = rng.choice(AGENCIES)
        who = rng.choice([victim, perp])
        event = rng.choice([
            f"On {date(rng, year - rng.randint(0, 3))} {agency} recorded that {who.name} had attended with injuries "
            f"{who.sub} said were caused by a fall.",
            f"In {rng.choice(MONTHS)} {year - rng.randint(0, 3)} {agency} received a call from a neighbour who heard shouting; "
            f"officers spoke to {who.name}, who said nothing had happened.",
            f"{agency[0].upper() + agency[1:]} saw {who.name} on {date(rng, year - 1)}. {who.sub.capitalize()} appeared "
            f"{rng.choice(['anxious', 'tired', 'withdrawn', 'intoxicated', 'calm'])} and the notes record no questions about home life.",
            f"A referral from {agency} on {date(rng, year - 2)} was closed without further action because {who.name} "
            f"did not respond to two letters.",
            f"{who.name} told {agency} that {who.sub} was worried about money and about {rng.choice(['the tenancy', 'the children', 'a relative', 'work'])}.",
        ])
        extra = fill(rng.choice(CHARACTERISTICS[rng.choice(order_for(who))])[1], who, rng)
        text = f"{n}.{para} {event} {extra}"
        blocks.append(("p", 0, text))
        size += len(text)
        para += 1
        if para % 40 == 0:
            blocks.append(("h", 3, f"Events in {year - rng.randint(0, 3)}"))
        if para % 55 == 0:
            rows = [["Date", "Agency", "Contact"]] + [[date(rng, year - 1), rng.choice(AGENCIES), rng.choice(
                ["Home visit", "Telephone call", "Appointment missed", "Referral received", "Police attendance"])]
                for _ in range(rng.randint(3, 6))]
            blocks.append(("table", 0, rows))
            size += sum(len(c) for r in rows for c in r)
        if para % 70 == 0:
            blocks.append(("quote", 0, f"“{rng.choice(['She was frightened of him but would never say so.', 'Nobody asked us what it was like at home.', 'He was a different person when he drank.'])}” – a family member"))
    n += 1
    blocks.append(("h", 2, f"{n}. Analysis"))
    for k in range(1, 5):
        blocks.append(("p", 0, f"{n}.{k} " + rng.choice([
            f"There was no evidence that agencies considered the risk {perp.name} posed to others.",
            f"Agencies did not share what they knew; {rng.choice(AGENCIES)} held information the others lacked.",
            f"{victim.name}'s carer was never offered a carer's assessment.",
            f"Mental capacity was assumed rather than assessed when {victim.name} declined support.",
            f"The domestic abuse was not recognised as such, and the incidents were treated as isolated arguments.",
            f"Had a multi-agency risk assessment conference been convened, a safety plan could have been agreed.",
        ])))
    n += 1
    blocks.append(("h", 2, f"{n}. Findings"))
    for k in range(1, 4):
        blocks.append(("p", 0, f"Finding {k}: " + rng.choice([
            "Routine enquiry about domestic abuse was not carried out in health settings.",
            "Safeguarding procedures were not followed after concerns were raised.",
            "The think-family approach was missed when a parent's difficulties became known.",
            "Referrals were recommended but not made or not followed up.",
        ])))
    n += 1
    blocks.append(("h", 2, f"{n}. Recommendations"))
    for k in range(1, rng.randint(4, 8)):
        blocks.append(("li", 0, f"{place} {BODIES[rtype]} should " + rng.choice([
            "ensure that carers are offered an assessment of their own needs.",
            "audit the use of routine enquiry about domestic abuse in GP practices.",
            "review how information is shared between agencies when risk is identified.",
            "commission training on coercive control for front-line staff.",
            "seek assurance that mental capacity assessments are recorded.",
        ])))
    return rtype, category, blocks


def relationship(rng, category):
    return {
        "intimate-partner-violence": rng.choice(["husband", "partner", "former partner", "boyfriend"]),
        "adult-family-violence": rng.choice(["son", "daughter", "brother", "grandson"]),
        "within-family-violence-towards-children": rng.choice(["father", "stepfather", "mother's partner", "mother"]),
        "child-sexual-abuse": rng.choice(["foster carer", "an older acquaintance", "a man met online"]),
        "youth-peer-violence": rng.choice(["schoolmate", "acquaintance", "a young man from the area"]),
        "adult-peer-violence": rng.choice(["neighbour", "co-resident", "acquaintance", "lodger"]),
    }[category]


# ---------------------------------------------------------------- renderers

def render_html(blocks, title):
    e = html.escape
    out = ['<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n',
           f"<title>{e(title)}</title>\n<script>window.dataLayer = [];</script>\n</head>\n<body>\n",
           '<header><nav><a href="/">Home</a> &gt; <a href="/reviews">Reviews</a></nav></header>\n',
           '<div class="cookie-banner"><p>We use cookies to improve this site.</p></div>\n<main>\n']
    in_list = False
    for kind, level, text in blocks:
        if kind != "li" and in_list:
            out.append("</ul>\n")
            in_list = False
        if kind == "h":
            out.append(f"<h{level}>{e(text)}</h{level}>\n")
        elif kind == "p":
            out.append(f"<p>{e(text)}</p>\n")
        elif kind == "li":
            if not in_list:
                out.append("<ul>\n")
                in_list = True
            out.append(f"  <li>{e(text)}</li>\n")
        elif kind == "quote":
            out.append(f"<blockquote><p>{e(text)}</p></blockquote>\n")
        elif kind == "table":
            out.append("<table>\n" + "".join(
                "<tr>" + "".join(f"<{'th' if i == 0 else 'td'}>{e(c)}</{'th' if i == 0 else 'td'}>" for c in row) + "</tr>\n"
                for i, row in enumerate(text)) + "</table>\n")
    if in_list:
        out.append("</ul>\n")
    out.append("</main>\n<footer><p>© Council. All rights reserved.</p></footer>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def render_word(blocks, title, rng):
    """A Word 'Save as Web Page' export: windows-1252, MsoNormal paragraphs, spans, conditional comments."""
    def e(text):
        return html.escape(text, quote=False).replace("\u00a0", "&nbsp;")

    out = ['<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">\n',
           "<head>\n<meta http-equiv=Content-Type content=\"text/html; charset=windows-1252\">\n",
           f"<title>{e(title)}</title>\n<style>\n<!--\n p.MsoNormal {{margin:0cm; font-family:\"Calibri\",sans-serif;}}\n-->\n</style>\n",
           "</head>\n<body lang=EN-GB style='tab-interval:36.0pt'>\n<div class=WordSection1>\n"]
    for kind, level, text in blocks:
        if kind == "h":
            out.append(f"<h{level}><![if !supportLists]><span style='mso-list:Ignore'><![endif]><span lang=EN-GB>"
                       f"{e(text)}</span><o:p></o:p></h{level}>\n")
        elif kind == "p":
            words = text.split(" ")
            cut = rng.randint(1, max(1, len(words) - 1))
            out.append(f"<p class=MsoNormal style='text-align:justify'><span lang=EN-GB style='font-size:11.0pt'>"
                       f"{e(' '.join(words[:cut]))}\n{e(' '.join(words[cut:]))}</span><o:p></o:p></p>\n"
                       "<p class=MsoNormal><o:p>&nbsp;</o:p></p>\n")
        elif kind == "li":
            out.append(f"<p class=MsoListParagraphCxSpMiddle style='text-indent:-18.0pt'><![if !supportLists]>"
                       f"<span style='font-family:Symbol'>·<span style='font:7.0pt \"Times New Roman\"'>&nbsp;&nbsp; </span>"
                       f"</span><![endif]>{e(text)}</p>\n")
        elif kind == "quote":
            out.append(f"<p class=MsoQuote><i>{e(text)}</i></p>\n")
        elif kind == "table":
            out.append("<table class=MsoTableGrid border=1 cellspacing=0 cellpadding=0>\n" + "".join(
                "<tr>" + "".join(f"<td valign=top><p class=MsoNormal><span>{e(c)}</span></p></td>" for c in row) + "</tr>\n"
                for row in text) + "</table>\n")
    out.append("</div>\n</body>\n</html>\n")
    return "".join(out).encode("cp1252", errors="xmlcharrefreplace")


def render_xhtml(blocks, title):
    e = html.escape
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n<html xmlns="http://www.w3.org/1999/xhtml" xml:lang="en">\n',
           f"<head><title>{e(title)}</title></head>\n<body>\n<article>\n"]
    in_list = False
    for kind, level, text in blocks:
        if kind != "li" and in_list:
            out.append("</ol>\n")
            in_list = False
        if kind == "h":
            out.append(f"<h{level}>{e(text)}</h{level}>\n")
        elif kind == "p":
            out.append(f"<p>{e(text)}</p>\n")
        elif kind == "li":
            if not in_list:
                out.append("<ol>\n")
                in_list = True
            out.append(f"<li>{e(text)}</li>\n")
        elif kind == "quote":
            out.append(f"<blockquote><p>{e(text)}</p></blockquote>\n")
        elif kind == "table":
            out.append("<table>\n" + "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>\n" for row in text)
                       + "</table>\n")
    if in_list:
        out.append("</ol>\n")
    out.append("</article>\n</body>\n</html>\n")
    return "".join(out).encode("utf-8")


def wrap(text, width, hyphenate=True):
    """Lines of at most `width` characters; a long word at a line end may be hyphenated."""
    lines, line = [], ""
    for word in text.split(" "):
        if not line:
            line = word
        elif len(line) + 1 + len(word) <= width:
            line += " " + word
        elif hyphenate and len(word) >= 8 and word.isalpha() and width - len(line) - 1 >= 4:
            cut = width - len(line) - 2
            lines.append(line + " " + word[:cut] + "-")
            line = word[cut:]
        else:
            lines.append(line)
            line = word
    if line:
        lines.append(line)
    return lines


def render_pdfxml(blocks, title):
    e = lambda t: html.escape(t, quote=True)
    out = ['<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE pdf2xml SYSTEM "pdf2xml.dtd">\n\n',
           '<pdf2xml producer="poppler" version="22.12.0">\n']
    page = 0
    top = 10_000

    def new_page():
        nonlocal page, top
        if page:
            out.append("</page>\n")
        page += 1
        out.append(f'<page number="{page}" position="absolute" top="0" left="0" height="1262" width="892">\n')
        if page == 1:
            out.append('\t<fontspec id="0" size="11" family="Helvetica" color="#000000"/>\n'
                       '\t<fontspec id="1" size="16" family="Times" color="#000000"/>\n'
                       '\t<fontspec id="2" size="26" family="Helvetica" color="#000000"/>\n'
                       '\t<fontspec id="3" size="20" family="Helvetica" color="#000000"/>\n')
        out.append(f'<text top="54" left="99" width="400" height="12" font="0"><i>{e(title[:60])}</i></text>\n')
        out.append(f'<text top="1194" left="400" width="90" height="12" font="0">Page {page}</text>\n')
        top = 110

    new_page()
    for kind, level, text in blocks:
        if kind == "table":
            text = "; ".join(", ".join(row) for row in text)
            kind = "p"
        font, size, width = ("2", 26, 45) if kind == "h" and level == 1 else ("3", 20, 60) if kind == "h" else ("1", 16, 95)
        lines = wrap(("• " if kind == "li" else "") + text, width)
        top += 14 if kind != "h" else 24
        for i, line in enumerate(lines):
            if top > 1140:
                new_page()
            left = 99 + (30 if i == 0 and kind == "p" and text[:1].isdigit() is False else 0) + (14 if kind == "li" and i else 0)
            content = f"<b>{e(line)}</b>" if kind == "h" else e(line)
            out.append(f'<text top="{top}" left="{left}" width="{len(line) * 7}" height="{size - 1}" font="{font}">'
                       f"{content}</text>\n")
            top += size + 6
    out.append("</page>\n</pdf2xml>\n")
    return "".join(out).encode("utf-8")


def render_text(blocks):
    out = []
    for kind, level, text in blocks:
        if kind == "h":
            out.append((text.upper() if level == 1 else text) + "\n\n")
        elif kind == "li":
            out.append("- " + text + "\n")
        elif kind == "table":
            out.append("\n".join("    ".join(row) for row in text) + "\n\n")
        else:
            out.append("\n".join(wrap(text, 78, hyphenate=False)) + "\n\n")
    return "".join(out).encode("utf-8")


def render_markdown(blocks):
    out = []
    for kind, level, text in blocks:
        if kind == "h":
            out.append("#" * level + " " + text + "\n\n")
        elif kind == "li":
            out.append("* " + text + "\n")
        elif kind == "quote":
            out.append("> " + text + "\n\n")
        elif kind == "table":
            out.append("\n| " + " | ".join(text[0]) + " |\n|" + "---|" * len(text[0]) + "\n" +
                       "".join("| " + " | ".join(row) + " |\n" for row in text[1:]) + "\n")
        else:
            out.append(text.replace("no evidence", "**no evidence**") + "\n\n")
    return "".join(out).encode("utf-8")


FORMATS = [("html", ".html"), ("word", ".htm"), ("xhtml", ".xhtml"), ("pdfxml", ".xml"), ("text", ".txt"),
           ("markdown", ".md")]
OVERHEAD = {"html": 1.1, "word": 1.9, "xhtml": 1.1, "pdfxml": 2.4, "text": 1.02, "markdown": 1.03}


def generate(index, seed, size_kb, out_dir):
    rng = random.Random(f"revtag-corpus-{seed}-{index}")
    fmt, ext = FORMATS[index % len(FORMATS)]
    target = int(size_kb * 1024 * rng.uniform(0.6, 1.4) / OVERHEAD[fmt])
    rtype, category, blocks = build(rng, index, target)
    title = blocks[0][2]
    if fmt == "html":
        data = render_html(blocks, title)
    elif fmt == "word":
        data = render_word(blocks, title, rng)
    elif fmt == "xhtml":
        data = render_xhtml(blocks, title)
    elif fmt == "pdfxml":
        data = render_pdfxml(blocks, title)
    elif fmt == "text":
        data = render_text(blocks)
    else:
        data = render_markdown(blocks)
    name = f"{index:06d}-{rtype}-{SHORT[category]}{ext}"
    with open(os.path.join(out_dir, name), "wb") as handle:
        handle.write(data)
    return name, fmt, rtype, category, len(data)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--docs", type=int, default=100, help="number of documents (default 100)")
    parser.add_argument("--total-mb", type=float, help="instead of --docs: generate until this many MB are written")
    parser.add_argument("--size-kb", type=float, default=100, help="mean document size in KB (each varies ±40%%)")
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    parser.add_argument("--out", required=True, help="output directory (created)")
    args = parser.parse_args()
    if args.size_kb < 4:
        parser.error("--size-kb must be at least 4")
    os.makedirs(args.out, exist_ok=True)
    total = 0
    rows = []
    index = 0
    while True:
        if args.total_mb is not None:
            if total >= args.total_mb * 1_000_000:
                break
        elif index >= args.docs:
            break
        row = generate(index, args.seed, args.size_kb, args.out)
        rows.append(row)
        total += row[4]
        index += 1
    with open(os.path.join(args.out, "manifest.tsv"), "w", encoding="utf-8") as handle:
        handle.write("file\tformat\treviewType\tcategory\tbytes\n")
        for row in rows:
            handle.write("\t".join(str(x) for x in row) + "\n")
    print(f"wrote {len(rows)} documents, {total / 1_000_000:.1f} MB, to {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
