"""The index in PostgreSQL + pgvector: the same snapshot interface as ``IndexStore``.

One database (schema ``quotebot``, see ``index/postgres_schema.py``) holds documents,
extraction, unit vectors (HNSW) and keyword vectors (GIN). A ``PostgresStore`` is the
snapshot of one committed generation: what it lists is read on first use and kept;
searches run in the database, limited to the rows of that generation. ``refreshed()``
reads the generation counter (one query) and returns a newer snapshot when another
process committed. A write batch is one transaction under an advisory lock, so writers
in any number of processes take turns and readers see only committed batches.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import cached_property
from typing import Any

import numpy as np

from index import postgres_schema as schema
from index.config import Config
from index.database import DocRecord
from index.errors import IndexMissingError, WriterBusyError
from index.manifest import Manifest, new_manifest
from index.pipeline import PreparedDocument, Unit
from index.types import Document, Fact, Paragraph, Quote, Speaker

log = logging.getLogger("quotebot")
S = schema.SCHEMA
EXACT_UNITS = 20_000  # a search over at most this many rows (scope or whole index) is exact
HNSW_EF_SEARCH = 200  # candidates an approximate search keeps (pgvector's hnsw.ef_search)
_COUNTED = ("documents", "paragraphs", "quotes", "facts", "speakers", "vectors")


def is_dsn(location: object) -> bool:
    """Whether ``location`` names a PostgreSQL database rather than an index directory."""
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def redacted(dsn: str) -> str:
    """The DSN without its password (for messages)."""
    head, sep, tail = dsn.partition("://")
    if "@" in tail.split("/", 1)[0]:
        user, _, rest = tail.partition("@")
        tail = user.split(":", 1)[0] + "@" + rest
    return head + sep + tail


def connect(dsn: str) -> Any:
    """An autocommit connection, with a message that says what to do when there is none."""
    import psycopg

    try:
        return psycopg.connect(dsn, autocommit=True)
    except psycopg.Error as error:
        raise IndexMissingError(
            f"cannot connect to PostgreSQL at {redacted(dsn)}: {str(error).strip()}; start the "
            "server or fix the DSN (postgresql://USER@HOST/DATABASE)."
        ) from None


class _Connection:
    """The snapshot chain's shared read connection (one statement at a time)."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.lock = threading.Lock()
        self._conn: Any = None
        self.writer: Any = None  # the connection holding the writers' lock, while held

    def get(self) -> Any:
        if self._conn is None or self._conn.closed:
            self._conn = connect(self.dsn)
        return self._conn

    def close(self) -> None:
        with self.lock:
            if self._conn is not None:
                self._conn.close()
            self._conn = None


def _read_meta(conn: Any) -> tuple[int, Manifest] | None:
    exists = conn.execute("SELECT to_regclass(%s)", (f"{S}.meta",)).fetchone()[0]
    if exists is None:
        return None
    row = conn.execute(f"SELECT generation, manifest FROM {S}.meta WHERE id = 1").fetchone()
    if row is None:
        return None
    return int(row[0]), Manifest(row[1])


