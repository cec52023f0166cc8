"""Verification: every cited string must stand verbatim in its document at its offsets."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

from index.types import Document
from rag.types import Answer, Citation


class DocumentSource(Protocol):
    def document(self, doc_id: str) -> Document: ...


@dataclass(frozen=True)
class Statement:
    """One line of an answer: framing words plus verbatim source text and its citation."""

    lead: str
    body: str
    citation: Citation
    quoted: bool = False  # render the body inside quotation marks


def citation_ok(source: DocumentSource, citation: Citation) -> bool:
    """The citation's text is the document's text at its offsets, inside its paragraph."""
    try:
        doc = source.document(citation.doc_id)
        paragraph = doc.paragraph(citation.paragraph)
    except (KeyError, IndexError):
        return False
    return (
        paragraph.start <= citation.start < citation.end <= paragraph.end
        and doc.text[citation.start : citation.end] == citation.text
    )


def statement_ok(source: DocumentSource, statement: Statement) -> bool:
    return citation_ok(source, statement.citation) and statement.body in statement.citation.text


def verified(source: DocumentSource, statements: list[Statement]) -> list[Statement]:
    """The statements that pass verification; the others are dropped, never shown."""
    return [s for s in statements if statement_ok(source, s)]


_MARKER = re.compile(r"\[(\d+)\]")
_QUOTED = re.compile(r"“([^“”]{3,})”")


def violations(source: DocumentSource, answer: Answer) -> list[str]:
    """Everything in ``answer`` that is not supported verbatim by its citations."""
    problems: list[str] = []
    for number in {int(m) for m in _MARKER.findall(answer.text)}:
        if not 1 <= number <= len(answer.citations):
            problems.append(f"marker [{number}] has no citation")
    for n, citation in enumerate(answer.citations, start=1):
        if not citation_ok(source, citation):
            problems.append(f"citation [{n}] does not match its document text")
    cited = [c.text for c in answer.citations]
    for quoted in _QUOTED.findall(answer.text):
        if not any(quoted in text for text in cited):
            problems.append(f"quoted text not in any citation: {quoted[:60]!r}")
    return problems


_WORDS = re.compile(r"[A-Za-z][\w’'-]*")
_FRAMING = frozenset(
    {
        "the", "a", "an", "and", "or", "but", "of", "to", "in", "on", "at", "by", "for",
        "with", "as", "is", "are", "was", "were", "be", "been", "has", "have", "had", "that",
        "this", "these", "those", "it", "its", "he", "she", "they", "his", "her", "their",
        "said", "says", "say", "told", "added", "noted", "according", "who", "which", "what",
        "also", "while", "both", "whereas", "however", "because", "so", "than", "then",
        "there", "dr", "mr", "ms", "mrs", "prof",
    }
)  # fmt: skip


def unsupported_words(answer: Answer, names: frozenset[str] = frozenset()) -> list[str]:
    """Words outside quotation marks that are neither framing words, names, nor words of
    the cited passages: a generated answer with such words adds claims of its own."""
    cited = {w.lower() for c in answer.citations for w in _WORDS.findall(c.text)}
    allowed = cited | _FRAMING | {n.lower() for n in names}
    outside = _MARKER.sub(" ", _QUOTED.sub(" ", answer.text))
    return [w for w in _WORDS.findall(outside) if w.lower() not in allowed]
