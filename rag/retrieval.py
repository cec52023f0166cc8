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
from typing import Literal, cast

import numpy as np

from index.config import Config
from index.embedders.base import Embedder
from index.pipeline import Unit
from index.store_protocol import FilteringStore, Store
from rag.places import place_forms
from rag.text import content_words
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

    def __init__(
        self,
        store: Store,
        embedder: Embedder,
        config: Config,
        scope: frozenset[str] | None = None,
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config
        self.scope = scope  # the documents searched (None: all)
        self._cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = Lock()

    def scoped(self, doc_ids: frozenset[str] | None) -> Retriever:
        """A retriever over the units of ``doc_ids`` only (sharing the query cache)."""
        if doc_ids is None:
            return self
        scoped = Retriever(self.store, self.embedder, self.config, frozenset(doc_ids))
        scoped._cache, scoped._lock = self._cache, self._lock
        return scoped

    def _depth(self, n: int) -> int:
        """Candidates to fetch so that about ``n`` fall inside the scope."""
        if self.scope is None:
            return n
        total = max(1, len(self.store.documents))
        share = max(1, len(self.scope & self.store.documents.keys()))
        return min(max(n, self.store.size), n * -(-total // share))

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
        searches for the country's other forms ("Syrian")."""
        terms = content_words(query)
        found = list(terms)
        for term in terms:
            alternatives = sorted(place_forms(term))
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
        scope, wanted, n = self.scope, n, self._depth(n)
        if mode in ("hybrid", "dense"):
            vector = self.embed_query(query)
            # scoped in the store, no over-fetch (see ``FilteringStore``)
            if getattr(self.store, "filters_in_store", False):
                nearest = cast(FilteringStore, self.store).dense(vector, wanted, scope)
            else:
                nearest = self.store.dense(vector, n)
            for unit, score in nearest:
                if (kinds and unit.kind not in kinds) or (
                    scope is not None and unit.doc_id not in scope
                ):
                    continue
                k = key(unit)
                first.setdefault(k, unit)
                dense[k] = max(dense.get(k, -1.0), score)
        if mode in ("hybrid", "keyword"):
            found = [
                (u, s)
                for u, s in self.store.keyword(self._keywords(query), n)
                if (not kinds or u.kind in kinds) and (scope is None or u.doc_id in scope)
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
        self,
        query: str,
        mode: Mode = "hybrid",
        kinds: tuple[str, ...] | None = None,
        depth: int | None = None,
    ) -> list[Scored]:
        """Units ranked for ``query``, best first (restricted to ``kinds`` when given);
        ``depth`` views are fetched per ranking (default: ``Config.candidates`` times 6 or 3)."""
        n = depth or self.config.candidates * (6 if kinds else 3)
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