class PostgresStore:
    """One committed generation of an index in PostgreSQL."""

    filters_in_store = True  # dense() takes doc_ids/kinds and applies them in the database

    def __init__(
        self,
        dsn: str,
        manifest: Manifest | None,
        connection: _Connection,
        base: PostgresStore | None = None,
    ) -> None:
        self.dsn = dsn
        self._manifest = manifest
        self._db = connection
        self._base = base  # an older snapshot whose loaded rows this one starts from

    def _loaded_base(self) -> PostgresStore | None:
        """The nearest snapshot (this or its base) whose contents are loaded."""
        if "_state" in self.__dict__:
            return self
        return self._base

    # -- opening and following newer generations -------------------------------------------
    @classmethod
    def open(cls, dsn: str, verify: bool = True) -> PostgresStore:
        """The committed generation of the index in the database ``dsn``."""
        store = cls.empty(dsn)
        if store.manifest is None:
            raise IndexMissingError(
                f"no quotebot index in {redacted(dsn)}: build one with "
                f"`quotebot --store {redacted(dsn)} index ARTICLE.txt`."
            )
        return store

    @classmethod
    def empty(cls, dsn: str) -> PostgresStore:
        """The store of ``dsn`` as it is (no index yet: an empty snapshot)."""
        connection = _Connection(dsn)
        with connection.lock:
            meta = _read_meta(connection.get())
        return cls(dsn, meta[1] if meta else None, connection)

    def refreshed(self, verify: bool = True, force: bool = False) -> PostgresStore:
        """This snapshot if no generation was committed since (one query), else the newer."""
        with self._db.lock:
            meta = _read_meta(self._db.get())
        if meta is None or meta[0] == self.generation:
            return self
        return PostgresStore(self.dsn, meta[1], self._db, self._loaded_base())

    def close(self) -> None:
        self._db.close()

    def check(self) -> None:
        """Nothing beyond what the server does: PostgreSQL checks its own pages (and its
        data checksums, when the cluster has them on); there are no files of ours."""

    # -- contents ------------------------------------------------------------------------
    @property
    def manifest(self) -> Manifest | None:
        return self._manifest

    @property
    def generation(self) -> int:
        return self._manifest.generation if self._manifest is not None else 0

    def _query(self, sql: str, params: Mapping[str, Any] | None = None) -> list[tuple[Any, ...]]:
        if self._manifest is None:
            return []
        args = {"g": self.generation, **(params or {})}
        with self._db.lock:
            return list(self._db.get().execute(sql, args).fetchall())

    def _load(self, after: int) -> list[DocRecord]:
        """The documents of this generation added after generation ``after``, with their
        paragraphs, quotes, facts, speakers and units, in the order added."""
        window = {"after": after}
        fresh = f"{schema.visible(table='d')} AND d.batch > %(after)s"
        docs = self._query(
            f"SELECT d.doc_id, d.batch, {schema.columns(schema.DOCUMENT_COLUMNS, 'd')} "
            f"FROM {S}.documents d WHERE {fresh} ORDER BY d.seq",
            window,
        )

        def grouped(table: str, names: tuple[str, ...], order: str) -> dict[str, list[Any]]:
            found: dict[str, list[Any]] = {}
            for row in self._query(
                f"SELECT t.doc_id, {schema.columns(names, 't')} FROM {S}.{table} t "
                f"JOIN {S}.documents d USING (doc_id, batch) WHERE {fresh} ORDER BY {order}",
                window,
            ):
                found.setdefault(row[0], []).append(row[1:])
            return found

        paragraphs = grouped("paragraphs", schema.PARAGRAPH_COLUMNS, "t.doc_id, t.number")
        quotes = grouped("quotes", schema.QUOTE_COLUMNS, "t.doc_id, t.seq")
        facts = grouped("facts", schema.FACT_COLUMNS, "t.doc_id, t.seq")
        speakers = grouped("speakers", schema.SPEAKER_COLUMNS, "t.doc_id, t.seq")
        units = grouped("units", ("row", *schema.UNIT_COLUMNS), "t.doc_id, t.row")
        records = []
        for doc_id, batch, title, source, author, date, text, added_at, outlet in docs:
            parts = tuple(Paragraph(n, a, b, t, k) for n, a, b, k, t in paragraphs.get(doc_id, []))
            document = Document(doc_id, text, title, source, parts, author, date, added_at, outlet)
            records.append(
                DocRecord(
                    document,
                    int(batch),
                    tuple(Quote(*r) for r in quotes.get(doc_id, [])),
                    tuple(Fact(*r) for r in facts.get(doc_id, [])),
                    tuple(
                        Speaker(name, title, tuple(aliases or ()), count, bool(person))
                        for name, title, aliases, count, person in speakers.get(doc_id, [])
                    ),
                    tuple((int(r[0]), Unit(*r[1:])) for r in units.get(doc_id, [])),
                )
            )
        return records

    @cached_property
    def _state(self) -> dict[str, DocRecord]:
        """Every document of this generation with what was extracted from it, in the order
        added: from an older loaded snapshot, only the rows committed since are read."""
        base, self._base = self._base, None
        if base is None or "_state" not in base.__dict__ or base.generation > self.generation:
            return {r.document.doc_id: r for r in self._load(0)}
        live = dict(
            self._query(f"SELECT doc_id, batch FROM {S}.documents WHERE {schema.visible()}")
        )
        state = {d: r for d, r in base._state.items() if live.get(d) == r.batch}
        for record in self._load(base.generation):
            state[record.document.doc_id] = record
        return state

    def __contains__(self, doc_id: str) -> bool:
        if "_state" in self.__dict__:
            return doc_id in self._state
        sql = f"SELECT 1 FROM {S}.documents WHERE doc_id = %(d)s AND {schema.visible()}"
        return bool(self._query(sql, {"d": doc_id}))

    @cached_property
    def documents(self) -> dict[str, Document]:
        return {doc_id: r.document for doc_id, r in self._state.items()}

    @cached_property
    def quotes(self) -> list[Quote]:
        return [q for r in self._state.values() for q in r.quotes]

    @cached_property
    def facts(self) -> list[Fact]:
        return [f for r in self._state.values() for f in r.facts]

    @cached_property
    def doc_speakers(self) -> list[Speaker]:
        return [s for r in self._state.values() for s in r.speakers]

    @cached_property
    def _units_by_row(self) -> dict[int, Unit]:
        found = {row: u for r in self._state.values() for row, u in r.units}
        return dict(sorted(found.items()))

    @cached_property
    def _scope_sizes(self) -> Counter[tuple[str, str]]:
        """Units per (document, kind): how selective a filter is."""
        return Counter((u.doc_id, u.kind) for u in self._units_by_row.values())

    @property
    def units(self) -> list[Unit]:
        """Every indexed view, in row order (aligned with ``view_vectors()``)."""
        return list(self._units_by_row.values())

    @property
    def size(self) -> int:
        if "_state" in self.__dict__ or self._manifest is None:
            return len(self._units_by_row)
        return int(self._manifest.counts.get("vectors", 0))

    def view_vectors(self) -> np.ndarray:
        """The stored vector of every indexed view, aligned with ``self.units``."""
        if self.size == 0:
            return np.zeros((0, 0), dtype=np.float32)
        rows = np.fromiter(self._units_by_row, dtype=np.int64, count=len(self._units_by_row))
        found = self._query(
            f"SELECT row, vector_send(embedding) FROM {S}.units WHERE row = ANY(%(rows)s) "
            "ORDER BY row",
            {"rows": rows.tolist()},
        )
        # vector_send: int16 dimension, int16 unused, then big-endian float4 values
        vectors = np.stack([np.frombuffer(bytes(b), dtype=">f4", offset=4) for _, b in found])
        return np.ascontiguousarray(vectors, dtype=np.float32)

    # -- search --------------------------------------------------------------------------
    def _in_scope(self, doc_ids: frozenset[str] | None, kinds: tuple[str, ...] | None) -> int:
        if doc_ids is None and kinds is None:
            return self.size
        return sum(
            n
            for (doc_id, kind), n in self._scope_sizes.items()
            if (doc_ids is None or doc_id in doc_ids) and (kinds is None or kind in kinds)
        )

    def dense(
        self,
        query: np.ndarray,
        k: int,
        doc_ids: frozenset[str] | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> list[tuple[Unit, float]]:
        """Nearest units by inner product, limited to ``doc_ids``/``kinds`` when given. Exact
        when the index or the filtered set is small (at most ``EXACT_UNITS`` rows); else the
        HNSW index with pgvector's iterative scan, so a filter still fills ``k``."""
        if self.size == 0 or k < 1:
            return []
        where, params = [schema.visible()], {"q": schema.vector_literal(query), "k": int(k)}
        if doc_ids is not None:
            where.append("doc_id = ANY(%(docs)s)")
            params["docs"] = sorted(doc_ids)
        if kinds is not None:
            where.append("kind = ANY(%(kinds)s)")
            params["kinds"] = list(kinds)
        exact = self._in_scope(doc_ids, kinds) <= EXACT_UNITS or k >= self.size
        # ``+ 0`` keeps the planner off the HNSW index: an exact scan of the filtered rows
        distance = "(embedding <#> %(q)s::vector)" + (" + 0" if exact else "")
        sql = (
            f"SELECT row, {distance} AS d FROM {S}.units WHERE {' AND '.join(where)} "
            "ORDER BY d LIMIT %(k)s"
        )
        units = self._units_by_row
        with self._db.lock:
            conn = self._db.get()
            with conn.transaction():
                if not exact:
                    conn.execute(f"SET LOCAL hnsw.ef_search = {max(HNSW_EF_SEARCH, int(k))}")
                    conn.execute("SET LOCAL hnsw.iterative_scan = relaxed_order")
                found = conn.execute(sql, {"g": self.generation, **params}).fetchall()
        hits = sorted(((int(row), -float(d)) for row, d in found), key=lambda h: (-h[1], h[0]))
        return [(units[row], score) for row, score in hits if row in units]

    @cached_property
    def _lengths(self) -> tuple[int, float]:
        """Rows and their mean token count (BM25's N and avgdl)."""
        [(n, avgdl)] = self._query(
            f"SELECT count(*), coalesce(avg(dl), 0) FROM {S}.units WHERE {schema.visible()}"
        )
        return int(n), float(avgdl)

    def keyword(self, terms: list[str], k: int) -> list[tuple[Unit, float]]:
        """BM25 ranking of units for any of ``terms`` (as FTS5 scores it); higher is better."""
        if not terms or self.size == 0:
            return []
        n, avgdl = self._lengths
        queries = [(schema.tsquery_literal(t), " ".join(schema.tokens(t))) for t in terms]
        queries = [(q, lex) for q, lex in queries if q]
        if not queries:
            return []
        found = self._query(
            schema.bm25(),
            {
                "queries": [q for q, _ in queries],
                "lexemes": [lex for _, lex in queries],
                "n": n,
                "avgdl": avgdl or 1.0,
                "k": int(k),
            },
        )
        units = self._units_by_row
        return [(units[int(row)], float(r)) for row, r in found if int(row) in units]

    def vocabulary_has(self, term: str) -> bool:
        """Whether ``term`` (as the keyword search tokenises it) occurs anywhere."""
        query = schema.tsquery_literal(term)
        if self.size == 0 or not query:
            return False
        found = self._query(
            f"SELECT 1 FROM {S}.units WHERE tsv @@ %(q)s::tsquery AND {schema.visible()} LIMIT 1",
            {"q": query},
        )
        return bool(found)

    # -- writing -------------------------------------------------------------------------
    @contextlib.contextmanager
    def write_lock(self, timeout_s: float) -> Iterator[None]:
        """Hold the database's writer lock (a session advisory lock); wait up to
        ``timeout_s`` for another writer."""
        conn = connect(self.dsn)
        try:
            taken = conn.execute(
                "SELECT pg_try_advisory_lock(%s)", (schema.WRITE_LOCK_KEY,)
            ).fetchone()[0]
            if not taken:
                log.warning("waiting for another writer… (%s)", redacted(self.dsn))
                deadline = time.monotonic() + max(0.0, timeout_s)
                while not taken:
                    if time.monotonic() >= deadline:
                        raise WriterBusyError(
                            f"another process has been writing to {redacted(self.dsn)} for "
                            f"over {timeout_s:g} s: let it finish (or stop it) and retry, or "
                            "raise Config.writer_timeout_s to wait longer."
                        )
                    time.sleep(0.05)
                    taken = conn.execute(
                        "SELECT pg_try_advisory_lock(%s)", (schema.WRITE_LOCK_KEY,)
                    ).fetchone()[0]
            self._db.writer = conn
            yield
        finally:
            self._db.writer = None
            conn.close()  # ends the session: its advisory lock goes with it

    def commit(
        self,
        prepared: list[PreparedDocument],
        vectors: np.ndarray,
        removals: list[str],
        embedder_name: str,
        dimension: int,
        config: Config,
    ) -> PostgresStore:
        """Add ``prepared`` (its units' vectors in order) and remove ``removals`` in one
        transaction; returns the snapshot after it. Documents another writer committed in
        the meantime are skipped, not added twice."""
        held = self._db.writer  # inside write_lock: the session that holds the lock
        conn = held if held is not None else connect(self.dsn)
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.WRITE_LOCK_KEY,))
                manifest = _write(
                    conn, prepared, vectors, removals, embedder_name, dimension, config
                )
        finally:
            if held is None:
                conn.close()
        return PostgresStore(self.dsn, manifest, self._db, self._loaded_base())


