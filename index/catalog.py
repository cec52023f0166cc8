"""What a snapshot keeps of the database in memory, and the reads it makes on demand.

Opening an index reads only the catalog: each document's metadata (no text) and the row
numbers of its units, grouped in runs by kind (a document's units of one kind take
consecutive rows). Document text, paragraphs and unit text stay in SQLite and are read
when asked for: one document with its paragraphs (its digest checked), the units of the
rows a search returns, or every document in one scan.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np

from index.database import CHILDREN, COLUMNS, DocRecord, digest_as_read, has_outlet, transaction
from index.pipeline import Unit
from index.types import Document, Paragraph

KINDS = ("paragraph", "quote", "fact")  # a unit's kind as its code in ``DocEntry.runs``
Key = tuple[str, int]  # (doc_id, batch): one stored version of a document


@dataclass(frozen=True)
class DocEntry:
    """One stored document as the catalog holds it: metadata and its units' rows."""

    doc_id: str
    batch: int
    title: str
    source: str
    author: str | None
    date: str | None
    added_at: float | None
    outlet: str | None
    runs: tuple[tuple[int, int, int], ...]  # (kind code, first row, last row), ascending

    @property
    def key(self) -> Key:
        return (self.doc_id, self.batch)

    def rows(self, kinds: tuple[str, ...] | None = None) -> np.ndarray:
        """Row numbers of its units (of ``kinds`` when given), ascending."""
        codes = None if kinds is None else {KINDS.index(k) for k in kinds if k in KINDS}
        parts = [
            np.arange(first, last + 1, dtype=np.int64)
            for code, first, last in self.runs
            if codes is None or code in codes
        ]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    @property
    def size(self) -> int:
        return sum(last - first + 1 for _, first, last in self.runs)

    @classmethod
    def of(cls, record: DocRecord) -> DocEntry:
        """The catalog entry of a record this process wrote."""
        d = record.document
        return cls(
            d.doc_id,
            record.batch,
            d.title,
            d.source,
            d.author,
            d.date,
            d.added_at,
            d.outlet,
            _runs((KINDS.index(u.kind), row) for row, u in record.units),
        )


def _runs(coded: Iterator[tuple[int, int]]) -> tuple[tuple[int, int, int], ...]:
    """(code, row) pairs in row order as runs of consecutive rows of one code."""
    runs: list[list[int]] = []
    for code, row in coded:
        if runs and runs[-1][0] == code and runs[-1][2] == row - 1:
            runs[-1][2] = row
        else:
            runs.append([code, row, row])
    return tuple((c, f, last) for c, f, last in runs)


@dataclass(frozen=True)
class Catalog:
    """What the committed batches ``after < batch <= upto`` changed, as catalog entries."""

    entries: list[DocEntry]  # documents added and still present at ``upto``, in order
    removals: list[tuple[str, int]]  # (doc_id, batch) tombstones


def read_catalog(conn: sqlite3.Connection, after: int, upto: int) -> Catalog:
    """The catalog entries of the batches in ``(after, upto]``, in one transaction."""
    span = (after, upto)
    with transaction(conn):
        outlet = "outlet" if has_outlet(conn) else "NULL"
        docs = conn.execute(
            f"SELECT doc_id, batch, title, source, author, date, added_at, {outlet} "
            "FROM documents WHERE batch > ? AND batch <= ? "
            "AND (removed_in IS NULL OR removed_in > ?) ORDER BY batch, rowid",
            (*span, upto),
        ).fetchall()
        # the (doc_id, batch) index holds every row number: kinds need the table itself,
        # but only as runs (a document's units of one kind are consecutive rows)
        groups = conn.execute(
            "SELECT doc_id, batch, kind, MIN(row), MAX(row), COUNT(*) FROM units "
            "WHERE batch > ? AND batch <= ? GROUP BY doc_id, batch, kind",
            span,
        ).fetchall()
        runs: dict[Key, list[tuple[int, int, int]]] = {}
        for doc_id, batch, kind, first, last, count in groups:
            code = KINDS.index(kind)
            if count == last - first + 1:
                runs.setdefault((doc_id, batch), []).append((code, first, last))
                continue
            rows = conn.execute(  # not consecutive (not written by this version): row by row
                "SELECT row FROM units WHERE doc_id = ? AND batch = ? AND kind = ? ORDER BY row",
                (doc_id, batch, kind),
            ).fetchall()
            found = _runs((code, r) for (r,) in rows)
            runs.setdefault((doc_id, batch), []).extend(found)
        removals = conn.execute(
            "SELECT doc_id, batch FROM removals WHERE batch > ? AND batch <= ? ORDER BY batch",
            span,
        ).fetchall()
    entries = [
        DocEntry(
            doc_id,
            batch,
            title,
            source,
            author,
            date,
            added_at,
            outlet,
            tuple(sorted(runs.get((doc_id, batch), []), key=lambda r: r[1])),
        )
        for doc_id, batch, title, source, author, date, added_at, outlet in docs
    ]
    return Catalog(entries, [(d, int(b)) for d, b in removals])


