"""The persisted index: FAISS vectors, a SQLite database and ``manifest.json``.

Each write produces a new generation of files and then replaces the manifest
atomically, so a crash at any point leaves the previous index loadable. Vector row
numbers never leave this module.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import re
import sqlite3
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from index.config import FORMAT_VERSION, PIPELINE_VERSION, Config
from index.errors import ChecksumError, IndexMissingError, UnknownFormatError
from index.pipeline import PreparedDocument, Unit
from index.types import Document, Fact, Paragraph, Quote, Speaker

MANIFEST = "manifest.json"
FORMAT_NAME = "quotebot-index"
PACKAGE_VERSION = "0.1.0"

_SCHEMA = """
CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, author TEXT,
    date TEXT, text TEXT NOT NULL, added_at REAL);
CREATE TABLE paragraphs (doc_id TEXT, number INTEGER, start INTEGER, "end" INTEGER,
    kind TEXT, text TEXT, PRIMARY KEY (doc_id, number));
CREATE TABLE quotes (quote_id TEXT PRIMARY KEY, doc_id TEXT, paragraph INTEGER,
    start INTEGER, "end" INTEGER, text TEXT, speaker TEXT, speaker_title TEXT, cue TEXT,
    kind TEXT, repeats TEXT);
CREATE TABLE facts (fact_id TEXT PRIMARY KEY, doc_id TEXT, paragraph INTEGER,
    start INTEGER, "end" INTEGER, text TEXT, source TEXT);
CREATE TABLE speakers (doc_id TEXT, name TEXT, title TEXT, aliases TEXT,
    quote_count INTEGER, is_person INTEGER);
CREATE TABLE units (row INTEGER PRIMARY KEY, kind TEXT, unit_id TEXT, doc_id TEXT,
    paragraph INTEGER, start INTEGER, "end" INTEGER, text TEXT, index_text TEXT, speaker TEXT);
CREATE VIRTUAL TABLE units_fts USING fts5(index_text,
    tokenize='porter unicode61 remove_diacritics 2');
