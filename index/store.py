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
Vector row numbers never leave this module and its helpers.
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TypeVar

import numpy as np

from index import catalog, database
from index.ann import IVF_MIN_BLOCK, AnnSettings
from index.catalog import DocEntry, Key
from index.config import Config
from index.database import DocRecord
from index.errors import ChecksumError, IndexMissingError
from index.manifest import DATABASE, MANIFEST, Manifest, Segment, read_manifest, sha256
from index.pipeline import Unit
from index.segments import Block, append_block, combine, read_segment
from index.types import Document, Fact, Quote, Speaker

__all__ = ["IndexStore", "Manifest", "read_manifest"]

_RETRIES = 5  # a merge may delete a segment between reading the manifest and the file
DOCUMENT_CACHE = 2048  # documents (text and paragraphs) kept after reading them
UNIT_CACHE = 8192  # units kept after reading them for a search

K = TypeVar("K")
V = TypeVar("V")


class _Lru(OrderedDict[K, V]):
    """A dict that forgets its least recently used entries past ``limit``."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit

    def lookup(self, key: K) -> V | None:
        found = self.get(key)
        if found is not None:
            self.move_to_end(key)
        return found

    def keep(self, key: K, value: V) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.limit:
            self.popitem(last=False)


class _Shared:
    """What the snapshots of one index share in this process: the read connection (one
    statement at a time), what was read lately and what has been verified. Rows never
    change once committed, so all of it holds across generations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self.documents: _Lru[Key, Document] = _Lru(DOCUMENT_CACHE)
        self.units: _Lru[int, Unit] = _Lru(UNIT_CACHE)
        self.verified_documents: set[Key] = set()
        self.verified_segments: set[str] = set()

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

    def read(self, call: Callable[[sqlite3.Connection], V]) -> V:
        """``call(connection)`` under the lock; a damaged file is a ``ChecksumError``."""
        with self.lock:
            try:
                return call(self.get())
            except sqlite3.DatabaseError:
                raise database.damaged(self.path) from None

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
    entries: dict[str, DocEntry]
    blocks: tuple[Block, ...]
    masked: frozenset[int]
    segments: frozenset[str]
    read: tuple[Segment, ...] = ()  # segments whose vectors were read from their files
    verify: bool = True


_EMPTY = _State(None, None, {}, (), frozenset(), frozenset())


@dataclass(frozen=True)
class _Rows:
    """Every quote, fact, speaker and unit of a snapshot, in the order they were written."""

    quotes: list[Quote]
    facts: list[Fact]
    speakers: list[Speaker]
    units: dict[int, Unit]  # by row number, ascending (rows ascend in writing order)


