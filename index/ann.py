"""Vector search chosen by size: exact while it is fast, FAISS IVF-flat beyond a threshold.

An index holding fewer than ``Config.ann_threshold`` vectors is searched exactly (a flat
inner-product scan of each block, ``index.segments.Block``); past it, every block of at
least ``IVF_MIN_BLOCK`` vectors answers from an inverted-file index (IVF-flat, about
``sqrt(n)`` lists trained on a sample, ``Config.ann_nprobe`` lists probed), built on the
block's first search. IVF-flat: on this 2-core machine it builds a million vectors in
about 80 s, answers in about 14 ms p50 with recall@10 0.99 against exact search, and
searches under a filter by probing more lists (``eval/bench_ann.py``); HNSW was not
measured against it.

Filters (a set of allowed positions) stay correct: a filter leaving at most
``exact_limit`` vectors is searched exactly over just those vectors; a wider one runs IVF
with FAISS's id selector and ``nprobe`` scaled by the inverse of the share kept (at most
``WIDEN`` times). A request for more neighbours than the probed lists hold on average
falls back to exact search.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import faiss
import numpy as np

TRAIN_PER_LIST = 64  # k-means training sample: this many vectors per list
EXACT_LIMIT = 20_000  # filtered sets this small are scanned exactly
# An IVF search runs on one OpenMP thread (a FAISS flat search of 50,000 vectors took 15.8
# ms on one thread and 50.3 ms on two on this shared 2-core machine; concurrent requests
# use the cores); building an IVF index uses them all. Exact search is numpy's BLAS.
SEARCH_THREADS = 1
IVF_MIN_BLOCK = 16_384  # past the store's threshold, blocks this big get an IVF index
WIDEN = 4  # a filtered IVF search probes at most this many times the lists


@contextmanager
def faiss_threads(n: int) -> Iterator[None]:
    """Run FAISS on ``n`` OpenMP threads, then give the calling thread its count back.

    FAISS and torch share one OpenMP runtime: a process-wide ``omp_set_num_threads(1)``
    also pinned the embedder to one thread (a query embedding took 9.6 ms instead of 6.0)."""
    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


@dataclass(frozen=True)
class AnnSettings:
    """When and how approximate search runs (from ``Config``)."""

    threshold: int = 100_000  # a block of this many vectors or more gets an IVF index
    nprobe: int = 24  # lists probed per query
    exact_limit: int = EXACT_LIMIT


def lists_for(n: int) -> int:
    """IVF lists for ``n`` vectors: the power of two nearest ``sqrt(n)`` (at least 16)."""
    return max(16, 2 ** round(math.log2(max(1.0, math.sqrt(n)))))


def flat_view(index: faiss.IndexFlat) -> np.ndarray:
    """The vectors of a flat index as a read-only numpy view (no copy)."""
    n, d = index.ntotal, index.d
    if n == 0:
        return np.zeros((0, d), dtype=np.float32)
    view = faiss.rev_swig_ptr(index.get_xb(), n * d).reshape(n, d)
    view.flags.writeable = False
    return view


def build_ivf(vectors: np.ndarray, nlist: int | None = None, seed: int = 0) -> faiss.IndexIVFFlat:
    """An IVF-flat inner-product index over ``vectors`` (ids are their positions)."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    n, d = vectors.shape
    nlist = nlist or lists_for(n)
    quantizer = faiss.IndexFlatIP(d)
    index = faiss.IndexIVFFlat(quantizer, d, nlist, faiss.METRIC_INNER_PRODUCT)
    index.cp.seed = seed
    rng = np.random.default_rng(seed)
    sample = min(n, nlist * TRAIN_PER_LIST)
    with faiss_threads(os.cpu_count() or 1):
        chosen = np.sort(rng.choice(n, sample, replace=False)) if sample < n else slice(None)
        index.train(vectors[chosen])
        index.add(vectors)
    return index


def exact(
    vectors: np.ndarray, query: np.ndarray, k: int, allowed: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Exact top ``k`` positions and scores (best first) over ``vectors`` or the
    ``allowed`` positions of it."""
    candidates = vectors if allowed is None else vectors[allowed]
    if len(candidates) == 0 or k < 1:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    scores = candidates @ query.reshape(-1).astype(np.float32)
    k = min(k, len(scores))
    top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
    positions = top if allowed is None else allowed[top]
    order = np.lexsort((positions, -scores[top]))
    return positions[order].astype(np.int64), scores[top][order]


@dataclass
class VectorIndex:
    """One block's vectors with exact search and, past the threshold, an IVF index built
    on first use (thread-safe)."""

    vectors: np.ndarray  # (n, d) float32, searched exactly by numpy's BLAS
    _ivf: Any = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def size(self) -> int:
        return len(self.vectors)

    def ivf(self) -> faiss.IndexIVFFlat:
        with self._lock:
            if self._ivf is None:
                self._ivf = build_ivf(self.vectors)
            return self._ivf

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        settings: AnnSettings | None = None,
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` positions and scores, best first; ``allowed`` (sorted positions)
        restricts the search to those vectors."""
        settings = settings or AnnSettings()
        n = self.size
        if n == 0 or k < 1 or (allowed is not None and len(allowed) == 0):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        kept = n if allowed is None else len(allowed)
        if allowed is not None and kept <= settings.exact_limit:
            return exact(self.vectors, q, k, allowed)
        if n < settings.threshold:  # numpy's BLAS scan: 1.9 ms where FAISS's flat took 3.4
            return exact(self.vectors, q, k, allowed)
        index = self.ivf()
        share = kept / n
        nprobe = min(index.nlist, math.ceil(settings.nprobe / share), settings.nprobe * WIDEN)
        if k * 2 > nprobe * kept / index.nlist:  # the probed lists would hardly hold k
            return exact(self.vectors, q, k, allowed)
        params = faiss.SearchParametersIVF()
        params.nprobe = nprobe
        selector = None  # kept referenced while FAISS uses it
        if allowed is not None:
            bits = np.zeros(n, dtype=bool)
            bits[allowed] = True
            bitmap = np.packbits(bits, bitorder="little")
            selector = faiss.IDSelectorBitmap(n, faiss.swig_ptr(bitmap))
            params.sel = selector
        with faiss_threads(SEARCH_THREADS):
            scores, positions = index.search(q, min(k, kept), params=params)
        found = positions[0] >= 0
        del selector
        return positions[0][found].astype(np.int64), scores[0][found]
