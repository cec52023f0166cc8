"""What the bot and retrieval need of a store, and the store picked by name.

Two implementations: ``IndexStore`` (embedded: FAISS-style vector segments + SQLite in one
directory, the default; written by ``index/store_writer.py``) and ``PostgresStore``
(PostgreSQL + pgvector, ``index/store_postgres.py``). Either is an immutable snapshot of
one committed generation; ``refreshed()`` returns a newer one.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from index.config import Config
from index.manifest import Manifest
from index.pipeline import PreparedDocument, Unit
from index.types import Document, Fact, Quote, Speaker

STORES = ("embedded", "postgres")


class Store(Protocol):
    """A read-only snapshot of one committed generation of an index."""

    @property
    def manifest(self) -> Manifest | None: ...
    @property
    def generation(self) -> int: ...
    @property
    def documents(self) -> Mapping[str, Document]: ...
    @property
    def quotes(self) -> list[Quote]: ...
    @property
    def facts(self) -> list[Fact]: ...
    @property
    def doc_speakers(self) -> list[Speaker]: ...
    @property
    def units(self) -> list[Unit]: ...
    @property
    def size(self) -> int: ...

    def __contains__(self, doc_id: str) -> bool: ...
    def refreshed(self, verify: bool = True, force: bool = False) -> Store: ...
    def dense(self, query: np.ndarray, k: int) -> list[tuple[Unit, float]]: ...
    def keyword(self, terms: list[str], k: int) -> list[tuple[Unit, float]]: ...
    def vocabulary_has(self, term: str) -> bool: ...
    def view_vectors(self) -> np.ndarray: ...
    def check(self) -> None: ...
    def close(self) -> None: ...


class FilteringStore(Store, Protocol):
    """A store whose dense search applies the scope and kind filters itself (exactly when
    the filtered set is small), so the retriever need not over-fetch. Told apart by its
    ``filters_in_store`` attribute, not ``isinstance``: a runtime protocol check evaluates
    every property (``units``, a list of every view) on each call."""

    filters_in_store: bool

    def dense(
        self,
        query: np.ndarray,
        k: int,
        doc_ids: frozenset[str] | None = None,
        kinds: tuple[str, ...] | None = None,
    ) -> list[tuple[Unit, float]]: ...


def wants_postgres(location: str | Path | None, config: Config | None) -> bool:
    """Whether ``location``/``config`` name the PostgreSQL store (a DSN implies it)."""
    from index.store_postgres import is_dsn

    if config is not None and config.store not in STORES:
        raise ValueError(f"Config.store must be one of {', '.join(STORES)}, not {config.store!r}")
    return is_dsn(location) or (config is not None and config.store == "postgres")


def writing(store: Store, directory: Path, timeout_s: float) -> AbstractContextManager[None]:
    """The cross-process writer lock of ``store`` (a lock file, or the database's)."""
    from index.store_postgres import PostgresStore
    from index.store_writer import write_lock

    if isinstance(store, PostgresStore):
        return store.write_lock(timeout_s)
    return write_lock(directory, timeout_s)


def commit_to(
    store: Store,
    prepared: list[PreparedDocument],
    vectors: np.ndarray,
    removals: list[str],
    embedder_name: str,
    dimension: int,
    config: Config,
) -> Store:
    """Add ``prepared`` and remove ``removals`` in one commit; the snapshot after it."""
    from index.store import IndexStore
    from index.store_postgres import PostgresStore
    from index.store_writer import commit

    if isinstance(store, PostgresStore):
        return store.commit(prepared, vectors, removals, embedder_name, dimension, config)
    assert isinstance(store, IndexStore)
    return commit(store, prepared, vectors, removals, embedder_name, dimension, config)
