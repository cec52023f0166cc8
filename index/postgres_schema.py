"""The PostgreSQL store's tables (schema ``quotebot``): what the SQLite store keeps, plus the
unit vectors (pgvector, HNSW on inner product) and a generated ``tsvector`` (GIN).

Every row carries the write batch (generation) that added it; a removal sets ``removed_in``.
A snapshot at generation ``g`` sees rows with ``batch <= g`` not removed by ``g``, so a
reader never sees a batch in part. ``meta`` holds the committed generation and the
manifest (embedder, dimension, counts, config). Tables are keyed by ``doc_id`` first, so a
Citus cluster can distribute them by ``doc_id`` (``meta`` as a reference table).
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from functools import lru_cache

from index.types import Fact, Quote

SCHEMA = "quotebot"
SCHEMA_VERSION = 1
WRITE_LOCK_KEY = 0x71756F7465  # pg_advisory_lock key of the writers ("quote")
# Keyword search tokenises as the embedded store's FTS5 does (unicode61 with diacritics
# removed, then Porter stemming of tokens of 3 to 64 characters) and scores FTS5's BM25.
BM25_K1, BM25_B = 1.2, 0.75
_TOKEN = re.compile(r"[^\W_]+")

QUOTE_COLUMNS = tuple(f.name for f in dataclasses.fields(Quote))
FACT_COLUMNS = tuple(f.name for f in dataclasses.fields(Fact))
PARAGRAPH_COLUMNS = ("number", "start", "end", "kind", "text")
SPEAKER_COLUMNS = ("name", "title", "aliases", "quote_count", "is_person")
UNIT_COLUMNS = (
    "kind",
    "unit_id",
    "doc_id",
    "paragraph",
    "start",
    "end",
    "text",
    "index_text",
    "speaker",
)
DOCUMENT_COLUMNS = ("title", "source", "author", "date", "text", "added_at", "outlet")
_TYPES = {
    "paragraph": "integer",
    "number": "integer",
    "start": "integer",
    "end": "integer",
    "quote_count": "integer",
    "is_person": "boolean",
    "aliases": "text[]",
    "added_at": "double precision",
}


def columns(names: tuple[str, ...], table: str = "") -> str:
    """A column list with every name quoted (``end`` is a keyword), of ``table`` if given."""
    t = f"{table}." if table else ""
    return ", ".join(f'{t}"{n}"' for n in names)


def _defs(names: tuple[str, ...], skip: tuple[str, ...] = ()) -> str:
    return "".join(f', "{n}" {_TYPES.get(n, "text")}' for n in names if n not in skip)


def visible(g: str = "%(g)s", table: str = "") -> str:
    """The SQL condition for rows committed at generation ``g`` and not removed by it."""
    t = f"{table}." if table else ""
    return f"{t}batch <= {g} AND ({t}removed_in IS NULL OR {t}removed_in > {g})"


def ddl(dimension: int) -> list[str]:
    """Statements that create the schema for ``dimension``-dim vectors (idempotent)."""
    s = SCHEMA
    return [
        "CREATE EXTENSION IF NOT EXISTS vector",
        f"CREATE SCHEMA IF NOT EXISTS {s}",
        f"CREATE TABLE IF NOT EXISTS {s}.meta (id integer PRIMARY KEY CHECK (id = 1), "
        "schema_version integer NOT NULL, generation bigint NOT NULL, next_row bigint NOT "
        "NULL, manifest jsonb NOT NULL)",
        f"CREATE TABLE IF NOT EXISTS {s}.documents (doc_id text NOT NULL, batch bigint NOT "
        "NULL, removed_in bigint, seq bigint GENERATED ALWAYS AS IDENTITY, digest text"
        f"{_defs(DOCUMENT_COLUMNS)}, PRIMARY KEY (doc_id, batch))",
        # one live version of a document: two writers adding it cannot both commit
        f"CREATE UNIQUE INDEX IF NOT EXISTS documents_live ON {s}.documents (doc_id) "
        "WHERE removed_in IS NULL",
        f"CREATE TABLE IF NOT EXISTS {s}.paragraphs (doc_id text NOT NULL, batch bigint NOT "
        f"NULL{_defs(PARAGRAPH_COLUMNS)}, PRIMARY KEY (doc_id, batch, number))",
        f"CREATE TABLE IF NOT EXISTS {s}.quotes (doc_id text NOT NULL, batch bigint NOT NULL, "
        f"seq integer NOT NULL{_defs(QUOTE_COLUMNS, ('doc_id',))}, "
        "PRIMARY KEY (doc_id, batch, seq))",
        f"CREATE TABLE IF NOT EXISTS {s}.facts (doc_id text NOT NULL, batch bigint NOT NULL, "
        f"seq integer NOT NULL{_defs(FACT_COLUMNS, ('doc_id',))}, "
        "PRIMARY KEY (doc_id, batch, seq))",
        f"CREATE TABLE IF NOT EXISTS {s}.speakers (doc_id text NOT NULL, batch bigint NOT "
        f"NULL, seq integer NOT NULL{_defs(SPEAKER_COLUMNS)}, PRIMARY KEY (doc_id, batch, seq))",
        f"CREATE TABLE IF NOT EXISTS {s}.units (doc_id text NOT NULL, row bigint NOT NULL, "
        f"batch bigint NOT NULL, removed_in bigint{_defs(UNIT_COLUMNS, ('doc_id',))}, "
        f"embedding vector({int(dimension)}) NOT NULL, "
        "dl integer NOT NULL, tsv tsvector NOT NULL, "
        "PRIMARY KEY (doc_id, row))",
        f"CREATE INDEX IF NOT EXISTS units_embedding ON {s}.units "
        "USING hnsw (embedding vector_ip_ops)",
        f"CREATE INDEX IF NOT EXISTS units_tsv ON {s}.units USING gin (tsv)",
        f"CREATE INDEX IF NOT EXISTS units_row ON {s}.units (row)",
        f"CREATE INDEX IF NOT EXISTS units_removed ON {s}.units (removed_in) "
        "WHERE removed_in IS NOT NULL",
        f"CREATE INDEX IF NOT EXISTS documents_removed ON {s}.documents (removed_in) "
        "WHERE removed_in IS NOT NULL",
    ]


def vector_literal(vector: object) -> str:
    """pgvector's text input for one vector (``[x,y,...]``)."""
    import numpy as np

    values = np.asarray(vector, dtype=np.float32).ravel()
    return "[" + ",".join(repr(float(x)) for x in values) + "]"


