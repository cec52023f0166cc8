"""Paragraphs of a canonical text and their kinds.

A paragraph is what a reader sees as one: a non-empty block between blank lines, except
that a block whose lines are prose paragraphs separated by single newlines (text copied
from web pages) is one paragraph a line; hard-wrapped text (lines broken at a fixed width
inside sentences) stays one block. Numbered from 1; every paragraph counts, so ¶N
matches what a reader counts in the source.
"""

from __future__ import annotations

import re

from index.lexicon import REPORTING_VERBS
from index.marks import find_spans
from index.sentences import trim
from index.types import Paragraph, ParagraphKind

_BLANK_LINES = re.compile(r"\n(?:[^\S\n]*\n)+")  # a line of only white space (any kind)
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec"
)
_BOILERPLATE_LINES = [
    re.compile(r"^\d+\s*(?:min|mins|minute|minutes)\.?\s+read$", re.I),
    re.compile(rf"^(?:\w+day,?\s+)?\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS}),?\s+\d{{4}}$", re.I),
    re.compile(
        rf"^(?:\w+day,?\s+)?(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}$", re.I
    ),
    re.compile(r"^\d{4}-\d{2}-\d{2}(?:[ T][\d:]+)?$"),
    re.compile(
        r"^(?:live story|read more|related|advertisement|share this( article)?|"
        r"subscribe.*|sign up.*|listen to this article.*|most read|watch:.*|"
        r"updated:?.*|published:?.*|copyright.*|©.*)$",
        re.I,
    ),
    re.compile(r"^follow (?:him|her|them|us|me)\b.*$", re.I),
    re.compile(r"^[Bb]y [A-Z][\w.'’-]+(?: (?:[A-Z][\w.'’-]+|and|&))*$"),
]
_CREDIT = re.compile(r"[\[(]([^\[\]()]{1,60})[\])]\s*$")
_CREDIT_WORDS = re.compile(
    r"\b(?:getty|afp|reuters|ap|epa|anadolu|photo|photograph|image|picture|credit|via|"
    r"file|courtesy|xinhua|shutterstock|alamy|press association|pa)\b",
    re.I,
)
_MD_HEADING = re.compile(r"^#{1,6}\s+\S")
# a lede's dateline: "WASHINGTON (AP) —", "PASADENA, Calif., Jan. 1 (UPI) —"
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]+(?:\([^)]*\))?\s*(?:[A-Z][a-z]{2}\.? \d+ )?(?:\([A-Z]+\))?\s*[—–-]"
)
# a short name before a colon: "Graham: Trump’s ...", "Clinton camp: ..."
_NAMED_LEAD = re.compile(r"^(?P<lead>[^:“”\"‘’]{2,40}):\s")
_SAYING = re.compile(rf"\b(?:{REPORTING_VERBS})\b", re.I)  # "Smith said Monday: ..." is a lede
HEADLINE_CAPITALS = 0.75  # share of words of 4+ letters capitalised in a Title Case headline
_SENTENCE_END = re.compile(r"[.!?:…]['\"’”)\]]*$|['\"’”]$")
HARD_WRAP_MAX_LINE = 100  # lines longer than this are not hard-wrapped text


def _lines_are_paragraphs(lines: list[str]) -> bool:
    """Single newlines separate paragraphs (not hard wrapping inside sentences)."""
    if len(lines) < 2:
        return False
    if max(len(line) for line in lines) > HARD_WRAP_MAX_LINE:
        return True
    ends = sum(bool(_SENTENCE_END.search(line.rstrip())) for line in lines[:-1])
    return 2 * ends >= len(lines) - 1


def split_paragraphs(text: str) -> list[tuple[int, int]]:
    """(start, end) of each paragraph, trimmed of white space (see the module doc)."""
    spans = []
    start = 0
    for gap in [*_BLANK_LINES.finditer(text), None]:
        end = gap.start() if gap else len(text)
        s, e = trim(text, start, end)
        if e > s:
            lines = text[s:e].split("\n")
            if _lines_are_paragraphs([line.strip() for line in lines if line.strip()]):
                offset = s
                for line in lines:
                    ls, le = trim(text, offset, offset + len(line))
                    if le > ls:
                        spans.append((ls, le))
                    offset += len(line) + 1
            else:
                spans.append((s, e))
        start = gap.end() if gap else len(text)
    return spans


def build_paragraphs(text: str) -> tuple[Paragraph, ...]:
    """Number the blocks of ``text`` and give each a kind."""
    spans = split_paragraphs(text)
    blocks = [text[s:e] for s, e in spans]
    kinds = classify(blocks)
    return tuple(
        Paragraph(number=i + 1, start=s, end=e, text=text[s:e], kind=kind)
        for i, ((s, e), kind) in enumerate(zip(spans, kinds, strict=True))
    )


