"""The quote finder: quotes ranked by relevance to a topic, filtered by speaker, article
and date, each with its article's title, outlet and date (``ArticleQuote``).

Ranking is the retriever's own (``Retriever.units(about, kinds=("quote",))``, scoped to
the chosen articles); a filter by speaker or date ranks every quote in scope, so no match
is lost below the usual candidate depth. Without a topic, quotes come in article order.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, fields
from typing import Any

from index.errors import DocumentNotFoundError, InvalidRequestError
from index.types import ArticleQuote, Document, Quote, Speaker
from rag.compose import display_name
from rag.retrieval import Retriever

_ISO = re.compile(r"^\d{4}(?:-\d{2}(?:-\d{2})?)?$")
_QUOTE_FIELDS = tuple(f.name for f in fields(Quote))


@dataclass(frozen=True)
class QuoteQuery:
    """What the finder is asked: all optional but ``k``."""

    about: str | None = None
    speaker: str | None = None
    doc_ids: frozenset[str] | None = None
    since: str | None = None
    until: str | None = None
    k: int = 20


def check_date(value: str | None, name: str) -> str | None:
    """An ISO date bound (``2024``, ``2024-01`` or ``2024-01-23``), or a clear error."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    if not _ISO.match(value):
        raise InvalidRequestError(
            f"{name} must be an ISO date like 2024-01-23 (or 2024-01, 2024), not {value!r}."
        )
    return value


def resolve_doc_ids(
    doc_ids: Iterable[str] | None, documents: Mapping[str, Document]
) -> frozenset[str] | None:
    """Document ids (or unique prefixes of them) as a scope; None means every article."""
    if doc_ids is None:
        return None
    if isinstance(doc_ids, str):
        doc_ids = [doc_ids]
    doc_ids = list(doc_ids)
    if not doc_ids:
        raise InvalidRequestError(
            "doc_ids is empty: give the ids of the articles to search, or None for all of them."
        )
    found = set()
    for given in doc_ids:
        key = str(given).strip()
        matches = [d for d in documents if d == key] or [
            d for d in documents if key and d.startswith(key)
        ]
        if len(matches) != 1:
            problem = "matches several articles" if matches else "is not indexed"
            raise DocumentNotFoundError(
                f"document id {key[:80]!r} {problem}: see `bot.documents()` or "
                "`quotebot articles` for the ids."
            )
        found.add(matches[0])
    return frozenset(found)


def in_dates(date: str | None, since: str | None, until: str | None) -> bool:
    """Whether an article dated ``date`` passes the bounds (undated: only without bounds)."""
    if since is None and until is None:
        return True
    if not date:
        return False
    if since is not None and date[: len(since)] < since:
        return False
    return not (until is not None and date[: len(until)] > until)


def with_article(
    quote: Quote, document: Document | None, speaker: Speaker | None = None
) -> ArticleQuote:
    """``quote`` with its article's title, outlet and date, and the speaker's name as
    written with its honorific."""
    if isinstance(quote, ArticleQuote):
        quote = quote.stored()
    values: dict[str, Any] = {name: getattr(quote, name) for name in _QUOTE_FIELDS}
    if document is not None:
        values.update(article_title=document.title, outlet=document.outlet, date=document.date)
    if quote.speaker:
        values["speaker_label"] = display_name(speaker, quote.speaker)
    return ArticleQuote(**values)


def find_quotes(
    query: QuoteQuery,
    quotes: list[Quote],
    documents: Mapping[str, Document],
    retriever: Retriever,
    find_speaker: Callable[[str], Speaker | None],
) -> list[ArticleQuote]:
    """The quotes that answer ``query``, best first (at most ``query.k``)."""
    if query.k < 1:
        raise InvalidRequestError(f"k must be 1 or more, not {query.k}: ask for at least one.")
    since = check_date(query.since, "since")
    until = check_date(query.until, "until")
    names: set[str] | None = None
    if query.speaker is not None and query.speaker.strip():
        wanted = find_speaker(query.speaker)
        if wanted is not None:
            names = {wanted.name}
        else:  # part of a name ("Vaez") matches every speaker it is part of
            key = query.speaker.strip().lower()
            names = {q.speaker for q in quotes if q.speaker and key in q.speaker.lower()}
    scope = query.doc_ids

    def keep(doc_id: str, speaker: str | None) -> bool:
        if scope is not None and doc_id not in scope:
            return False
        if names is not None and speaker not in names:
            return False
        doc = documents.get(doc_id)
        return doc is not None and in_dates(doc.date, since, until)

    by_id = {q.quote_id: q for q in quotes if q.repeats is None}
    chosen: list[Quote]
    if query.about and query.about.strip():
        filtered = names is not None or since is not None or until is not None
        depth = retriever.store.size if filtered else None
        ranked = retriever.scoped(scope).units(query.about, kinds=("quote",), depth=depth)
        chosen = [
            by_id[s.unit.unit_id]
            for s in ranked
            if s.unit.unit_id in by_id and keep(s.unit.doc_id, s.unit.speaker)
        ]
    else:
        chosen = [q for q in by_id.values() if keep(q.doc_id, q.speaker)]
    return [
        with_article(q, documents.get(q.doc_id), find_speaker(q.speaker) if q.speaker else None)
        for q in chosen[: query.k]
    ]


METADATA_FIELDS = ("title", "outlet", "date")


def check_metadata(metadata: Mapping[str, str | None] | None) -> dict[str, Any]:
    """Article metadata given by the user (``title``, ``outlet``, ``date``), checked;
    blank values are dropped, so what was read from the text stays."""
    found: dict[str, Any] = {}  # Document fields, for dataclasses.replace
    for name, value in (metadata or {}).items():
        if name not in METADATA_FIELDS:
            raise InvalidRequestError(
                f"unknown article field {name!r}: give title, outlet or date."
            )
        if value is None or not str(value).strip():
            continue
        text = " ".join(str(value).split())
        if name == "date":
            text = check_date(text, "date") or ""
        found[name] = text[:300]
    return found
