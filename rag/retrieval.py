"""Hybrid retrieval: dense (FAISS) and keyword (FTS5 BM25) rankings fused by reciprocal rank."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from index.config import Config
from index.embedders.base import Embedder
from index.pipeline import Unit
from index.store import IndexStore
from rag.text import content_words
from rag.types import Hit

Mode = Literal["hybrid", "dense", "keyword"]


@dataclass(frozen=True)
class Scored:
    unit: Unit
    score: float
    dense: float  # best cosine similarity seen for this unit (0 when not retrieved densely)
    keyword: bool


def rrf(rankings: Iterable[list[str]], k: int, weights: Iterable[float]) -> dict[str, float]:
    """Reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, key in enumerate(ranking, start=1):
            fused[key] = fused.get(key, 0.0) + weight / (k + rank)
    return fused


class Retriever:
    """Ranks the units of one store for a query."""

    def __init__(self, store: IndexStore, embedder: Embedder, config: Config) -> None:
        self.store = store
        self.embedder = embedder
        self.config = config

    def units(
        self,
        query: str,
        mode: Mode = "hybrid",
        kinds: tuple[str, ...] | None = None,
        extra_terms: tuple[str, ...] = (),
    ) -> list[Scored]:
        """Units ranked for ``query``, best first (restricted to ``kinds`` when given)."""
        n = self.config.candidates
        dense: list[tuple[Unit, float]] = []
        keyword: list[tuple[Unit, float]] = []
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed([query])[0]
            dense = self.store.dense(vector, n * 3 if kinds else n)
        if mode in ("hybrid", "keyword"):
            terms = [*content_words(query), *extra_terms]
            keyword = self.store.keyword(terms, n * 3 if kinds else n)
        if kinds:
            dense = [(u, s) for u, s in dense if u.kind in kinds]
            keyword = [(u, s) for u, s in keyword if u.kind in kinds]
        by_id = {u.unit_id: u for u, _ in [*dense, *keyword]}
        cosine = {u.unit_id: s for u, s in dense}
        in_keyword = {u.unit_id for u, _ in keyword}
        fused = rrf(
            [[u.unit_id for u, _ in dense], [u.unit_id for u, _ in keyword]],
            self.config.rrf_k,
            [1.0, 1.0],
        )
        ranked = sorted(fused.items(), key=lambda item: -item[1])
        return [
            Scored(by_id[key], score, cosine.get(key, 0.0), key in in_keyword)
            for key, score in ranked
        ]

    def paragraphs(
        self, query: str, k: int, mode: Mode = "hybrid", boost: dict[str, float] | None = None
    ) -> list[Hit]:
        """Paragraph-level hits.

        A paragraph scores the best cosine similarity of its units (chunk, quotes,
        facts) plus ``keyword_weight`` times its best BM25 score, normalised by the top
        BM25 score of the query, plus any ``boost`` (keyed ``doc_id#paragraph``).
        """
        n = self.config.candidates * 3
        dense: dict[str, float] = {}
        keyword: dict[str, float] = {}
        if mode in ("hybrid", "dense"):
            vector = self.embedder.embed([query])[0]
            for unit, score in self.store.dense(vector, n):
                key = _key(unit)
                dense[key] = max(dense.get(key, -1.0), score)
        if mode in ("hybrid", "keyword"):
            found = self.store.keyword(content_words(query), n)
            top = max((s for _, s in found), default=0.0) or 1.0
            for unit, score in found:
                key = _key(unit)
                keyword[key] = max(keyword.get(key, 0.0), score / top)
        weight = self.config.keyword_weight if mode == "hybrid" else 1.0
        fused = {
            key: dense.get(key, 0.0) + weight * keyword.get(key, 0.0) + (boost or {}).get(key, 0.0)
            for key in {*dense, *keyword}
        }
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


def _key(unit: Unit) -> str:
    return f"{unit.doc_id}#{unit.paragraph}"


def _paragraph_order(units: Iterable[Unit]) -> list[str]:
    order: list[str] = []
    for unit in units:
        key = f"{unit.doc_id}#{unit.paragraph}"
        if key not in order:
            order.append(key)
    return order