class _Documents(Mapping[str, Document]):
    """The snapshot's documents by id: the ids are in memory, a document (text and
    paragraphs) is read when looked up, iteration over values reads them all in one scan."""

    def __init__(self, store: IndexStore) -> None:
        self._store = store
        self._entries = store._state.entries

    def __getitem__(self, doc_id: str) -> Document:
        return self._store._document(self._entries[doc_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    def values(self) -> list[Document]:  # type: ignore[override]
        return self._store._all_documents()

    def items(self) -> list[tuple[str, Document]]:  # type: ignore[override]
        return [(d.doc_id, d) for d in self.values()]


class IndexStore:
    """One committed generation of an index: its catalog and vectors in memory, the rest
    read from its database on demand."""

    def __init__(self, directory: Path, state: _State, shared: _Shared) -> None:
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
        return cls(directory, _EMPTY, _Shared(directory / DATABASE))

    def refreshed(self, verify: bool = True, force: bool = False) -> IndexStore:
        """This snapshot if the manifest is unchanged (one ``stat``; ``force`` reads the
        manifest regardless, as a writer must), else the newer generation, loading only
        new batches' catalog entries and new segments."""
        fingerprint = _fingerprint(self.directory)
        if fingerprint == self._state.fingerprint and (not force or fingerprint is None):
            return self  # unchanged, or still no index written
        for attempt in range(_RETRIES):
            try:
                manifest = read_manifest(self.directory)
                if self.manifest is not None and manifest.generation == self.generation:
                    fingerprint = _fingerprint(self.directory)
                    self._state = dataclasses.replace(self._state, fingerprint=fingerprint)
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
            base = _EMPTY
            if self.manifest is not None:  # another index now (rebuilt): its own database
                db = _Shared(self._db.path)
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
        state = _State(
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
            fingerprint=_fingerprint(self.directory),
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
        state = self._state
        if not state.verify:
            return
        for segment in state.read:
            if segment.name in self._db.verified_segments:
                continue
            try:
                intact = sha256(self.directory / segment.name) == segment.checksum
            except FileNotFoundError:
                intact = True
            if not intact:
                raise ChecksumError(
                    f"{segment.name} does not match the checksum in {MANIFEST}: the file was "
                    "changed or damaged; rebuild the index with `quotebot index`."
                )
            self._db.verified_segments.add(segment.name)

    def check(self) -> None:
        """Check every segment's checksum and every document's digest now (what opening
        leaves to first use); raises ``ChecksumError`` naming the damaged file."""
        manifest = self.manifest
        if manifest is None:
            return
        for segment in manifest.segments:
            read_segment(self.directory, segment, verify=True)
            self._db.verified_segments.add(segment.name)
        changes = self._db.read(
            lambda conn: database.read_changes(conn, 0, manifest.generation, verify=True)
        )
        if changes.damaged():
            raise database.damaged(self._db.path)
        self._db.verified_documents.update((r.document.doc_id, r.batch) for r in changes.records)

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
        """Rows per table of ``doc_id`` (zeros when it is not indexed)."""
        entry = self.entry(doc_id)
        if entry is None:
            return {}
        return self._db.read(lambda conn: catalog.row_counts(conn, entry))

    @cached_property
    def documents(self) -> Mapping[str, Document]:
        return _Documents(self)

    def _document(self, entry: DocEntry) -> Document:
        """One document, read (and its digest checked, once per process) if not cached."""
        shared = self._db
        with shared.lock:
            found = shared.documents.lookup(entry.key)
        if found is not None:
            return found
        verify = self._state.verify and entry.key not in shared.verified_documents
        read = shared.read(lambda conn: catalog.read_document(conn, entry, verify))
        if read is None:
            raise KeyError(entry.doc_id)  # removed (and purged) by a newer generation
        document, intact = read
        if not intact:
            raise database.damaged(shared.path)
        with shared.lock:
            if verify:
                shared.verified_documents.add(entry.key)
            shared.documents.keep(entry.key, document)
        return document

    def _all_documents(self) -> list[Document]:
        """Every document in catalog order: as the full read left them in memory, else read
        in one scan (their digests were checked by the full read)."""
        entries = list(self._state.entries.values())
        if not entries:
            return []
        self._everything  # noqa: B018 (the full read: digests checked, documents cached)
        shared = self._db
        with shared.lock:
            kept = [shared.documents.get(e.key) for e in entries]
        if all(d is not None for d in kept):
            return [d for d in kept if d is not None]
        return shared.read(lambda conn: list(catalog.read_documents(conn, entries)))

    @cached_property
    def _everything(self) -> _Rows:
        """Every row of the snapshot, read in one pass when something first asks for all
        quotes, facts, speakers or units (the answer path does, on its first question),
        with each document's digest checked unless this process checked it before. The
        documents go to the cache (as many as it keeps); the lists stay with the snapshot."""
        state, shared = self._state, self._db
        if not state.entries:  # also: nothing written yet, no database to read
            return _Rows([], [], [], {})
        verify = state.verify and not {e.key for e in state.entries.values()} <= (
            shared.verified_documents
        )
        generation = self.generation
        changes = shared.read(
            lambda conn: database.read_changes(conn, 0, generation, verify=verify)
        )
        keys = {e.key for e in state.entries.values()}
        records = [r for r in changes.records if (r.document.doc_id, r.batch) in keys]
        if set(changes.damaged()) & state.entries.keys():
            raise database.damaged(shared.path)
        with shared.lock:
            for r in records:
                shared.verified_documents.add((r.document.doc_id, r.batch))
                shared.documents.keep((r.document.doc_id, r.batch), r.document)
        live = set(self._rows.tolist())
        return _Rows(
            [q for r in records for q in r.quotes],
            [f for r in records for f in r.facts],
            [s for r in records for s in r.speakers],
            {row: u for r in records for row, u in r.units if row in live},
        )

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
        shared = self._db
        with shared.lock:
            found = {row: u for row in rows if (u := shared.units.lookup(row)) is not None}
        missing = [row for row in rows if row not in found]
        if missing:
            read = shared.read(lambda conn: catalog.read_units(conn, missing))
            with shared.lock:
                for row, unit in read.items():
                    shared.units.keep(row, unit)
            found.update(read)
        return found

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
        hits = hits[:k]
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
        keep = np.isin(rows, self._rows)
        order = np.argsort(rows[keep], kind="stable")
        matrix = np.ascontiguousarray(vectors[keep][order])
        matrix.flags.writeable = False
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
