"""The index's SQLite database (WAL mode): documents and everything extracted from them.

Writers append the rows of one batch inside a transaction, tagged with the batch's
generation number; readers only take rows of generations the manifest has committed, so
rows of a batch whose manifest never landed stay invisible until the next writer deletes
them. A removal marks the document's rows (``removed_in``) and records a tombstone; the
next writer purges the marked rows. Each document row carries a digest of all its rows,
checked when the document is first read (``index/catalog.py``) and by ``IndexStore.check``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import IndexMissingError
from index.manifest import MANIFEST, damaged
from index.pipeline import PreparedDocument, Unit
from index.types import Document, Fact, Paragraph, Quote, Speaker

BUSY_TIMEOUT_S = 60.0
SCHEMA_VERSION = 2  # PRAGMA user_version once the schema is complete
CHILDREN = ("paragraphs", "quotes", "facts", "speakers", "units")
_TABLES = ("documents", *CHILDREN, "removals", "units_fts")
_SCHEMA = """
CREATE TABLE documents (doc_id TEXT NOT NULL, batch INTEGER NOT NULL, removed_in INTEGER,
    title TEXT, source TEXT, author TEXT, date TEXT, text TEXT NOT NULL, added_at REAL,
    digest TEXT NOT NULL, outlet TEXT);
CREATE TABLE paragraphs (doc_id TEXT NOT NULL, batch INTEGER NOT NULL, number INTEGER,
    start INTEGER, "end" INTEGER, kind TEXT, text TEXT);
CREATE TABLE quotes (batch INTEGER NOT NULL, quote_id TEXT, doc_id TEXT NOT NULL,
    paragraph INTEGER, start INTEGER, "end" INTEGER, text TEXT, speaker TEXT,
    speaker_title TEXT, cue TEXT, kind TEXT, repeats TEXT);
CREATE TABLE facts (batch INTEGER NOT NULL, fact_id TEXT, doc_id TEXT NOT NULL,
    paragraph INTEGER, start INTEGER, "end" INTEGER, text TEXT, source TEXT);
CREATE TABLE speakers (doc_id TEXT NOT NULL, batch INTEGER NOT NULL, name TEXT, title TEXT,
    aliases TEXT, quote_count INTEGER, is_person INTEGER);
CREATE TABLE units (row INTEGER PRIMARY KEY, batch INTEGER NOT NULL, kind TEXT, unit_id TEXT,
    doc_id TEXT NOT NULL, paragraph INTEGER, start INTEGER, "end" INTEGER, text TEXT,
    index_text TEXT, speaker TEXT);
CREATE TABLE removals (doc_id TEXT NOT NULL, batch INTEGER NOT NULL);
CREATE VIRTUAL TABLE units_fts USING fts5(index_text,
    tokenize='porter unicode61 remove_diacritics 2');
CREATE INDEX documents_batch ON documents (batch);
CREATE INDEX documents_removed ON documents (removed_in);
CREATE INDEX removals_batch ON removals (batch);
""" + "".join(
    f"CREATE INDEX {t}_batch ON {t} (batch);\nCREATE INDEX {t}_doc ON {t} (doc_id, batch);\n"
    for t in CHILDREN
)


@dataclass(frozen=True)
class DocRecord:
    """One stored document with everything extracted from it and its units' row numbers."""

    document: Document
    batch: int
    quotes: tuple[Quote, ...]
    facts: tuple[Fact, ...]
    speakers: tuple[Speaker, ...]
    units: tuple[tuple[int, Unit], ...]

    @classmethod
    def of(cls, prepared: PreparedDocument, batch: int, first_row: int) -> DocRecord:
        ex = prepared.extraction
        rows = tuple((first_row + i, u) for i, u in enumerate(prepared.units))
        document = dataclasses.replace(prepared.document, added_at=time.time())
        return cls(document, batch, ex.quotes, ex.facts, ex.speakers, rows)

    def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """The record as table rows (without batch columns); also what the digest covers."""
        d = self.document
        return {
            "documents": [(d.doc_id, d.title, d.source, d.author, d.date, d.text)],
            "paragraphs": [(p.number, p.start, p.end, p.kind, p.text) for p in d.paragraphs],
            # quote and fact columns follow the dataclass fields
            "quotes": [_columns(q, _QUOTE_FIELDS) for q in self.quotes],
            "facts": [_columns(f, _FACT_FIELDS) for f in self.facts],
            "speakers": [
                (s.name, s.title, json.dumps(list(s.aliases)), s.quote_count, int(s.is_person))
                for s in self.speakers
            ],
            "units": [(row, *_unit_columns(u)) for row, u in self.units],
        }

    def digest(self) -> str:
        return digest_rows(self.rows())


def digest_rows(rows: dict[str, list[tuple[Any, ...]]]) -> str:
    payload = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def digest_as_read(document: tuple[Any, ...], children: dict[str, list[tuple[Any, ...]]]) -> str:
    """The digest of a document's rows as read back: its ``(doc_id, title, source, author,
    date, text)`` row and its child tables' rows (``DocRecord.rows()`` column for column,
    so this equals ``record.digest()`` without building the record)."""
    return digest_rows({"documents": [document], **children})


