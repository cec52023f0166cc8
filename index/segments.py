"""Vector segments: one FAISS file per write batch, and their in-memory search blocks.

A segment file is a FAISS ``IndexIDMap`` over an inner-product flat index whose ids are
the units' row numbers, so merging segments never renumbers a row. Segments only grow the
index; vectors of removed documents stay in their files, masked, until a merge drops them.
"""

from __future__ import annotations

import bisect
import dataclasses
import hashlib
import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.ann import AnnSettings, VectorIndex, flat_view
from index.errors import ChecksumError, IndexMissingError
from index.manifest import MANIFEST, Segment, damaged, sha256

SEGMENT_PREFIX = "seg-"
SEGMENT_SUFFIX = ".faiss"
MAX_BLOCKS = 8  # in-memory blocks before the newest are combined


def segment_name(generation: int) -> str:
    return f"{SEGMENT_PREFIX}{generation:08d}-{uuid.uuid4().hex[:8]}{SEGMENT_SUFFIX}"


def is_segment_file(name: str) -> bool:
    return name.startswith(SEGMENT_PREFIX) and name.endswith(SEGMENT_SUFFIX)


def write_segment(
    directory: Path, name: str, rows: np.ndarray, vectors: np.ndarray, sources: Sequence[str] = ()
) -> Segment:
    """Write ``vectors`` (ids ``rows``) to a new segment file, flushed to disk."""
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    index = faiss.IndexIDMap(faiss.IndexFlatIP(vectors.shape[1]))
    index.add_with_ids(vectors, np.asarray(rows, dtype=np.int64))
    data = faiss.serialize_index(index).tobytes()  # FAISS's own file format
    path = directory / name
    with path.open("wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    first, last = (int(rows.min()), int(rows.max())) if len(rows) else (0, -1)
    checksum = hashlib.sha256(data).hexdigest()
    return Segment(name, len(rows), checksum, tuple(sources), first, last, len(rows))


def check_segment(directory: Path, segment: Segment) -> None:
    """Raise ``ChecksumError`` if the segment file does not match its manifest checksum."""
    if sha256(directory / segment.name) != segment.checksum:
        raise damaged(directory / segment.name)


def read_segment(directory: Path, segment: Segment, verify: bool) -> tuple[np.ndarray, np.ndarray]:
    """The row ids and vectors of a segment file (checked against its manifest checksum)."""
    path = directory / segment.name
    if not path.exists():
        raise IndexMissingError(
            f"{segment.name} named by {directory / MANIFEST} is missing: rebuild the index "
            "with `quotebot index`."
        )
    if verify:
        check_segment(directory, segment)
    try:
        stored = faiss.read_index(str(path))  # owns the memory the downcast view uses
        index: Any = faiss.downcast_index(stored)
        rows = faiss.vector_to_array(index.id_map).astype(np.int64)
        inner: Any = faiss.downcast_index(index.index)
        vectors = _kept_alive(flat_view(inner), stored)  # the file's memory, not a copy
    except (RuntimeError, AttributeError):
        raise ChecksumError(
            f"{segment.name} is not a readable vector segment: the file was changed or damaged; "
            "rebuild the index with `quotebot index`."
        ) from None
    return rows, vectors


class _Owned:
    """An array interface that keeps the object owning its memory alive."""

    def __init__(self, view: np.ndarray, owner: Any) -> None:
        self.__array_interface__ = view.__array_interface__
        self.owner = owner


def _kept_alive(view: np.ndarray, owner: Any) -> np.ndarray:
    """``view`` (memory owned by ``owner``, e.g. a FAISS index) as a read-only array that
    keeps ``owner`` alive as long as it or any slice of it lives."""
    array = np.asarray(_Owned(view, owner))
    array.flags.writeable = False
    return array


def _tier(vectors: int, factor: int) -> int:
    tier = 0
    while vectors >= factor:
        vectors //= factor
        tier += 1
    return tier


def plan_merge(segments: Sequence[Segment], factor: int) -> list[Segment]:
    """The segments to rewrite into one now, or none: a segment with more than half its
    vectors masked (removed documents), else the newest ``factor`` or more segments
    whose size tier (log base ``factor`` of their vector count) is at most that of the
    smallest such run. A vector is rewritten about log(n) times over the life of an index."""
    factor = max(2, factor)
    for segment in segments:
        if segment.live * 2 < segment.vectors:
            return [segment]
    tiers = [_tier(s.vectors, factor) for s in segments]
    for tier in sorted(set(tiers)):
        run = 0
        for t in reversed(tiers):
            if t > tier:
                break
            run += 1
        if run >= factor:
            return list(segments[-run:])
    return []


def mark_removed(segments: list[Segment], rows: Iterable[int]) -> list[Segment]:
    """``segments`` with their live counts lowered for the masked ``rows``."""
    firsts = [s.first_row for s in segments]
    lost = [0] * len(segments)
    for row in rows:
        at = bisect.bisect_right(firsts, row) - 1
        if at >= 0 and row <= segments[at].last_row:
            lost[at] += 1
    return [
        dataclasses.replace(s, live=s.live - n) if n else s
        for s, n in zip(segments, lost, strict=True)
    ]


@dataclass(frozen=True)
class Block:
    """Vectors held in memory for search: ascending row ids and their vectors (searched
    exactly, or by IVF past ``AnnSettings.threshold``: ``index/ann.py``)."""

    rows: np.ndarray
    matrix: np.ndarray = field(repr=False)  # (len(rows), d) float32, read-only
    search_index: VectorIndex = field(compare=False, repr=False, default=None)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        if self.search_index is None:
            object.__setattr__(self, "search_index", VectorIndex(self.matrix))

    @classmethod
    def of(cls, rows: np.ndarray, vectors: np.ndarray) -> Block:
        """A block over ``vectors`` (used as they are when already float32 and contiguous)."""
        matrix = np.ascontiguousarray(vectors, dtype=np.float32)
        return cls(np.asarray(rows, dtype=np.int64), matrix)

    @property
    def size(self) -> int:
        return len(self.rows)

    def vectors(self) -> np.ndarray:
        return self.matrix

    def search(
        self,
        query: np.ndarray,
        k: int,
        allowed: np.ndarray | None = None,
        settings: AnnSettings | None = None,
    ) -> list[tuple[int, float]]:
        """Nearest ``(row, score)`` pairs, best first; ``allowed`` (sorted row ids) limits
        the search to those rows."""
        if not self.size:
            return []
        positions = None
        if allowed is not None:
            at = np.searchsorted(self.rows, allowed)
            inside = at < self.size
            at, wanted = at[inside], allowed[inside]
            positions = at[self.rows[at] == wanted]
            if not len(positions):
                return []
        found, scores = self.search_index.search(query, k, positions, settings)
        return [(int(self.rows[p]), float(s)) for p, s in zip(found, scores, strict=True)]


def combine(blocks: Iterable[Block], masked: frozenset[int]) -> Block | None:
    """One block holding the unmasked vectors of ``blocks``."""
    parts = [(b.rows, b.vectors()) for b in blocks if b.size]
    if not parts:
        return None
    rows = np.concatenate([r for r, _ in parts])
    vectors = np.concatenate([v for _, v in parts])
    if masked:
        keep = ~np.isin(rows, np.fromiter(masked, dtype=np.int64))
        rows, vectors = rows[keep], vectors[keep]
    return Block.of(rows, vectors)


def append_block(
    blocks: tuple[Block, ...], block: Block, masked: frozenset[int]
) -> tuple[Block, ...]:
    """``blocks`` plus ``block``; past ``MAX_BLOCKS`` the newest similar-sized ones are
    combined (in memory only), dropping masked vectors."""
    out = [*blocks, block]
    if len(out) <= MAX_BLOCKS:
        return tuple(out)
    run, total = [out.pop()], block.size
    while out and (len(run) < 2 or out[-1].size <= total):
        total += out[-1].size
        run.insert(0, out.pop())
    merged = combine(run, masked)
    return (*out, merged) if merged is not None else tuple(out)