"""


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def embedder_name(self) -> str:
        return str(self.data["embedder"]["name"])

    @property
    def dimension(self) -> int:
        return int(self.data["embedder"]["dimension"])

    @property
    def pipeline_version(self) -> str | None:
        """Which extraction and indexing rules built the index."""
        value = self.data.get("pipeline_version")
        return str(value) if value is not None else None

    @property
    def config(self) -> Config:
        return Config.from_dict(self.data.get("config", {}))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> Manifest:
    """Read and check the manifest of an index directory."""
    path = directory / MANIFEST
    if not directory.exists():
        raise IndexMissingError(
            f"no index at {directory}: build one with `quotebot index FILE --index {directory}`."
        )
    if not path.exists():
        raise IndexMissingError(
            f"{directory} has no {MANIFEST}: it is not a quotebot index; rebuild it with "
            f"`quotebot index FILE --index {directory}`."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UnknownFormatError(
            f"{path} is not valid JSON: the index is damaged; rebuild it with `quotebot index`."
        ) from None
    if data.get("format") != FORMAT_NAME or data.get("format_version") != FORMAT_VERSION:
        raise UnknownFormatError(
            f"{path} has format {data.get('format')!r} version {data.get('format_version')!r}; "
            f"this quotebot reads {FORMAT_NAME!r} version {FORMAT_VERSION}: rebuild the index "
            "with `quotebot index`."
        )
    return Manifest(data)


class IndexStore:
    """Read access to one loaded generation of an index, and atomic writes of the next."""

    def __init__(self, directory: Path, manifest: Manifest | None, verify: bool = True) -> None:
        self.directory = directory
        self.manifest = manifest
        self._lock = threading.RLock()
        self._conn: sqlite3.Connection | None = None
        self._vectors: Any = None
        self.units: list[Unit] = []
        self.documents: dict[str, Document] = {}
        self.quotes: list[Quote] = []
        self.facts: list[Fact] = []
        self.doc_speakers: list[Speaker] = []
        if manifest is not None:
            self._load(manifest, verify)

    # -- loading ---------------------------------------------------------------------
    @classmethod
    def open(cls, directory: Path, verify: bool = True) -> IndexStore:
        return cls(directory, read_manifest(directory), verify)

    @classmethod
    def empty(cls, directory: Path) -> IndexStore:
        return cls(directory, None)

    def _load(self, manifest: Manifest, verify: bool) -> None:
        files = manifest.data["files"]
        db_path = self.directory / files["database"]
        vec_path = self.directory / files["vectors"]
        for path in (db_path, vec_path):
            if not path.exists():
                raise IndexMissingError(
                    f"{path.name} named by {self.directory / MANIFEST} is missing: rebuild the "
                    "index with `quotebot index`."
                )
            if verify and _sha256(path) != manifest.data["checksums"][path.name]:
                raise ChecksumError(
                    f"{path.name} does not match the checksum in {MANIFEST}: the file was changed "
                    "or damaged; rebuild the index with `quotebot index`."
                )
        self._vectors = faiss.read_index(str(vec_path))
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, check_same_thread=False)
        self._conn = conn
        self._read_rows(conn)

    def _read_rows(self, conn: sqlite3.Connection) -> None:
        paragraphs: dict[str, list[Paragraph]] = {}
        for doc_id, number, start, end, kind, text in conn.execute(
            'SELECT doc_id, number, start, "end", kind, text FROM paragraphs '
            "ORDER BY doc_id, number"
        ):
            paragraphs.setdefault(doc_id, []).append(Paragraph(number, start, end, text, kind))
        for doc_id, title, source, author, date, text in conn.execute(
            "SELECT doc_id, title, source, author, date, text FROM documents ORDER BY added_at"
        ):
            self.documents[doc_id] = Document(
                doc_id, text, title, source, tuple(paragraphs.get(doc_id, [])), author, date
            )
        self.units = [
            Unit(kind, unit_id, doc_id, paragraph, start, end, text, index_text, speaker)
            for (
                kind,
                unit_id,
                doc_id,
                paragraph,
                start,
                end,
                text,
                index_text,
                speaker,
            ) in conn.execute(
                'SELECT kind, unit_id, doc_id, paragraph, start, "end", text, '
                "index_text, speaker FROM units ORDER BY row"
            )
        ]
        self.quotes = [
            Quote(*row)
            for row in conn.execute(
                'SELECT quote_id, doc_id, paragraph, start, "end", text, speaker, speaker_title, '
                "cue, kind, repeats FROM quotes ORDER BY doc_id, start"
            )
        ]
        self.facts = [
            Fact(*row)
            for row in conn.execute(
                'SELECT fact_id, doc_id, paragraph, start, "end", text, source FROM facts '
                "ORDER BY doc_id, start"
            )
        ]
        self.doc_speakers = [
            Speaker(name, title, tuple(json.loads(aliases)), count, bool(person))
            for name, title, aliases, count, person in conn.execute(
                "SELECT name, title, aliases, quote_count, is_person FROM speakers"
            )
        ]

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    # -- search ----------------------------------------------------------------------
    @property
    def size(self) -> int:
        return 0 if self._vectors is None else int(self._vectors.ntotal)

    def dense(self, query: np.ndarray, k: int) -> list[tuple[Unit, float]]:
        """Nearest units by inner product (cosine on normalised vectors)."""
        if self.size == 0:
            return []
        scores, rows = self._vectors.search(
            query.reshape(1, -1).astype(np.float32), min(k, self.size)
        )
        return [
            (self.units[r], float(s)) for s, r in zip(scores[0], rows[0], strict=True) if r >= 0
        ]

    def view_vectors(self) -> np.ndarray:
        """The stored vector of every indexed view, aligned with ``self.units``."""
        if self.size == 0:
            return np.zeros((0, 0), dtype=np.float32)
        return np.asarray(self._vectors.reconstruct_n(0, self.size), dtype=np.float32)

    def keyword(self, terms: list[str], k: int) -> list[tuple[Unit, float]]:
        """BM25 (FTS5) ranking of units for any of ``terms``; higher score is better."""
        if not terms or self._conn is None:
            return []
        query = " OR ".join('"' + t.replace('"', "") + '"' for t in terms)
        with self._lock:
            rows = self._conn.execute(
                "SELECT rowid, bm25(units_fts) FROM units_fts WHERE units_fts MATCH ? "
                "ORDER BY bm25(units_fts) LIMIT ?",
                (query, k),
            ).fetchall()
        return [(self.units[rowid - 1], -float(score)) for rowid, score in rows]

    def vocabulary_has(self, term: str) -> bool:
        """Whether ``term`` (after the FTS tokenizer) occurs anywhere in the index."""
        if self._conn is None:
            return False
        with self._lock:
            row = self._conn.execute(
                "SELECT 1 FROM units_fts WHERE units_fts MATCH ? LIMIT 1",
                ('"' + term.replace('"', "") + '"',),
            ).fetchone()
        return row is not None

    # -- writing ---------------------------------------------------------------------
    def write_with(
        self, prepared: PreparedDocument, vectors: np.ndarray, embedder_name: str, config: Config
    ) -> Manifest:
        """Write a new generation holding the current content plus ``prepared``.

        The manifest is replaced last, in one ``os.replace``: until then the old
        generation stays the loadable index.
        """
        self.directory.mkdir(parents=True, exist_ok=True)
        gen = f"{int(time.time())}-{uuid.uuid4().hex[:8]}"
        db_name, vec_name = f"data-{gen}.sqlite", f"vectors-{gen}.faiss"
        db_path, vec_path = self.directory / db_name, self.directory / vec_name
        try:
            target = sqlite3.connect(db_path)
            with self._lock:
                if self._conn is not None:
                    self._conn.backup(target)
                else:
                    target.executescript(_SCHEMA)
            with target:
                _insert(target, prepared, start_row=self.size + 1)
            target.close()
            dimension = vectors.shape[1]
            index = faiss.IndexFlatIP(dimension)
            if self._vectors is not None and self.size:
                index.add(self._vectors.reconstruct_n(0, self.size))
            index.add(vectors.astype(np.float32))
            faiss.write_index(index, str(vec_path))
            manifest = self._manifest(db_path, vec_path, embedder_name, dimension, config)
            tmp = self.directory / f".{MANIFEST}.{gen}.tmp"
            tmp.write_text(json.dumps(manifest.data, indent=2), encoding="utf-8")
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
            os.replace(tmp, self.directory / MANIFEST)
        except BaseException:
            for path in (db_path, vec_path, self.directory / f".{MANIFEST}.{gen}.tmp"):
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
        self._remove_stale({db_name, vec_name})
        return manifest

    def _manifest(
        self, db_path: Path, vec_path: Path, embedder_name: str, dimension: int, config: Config
    ) -> Manifest:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
        counts = {
            table: conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
            for table in ("documents", "paragraphs", "quotes", "facts", "speakers", "units")
        }
        conn.close()
        counts["vectors"] = counts.pop("units")
        now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        created = self.manifest.data.get("created", now) if self.manifest else now
        return Manifest(
            {
                "format": FORMAT_NAME,
                "format_version": FORMAT_VERSION,
                "pipeline_version": PIPELINE_VERSION,
                "package_version": PACKAGE_VERSION,
                "created": created,
                "updated": now,
                "embedder": {
                    "kind": config.embedder,
                    "name": embedder_name,
                    "dimension": dimension,
                },
                "metric": "inner_product",
                "config": config.to_dict(),
                "counts": counts,
                "files": {"database": db_path.name, "vectors": vec_path.name},
                "checksums": {db_path.name: _sha256(db_path), vec_path.name: _sha256(vec_path)},
            }
        )

    def _remove_stale(self, keep: set[str]) -> None:
        for path in self.directory.iterdir():
            if (
                re.fullmatch(r"(data|vectors)-[\w-]+\.(sqlite|faiss)", path.name)
                and path.name not in keep
            ):
                with contextlib.suppress(OSError):
                    path.unlink()


def _insert(conn: sqlite3.Connection, prepared: PreparedDocument, start_row: int) -> None:
    doc = prepared.document
    conn.execute(
        "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?, ?)",
        (doc.doc_id, doc.title, doc.source, doc.author, doc.date, doc.text, time.time()),
    )
    conn.executemany(
        "INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?)",
        [(doc.doc_id, p.number, p.start, p.end, p.kind, p.text) for p in doc.paragraphs],
    )
    ex = prepared.extraction
    # the tables' columns follow the dataclasses' fields
    conn.executemany(
        "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [dataclasses.astuple(q) for q in ex.quotes],
    )
    conn.executemany(
        "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?)", [dataclasses.astuple(f) for f in ex.facts]
    )
    conn.executemany(
        "INSERT INTO speakers VALUES (?, ?, ?, ?, ?, ?)",
        [
            (
                doc.doc_id,
                s.name,
                s.title,
                json.dumps(list(s.aliases)),
                s.quote_count,
                int(s.is_person),
            )
            for s in ex.speakers
        ],
    )
    for offset, unit in enumerate(prepared.units):
        row = start_row + offset
        conn.execute(
            "INSERT INTO units VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                row,
                unit.kind,
                unit.unit_id,
                unit.doc_id,
                unit.paragraph,
                unit.start,
                unit.end,
                unit.text,
                unit.index_text,
                unit.speaker,
            ),
        )
        conn.execute(
            "INSERT INTO units_fts (rowid, index_text) VALUES (?, ?)", (row, unit.index_text)
        )