def _write(
    conn: Any,
    prepared: list[PreparedDocument],
    vectors: np.ndarray,
    removals: list[str],
    embedder_name: str,
    dimension: int,
    config: Config,
) -> Manifest:
    """The body of one write transaction (the writers' lock is held)."""
    meta = _read_meta(conn)
    if meta is None:
        for statement in schema.ddl(dimension):
            conn.execute(statement)
    previous = meta[1] if meta is not None else None
    if previous is not None and previous.dimension != dimension:
        from index.errors import ModelMismatchError

        raise ModelMismatchError(
            f"the index in {redacted(conn.info.dsn)} holds {previous.dimension}-dim vectors "
            f"from {previous.embedder_name}; this batch has {dimension}: rebuild the index."
        )
    generation = previous.generation if previous is not None else 0
    batch, row = generation + 1, previous.next_row if previous is not None else 1
    _purge(conn, generation)
    counts = dict.fromkeys(_COUNTED, 0) if previous is None else previous.counts
    gone = [d for d in dict.fromkeys(removals)]
    if gone:
        for key, n in _live_counts(conn, gone).items():
            counts[key] -= n
        conn.execute(
            f"UPDATE {S}.documents SET removed_in = %s WHERE doc_id = ANY(%s) "
            "AND removed_in IS NULL",
            (batch, gone),
        )
        conn.execute(
            f"UPDATE {S}.units SET removed_in = %s WHERE doc_id = ANY(%s) AND removed_in IS NULL",
            (batch, gone),
        )
    ids = [p.document.doc_id for p in prepared]
    live = {
        d
        for (d,) in conn.execute(
            f"SELECT doc_id FROM {S}.documents WHERE doc_id = ANY(%s) AND removed_in IS NULL",
            (ids,),
        ).fetchall()
    }
    offset = 0
    for p in prepared:
        n = len(p.units)
        if p.document.doc_id in live:  # another writer added it first
            offset += n
            continue
        live.add(p.document.doc_id)
        record = DocRecord.of(p, batch, row)
        _insert(conn, record, vectors[offset : offset + n])
        offset += n
        row += n
        counts = {
            "documents": counts["documents"] + 1,
            "paragraphs": counts["paragraphs"] + len(record.document.paragraphs),
            "quotes": counts["quotes"] + len(record.quotes),
            "facts": counts["facts"] + len(record.facts),
            "speakers": counts["speakers"] + len(record.speakers),
            "vectors": counts["vectors"] + n,
        }
    manifest = new_manifest(
        previous,
        generation=batch,
        next_row=row,
        segments=[],
        counts=counts,
        embedder_name=embedder_name,
        dimension=dimension,
        config=config.replace(dsn=""),  # the manifest never carries a password
    )
    data = {**manifest.data, "store": "postgres", "schema_version": schema.SCHEMA_VERSION}
    data["files"] = {}
    conn.execute(
        f"INSERT INTO {S}.meta VALUES (1, %(v)s, %(g)s, %(r)s, %(m)s) ON CONFLICT (id) DO "
        "UPDATE SET generation = %(g)s, next_row = %(r)s, manifest = %(m)s",
        {"v": schema.SCHEMA_VERSION, "g": batch, "r": row, "m": json.dumps(data)},
    )
    return Manifest(data)


