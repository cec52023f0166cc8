"""Find quotation spans in a paragraph: curly and straight, double and single marks.

A span left open at the paragraph's end runs to the end (news convention for a
quote that continues into the next paragraph). Single marks inside a double-quoted
span are nested quotes and stay part of the outer span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

OPENERS_BEFORE = set(" \t\n([{—–-/")


@dataclass(frozen=True)
class QuoteSpan:
    """Offsets are relative to the string searched; ``inner`` excludes the marks."""

    open_at: int
    close_at: int | None  # index of the closing mark, None when unclosed
    inner_start: int
    inner_end: int


def _opens_after(ch: str) -> bool:
    """Whether a quote can open after ``ch``: a space of any kind (a no-break space from a
    web page too), an opening bracket or a dash."""
    return ch in OPENERS_BEFORE or ch.isspace()


def _is_straight_double_opener(text: str, i: int) -> bool:
    return i == 0 or _opens_after(text[i - 1]) or text[i - 1] in "“‘'"


def _is_single_opener(text: str, i: int) -> bool:
    before_ok = i == 0 or _opens_after(text[i - 1]) or text[i - 1] in '“"'
    after_ok = i + 1 < len(text) and not text[i + 1].isspace()
    return before_ok and after_ok


_AFTER_CLOSER = {
    "said", "says", "say", "added", "adds", "told", "tells", "asked", "asks", "wrote",
    "writes", "explained", "insisted", "warned", "he", "she", "they", "it", "we", "i", "the",
    "a", "an", "according", "and", "but", "or", "as", "in", "to", "of", "for", "with", "is",
    "on", "at", "by", "from", "after", "before", "during", "last", "this", "that", "when",
    "while", "because", "since", "about", "over", "into", "was", "were", "are", "has", "had",
    "have", "not", "then", "so", "if", "yet", "his", "her", "their", "its", "our", "my",
}  # fmt: skip


def _is_single_closer(text: str, i: int) -> bool:
    """A single mark closes a quote when it is not an apostrophe: not inside a word, and
    not a plural possessive ("the players’ effort") followed by the noun it owns."""
    after = text[i + 1] if i + 1 < len(text) else " "
    before = text[i - 1] if i > 0 else " "
    if before.isspace() or after.isalnum():
        return False
    if before in ",.!?":
        return True  # no apostrophe follows a comma or a stop ("declares ‘revolution,’ ignores")
    word = re.match(r"\s+([a-z]+)\b", text[i + 1 :])
    return word is None or word.group(1) in _AFTER_CLOSER


def find_spans(text: str) -> list[QuoteSpan]:
    """Top-level quotation spans of ``text`` in order."""
    spans: list[QuoteSpan] = []
    i = 0
    n = len(text)
    while i < n:
        ch = text[i]
        closer: str | None = None
        if text.startswith("''", i) and _is_straight_double_opener(text, i):
            end = _find_doubled_closer(text, i + 2)  # ''...'' (two single marks as one)
            if end is not None:
                spans.append(_span(text, i, end + 1, inner=(i + 2, end)))
                i = end + 2
                continue
        if ch == "“":
            closer = "”"
        elif ch == '"' and _is_straight_double_opener(text, i):
            closer = '"'
        elif ch in "‘'" and _is_single_opener(text, i):
            closer = "’" if ch == "‘" else "'"
        if closer is None:
            i += 1
            continue
        end = _find_closer(text, i + 1, closer)
        if end is None:
            if closer in "’'":  # an unmatched single mark is an apostrophe, not a quote
                i += 1
                continue
            spans.append(_span(text, i, None))
            break
        spans.append(_span(text, i, end))
        i = end + 1
    return spans


def _find_closer(text: str, start: int, closer: str) -> int | None:
    if closer in '”"':
        return _double_closer(text, start, closer)
    for j in range(start, len(text)):
        ch = text[j]
        if closer == "”" and ch == "”":
            return j
        if closer == '"' and ch == '"':
            return j
        if closer in "’'" and ch == closer and _is_single_closer(text, j):
            return j
    return None


def _double_closer(text: str, start: int, closer: str) -> int | None:
    """The mark closing a double quote. Copied text mixes the two styles (“...," X said.
    "...”), so a mark of either style that closes (a curly ”, or a straight one after a
    word) ends the quote; a nested quote of the other style (an opening “, or a straight
    mark after a space) is skipped with its own closing mark."""
    j = start
    n = len(text)
    while j < n:
        ch = text[j]
        if (
            ch == "”"
            or (ch == '"' and _straight_mark_closes(text, j, closer))
            or (ch == "“" and _misplaced_closer(text, j))
        ):
            return j
        if ch == "“" or (ch == '"' and closer == "”"):
            nested = _double_closer(text, j + 1, "”" if ch == "“" else '"')
            if nested is None:
                return None
            j = nested
        elif ch == '"':  # a straight opener inside a straight quote: it closes it
            return j
        j += 1
    return None


def _misplaced_closer(text: str, i: int) -> bool:
    """An opening curly mark typed where a closing one belongs (``her here,“ said``): it
    stands right after a word or its punctuation and before a space or the end, where no
    quote can open."""
    before = text[i - 1] if i > 0 else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    return not _opens_after(before) and before not in "“‘'\"" and after.isspace()


def _straight_mark_closes(text: str, i: int, closer: str) -> bool:
    """A straight mark after a word closes; inside a curly quote one right before a word
    ('attr="value"') opens a nested quote, since a closing mark is never followed by a
    letter."""
    if _is_straight_double_opener(text, i):
        return False
    return closer != "”" or not (i + 1 < len(text) and text[i + 1].isalnum())


def _find_doubled_closer(text: str, start: int) -> int | None:
    """Where two single marks close a quote that two opened (the last two of three)."""
    for j in range(start, len(text) - 1):
        if text.startswith("''", j) and not text.startswith("'" * 3, j):
            after = text[j + 2] if j + 2 < len(text) else " "
            if not after.isalnum():
                return j
    return None


def _span(
    text: str, open_at: int, close_at: int | None, inner: tuple[int, int] | None = None
) -> QuoteSpan:
    inner_start = open_at + 1 if inner is None else inner[0]
    inner_end = close_at if close_at is not None else len(text)
    if inner is not None:
        inner_end = inner[1]
    while inner_end > inner_start and text[inner_end - 1] in " \t\n,":
        inner_end -= 1
    while inner_start < inner_end and text[inner_start] in " \t\n":
        inner_start += 1
    return QuoteSpan(open_at, close_at, inner_start, inner_end)
