"""Frozen dataclasses that cross layer boundaries.

Every text unit carries its document id, 1-based paragraph number and character
offsets into the document's canonical text: ``document.text[start:end] == unit.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ParagraphKind = Literal["title", "heading", "body", "caption", "pull_quote", "boilerplate"]
QuoteKind = Literal["direct", "partial", "indirect"]
UnitKind = Literal["paragraph", "quote", "fact"]


@dataclass(frozen=True)
class Paragraph:
    """A non-empty block between blank lines, numbered from 1 in document order."""

    number: int
    start: int
    end: int
    text: str
    kind: ParagraphKind


@dataclass(frozen=True)
class Document:
    """A source document: canonical text plus metadata and its paragraphs."""

    doc_id: str
    text: str
    title: str
    source: str
    paragraphs: tuple[Paragraph, ...]
    author: str | None = None
    date: str | None = None
    # when it was indexed (seconds since the epoch), as the store recorded it
    added_at: float | None = field(default=None, compare=False)

    def paragraph(self, number: int) -> Paragraph:
        """Return paragraph ``number`` (1-based)."""
        if not 1 <= number <= len(self.paragraphs):
            raise IndexError(f"paragraph {number} is out of range 1..{len(self.paragraphs)}")
        return self.paragraphs[number - 1]


@dataclass(frozen=True)
class Quote:
    """Words attributed to a speaker, decided at indexing time.

    ``repeats`` holds the id of the original quote when this one is a pull quote
    (a standalone repetition); such quotes are not counted twice.
    """

    quote_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_title: str | None
    cue: str | None
    kind: QuoteKind
    repeats: str | None = None


@dataclass(frozen=True)
class Speaker:
    """One person or body that is quoted, merged across documents by name."""

    name: str
    title: str | None
    aliases: tuple[str, ...]
    quote_count: int
    is_person: bool = True


@dataclass(frozen=True)
class Fact:
    """A body sentence outside quotes, with the source the text gives for it."""

    fact_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A token-bounded slice of one paragraph, the unit embedded for paragraph search."""

    chunk_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    paragraphs: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Extraction:
    """Everything attribution yields for one document."""

    quotes: tuple[Quote, ...]
    facts: tuple[Fact, ...]
    speakers: tuple[Speaker, ...]
