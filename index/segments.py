"""Vector segments: one FAISS file per write batch, and their in-memory search blocks.

A segment file is a FAISS ``IndexIDMap2`` over an inner-product flat index whose ids are
the units' row numbers, so merging segments never renumbers a row. Segments only grow the
index; vectors of removed documents stay in their files, masked, until a merge drops them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.errors import ChecksumError, IndexMissingError
from index.manifest import MANIFEST, Segment, sha256

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
    index = faiss.IndexIDMap2(faiss.IndexFlatIP(vectors.shape[1]))
    index.add_with_ids(vectors, np.asarray(rows, dtype=np.int64))
    path = directory / name
    faiss.write_index(index, str(path))
    with path.open("rb") as fh:
        os.fsync(fh.fileno())
    return Segment(name, len(rows), sha256(path), tuple(sources))


def read_segment(directory: Path, segment: Segment, verify: bool) -> tuple[np.ndarray, np.ndarray]:
    """The row ids and vectors of a segment file (checked against its manifest checksum)."""
    path = directory / segment.name
    if not path.exists():
        raise IndexMissingError(
            f"{segment.name} named by {directory / MANIFEST} is missing: rebuild the index "
            "with `quotebot index`."
        )
    if verify and sha256(path) != segment.checksum:
        raise ChecksumError(
            f"{segment.name} does not match the checksum in {MANIFEST}: the file was changed or "
            "damaged; rebuild the index with `quotebot index`."
        )
    try:
        stored = faiss.read_index(str(path))  # owns the memory the downcast view uses
        index: Any = faiss.downcast_index(stored)
        rows = faiss.vector_to_array(index.id_map).astype(np.int64)
        inner: Any = faiss.downcast_index(index.index)
        vectors = inner.reconstruct_n(0, index.ntotal) if index.ntotal else np.zeros((0, stored.d))
    except (RuntimeError, AttributeError):
        raise ChecksumError(
            f"{segment.name} is not a readable vector segment: the file was changed or damaged; "
            "rebuild the index with `quotebot index`."
        ) from None
    return rows, np.asarray(vectors, dtype=np.float32)


def plan_merge(segments: Sequence[Segment], max_segments: int) -> list[Segment]:
    """The newest segments to merge into one when there are more than ``max_segments``:
    the run from the newest back while each older segment is no larger than the run so
    far, so a vector is rewritten about log(n) times over the life of the index."""
    if len(segments) <= max(1, max_segments):
        return []
    run = [segments[-1]]
    total = segments[-1].vectors
    for segment in reversed(segments[:-1]):
        if len(run) >= 2 and segment.vectors > total:
            break
        run.insert(0, segment)
        total += segment.vectors
    return run


@dataclass(frozen=True)
class Block:
    """Vectors held in memory for search: ascending row ids and a flat inner-product index."""

    rows: np.ndarray
    index: faiss.IndexFlatIP

    @classmethod
    def of(cls, rows: np.ndarray, vectors: np.ndarray) -> Block:
        index = faiss.IndexFlatIP(vectors.shape[1])
        if len(rows):
            index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        return cls(np.asarray(rows, dtype=np.int64), index)

    @property
    def size(self) -> int:
        return len(self.rows)

    def vectors(self) -> np.ndarray:
        return np.asarray(self.index.reconstruct_n(0, self.size), dtype=np.float32)

    def search(self, query: np.ndarray, k: int) -> list[tuple[int, float]]:
        if not self.size:
            return []
        scores, positions = self.index.search(query, min(k, self.size))
        return [
            (int(self.rows[p]), float(s))
            for s, p in zip(scores[0], positions[0], strict=True)
            if p >= 0
        ]


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