def classify(blocks: list[str]) -> list[ParagraphKind]:
    """Kind of every block, in order."""
    kinds: list[ParagraphKind] = []
    title_seen = False
    for index, block in enumerate(blocks):
        kind = _kind(block, blocks, index, title_seen)
        title_seen = title_seen or kind == "title"
        kinds.append(kind)
    return kinds


def _kind(block: str, blocks: list[str], index: int, title_seen: bool) -> ParagraphKind:
    if is_boilerplate(block):
        return "boilerplate"
    if _MD_HEADING.match(block):
        return "title" if not title_seen and index == 0 else "heading"
    if is_caption(block):
        return "caption"
    if is_pull_quote(block, [b for i, b in enumerate(blocks) if i != index]):
        return "pull_quote"
    if _is_heading_like(block):
        return "title" if index == 0 and not title_seen else "heading"
    if index == 0 and len(blocks) >= 3 and is_stopped_headline(block):
        return "title"
    return "body"


def is_stopped_headline(block: str) -> bool:
    """A first line that is a headline though it ends with a full stop, as the headlines
    of news corpora and of copied pages often do: one line of 3-22 words, not a lede with a
    dateline, in Title Case ("Retired General Reveals ‘Demoralizing’ Experience Of Serving
    Under Obama.") or a name and a colon before the words ("Clinton camp: Trump’s ...").
    Of PolNeAR's first lines (all headlines ending in a full stop) it finds 374 of 840 in
    train and 49 of 84 in dev; of their ledes, read as if they opened the text, it takes 7
    of 840 and 0 of 84 for headlines."""
    words = block.split()
    if "\n" in block or not 3 <= len(words) <= 22 or block[0] in "“\"‘'":
        return False
    if _DATELINE.match(block) or block.rstrip()[-1] in ":;,":
        return False
    lead = _NAMED_LEAD.match(block)
    if lead and len(lead["lead"].split()) <= 4 and not _SAYING.search(lead["lead"]):
        return True
    long_words = [w for w in re.findall(r"[A-Za-z’']+", block) if len(w) >= 4]
    capitals = sum(w[0].isupper() for w in long_words)
    return bool(long_words) and capitals >= HEADLINE_CAPITALS * len(long_words)


def is_boilerplate(block: str) -> bool:
    lines = [line.strip() for line in block.splitlines() if line.strip()]
    return bool(lines) and all(any(p.match(line) for p in _BOILERPLATE_LINES) for line in lines)


def is_caption(block: str) -> bool:
    """A photo caption: ends with a bracketed credit such as ``[Getty]`` or ``(AFP)``."""
    match = _CREDIT.search(block)
    if not match:
        return bool(re.match(r"^(?:photo|image|picture|caption)\s*:", block, re.I))
    inner = match.group(1).strip()
    if _CREDIT_WORDS.search(inner):
        return True
    words = inner.split()
    return (
        block.rstrip().endswith("]")
        and 0 < len(words) <= 3
        and all(w[:1].isupper() for w in words)
        and not _quotes_someone(block)
    )


def _quotes_someone(block: str) -> bool:
    """Whether a block holds a quotation of a sentence's length (eight words or more): a
    newsletter item ending in its source's name ("... Mark Blumenthal: “...” [HuffPost.]")
    is news, where a photo caption quotes a sign or a slogan at most."""
    return any(len(block[s.inner_start : s.inner_end].split()) >= 8 for s in find_spans(block))


def _is_heading_like(block: str) -> bool:
    if "\n" in block:
        return False
    words = block.split()
    if not 0 < len(words) <= 14 or block[0] in "“\"‘'":
        return False
    return (block[0].isupper() or block[0].isdigit()) and block[-1] not in ".!:;,”\"’'"


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def _ngrams(words: list[str], n: int) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def is_pull_quote(block: str, others: list[str]) -> bool:
    """A standalone quote repeating words that stand elsewhere in the document."""
    spans = find_spans(block)
    if len(spans) != 1 or spans[0].open_at != 0:
        return False
    span = spans[0]
    tail = block[span.close_at + 1 :] if span.close_at is not None else ""
    if tail.strip(' .,!?"”'):
        return False
    words = _words(block[span.inner_start : span.inner_end])
    if len(words) < 5:
        return False
    grams = _ngrams(words, 4)
    return any(len(grams & _ngrams(_words(other), 4)) >= 0.7 * len(grams) for other in others)
