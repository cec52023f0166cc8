"""The persisted index as readers see it: one committed generation.

An index directory holds one SQLite database (WAL mode), vector segment files and
``manifest.json``, the commit point (see ``index/manifest.py``, ``index/database.py``,
``index/segments.py``; writes are in ``index/store_writer.py``). An ``IndexStore`` is an
immutable snapshot of one generation; ``refreshed()`` returns the snapshot of a newer
generation written by any process, reading only the batches and segments that changed.

A snapshot holds in memory what search needs: the vectors and the catalog
(``index/catalog.py``: each document's metadata and its units' rows). Document text,
paragraphs, quotes, facts, speakers and unit text are read from SQLite when asked for.
Integrity is checked lazily: a segment's checksum before its vectors are first searched,
a document's digest when it is first read, everything at once by ``check()``.
Vector row numbers never leave this module and its helpers: ``store_state.py`` (what a
snapshot holds), ``store_shared.py`` (connections, caches and reads shared across
snapshots), ``store_documents.py`` (the lazy documents mapping), ``store_vectors.py``
(vector search and the view matrix) and ``store_integrity.py`` (checksums and digests).
"""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Mapping
from functools import cached_property
from pathlib import Path

import numpy as np

from index import catalog, database
from index.ann import AnnSettings
from index.catalog import DocEntry
from index.config import Config
from index.database import DocRecord
from index.errors import ChecksumError, IndexMissingError
from index.manifest import DATABASE, MANIFEST, Manifest, read_manifest
from index.pipeline import Unit
from index.segments import Block, append_block, read_segment
from index.store_documents import LazyDocuments
from index.store_integrity import check_all, check_read_segments
from index.store_shared import DOCUMENT_CACHE as DOCUMENT_CACHE
from index.store_shared import UNIT_CACHE as UNIT_CACHE
from index.store_shared import SharedDatabase
from index.store_state import EMPTY, AllRows, SnapshotState, manifest_fingerprint
from index.store_vectors import nearest_rows, view_matrix
from index.types import Document, Fact, Quote, Speaker

__all__ = ["IndexStore", "Manifest", "read_manifest"]

_RETRIES = 5  # a merge may delete a segment between reading the manifest and the file


