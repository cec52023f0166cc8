"""index/catalog.py (through IndexStore and QuoteBot): opening reads the catalog only;
documents, quotes and units are read from SQLite when asked for."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import index.catalog
import index.database
from index.catalog import DocEntry
from index.config import Config
from rag import QuoteBot

ARTICLES_DIR = Path(__file__).parents[1] / "data" / "articles"
MADE = ("Document", "Paragraph", "Quote", "Fact", "Speaker", "Unit")


def _counting(made: Counter[str], name: str, real: type) -> Callable[..., Any]:
    def make(*args: Any, **kwargs: Any) -> Any:
        made[name] += 1
        return real(*args, **kwargs)

    return make


@pytest.fixture
def made(monkeypatch: pytest.MonkeyPatch) -> Counter[str]:
    """How many objects of each stored kind were built from database rows."""
    counts: Counter[str] = Counter()
    for module in (index.catalog, index.database):
        for name in MADE:
            if hasattr(module, name):
                real = getattr(module, name)
                monkeypatch.setattr(module, name, _counting(counts, name, real))
    return counts


@pytest.fixture
def directory(tmp_path: Path) -> Path:
    bot = QuoteBot.create(tmp_path / "idx", Config(embedder="hashing"))
    bot.add_many(sorted(ARTICLES_DIR.glob("*.txt"))[:3])
    bot.close()
    return tmp_path / "idx"


def test_open_reads_no_document_quote_or_unit(directory: Path, made: Counter[str]) -> None:
    bot = QuoteBot.open(directory)
    store = bot.store
    assert len(store.documents) == 3 and store.size > 0
    assert not made  # ids, row numbers and vectors only


def test_a_document_is_read_when_asked_for(directory: Path, made: Counter[str]) -> None:
    bot = QuoteBot.open(directory)
    first, second, _ = list(bot.store.documents)
    doc = bot.document(first)
    assert made == Counter({"Document": 1, "Paragraph": len(doc.paragraphs)})
    assert bot.document(first) is doc  # kept: not read again
    assert made["Document"] == 1
    assert bot.document(second).doc_id == second
    assert made["Document"] == 2 and not made["Quote"] and not made["Unit"]


def test_a_search_reads_only_the_units_it_returns(directory: Path, made: Counter[str]) -> None:
    bot = QuoteBot.open(directory)
    query = bot.embedder.embed(["what the minister said about the port"])[0]
    hits = bot.store.dense(np.asarray(query), 3)
    assert len(hits) == 3
    assert made == Counter({"Unit": 3})
    assert [u for u, _ in hits] == [
        u for u, _ in QuoteBot.open(directory).store.dense(np.asarray(query), 3)
    ]


def test_lazy_reads_equal_the_stored_records(directory: Path) -> None:
    """What is read on demand is what a full read of every row gives."""
    store = QuoteBot.open(directory).store
    conn = index.database.connect(directory / "index.sqlite")
    try:
        full = index.database.read_changes(conn, 0, store.generation, verify=True)
    finally:
        conn.close()
    assert not full.damaged()
    assert [r.document for r in full.records] == list(store.documents.values())
    assert [store.documents[r.document.doc_id] for r in full.records] == [
        r.document for r in full.records
    ]
    assert store.quotes == [q for r in full.records for q in r.quotes]
    assert store.facts == [f for r in full.records for f in r.facts]
    assert store.doc_speakers == [s for r in full.records for s in r.speakers]
    assert store.units == [u for r in full.records for _, u in r.units]
    assert [store.entry(r.document.doc_id) for r in full.records] == [
        DocEntry.of(r) for r in full.records
    ]