def _live_counts(conn: Any, doc_ids: list[str]) -> dict[str, int]:
    """What the live versions of ``doc_ids`` add to the manifest's counts."""
    live = (
        f"SELECT doc_id, batch FROM {S}.documents WHERE doc_id = ANY(%(d)s) AND removed_in IS NULL"
    )
    counts = {}
    for key, table in (
        ("documents", "documents"),
        ("paragraphs", "paragraphs"),
        ("quotes", "quotes"),
        ("facts", "facts"),
        ("speakers", "speakers"),
        ("vectors", "units"),
    ):
        sql = f"SELECT count(*) FROM {S}.{table} WHERE (doc_id, batch) IN ({live})" + (
            " AND removed_in IS NULL" if table == "units" else ""
        )
        counts[key] = int(conn.execute(sql, {"d": doc_ids}).fetchone()[0])
    return counts


def _purge(conn: Any, generation: int) -> None:
    """Delete the rows of documents removed in committed generations (readers of older
    snapshots then miss them, as with the embedded store's purge)."""
    gone = f"SELECT doc_id, batch FROM {S}.documents WHERE removed_in <= %(g)s"
    for table in ("paragraphs", "quotes", "facts", "speakers"):
        conn.execute(
            f"DELETE FROM {S}.{table} WHERE (doc_id, batch) IN ({gone})", {"g": generation}
        )
    conn.execute(f"DELETE FROM {S}.units WHERE removed_in <= %(g)s", {"g": generation})
    conn.execute(f"DELETE FROM {S}.documents WHERE removed_in <= %(g)s", {"g": generation})