def _document(entry: DocEntry, text: str, paragraphs: list[tuple[Any, ...]]) -> Document:
    return Document(
        entry.doc_id,
        text,
        entry.title,
        entry.source,
        tuple(Paragraph(n, s, e, t, k) for n, s, e, k, t in paragraphs),
        entry.author,
        entry.date,
        entry.added_at,
        entry.outlet,
    )


def read_document(
    conn: sqlite3.Connection, entry: DocEntry, verify: bool
) -> tuple[Document, bool] | None:
    """One document with its paragraphs, and whether its rows match its stored digest
    (``verify``: every row extracted from it is read and digested; else True); None when
    its rows are gone (purged after a removal this snapshot does not know of yet)."""
    key = entry.key
    with transaction(conn):
        found = conn.execute(
            "SELECT title, source, author, date, text, digest FROM documents "
            "WHERE doc_id = ? AND batch = ?",
            key,
        ).fetchone()
        if found is None:
            return None
        tables = CHILDREN if verify else ("paragraphs",)
        children = {
            table: conn.execute(
                f"SELECT {COLUMNS[table]} FROM {table} WHERE doc_id = ? AND batch = ? "
                "ORDER BY rowid",
                key,
            ).fetchall()
            for table in tables
        }
    title, source, author, date, text, digest = found
    intact = True
    if verify:
        intact = (
            digest_as_read((entry.doc_id, title, source, author, date, text), children) == digest
        )
    return _document(entry, text, children["paragraphs"]), intact


def read_documents(conn: sqlite3.Connection, entries: list[DocEntry]) -> Iterator[Document]:
    """The documents of ``entries`` with their paragraphs, in that order (two scans)."""
    wanted = {e.key: e for e in entries}
    with transaction(conn):
        texts = {
            (d, b): t
            for d, b, t in conn.execute("SELECT doc_id, batch, text FROM documents")
            if (d, b) in wanted
        }
        paragraphs: dict[Key, list[tuple[Any, ...]]] = {}
        for row in conn.execute(
            f"SELECT doc_id, batch, {COLUMNS['paragraphs']} FROM paragraphs ORDER BY rowid"
        ):
            if (row[0], row[1]) in wanted:
                paragraphs.setdefault((row[0], row[1]), []).append(row[2:])
    for key, entry in wanted.items():
        if key in texts:
            yield _document(entry, texts[key], paragraphs.get(key, []))


def read_units(conn: sqlite3.Connection, rows: list[int]) -> dict[int, Unit]:
    """The units of ``rows``, by row number."""
    found = []
    with transaction(conn):
        for at in range(0, len(rows), 500):
            part = rows[at : at + 500]
            found += conn.execute(
                f"SELECT {COLUMNS['units']} FROM units WHERE row IN ({','.join('?' * len(part))})",
                part,
            ).fetchall()
    return {int(r[0]): Unit(*r[1:]) for r in found}


def row_counts(conn: sqlite3.Connection, entry: DocEntry) -> dict[str, int]:
    """How many rows of each table one stored document has (what the manifest counts)."""
    with transaction(conn):
        found = {
            table: int(
                conn.execute(
                    f"SELECT COUNT(*) FROM {table} WHERE doc_id = ? AND batch = ?", entry.key
                ).fetchone()[0]
            )
            for table in ("paragraphs", "quotes", "facts", "speakers")
        }
    return {"documents": 1, **found, "vectors": entry.size}
