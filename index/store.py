"""The persisted index as readers see it: one committed generation, held in memory.

An index directory holds one SQLite database (WAL mode), vector segment files and
``manifest.json``, the commit point (see ``index/manifest.py``, ``index/database.py``,
``index/segments.py``; writes are in ``index/store_writer.py``). An ``IndexStore`` is an
immutable snapshot of one generation; ``refreshed()`` returns the snapshot of a newer
generation written by any process, reading only the batches and segments that changed.
Vector row numbers never leave this module and its helpers.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import numpy as np

from index import database
from index.ann import IVF_MIN_BLOCK, AnnSettings
from index.config import Config
from index.database import DocRecord
from index.errors import ChecksumError, IndexMissingError
from index.manifest import DATABASE, MANIFEST, Manifest, read_manifest
from index.pipeline import Unit
from index.segments import Block, append_block, combine, read_segment
from index.types import Document, Fact, Quote, Speaker

__all__ = ["IndexStore", "Manifest", "read_manifest"]

_RETRIES = 5  # a merge may delete a segment between reading the manifest and the file


class _Connection:
    """The snapshot chain's shared read connection (one statement at a time)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None

    def writer(self) -> sqlite3.Connection:
        """The connection writes go through (kept open: closing the last connection to a
        WAL database checkpoints it); use only while holding the write lock."""
        if self._writer is None:
            self._writer = database.connect(self.path, create=True)
        return self._writer

    def get(self) -> sqlite3.Connection:
        if self._conn is None:
            self._conn = database.connect(self.path)
            self._conn.execute("PRAGMA query_only=1")
        return self._conn

    def close(self) -> None:
        with self.lock:
            for conn in (self._conn, self._writer):
                if conn is not None:
                    conn.close()
            self._conn = self._writer = None


def _in_row_order(parts: Sequence[Block]) -> Block:
    """One block holding the vectors of ``parts`` (none masked), rows ascending."""
    joined = combine(parts, frozenset())
    assert joined is not None, "only called with vectors to join"
    if len(joined.rows) > 1 and not bool(np.all(joined.rows[1:] > joined.rows[:-1])):
        order = np.argsort(joined.rows, kind="stable")
        return Block.of(joined.rows[order], joined.vectors()[order])
    return joined


