"""From source text to everything that is stored: document, attribution, retrieval units."""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from index.chunking import chunk_document
from index.config import Config
from index.embedders.base import Embedder
from index.metadata import text_date, text_outlet
from index.paragraphs import build_paragraphs
from index.quotes import extract_each
from index.reader import SourceText, document_id
from index.types import Document, Extraction, UnitKind

_BYLINE = re.compile(r"^By\s+([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){0,3})\s*$")
_BIO = re.compile(r"^([A-Z][\w.'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}) (?:is|was) (?:a|an|the) ")


@dataclass(frozen=True)
class Unit:
    """One retrieval unit: what is embedded and keyword-indexed, and where it points."""

    kind: UnitKind
    unit_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str  # verbatim slice of the document
    index_text: str  # what is embedded and keyword-indexed (text plus speaker label)
    speaker: str | None = None


@dataclass(frozen=True)
class PreparedDocument:
    document: Document
    extraction: Extraction
    units: tuple[Unit, ...]


def make_document(text: str, source: str) -> Document:
    """Paragraphs, title, author and date of a canonical text (a web page's own title,
    author and date when the reader found them: ``index.reader.SourceText``)."""
    page = text.page if isinstance(text, SourceText) else None
    text = str(text)
    paragraphs = build_paragraphs(text)
    title_para = next((p for p in paragraphs if p.kind == "title"), None)
    title = title_para.text.lstrip("# ").strip() if title_para else Path(source).stem
    return Document(
        doc_id=document_id(text),
        text=text,
        title=page.title if page and page.title else title,
        source=source,
        paragraphs=paragraphs,
        author=page.author if page and page.author else _author(paragraphs),
        date=page.date if page and page.date else text_date(paragraphs),
        outlet=text_outlet(paragraphs),
    )


def _author(paragraphs: tuple) -> str | None:
    for p in paragraphs[:6]:
        m = _BYLINE.match(p.text)
        if m:
            return m.group(1)
    body = [p for p in paragraphs if p.kind == "body"]
    if body:
        m = _BIO.match(body[-1].text)
        if m and len(body[-1].text.split()) < 40:
            return m.group(1)
    return None


def prepare(text: str, source: str, embedder: Embedder, config: Config) -> PreparedDocument:
    """Read, attribute and chunk one document (no embedding yet)."""
    return prepare_many([(text, source)], embedder, config)[0]


def prepare_attributed(
    document: Document, extraction: Extraction, embedder: Embedder, config: Config
) -> PreparedDocument:
    """The retrieval units of a document ``attribute_each`` read (chunked with the
    embedder's tokenizer)."""
    speakers_by_paragraph: dict[int, list[str]] = {}
    for q in extraction.quotes:
        if q.speaker and q.speaker not in speakers_by_paragraph.setdefault(q.paragraph, []):
            speakers_by_paragraph[q.paragraph].append(q.speaker)
    units: list[Unit] = []
    for chunk in chunk_document(
        document, embedder, config.chunk_tokens, config.chunk_overlap_tokens
    ):
        names = speakers_by_paragraph.get(chunk.paragraph, [])
        # Two views of a quoted paragraph, one id: labelled with who speaks, and as written.
        variants = [f"{', '.join(names)}: {chunk.text}", chunk.text] if names else [chunk.text]
        for index_text in variants:
            units.append(
                Unit(
                    "paragraph",
                    chunk.chunk_id,
                    chunk.doc_id,
                    chunk.paragraph,
                    chunk.start,
                    chunk.end,
                    chunk.text,
                    index_text,
                )
            )
    for q in extraction.quotes:
        if q.repeats is not None:
            continue
        # Two views of each quote, one id: with the speaker's name and as said.
        variants = [f"{q.speaker}: {q.text}", q.text] if q.speaker else [q.text]
        for index_text in variants:
            units.append(
                Unit(
                    "quote",
                    q.quote_id,
                    q.doc_id,
                    q.paragraph,
                    q.start,
                    q.end,
                    q.text,
                    index_text,
                    q.speaker,
                )
            )
    for f in extraction.facts:
        units.append(Unit("fact", f.fact_id, f.doc_id, f.paragraph, f.start, f.end, f.text, f.text))
    return PreparedDocument(document, extraction, tuple(units))


def attribute_each(texts: Iterable[tuple[str, str]]) -> Iterator[tuple[Document, Extraction]]:
    """Each ``(text, source)`` read and attributed, in order, yielded as each is done:
    spaCy runs once per document, the documents batched through ``nlp.pipe``
    (``index.quotes.extract_each``). Needs no embedder, so it can run beside embedding."""
    piped, documents = itertools.tee(make_document(text, source) for text, source in texts)
    # document.text is a plain str (spaCy refuses the reader's SourceText)
    extractions = extract_each((d.doc_id, d.text, d.paragraphs) for d in piped)
    yield from zip(documents, extractions, strict=True)


def prepare_each(
    texts: Iterable[tuple[str, str]], embedder: Embedder, config: Config
) -> Iterator[PreparedDocument]:
    """``prepare`` for each ``(text, source)``, in order, yielded as each is done."""
    for document, extraction in attribute_each(texts):
        yield prepare_attributed(document, extraction, embedder, config)


def prepare_many(
    texts: list[tuple[str, str]], embedder: Embedder, config: Config
) -> list[PreparedDocument]:
    """``prepare_each`` as a list."""
    return list(prepare_each(texts, embedder, config))
