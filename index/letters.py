"""Signed writing: which paragraphs a letter writer or an opinion piece's author wrote.

A letters page runs each letter as paragraphs of prose followed by a paragraph that is
only the writer's name ("Toni LeAnn Williams.", or a handle: "@Fred_945."), sometimes
then their town ("Henderson, Nev."), under short section headings ("LETTERS.",
"FACEBOOK."). The words are the writer's, but no cue says so: the signature does. A
name standing alone above the text it introduces is a subhead, not a signature: the
text after it names that person ("Hillary Clinton." / "Clinton was the U.S. senator").

An opinion piece ends with its author's line ("Rudy Giuliani is the former mayor of New
York City."): a full name opening the last paragraph, then "is", a name the piece itself
otherwise hardly uses (a writer does not name themselves). The piece is theirs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from index.types import Paragraph

MAX_NAME_WORDS = 5  # "Mauricio Fraga-Rosenfeld.", "Richard Hays Powell."
MAX_HEADING_WORDS = 2  # "LETTERS.", "Letters.", "FACEBOOK."
MAX_PLACE_WORDS = 4  # "Henderson, Nev.", "Washington, D.C."
MIN_LETTER_WORDS = 6  # the paragraph a signature closes is prose
LETTER_PARAGRAPHS = 3  # a signature followed by prose: the next letter's is this near
MAX_AUTHOR_LINE_WORDS = 60  # "Aaron Kall is director of debate at the University of ..."
MAX_SELF_MENTIONS = 1  # body paragraphs that name the author (a quoted relative's name)
MIN_PIECE_PARAGRAPHS = 3
_HANDLE = re.compile(r"@\w{2,}")
_WORD = re.compile(r"[^\W\d_][\w’'.-]*")

Parse = Callable[[Paragraph], Any]


@dataclass(frozen=True)
class Letters:
    """The signed paragraphs of one document (letters, or an opinion piece)."""

    signer: dict[int, str]  # paragraph number -> the name that signs it
    furniture: frozenset[int]  # signatures, towns and section headings: no statements


NO_LETTERS = Letters({}, frozenset())


def _bare(text: str) -> str:
    return text.strip().rstrip(".").strip()


def _capitalised(text: str, most: int) -> list[str] | None:
    """The words of a short line whose every word is capitalised, else None."""
    words = text.split()
    if not 1 <= len(words) <= most or not all(_WORD.fullmatch(w.strip(",")) for w in words):
        return None
    return words if all(w[:1].isupper() for w in words) else None


def _signature(paragraph: Paragraph, parse: Parse) -> str | None:
    """The name a paragraph consists of (a person's, or a handle), else None."""
    name = _bare(paragraph.text)
    if _HANDLE.fullmatch(name):
        return name
    words = _capitalised(name, MAX_NAME_WORDS)
    if words is None or len(words) < 2:
        return None
    people = [e for e in parse(paragraph).ents if e.label_ == "PERSON"]
    return name if any(e.text.rstrip(".") == name for e in people) else None


def _is_heading(paragraph: Paragraph) -> bool:
    words = _capitalised(_bare(paragraph.text), MAX_HEADING_WORDS)
    return words is not None and paragraph.text.strip().endswith(".")


def _words(paragraph: Paragraph) -> int:
    return len(paragraph.text.split())


def _is_place(at: int, paragraphs: Sequence[Paragraph], signatures: dict[int, str]) -> bool:
    return (
        at < len(paragraphs)
        and at not in signatures
        and _capitalised(_bare(paragraphs[at].text), MAX_PLACE_WORDS) is not None
    )


def _closes(at: int, paragraphs: Sequence[Paragraph], signatures: dict[int, str]) -> bool:
    """Whether a signature ends a letter: the page ends (or only its closing line follows:
    "Follow @USATOpinion on Twitter."), or a town, a heading or the next signed letter
    follows (a subhead is followed by its section's prose)."""
    nxt = at + 1
    if nxt >= len(paragraphs) - 1 or _is_place(nxt, paragraphs, signatures):
        return True
    if _is_heading(paragraphs[nxt]):
        return True
    return any(nxt < later <= nxt + LETTER_PARAGRAPHS for later in signatures)


def _author(paragraphs: Sequence[Paragraph], parse: Parse) -> str | None:
    """The author an opinion piece's closing line names, else None."""
    if len(paragraphs) < MIN_PIECE_PARAGRAPHS + 2:
        return None
    line = paragraphs[-1]
    if _words(line) > MAX_AUTHOR_LINE_WORDS:
        return None
    doc = parse(line)
    opening = next((e for e in doc.ents if e.label_ == "PERSON" and e.start == 0), None)
    if opening is None or len(opening) < 2 or opening.end >= len(doc):
        return None
    if doc[opening.end].lower_ != "is":
        return None
    name = opening.text
    surname = re.compile(rf"\b{re.escape(name.split()[-1])}\b")
    mentions = sum(bool(surname.search(p.text)) for p in paragraphs[1:-1])
    return name if mentions <= MAX_SELF_MENTIONS else None


def find_letters(paragraphs: Sequence[Paragraph], parse: Parse) -> Letters:
    """Each signed paragraph with its signer: on a page of letters (a section heading,
    then prose closed by signatures), or in an opinion piece, by its author's line."""
    letters = _letters(paragraphs, parse)
    if letters.signer:
        return letters
    author = _author(paragraphs, parse)
    if author is None:
        return NO_LETTERS
    headings = frozenset(p.number for p in paragraphs[1:-1] if _is_heading(p))
    signed = {p.number: author for p in paragraphs[1:-1] if p.number not in headings}
    return Letters(signed, frozenset())


def _letters(paragraphs: Sequence[Paragraph], parse: Parse) -> Letters:
    # each paragraph's name (a signature or a subhead) or heading, read once; 0 is the title
    names = {at: _signature(p, parse) for at, p in enumerate(paragraphs) if at > 0}
    headings = {at for at, name in names.items() if name is None and _is_heading(paragraphs[at])}
    first_heading = min(headings, default=len(paragraphs))  # letters follow a heading
    signatures: dict[int, str] = {}
    for at, name in names.items():
        if name is None or at < first_heading:
            continue
        if _words(paragraphs[at - 1]) < MIN_LETTER_WORDS:
            continue
        after = paragraphs[at + 1].text if at + 1 < len(paragraphs) else ""
        surname = name.split()[-1]
        if not name.startswith("@") and re.search(rf"\b{re.escape(surname)}\b", after):
            continue  # a subhead: the text after it is about them
        signatures[at] = name
    while True:  # a signature is confirmed by the next one only if that one is confirmed
        kept = {at: n for at, n in signatures.items() if _closes(at, paragraphs, signatures)}
        if kept == signatures:
            break
        signatures = kept
    if not signatures:
        return NO_LETTERS
    furniture = {paragraphs[at].number for at in signatures}
    furniture |= {paragraphs[at].number for at in headings}
    for at in signatures:
        if _is_place(at + 1, paragraphs, signatures):
            furniture.add(paragraphs[at + 1].number)  # the writer's town
    signer: dict[int, str] = {}
    for at, name in signatures.items():
        back = at - 1
        while back > 0 and paragraphs[back].number not in furniture:
            signer[paragraphs[back].number] = name
            back -= 1
    return Letters(signer, frozenset(furniture))