def _fingerprint(directory: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(directory / MANIFEST)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class _State:
    manifest: Manifest | None
    fingerprint: tuple[int, int, int] | None
    records: dict[str, DocRecord]
    blocks: tuple[Block, ...]
    masked: frozenset[int]
    segments: frozenset[str]


class IndexStore:
    """One committed generation of an index: its documents, extraction and vectors."""

    def __init__(self, directory: Path, state: _State, connection: _Connection) -> None:
        self.directory = directory
        self._state = state
        self._db = connection

    # -- opening and following newer generations -----------------------------------------
    @classmethod
    def open(cls, directory: Path, verify: bool = True) -> IndexStore:
        """Load the committed generation of ``directory`` (checksums checked if ``verify``)."""
        store = cls.empty(directory)
        for attempt in range(_RETRIES):
            try:
                return store._advance(read_manifest(directory), verify)
            except IndexMissingError:
                if attempt == _RETRIES - 1 or not (directory / MANIFEST).exists():
                    raise
        raise AssertionError("unreachable")

    @classmethod
    def empty(cls, directory: Path) -> IndexStore:
        state = _State(None, None, {}, (), frozenset(), frozenset())
        return cls(directory, state, _Connection(directory / DATABASE))

    def refreshed(self, verify: bool = True, force: bool = False) -> IndexStore:
        """This snapshot if the manifest is unchanged (one ``stat``; ``force`` reads the
        manifest regardless, as a writer must), else the newer generation, loading only
        new batches' rows and new segments."""
        fingerprint = _fingerprint(self.directory)
        if fingerprint == self._state.fingerprint and (not force or fingerprint is None):
            return self  # unchanged, or still no index written
        for attempt in range(_RETRIES):
            try:
                manifest = read_manifest(self.directory)
                if self.manifest is not None and manifest.generation == self.generation:
                    state = self._state
                    fingerprint = _fingerprint(self.directory)
                    self._state = _State(
                        state.manifest,
                        fingerprint,
                        state.records,
                        state.blocks,
                        state.masked,
                        state.segments,
                    )
                    return self
                return self._advance(manifest, verify)
            except IndexMissingError:
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _advance(self, manifest: Manifest, verify: bool) -> IndexStore:
        fingerprint = _fingerprint(self.directory)
        base, db = self._state, self._db
        if (
            base.manifest is None
            or manifest.index_id != base.manifest.index_id
            or manifest.generation < base.manifest.generation
        ):
            base = _State(None, None, {}, (), frozenset(), frozenset())
            if self.manifest is not None:  # another index now (rebuilt): its own database
                db = _Connection(self._db.path)
        after = base.manifest.generation if base.manifest is not None else 0
        with db.lock:
            try:
                changes = database.read_changes(db.get(), after, manifest.generation, verify)
            except sqlite3.DatabaseError:
                raise database.damaged(db.path) from None
        if changes.damaged():
            raise database.damaged(db.path)
        records = dict(base.records)
        masked = set(base.masked)
        for doc_id, batch in changes.removals:
            old = records.get(doc_id)
            if old is not None and old.batch < batch:
                del records[doc_id]
                masked.update(row for row, _ in old.units)
        wanted: set[int] = set()
        for record in changes.records:
            records[record.document.doc_id] = record
            wanted.update(row for row, _ in record.units)
        blocks, frozen_masked = base.blocks, frozenset(masked)
        needed = np.fromiter(wanted, dtype=np.int64, count=len(wanted))
        found = 0
        for segment in manifest.segments:
            in_range = (needed >= segment.first_row) & (needed <= segment.last_row)
            if segment.name in base.segments or not in_range.any():
                continue  # in memory already (or a merge of vectors this snapshot holds)
            rows, vectors = read_segment(self.directory, segment, verify)
            keep = np.isin(rows, needed)
            if keep.all():  # the usual case: the file's vectors as they are, no copy
                blocks = append_block(blocks, Block.of(rows, vectors), frozen_masked)
                found += len(rows)
            elif keep.any():
                blocks = append_block(blocks, Block.of(rows[keep], vectors[keep]), frozen_masked)
                found += int(keep.sum())
        if found != len(wanted):
            raise ChecksumError(
                f"the segments listed in {self.directory / MANIFEST} hold {found} of the "
                f"{len(wanted)} vectors its database rows need: the index is damaged; rebuild "
                "it with `quotebot index`."
            )
        segments = frozenset(s.name for s in manifest.segments)
        state = _State(manifest, fingerprint, records, blocks, frozen_masked, segments)
        return IndexStore(self.directory, state, db)

    def with_batch(
        self,
        manifest: Manifest,
        records: list[DocRecord],
        removed: list[str],
        vectors: np.ndarray,
    ) -> IndexStore:
        """The snapshot after this process's own commit, from what it wrote (no reads)."""
        state = self._state
        kept = dict(state.records)
        masked = set(state.masked)
        for doc_id in removed:
            old = kept.pop(doc_id, None)
            if old is not None:
                masked.update(row for row, _ in old.units)
        for record in records:
            kept[record.document.doc_id] = record
        rows = np.array([row for r in records for row, _ in r.units], dtype=np.int64)
        frozen = frozenset(masked)
        blocks = state.blocks
        if len(rows):
            blocks = append_block(blocks, Block.of(rows, vectors), frozen)
        segments = frozenset(s.name for s in manifest.segments)
        new = _State(manifest, _fingerprint(self.directory), kept, blocks, frozen, segments)
        return IndexStore(self.directory, new, self._db)

    def close(self) -> None:
        self._db.close()

    # -- contents ------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest | None:
        return self._state.manifest

    @property
    def generation(self) -> int:
        return self.manifest.generation if self.manifest is not None else 0

    @property
    def next_row(self) -> int:
        return self.manifest.next_row if self.manifest is not None else 1

    def live_rows(self, without: frozenset[str] = frozenset()) -> np.ndarray:
        """Row numbers of the vectors of every document (except ``without``)."""
        rows = [
            row
            for doc_id, record in self._state.records.items()
            if doc_id not in without
            for row, _ in record.units
        ]
        return np.array(rows, dtype=np.int64)

    def writer_connection(self) -> sqlite3.Connection:
        """The database connection for a write (the caller holds the write lock)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self._db.writer()

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._state.records

    def record(self, doc_id: str) -> DocRecord | None:
        return self._state.records.get(doc_id)

    @cached_property
    def documents(self) -> dict[str, Document]:
        return {doc_id: r.document for doc_id, r in self._state.records.items()}

    @cached_property
    def quotes(self) -> list[Quote]:
        return [q for r in self._state.records.values() for q in r.quotes]

    @cached_property
    def facts(self) -> list[Fact]:
        return [f for r in self._state.records.values() for f in r.facts]

    @cached_property
    def doc_speakers(self) -> list[Speaker]:
        return [s for r in self._state.records.values() for s in r.speakers]

    @cached_property
    def _units_by_row(self) -> dict[int, Unit]:
        found = {row: u for r in self._state.records.values() for row, u in r.units}
        return dict(sorted(found.items()))

    @property
    def units(self) -> list[Unit]:
        """Every indexed view, in row order (aligned with ``view_vectors()``)."""
        return list(self._units_by_row.values())

    # -- search --------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self._units_by_row)

    filters_in_store = True  # dense() applies doc_ids/kinds itself (index.store_protocol)

    @cached_property
    def _ann_settings(self) -> AnnSettings:
        config = self.manifest.config if self.manifest is not None else Config()
        return AnnSettings(threshold=config.ann_threshold, nprobe=config.ann_nprobe)

    def _allowed_rows(
        self, doc_ids: frozenset[str] | None, kinds: tuple[str, ...] | None
    ) -> np.ndarray:
        """Sorted row numbers of the live units of ``doc_ids`` (all when None) of ``kinds``."""
        records = self._state.records
        chosen = (
            records.values() if doc_ids is None else (records[d] for d in doc_ids if d in records)
        )
        rows = [row for r in chosen for row, u in r.units if kinds is None or u.kind in kinds]
        return np.unique(np.asarray(rows, dtype=np.int64))

    def dense(
        self,
        query: np.ndarray,
        k: int,
        doc_ids: frozenset[str] | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> list[tuple[Unit, float]]:
        """Nearest units by inner product (cosine on normalised vectors), restricted to
        ``doc_ids`` and ``kinds`` when given: exact while the index (or the filtered set)
        is small, IVF past ``Config.ann_threshold`` vectors (``index/ann.py``)."""
        if self.size == 0 or k < 1:
            return []
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        masked = self._state.masked
        allowed = None
        if doc_ids is not None or kinds is not None:
            allowed = self._allowed_rows(doc_ids, kinds)
            if not len(allowed):
                return []
        settings = self._ann_settings
        if self.size < settings.threshold:  # every block exact
            settings = dataclasses.replace(settings, threshold=self.size + 1)
        else:  # every block big enough for IVF to pay gets it
            settings = dataclasses.replace(
                settings, threshold=min(settings.threshold, IVF_MIN_BLOCK)
            )
        fetch = k if allowed is not None else k + len(masked)
        hits = [
            (row, score)
            for block in self._state.blocks
            for row, score in block.search(q, fetch, allowed, settings)
            if row not in masked
        ]
        hits.sort(key=lambda h: (-h[1], h[0]))
        units = self._units_by_row
        return [(units[row], score) for row, score in hits[:k]]

    def view_vectors(self) -> np.ndarray:
        """The stored vector of every indexed view, aligned with ``self.units`` (one
        read-only matrix per snapshot, shared by everything that asks for it)."""
        return self._view_vectors

    @cached_property
    def _view_vectors(self) -> np.ndarray:
        if self.size == 0:
            return np.zeros((0, 0), dtype=np.float32)
        state = self._state
        if not state.masked and sum(b.size for b in state.blocks) == self.size:
            # the blocks hold every view and nothing else: joined in row order (a block's
            # rows ascend) they are the matrix itself, and this snapshot searches the joined
            # block from now on (same vectors; the memory of one copy, not two)
            if len(state.blocks) > 1:
                self._state = dataclasses.replace(state, blocks=(_in_row_order(state.blocks),))
            matrix = self._state.blocks[0].vectors().view()
            matrix.flags.writeable = False
            return matrix
        rows = np.concatenate([b.rows for b in self._state.blocks])
        vectors = np.concatenate([b.vectors() for b in self._state.blocks])
        keep = np.isin(rows, np.fromiter(self._units_by_row, dtype=np.int64, count=self.size))
        order = np.argsort(rows[keep], kind="stable")
        matrix = np.ascontiguousarray(vectors[keep][order])
        matrix.flags.writeable = False
        return matrix

    def keyword(self, terms: list[str], k: int) -> list[tuple[Unit, float]]:
        """BM25 (FTS5) ranking of units for any of ``terms``; higher score is better."""
        if not terms or self.size == 0:
            return []
        query = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        units = self._units_by_row
        with self._db.lock:
            found = database.keyword(
                self._db.get(), query, self.next_row, k + len(self._state.masked)
            )
        return [(units[row], score) for row, score in found if row in units][:k]

    def vocabulary_has(self, term: str) -> bool:
        """Whether ``term`` (after the FTS tokenizer) occurs anywhere in the index."""
        if self.size == 0:
            return False
        with self._db.lock:
            return database.has_term(
                self._db.get(), '"' + term.replace('"', "") + '"', self.next_row
            )
