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

from index.types import Fact, Quote

SCHEMA = "quotebot"
SCHEMA_VERSION = 1
WRITE_LOCK_KEY = 0x71756F7465  # pg_advisory_lock key of the writers ("quote")
# Keyword search tokenises like the embedded store's FTS5 (porter, unicode61): English
# stemming, no stop words, hyphenated words as their parts; scores are FTS5's BM25.
TEXT_CONFIG = f"{SCHEMA}.english"
BM25_K1, BM25_B = 1.2, 0.75
_TEXT_SEARCH = f"""
DO $$ BEGIN
  IF to_regnamespace('{SCHEMA}') IS NOT NULL AND NOT EXISTS (
      SELECT 1 FROM pg_ts_config WHERE cfgname = 'english'
      AND cfgnamespace = '{SCHEMA}'::regnamespace) THEN
    CREATE TEXT SEARCH DICTIONARY {SCHEMA}.english_stem (TEMPLATE = snowball, LANGUAGE = english);
    CREATE TEXT SEARCH CONFIGURATION {TEXT_CONFIG} (COPY = pg_catalog.english);
    ALTER TEXT SEARCH CONFIGURATION {TEXT_CONFIG} ALTER MAPPING FOR asciiword, word,
      numword, hword_asciipart, hword_part, hword_numpart WITH {SCHEMA}.english_stem;
    ALTER TEXT SEARCH CONFIGURATION {TEXT_CONFIG} DROP MAPPING FOR asciihword, hword,
      numhword;
  END IF;
END $$"""

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
        _TEXT_SEARCH,
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
        f"dl integer NOT NULL, tsv tsvector GENERATED ALWAYS AS (to_tsvector("
        f"'{TEXT_CONFIG}', index_text)) STORED, "
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


TOKENS = (
    "(SELECT coalesce(sum(cardinality(positions)), 0) "
    f"FROM unnest(to_tsvector('{TEXT_CONFIG}', %s)))"
)
"""SQL for the token count of a text (BM25's document length), from one parameter."""


def bm25(g: str = "%(g)s") -> str:
    """Rows matching any of the terms ``%(terms)s`` (text[]; a term of several words is a
    phrase) scored by FTS5's BM25 over the rows visible at ``g``: ``%(n)s`` rows of
    ``%(avgdl)s`` tokens on average; the ``%(k)s`` best. A phrase's frequency in a row is
    its rarest word's (an upper bound of FTS5's phrase count)."""
    s, k1, b, cfg = SCHEMA, BM25_K1, BM25_B, TEXT_CONFIG
    return f"""
WITH terms AS (
  SELECT n, tq, ARRAY(SELECT lexeme FROM unnest(to_tsvector('{cfg}', term))) AS lexemes
  FROM (SELECT n, term, phraseto_tsquery('{cfg}', term) AS tq
        FROM unnest(%(terms)s::text[]) WITH ORDINALITY AS x(term, n)) AS parsed
  WHERE numnode(tq) > 0
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
