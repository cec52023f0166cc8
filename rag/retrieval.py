"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) scores fused per unit or paragraph.

A candidate scores its best cosine similarity plus ``keyword_weight`` times its best
BM25 score normalised by the query's top BM25 score, plus any question-aware boost.
Units have several indexed views (e.g. a quote with and without its speaker's name);
views share the unit id and the best view counts.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from threading import Lock
from typing import Literal

import numpy as np

from index.config import Config
from index.embedders.base import Embedder
from index.pipeline import Unit
from index.store import IndexStore
from rag.places import place_forms
from rag.text import content_words, synonyms
from rag.types import Hit

Mode = Literal["hybrid", "dense", "keyword"]
QUERY_CACHE_SIZE = 512


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float
    dense: float  # best cosine similarity of the unit's views (0 when not retrieved densely)
    keyword: bool


def _key(unit: Unit) -> str:
    return f"{unit.doc_id}#{unit.paragraph}"


class Retriever:
    """Ranks the units and paragraphs of one store for a query."""

    def __init__(self, store: IndexStore, embedder: Embedder, config: Config) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def embed_query(self, query: str) -> np.ndarray:
        """The query's vector, cached: one question is embedded once per answer."""
        with self._lock:
            if query in self._cache:
                self._cache.move_to_end(query)
                return self._cache[query]
        vector = self.embedder.embed([query])[0]
        with self._lock:
            self._cache[query] = vector
            if len(self._cache) > QUERY_CACHE_SIZE:
                self._cache.popitem(last=False)
        return vector

    def _keywords(self, query: str) -> list[str]:
        """The query's content words; a country word the index lacks ("Damascus") also
        searches for the country's other forms ("Syrian"), and another word it lacks
        ("misjudge") for its synonyms ("underestimated")."""
        terms = content_words(query)
        found = list(terms)
        for term in terms:
            alternatives = [*sorted(place_forms(term)), *synonyms(term)]
            if alternatives and not self.store.vocabulary_has(term):
                found += alternatives
        return list(dict.fromkeys(found))

    def clear_cache(self) -> None:
        with self._lock:
            self._cache.clear()

    def _fused(
        self,
        query: str,
        mode: Mode,
        n: int,
        key: Callable[[Unit], str],
        kinds: tuple[str, ...] | None = None,
    ) -> tuple[dict[str, float], dict[str, float], dict[str, float], dict[str, Unit]]:
        dense: dict[str, float] = {}
        keyword: dict[str, float] = {}
        first: dict[str, Unit] = {}
        if mode in ("hybrid", "dense"):
            for unit, score in self.store.dense(self.embed_query(query), n):
                if kinds and unit.kind not in kinds:
                    continue
                k = key(unit)
                first.setdefault(k, unit)
                dense[k] = max(dense.get(k, -1.0), score)
        if mode in ("hybrid", "keyword"):
            found = [
                (u, s)
                for u, s in self.store.keyword(self._keywords(query), n)
                if not kinds or u.kind in kinds
            ]
            top = max((s for _, s in found), default=0.0) or 1.0
            for unit, score in found:
                k = key(unit)
                first.setdefault(k, unit)
                keyword[k] = max(keyword.get(k, 0.0), score / top)
        weight = self.config.keyword_weight if mode == "hybrid" else 1.0
        fused = {k: dense.get(k, 0.0) + weight * keyword.get(k, 0.0) for k in first}
        return fused, dense, keyword, first

    def units(
        self, query: str, mode: Mode = "hybrid", kinds: tuple[str, ...] | None = None
    ) -> list[Scored]:
        """Units ranked for ``query``, best first (restricted to ``kinds`` when given)."""
        n = self.config.candidates * (6 if kinds else 3)
        fused, dense, keyword, first = self._fused(query, mode, n, lambda u: u.unit_id, kinds)
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        return [Scored(first[k], s, dense.get(k, 0.0), k in keyword) for k, s in ranked]

    def paragraphs(
        self, query: str, k: int, mode: Mode = "hybrid", boost: dict[str, float] | None = None
    ) -> list[Hit]:
        """Paragraph hits; ``boost`` is keyed ``doc_id#paragraph``."""
        fused, _, _, _ = self._fused(query, mode, self.config.candidates * 3, _key)
        for key, extra in (boost or {}).items():
            if key in fused:
                fused[key] += extra
        hits = []
        for key, score in sorted(fused.items(), key=lambda item: -item[1])[:k]:
            doc_id, number = key.rsplit("#", 1)
            paragraph = self.store.documents[doc_id].paragraph(int(number))
            hits.append(
                Hit(
                    doc_id,
                    paragraph.number,
                    paragraph.start,
                    paragraph.end,
                    paragraph.text,
                    score,
                    "paragraph",
                )
            )
        return hits