@lru_cache(maxsize=1)
def _stemmer() -> object:
    import snowballstemmer

    return snowballstemmer.stemmer("porter")


@lru_cache(maxsize=65536)
def _stem(token: str) -> str:
    if len(token) < 3 or len(token) > 64 or not token.isascii():
        return token
    return str(_stemmer().stemWord(token))  # type: ignore[attr-defined]


def tokens(text: str) -> list[str]:
    """The keyword tokens of ``text``, as FTS5's ``porter unicode61 remove_diacritics 2``."""
    folded = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [_stem(t) for t in _TOKEN.findall(plain)]


def tsvector_literal(text: str) -> tuple[str, int]:
    """``text`` as a tsvector literal (lexemes with positions) and its token count."""
    positions: dict[str, list[int]] = {}
    found = tokens(text)
    for at, token in enumerate(found, start=1):
        positions.setdefault(token, []).append(min(at, 16383))
    parts = [f"'{t}':{','.join(map(str, p[:256]))}" for t, p in positions.items()]
    return " ".join(parts), len(found)


def tsquery_literal(term: str) -> str:
    """A query term as a tsquery literal: one token, or a phrase of several ("" if none)."""
    return " <-> ".join(f"'{t}'" for t in tokens(term))


def bm25(g: str = "%(g)s") -> str:
    """Rows matching any of the terms (``%(queries)s``: tsquery texts; ``%(lexemes)s``:
    each term's tokens joined by spaces; a term of several tokens is a phrase) scored by
    FTS5's BM25 over the rows visible at ``g``: ``%(n)s`` rows of ``%(avgdl)s`` tokens on
    average; the ``%(k)s`` best. A phrase's frequency in a row is its rarest token's."""
    s, k1, b = SCHEMA, BM25_K1, BM25_B
    return f"""
WITH terms AS (
  SELECT n, q::tsquery AS tq, string_to_array(lex, ' ') AS lexemes
  FROM unnest(%(queries)s::text[], %(lexemes)s::text[]) WITH ORDINALITY AS x(q, lex, n)
), hits AS (
  SELECT u.row, u.dl, t.n,
    (SELECT min(cardinality(x.positions)) FROM unnest(u.tsv) AS x
     WHERE x.lexeme = ANY(t.lexemes)) AS tf
  FROM {s}.units u JOIN terms t ON u.tsv @@ t.tq
  WHERE u.tsv @@ (SELECT string_agg('(' || tq::text || ')', ' | ')::tsquery FROM terms)
    AND {visible(g, "u")}
), df AS (SELECT n, count(*) AS df FROM hits GROUP BY n)
SELECT h.row, sum(greatest(ln((%(n)s - df.df + 0.5) / (df.df + 0.5)), 1e-6)
    * h.tf * {k1 + 1} / (h.tf + {k1} * ({1 - b} + {b} * h.dl / %(avgdl)s))) AS score
FROM hits h JOIN df USING (n)
GROUP BY h.row ORDER BY score DESC, h.row LIMIT %(k)s"""
