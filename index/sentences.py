"""Split paragraph text into sentences without cutting through quotations."""

from __future__ import annotations

import re

from index.marks import QuoteSpan

ABBREVIATIONS = {
    "dr",
    "mr",
    "mrs",
    "ms",
    "prof",
    "st",
    "jr",
    "sr",
    "gen",
    "col",
    "lt",
    "sgt",
    "capt",
    "gov",
    "sen",
    "rep",
    "rev",
    "no",
    "vs",
    "etc",
    "inc",
    "ltd",
    "co",
    "corp",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
    "e.g",
    "i.e",
    "u.s",
    "u.k",
    "u.n",
    "mt",
    "ft",
    "approx",
    "dept",
    "est",
    "fig",
    "op",
    "cf",
    "al",
}
_END = re.compile(r"[.!?…]+[\"”’')\]]*")


def sentence_spans(text: str, quotes: list[QuoteSpan]) -> list[tuple[int, int]]:
    """(start, end) offsets of the sentences of ``text``, trimmed of whitespace.

    A boundary is end punctuation followed by white space and an upper-case letter,
    digit or opening mark, outside any quotation span (a quote that ends a sentence
    closes it at its closing mark).
    """
    inside = _inside_mask(len(text), quotes)
    bounds: list[int] = []
    for match in _END.finditer(text):
        end = match.end()
        if end >= len(text):
            continue
        if inside[match.start()] and not _closes_a_quote(match.group(), match.start(), quotes):
            continue
        rest = text[end:]
        gap = len(rest) - len(rest.lstrip())
        if gap == 0:
            continue
        nxt = rest[gap : gap + 1]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "“\"‘'"):
            continue
        if match.group().startswith(".") and is_abbreviation(text, match.start()):
            continue
        bounds.append(end)
    spans: list[tuple[int, int]] = []
    start = 0
    for end in [*bounds, len(text)]:
        s, e = trim(text, start, end)
        if e > s:
            spans.append((s, e))
        start = end
    return spans


def _inside_mask(n: int, quotes: list[QuoteSpan]) -> list[bool]:
    mask = [False] * (n + 1)
    for q in quotes:
        stop = q.close_at if q.close_at is not None else n
        for i in range(q.open_at + 1, stop):
            mask[i] = True
    return mask


def _closes_a_quote(punct: str, at: int, quotes: list[QuoteSpan]) -> bool:
    """End punctuation directly followed by the closing mark ends the sentence too."""
    close = at + len(punct.rstrip("\"”’')]")) if punct else at
    return any(q.close_at is not None and q.close_at == close for q in quotes)


def is_abbreviation(text: str, dot: int) -> bool:
    """Whether the full stop at ``dot`` ends an abbreviation or an initial, not a sentence."""
    word = re.search(r"([A-Za-z.]+)$", text[:dot])
    if not word:
        return False
    token = word.group(1).lower().strip(".")
    if token == "no":  # "No. 5" abbreviates; "said no." ends a sentence
        return bool(re.match(r"\s*\d", text[dot + 1 :])) and text[dot - 2] == "N"
    if re.fullmatch(r"(?:[A-Z]\.)+[A-Z]", word.group(1)):
        return True  # dotted initials: "J.M. Berger", "J.R.R. Tolkien"
    return token in ABBREVIATIONS or (len(token) == 1 and text[dot - 1].isupper())


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """``start``/``end`` moved past white space at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def sentence_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The (start, end) of the sentence(s) of ``text`` that contain ``text[start:end]``."""
    from index.marks import find_spans

    spans = sentence_spans(text, find_spans(text))
    first = next((s for s, e in spans if s <= start < e), start)
    last = next((e for s, e in spans if s < end <= e), end)
    return min(first, start), max(last, end)