class IndexStore:
    """One committed generation of an index: its catalog and vectors in memory, the rest
    read from its database on demand."""

    def __init__(self, directory: Path, state: SnapshotState, shared: SharedDatabase) -> None:
        self.directory = directory
        self._state = state
        self._db = shared

    # -- opening and following newer generations -----------------------------------------
    @classmethod
    def open(cls, directory: Path, verify: bool = True) -> IndexStore:
        """Load the committed generation of ``directory``: its catalog and vectors (with
        ``verify``, checksums and digests are checked as the data is first used)."""
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
        return cls(directory, EMPTY, SharedDatabase(directory / DATABASE))

    def refreshed(self, verify: bool = True, force: bool = False) -> IndexStore:
        """This snapshot if the manifest is unchanged (one ``stat``; ``force`` reads the
        manifest regardless, as a writer must), else the newer generation, loading only
        new batches' catalog entries and new segments."""
        fingerprint = manifest_fingerprint(self.directory)
        if fingerprint == self._state.fingerprint and (not force or fingerprint is None):
            return self  # unchanged, or still no index written
        for attempt in range(_RETRIES):
            try:
                manifest = read_manifest(self.directory)
                if self.manifest is not None and manifest.generation == self.generation:
                    fingerprint = manifest_fingerprint(self.directory)
                    self._state = dataclasses.replace(self._state, fingerprint=fingerprint)
                    return self
                return self._advance(manifest, verify)
            except IndexMissingError:
                if attempt == _RETRIES - 1:
                    raise
        raise AssertionError("unreachable")

    def _advance(self, manifest: Manifest, verify: bool) -> IndexStore:
        fingerprint = manifest_fingerprint(self.directory)
        base, db = self._state, self._db
        if (
            base.manifest is None
            or manifest.index_id != base.manifest.index_id
            or manifest.generation < base.manifest.generation
        ):
            base = EMPTY
            if self.manifest is not None:  # another index now (rebuilt): its own database
                db = SharedDatabase(self._db.path)
        after = base.manifest.generation if base.manifest is not None else 0
        changes = db.read(lambda conn: catalog.read_catalog(conn, after, manifest.generation))
        entries = dict(base.entries)
        masked = set(base.masked)
        for doc_id, batch in changes.removals:
            old = entries.get(doc_id)
            if old is not None and old.batch < batch:
                del entries[doc_id]
                masked.update(old.rows().tolist())
        wanted = []
        for entry in changes.entries:
            entries[entry.doc_id] = entry
            wanted.append(entry.rows())
        blocks, frozen_masked = base.blocks, frozenset(masked)
        needed = np.concatenate(wanted) if wanted else np.zeros(0, dtype=np.int64)
        found, read = 0, list(base.read)
        for segment in manifest.segments:
            in_range = (needed >= segment.first_row) & (needed <= segment.last_row)
            if segment.name in base.segments or not in_range.any():
                continue  # in memory already (or a merge of vectors this snapshot holds)
            rows, vectors = read_segment(self.directory, segment, verify=False)
            read.append(segment)
            keep = np.isin(rows, needed)
            if int(keep.sum()) != int(in_range.sum()):  # no other segment holds these rows
                raise ChecksumError(
                    f"{segment.name} lacks vectors {MANIFEST} says it holds: the file was "
                    "changed or damaged; rebuild the index with `quotebot index`."
                )
            if keep.all():  # the usual case: the file's vectors as they are, no copy
                blocks = append_block(blocks, Block.of(rows, vectors), frozen_masked)
                found += len(rows)
            elif keep.any():
                blocks = append_block(blocks, Block.of(rows[keep], vectors[keep]), frozen_masked)
                found += int(keep.sum())
        if found != len(needed):
            raise ChecksumError(
                f"the segments listed in {self.directory / MANIFEST} hold {found} of the "
                f"{len(needed)} vectors its database rows need: the index is damaged; rebuild "
                "it with `quotebot index`."
            )
        segments = frozenset(s.name for s in manifest.segments)
        state = SnapshotState(
            manifest, fingerprint, entries, blocks, frozen_masked, segments, tuple(read), verify
        )
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
        kept = dict(state.entries)
        masked = set(state.masked)
        for doc_id in removed:
            old = kept.pop(doc_id, None)
            if old is not None:
                masked.update(old.rows().tolist())
        for record in records:
            kept[record.document.doc_id] = DocEntry.of(record)
            self._db.verified_documents.add((record.document.doc_id, record.batch))
        rows = np.array([row for r in records for row, _ in r.units], dtype=np.int64)
        frozen = frozenset(masked)
        blocks = state.blocks
        if len(rows):
            blocks = append_block(blocks, Block.of(rows, vectors), frozen)
        segments = frozenset(s.name for s in manifest.segments)
        new = dataclasses.replace(
            state,
            manifest=manifest,
            fingerprint=manifest_fingerprint(self.directory),
            entries=kept,
            blocks=blocks,
            masked=frozen,
            segments=segments,
        )
        return IndexStore(self.directory, new, self._db)

    def close(self) -> None:
        self._db.close()

    # -- integrity -----------------------------------------------------------------------
    def _check_segments(self) -> None:
        """Check the checksum of every segment this snapshot read vectors from and has not
        checked yet (a file merged away since was checked by the writer that merged it)."""
        check_read_segments(self.directory, self._state, self._db)

    def check(self) -> None:
        """Check every segment's checksum and every document's digest now (what opening
        leaves to first use); raises ``ChecksumError`` naming the damaged file."""
        if self.manifest is not None:
            check_all(self.directory, self.manifest, self._db)

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
        parts = [e.rows() for d, e in self._state.entries.items() if d not in without]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def writer_connection(self) -> sqlite3.Connection:
        """The database connection for a write (the caller holds the write lock)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        return self._db.writer()

    def __contains__(self, doc_id: str) -> bool:
        return doc_id in self._state.entries

    def entry(self, doc_id: str) -> DocEntry | None:
        """The catalog entry of ``doc_id`` (metadata and rows), if it is indexed."""
        return self._state.entries.get(doc_id)

    def row_counts(self, doc_id: str) -> dict[str, int]:
        """Rows per table of ``doc_id`` (empty when it is not indexed)."""
        entry = self.entry(doc_id)
        if entry is None:
            return {}
        return self._db.read(lambda conn: catalog.row_counts(conn, entry))

    @cached_property
    def documents(self) -> Mapping[str, Document]:
        return LazyDocuments(self._state.entries, self._document, self._all_documents)

    def _document(self, entry: DocEntry) -> Document:
        """One document, read (and its digest checked, once per process) if not cached."""
        return self._db.read_document(entry, self._state.verify)

    def _all_documents(self) -> list[Document]:
        """Every document in catalog order: as the full read left them in memory, else read
        in one scan (their digests were checked by the full read)."""
        entries = list(self._state.entries.values())
        if not entries:
            return []
        self._everything  # noqa: B018 (the full read: digests checked, documents cached)
        return self._db.read_documents(entries)

    @cached_property
    def _everything(self) -> AllRows:
        """Every row of the snapshot, read in one pass when something first asks for all
        quotes, facts, speakers or units (the answer path does, on its first question),
        with each document's digest checked unless this process checked it before. The
        documents go to the cache (as many as it keeps); the lists stay with the snapshot."""
        if not self._state.entries:  # also: nothing written yet, no database to read
            return AllRows([], [], [], {})
        return self._db.read_all_rows(self._state, self.generation, self._rows)

    @property
    def quotes(self) -> list[Quote]:
        return self._everything.quotes

    @property
    def facts(self) -> list[Fact]:
        return self._everything.facts

    @property
    def doc_speakers(self) -> list[Speaker]:
        return self._everything.speakers

    @cached_property
    def _rows(self) -> np.ndarray:
        """Row numbers of every live unit, ascending."""
        return np.sort(self.live_rows())

    @property
    def _units_by_row(self) -> dict[int, Unit]:
        return self._everything.units

    def _units_at(self, rows: list[int]) -> Mapping[int, Unit]:
        """The units of ``rows`` (and maybe more) by row: every unit when all are in
        memory, else those of ``rows`` from the cache or the database."""
        if "_everything" in self.__dict__:
            return self._units_by_row
        return self._db.read_units(rows)

    @property
    def units(self) -> list[Unit]:
        """Every indexed view, in row order (aligned with ``view_vectors()``)."""
        return list(self._units_by_row.values())

    # -- search --------------------------------------------------------------------------
    @property
    def size(self) -> int:
        return len(self._rows)

    def _live(self, rows: list[int]) -> list[bool]:
        """Whether each of ``rows`` is a unit of this snapshot."""
        live, wanted = self._rows, np.asarray(rows, dtype=np.int64)
        at = np.minimum(np.searchsorted(live, wanted), max(0, len(live) - 1))
        return (live[at] == wanted).tolist() if len(live) else [False] * len(rows)

    filters_in_store = True  # dense() applies doc_ids/kinds itself (index.store_protocol)

    @cached_property
    def _ann_settings(self) -> AnnSettings:
        config = self.manifest.config if self.manifest is not None else Config()
        return AnnSettings(threshold=config.ann_threshold, nprobe=config.ann_nprobe)

    def _allowed_rows(
        self, doc_ids: frozenset[str] | None, kinds: tuple[str, ...] | None
    ) -> np.ndarray:
        """Sorted row numbers of the live units of ``doc_ids`` (all when None) of ``kinds``."""
        entries = self._state.entries
        chosen = (
            entries.values() if doc_ids is None else (entries[d] for d in doc_ids if d in entries)
        )
        parts = [e.rows(kinds) for e in chosen]
        return np.unique(np.concatenate(parts)) if parts else np.zeros(0, dtype=np.int64)

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
        self._check_segments()
        q = np.ascontiguousarray(query.reshape(1, -1), dtype=np.float32)
        allowed = None
        if doc_ids is not None or kinds is not None:
            allowed = self._allowed_rows(doc_ids, kinds)
            if not len(allowed):
                return []
        state = self._state
        hits = nearest_rows(
            state.blocks, state.masked, q, k, allowed, self._ann_settings, self.size
        )
        units = self._units_at([row for row, _ in hits])
        return [(units[row], score) for row, score in hits if row in units]

    def view_vectors(self) -> np.ndarray:
        """The stored vector of every indexed view, aligned with ``self.units`` (one
        read-only matrix per snapshot, shared by everything that asks for it)."""
        self._check_segments()
        return self._view_vectors

    @cached_property
    def _view_vectors(self) -> np.ndarray:
        if self.size == 0:
            return np.zeros((0, 0), dtype=np.float32)
        state = self._state
        blocks, matrix = view_matrix(state.blocks, state.masked, self._rows)
        if blocks is not state.blocks:  # joined: searched as one block from now on
            self._state = dataclasses.replace(state, blocks=blocks)
        return matrix

    def keyword(self, terms: list[str], k: int) -> list[tuple[Unit, float]]:
        """BM25 (FTS5) ranking of units for any of ``terms``; higher score is better."""
        if not terms or self.size == 0:
            return []
        query = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        found = self._db.read(
            lambda conn: database.keyword(conn, query, self.next_row, k + len(self._state.masked))
        )
        live = self._live([r for r, _ in found])
        found = [hit for hit, ok in zip(found, live, strict=True) if ok][:k]
        units = self._units_at([row for row, _ in found])
        return [(units[row], score) for row, score in found if row in units]

    def vocabulary_has(self, term: str) -> bool:
        """Whether ``term`` (after the FTS tokenizer) occurs anywhere in the index."""
        if self.size == 0:
            return False
        phrase = '"' + term.replace('"', "") + '"'
        return self._db.read(lambda conn: database.has_term(conn, phrase, self.next_row))
