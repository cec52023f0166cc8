"""What the snapshots of one index share in a process (see ``index/store.py``): the
database connections, caches of what was read lately, what has been verified, and the
reads of documents and units that go through them."""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import numpy as np

from index import catalog, database
from index.catalog import DocEntry, Key
from index.pipeline import Unit
from index.store_state import AllRows, SnapshotState
from index.types import Document

DOCUMENT_CACHE = 2048  # documents (text and paragraphs) kept after reading them
UNIT_CACHE = 8192  # units kept after reading them for a search

K = TypeVar("K")
V = TypeVar("V")


class Lru(OrderedDict[K, V]):
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


class SharedDatabase:
    """What the snapshots of one index share in this process: the read connection (one
    statement at a time), what was read lately and what has been verified. Rows never
    change once committed, so all of it holds across generations."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._writer: sqlite3.Connection | None = None
        self.documents: Lru[Key, Document] = Lru(DOCUMENT_CACHE)
        self.units: Lru[int, Unit] = Lru(UNIT_CACHE)
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

    # -- reads through the caches --------------------------------------------------------
    def read_document(self, entry: DocEntry, verify: bool) -> Document:
        """One document, read (and with ``verify`` its digest checked, once per process)
        if not cached."""
        with self.lock:
            found = self.documents.lookup(entry.key)
        if found is not None:
            return found
        verify = verify and entry.key not in self.verified_documents
        read = self.read(lambda conn: catalog.read_document(conn, entry, verify))
        if read is None:
            raise KeyError(entry.doc_id)  # removed (and purged) by a newer generation
        document, intact = read
        if not intact:
            raise database.damaged(self.path)
        with self.lock:
            if verify:
                self.verified_documents.add(entry.key)
            self.documents.keep(entry.key, document)
        return document

    def read_documents(self, entries: list[DocEntry]) -> list[Document]:
        """The documents of ``entries`` in order: from the cache if it holds them all, else
        read in one scan (digests not checked: the caller's full read checked them)."""
        with self.lock:
            kept = [self.documents.get(e.key) for e in entries]
        if all(d is not None for d in kept):
            return [d for d in kept if d is not None]
        return self.read(lambda conn: list(catalog.read_documents(conn, entries)))

    def read_all_rows(self, state: SnapshotState, generation: int, live: np.ndarray) -> AllRows:
        """Every row of the snapshot ``state`` (of ``generation``; ``live``: its units' row
        numbers) in one pass, with each document's digest checked unless this process
        checked it before; the documents go to the cache (as many as it keeps)."""
        keys = {e.key for e in state.entries.values()}
        verify = state.verify and not keys <= self.verified_documents
        changes = self.read(lambda conn: database.read_changes(conn, 0, generation, verify=verify))
        records = [r for r in changes.records if (r.document.doc_id, r.batch) in keys]
        if set(changes.damaged()) & state.entries.keys():
            raise database.damaged(self.path)
        with self.lock:
            for r in records:
                self.verified_documents.add((r.document.doc_id, r.batch))
                self.documents.keep((r.document.doc_id, r.batch), r.document)
        live_rows = set(live.tolist())
        return AllRows(
            [q for r in records for q in r.quotes],
            [f for r in records for f in r.facts],
            [s for r in records for s in r.speakers],
            {row: u for r in records for row, u in r.units if row in live_rows},
        )

    def read_units(self, rows: list[int]) -> dict[int, Unit]:
        """The units of ``rows`` by row, from the cache or the database."""
        with self.lock:
            found = {row: u for row in rows if (u := self.units.lookup(row)) is not None}
        missing = [row for row in rows if row not in found]
        if missing:
            read = self.read(lambda conn: catalog.read_units(conn, missing))
            with self.lock:
                for row, unit in read.items():
                    self.units.keep(row, unit)
            found.update(read)
        return found