_QUOTE_FIELDS = tuple(f.name for f in dataclasses.fields(Quote))
_FACT_FIELDS = tuple(f.name for f in dataclasses.fields(Fact))


def _columns(row: Quote | Fact, names: tuple[str, ...]) -> tuple[Any, ...]:
    """A quote's or fact's fields in order (all scalars: ``astuple`` without its deep copy)."""
    return tuple(getattr(row, name) for name in names)


def _unit_columns(u: Unit) -> tuple[Any, ...]:
    return (
        u.kind,
        u.unit_id,
        u.doc_id,
        u.paragraph,
        u.start,
        u.end,
        u.text,
        u.index_text,
        u.speaker,
    )


def connect(path: Path, create: bool = False) -> sqlite3.Connection:
    """A connection in autocommit mode (transactions are explicit)."""
    if not create and not path.exists():
        raise IndexMissingError(
            f"{path.name} named by {path.parent / MANIFEST} is missing: rebuild the index with "
            "`quotebot index`."
        )
    conn = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
    )
    try:
        if create:
            conn.execute("PRAGMA journal_mode=WAL")  # persistent: readers never wait
            if conn.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
                # one transaction: a writer killed here leaves no half-made schema
                conn.executescript(
                    "BEGIN IMMEDIATE;\n"
                    + "".join(f"DROP TABLE IF EXISTS {t};\n" for t in _TABLES)
                    + _SCHEMA
                    + f"PRAGMA user_version = {SCHEMA_VERSION};\nCOMMIT;\n"
                )
        conn.execute("PRAGMA synchronous=FULL")
    except sqlite3.DatabaseError:
        conn.close()
        raise damaged(path) from None
    return conn


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection, write: bool = False) -> Iterator[sqlite3.Connection]:
    """One transaction: a consistent snapshot for reads, all-or-nothing for writes."""
    conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def insert(conn: sqlite3.Connection, records: list[DocRecord]) -> None:
    """Append the rows of one batch (inside a transaction)."""
    if records and not has_outlet(conn):  # a database made before the column existed
        conn.execute("ALTER TABLE documents ADD COLUMN outlet TEXT")
    for record in records:
        rows, b = record.rows(), record.batch
        [(doc_id, title, source, author, date, text)] = rows["documents"]
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                doc_id,
                b,
                title,
                source,
                author,
                date,
                text,
                record.document.added_at,
                record.digest(),
                record.document.outlet,  # metadata like added_at: not in the digest
            ),
        )
        conn.executemany(
            "INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, b, *r) for r in rows["paragraphs"]],
        )
        conn.executemany(
            f"INSERT INTO quotes VALUES (?{', ?' * 11})", [(b, *r) for r in rows["quotes"]]
        )
        conn.executemany(
            f"INSERT INTO facts VALUES (?{', ?' * 7})", [(b, *r) for r in rows["facts"]]
        )
        conn.executemany(
            "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(doc_id, b, *r) for r in rows["speakers"]],
        )
        conn.executemany(
            f"INSERT INTO units VALUES (?{', ?' * 10})",
            [(r[0], b, *r[1:]) for r in rows["units"]],
        )
        conn.executemany(
            "INSERT INTO units_fts (rowid, index_text) VALUES (?, ?)",
            [(row, u.index_text) for row, u in record.units],
        )


def remove(conn: sqlite3.Connection, batch: int, doc_ids: list[str]) -> None:
    """Mark ``doc_ids`` removed in ``batch`` and leave a tombstone for readers."""
    for doc_id in doc_ids:
        conn.execute(
            "UPDATE documents SET removed_in = ? WHERE doc_id = ? AND removed_in IS NULL",
            (batch, doc_id),
        )
        conn.execute("INSERT INTO removals VALUES (?, ?)", (doc_id, batch))


def _delete_children(conn: sqlite3.Connection, where: str, args: tuple[Any, ...]) -> None:
    rows = f"SELECT row FROM units WHERE {where}"
    conn.execute(f"DELETE FROM units_fts WHERE rowid IN ({rows})", args)
    for table in CHILDREN:
        conn.execute(f"DELETE FROM {table} WHERE {where}", args)


def clean(conn: sqlite3.Connection, generation: int) -> None:
    """Delete rows of batches after ``generation`` (a writer that died before its manifest
    landed) and purge rows of documents removed in committed batches."""
    with transaction(conn, write=True):
        _delete_children(conn, "batch > ?", (generation,))
        conn.execute("DELETE FROM documents WHERE batch > ?", (generation,))
        conn.execute("DELETE FROM removals WHERE batch > ?", (generation,))
        conn.execute("UPDATE documents SET removed_in = NULL WHERE removed_in > ?", (generation,))
        gone = conn.execute(
            "SELECT doc_id, batch FROM documents WHERE removed_in IS NOT NULL"
        ).fetchall()
        for doc_id, batch in gone:
            _delete_children(conn, "doc_id = ? AND batch = ?", (doc_id, batch))
        conn.execute("DELETE FROM documents WHERE removed_in IS NOT NULL")