def _insert(conn: Any, record: DocRecord, vectors: np.ndarray) -> None:
    d, b = record.document, record.batch
    with conn.cursor() as cur:
        cur.execute(
            f"INSERT INTO {S}.documents (doc_id, batch, digest, "
            f"{schema.columns(schema.DOCUMENT_COLUMNS)}) VALUES ({', '.join(['%s'] * 10)})",
            (
                d.doc_id,
                b,
                record.digest(),
                d.title,
                d.source,
                d.author,
                d.date,
                d.text,
                d.added_at,
                d.outlet,
            ),
        )
        cur.executemany(
            f"INSERT INTO {S}.paragraphs (doc_id, batch, "
            f"{schema.columns(schema.PARAGRAPH_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s, %s)",
            [(d.doc_id, b, p.number, p.start, p.end, p.kind, p.text) for p in d.paragraphs],
        )
        for table, names, items in (
            ("quotes", schema.QUOTE_COLUMNS, record.quotes),
            ("facts", schema.FACT_COLUMNS, record.facts),
        ):
            cols = tuple(n for n in names if n != "doc_id")
            cur.executemany(
                f"INSERT INTO {S}.{table} (doc_id, batch, seq, {schema.columns(cols)}) "
                f"VALUES ({', '.join(['%s'] * (len(cols) + 3))})",
                [
                    (d.doc_id, b, i, *(getattr(item, c) for c in cols))
                    for i, item in enumerate(items)
                ],
            )
        cur.executemany(
            f"INSERT INTO {S}.speakers (doc_id, batch, seq, "
            f"{schema.columns(schema.SPEAKER_COLUMNS)}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
            [
                (d.doc_id, b, i, s.name, s.title, list(s.aliases), s.quote_count, s.is_person)
                for i, s in enumerate(record.speakers)
            ],
        )
        cols = tuple(n for n in schema.UNIT_COLUMNS if n != "doc_id")
        cur.executemany(
            f"INSERT INTO {S}.units (doc_id, row, batch, {schema.columns(cols)}, embedding, tsv, "
            f"dl) VALUES ({', '.join(['%s'] * (len(cols) + 3))}, %s::vector, %s::tsvector, %s)",
            [
                (
                    d.doc_id,
                    row,
                    b,
                    *(getattr(u, c) for c in cols),
                    schema.vector_literal(v),
                    *schema.tsvector_literal(u.index_text),
                )
                for (row, u), v in zip(record.units, vectors, strict=True)
            ],
        )