@dataclass(frozen=True)
class Changes:
    """What the committed batches ``after < batch <= upto`` changed."""

    records: list[DocRecord]  # documents added and still present at ``upto``, in order
    digests: dict[str, str]  # stored digest per added doc id
    removals: list[tuple[str, int]]  # (doc_id, batch) tombstones
    # per added doc id, the digest of its rows as read (``verify=True`` only)
    read_digests: dict[str, str] = dataclasses.field(default_factory=dict)

    def damaged(self) -> list[str]:
        """Doc ids whose rows as read do not match their stored digest."""
        return [d for d, digest in self.read_digests.items() if digest != self.digests[d]]


def has_outlet(conn: sqlite3.Connection) -> bool:
    """Whether the documents table has the ``outlet`` column (added without a migration)."""
    columns = conn.execute("PRAGMA table_info(documents)").fetchall()
    return any(c[1] == "outlet" for c in columns)


def read_changes(conn: sqlite3.Connection, after: int, upto: int, verify: bool = False) -> Changes:
    """Rows of the committed batches in ``(after, upto]`` (``after=0``: the whole index),
    read in one transaction so no batch is seen in part; ``verify`` also digests each
    document's rows as read (the rows are ``DocRecord.rows()`` column for column, so this
    equals ``record.digest()`` without building them again)."""
    span = (after, upto)
    with transaction(conn):
        outlet = "outlet" if has_outlet(conn) else "NULL"
        docs = conn.execute(
            "SELECT doc_id, batch, title, source, author, date, text, digest, added_at, "
            f"{outlet} FROM documents "
            "WHERE batch > ? AND batch <= ? AND (removed_in IS NULL OR removed_in > ?) "
            "ORDER BY batch, rowid",
            (*span, upto),
        ).fetchall()
        children = {
            table: _grouped(conn, table, span)
            for table in ("paragraphs", "quotes", "facts", "speakers", "units")
        }
        removals = conn.execute(
            "SELECT doc_id, batch FROM removals WHERE batch > ? AND batch <= ? ORDER BY batch",
            span,
        ).fetchall()
    records, digests, read_digests = [], {}, {}
    for doc_id, batch, title, source, author, date, text, digest, added_at, outlet in docs:
        key = (doc_id, batch)
        # popped: each document's row tuples are freed once its objects are built
        mine = {table: children[table].pop(key, []) for table in CHILDREN}
        if verify:
            read_digests[doc_id] = digest_as_read((doc_id, title, source, author, date, text), mine)
        paragraphs = tuple(Paragraph(n, s, e, t, k) for n, s, e, k, t in mine["paragraphs"])
        records.append(
            DocRecord(
                Document(doc_id, text, title, source, paragraphs, author, date, added_at, outlet),
                batch,
                tuple(Quote(*r) for r in mine["quotes"]),
                tuple(Fact(*r) for r in mine["facts"]),
                tuple(
                    Speaker(name, title, tuple(json.loads(aliases)), count, bool(person))
                    for name, title, aliases, count, person in mine["speakers"]
                ),
                tuple((r[0], Unit(*r[1:])) for r in mine["units"]),
            )
        )
        digests[doc_id] = digest
    return Changes(records, digests, [(d, int(b)) for d, b in removals], read_digests)


COLUMNS = {
    "paragraphs": 'number, start, "end", kind, text',
    "quotes": 'quote_id, doc_id, paragraph, start, "end", text, speaker, speaker_title, cue, '
    "kind, repeats",
    "facts": 'fact_id, doc_id, paragraph, start, "end", text, source',
    "speakers": "name, title, aliases, quote_count, is_person",
    "units": 'row, kind, unit_id, doc_id, paragraph, start, "end", text, index_text, speaker',
}


def _grouped(
    conn: sqlite3.Connection, table: str, span: tuple[int, int]
) -> dict[tuple[str, int], list[tuple[Any, ...]]]:
    out: dict[tuple[str, int], list[tuple[Any, ...]]] = {}
    for row in conn.execute(
        f"SELECT doc_id, batch, {COLUMNS[table]} FROM {table} "
        "WHERE batch > ? AND batch <= ? ORDER BY rowid",
        span,
    ):
        out.setdefault((row[0], row[1]), []).append(row[2:])
    return out


def keyword(
    conn: sqlite3.Connection, query: str, below_row: int, limit: int
) -> list[tuple[int, float]]:
    """FTS5 BM25 matches among rows ``< below_row``; higher score is better."""
    rows = conn.execute(
        "SELECT rowid, bm25(units_fts) FROM units_fts WHERE units_fts MATCH ? AND rowid < ? "
        "ORDER BY bm25(units_fts) LIMIT ?",
        (query, below_row, limit),
    ).fetchall()
    return [(int(rowid), -float(score)) for rowid, score in rows]


def has_term(conn: sqlite3.Connection, term: str, below_row: int) -> bool:
    row = conn.execute(
        "SELECT 1 FROM units_fts WHERE units_fts MATCH ? AND rowid < ? LIMIT 1",
        (term, below_row),
    ).fetchone()
    return row is not None
