"""index/store_postgres.py against a real PostgreSQL + pgvector server: filtered vector search
against exact numpy search, other processes' writers and readers, answers equal to the
embedded store's, configuration and CLI errors. (The shared store and bot tests run on both
stores too: tests/rag/test_bot_live.py, tests/rag/test_store_and_search.py,
tests/index/test_store_processes.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import index.store_postgres
from index.config import Config, bundled_article
from index.errors import IndexMissingError, InvalidRequestError
from index.store_postgres import PostgresStore, redacted
from rag import QuoteBot
from ui.cli import main

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from articles import article, speaker  # noqa: E402

HASHING = Config(embedder="hashing")
ARTICLES = sorted((HERE.parent / "data" / "articles").glob("*.txt"))
QUESTIONS = [
    json.loads(line)["question"]
    for line in (Path(__file__).parents[2] / "eval" / "questions.jsonl").read_text().splitlines()
    if line.strip()
]


def _exact(
    store: PostgresStore,
    query: np.ndarray,
    k: int,
    doc_ids: frozenset[str] | None,
    kind: str | None,
) -> list[int]:
    """Brute-force numpy: the positions (in ``store.units``) of the ``k`` nearest units."""
    scores = store.view_vectors() @ query
    keep = [
        i
        for i, u in enumerate(store.units)
        if (doc_ids is None or u.doc_id in doc_ids) and (kind is None or u.kind == kind)
    ]
    return sorted(keep, key=lambda i: -scores[i])[:k]


@pytest.fixture
def archive(pg_dsn: str, tmp_path: Path) -> QuoteBot:
    bot = QuoteBot.create(pg_dsn, HASHING.replace(add_batch_size=20))
    paths = []
    for n in range(60):
        path = tmp_path / f"a{n}.txt"
        path.write_text(article(n), encoding="utf-8")
        paths.append(path)
    bot.add_many(paths)
    return bot


@pytest.mark.parametrize("exact_units", [20_000, 0])  # exact scan; HNSW with iterative scan
def test_filtered_dense_search_recall_against_numpy(
    archive: QuoteBot, monkeypatch: pytest.MonkeyPatch, exact_units: int
) -> None:
    monkeypatch.setattr(index.store_postgres, "EXACT_UNITS", exact_units)
    store = archive.store
    assert isinstance(store, PostgresStore)
    ids = [d.doc_id for d in archive.documents()]
    rng = np.random.default_rng(7)
    recalls = []
    for n in range(15):
        query = archive.embedder.embed([f"ferry route {n * 3} storm pier {speaker(n)}"])[0]
        for doc_ids, kind in [
            (None, None),
            (frozenset(ids[n : n + 1]), None),  # one article: a selective filter
            (frozenset(rng.choice(ids, 3, replace=False).tolist()), None),
            (None, "quote"),
        ]:
            kinds = (kind,) if kind else None
            found = store.dense(query, 10, doc_ids, kinds)
            assert all(
                (doc_ids is None or u.doc_id in doc_ids) and (kind is None or u.kind == kind)
                for u, _ in found
            )
            want = _exact(store, query, 10, doc_ids, kind)
            assert len(found) == len(want)  # a filter still fills k
            # a hit counts when it scores as high as the k-th exact one (ties are many here)
            scores = store.view_vectors() @ query
            floor = float(scores[want[-1]]) - 1e-5
            recalls.append(sum(s >= floor for _, s in found) / len(want))
            if exact_units:
                assert [round(s, 5) for _, s in found] == [round(float(scores[i]), 5) for i in want]
    recall = float(np.mean(recalls))
    assert recall >= (1.0 if exact_units else 0.95), recall


def test_units_vectors_and_counts_match_the_embedded_store(pg_dsn: str, tmp_path: Path) -> None:
    embedded = QuoteBot.create(tmp_path / "idx", HASHING)
    postgres = QuoteBot.create(pg_dsn, HASHING)
    for bot in (embedded, postgres):
        bot.add_many(ARTICLES)
    assert postgres.documents() == embedded.documents()
    assert postgres.store.units == embedded.store.units
    assert np.array_equal(postgres.store.view_vectors(), embedded.store.view_vectors())
    assert postgres.quotes(include_repeats=True) == embedded.quotes(include_repeats=True)
    assert postgres.store.facts == embedded.store.facts
    assert postgres.speakers() == embedded.speakers()
    assert postgres.store.manifest is not None and embedded.store.manifest is not None
    assert postgres.store.manifest.counts == embedded.store.manifest.counts
    for term in ("ferry", "inflation", "zzzunknown"):
        assert postgres.store.vocabulary_has(term) == embedded.store.vocabulary_has(term)


def _same_answers(a: QuoteBot, b: QuoteBot, questions: list[str]) -> None:
    for question in questions:
        for kind in (None, "quote", "fact"):
            got, want = b.search(question, k=5, kind=kind), a.search(question, k=5, kind=kind)
            # the same best hit and nearly the same five: keyword scores are FTS5's BM25 on
            # PostgreSQL's tokens (Snowball, not Porter, stems), so a near tie may swap
            keys = [(h.doc_id, h.start, h.end) for h in got]
            wanted = [(h.doc_id, h.start, h.end) for h in want]
            assert keys[:1] == wanted[:1] and len(set(keys) & set(wanted)) >= 4, question
            assert got[0].score == pytest.approx(want[0].score, abs=0.01)
        x, y = a.ask(question), b.ask(question)
        assert (y.text, y.citations, y.abstained) == (x.text, x.citations, x.abstained), question


def test_answers_on_several_articles_equal_the_embedded_stores(pg_dsn: str, tmp_path: Path) -> None:
    embedded = QuoteBot.create(tmp_path / "idx", HASHING)
    postgres = QuoteBot.create(pg_dsn, HASHING)
    for bot in (embedded, postgres):
        bot.add_many([bundled_article(), *ARTICLES])
    _same_answers(embedded, postgres, QUESTIONS[:20])


@pytest.mark.model
def test_answers_on_the_bundled_article_equal_the_embedded_stores_with_minilm(
    pg_dsn: str, real_bot: QuoteBot
) -> None:
    postgres = QuoteBot.create(pg_dsn, real_bot.config, real_bot.embedder)
    postgres.add(bundled_article())
    _same_answers(real_bot, postgres, QUESTIONS)
    # and a scoped question (the store applies the scope)
    doc_id = postgres.documents()[0].doc_id
    question = QUESTIONS[0]
    assert postgres.ask(question, doc_ids=[doc_id]).text == real_bot.ask(question).text


_READER = """
import sys
from rag import QuoteBot
bot = QuoteBot.open(sys.argv[1])
print(len(bot.documents()), flush=True)
sys.stdin.readline()
print(len(bot.documents()), " ".join(s.name for s in bot.speakers()), flush=True)
print(bot.search(sys.argv[2], k=1, kind="quote")[0].doc_id, flush=True)
"""


def test_a_reader_in_another_process_sees_a_commit(pg_dsn: str) -> None:
    bot = QuoteBot.create(pg_dsn, HASHING)
    bot.add_text(article(1), "one.txt")
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    reader = subprocess.Popen(
        [sys.executable, "-c", _READER, pg_dsn, f"ferry route 2 {speaker(2)}"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert reader.stdout is not None and reader.stdin is not None
    assert reader.stdout.readline().strip() == "1"
    second = bot.add_text(article(2), "two.txt")
    out, _ = reader.communicate("go\n", timeout=120)
    counts, found = out.strip().splitlines()
    assert counts.startswith("2 ") and speaker(2) in counts
    assert found == second


_WRITER = """
import sys
sys.path.insert(0, sys.argv[2])
from articles import article
from index.config import Config
from rag import QuoteBot
bot = QuoteBot.create(sys.argv[1], Config(embedder="hashing", add_batch_size=1))
numbers = [int(n) for n in sys.argv[3].split(",")]
ids = [bot.add_text(article(n), f"{n}.txt") for n in numbers]
print(" ".join(ids), flush=True)
"""


def test_two_writer_processes_adding_the_same_articles(pg_dsn: str) -> None:
    numbers = list(range(100, 112))
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, pg_dsn, str(HERE), ",".join(map(str, order))],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
        )
        for order in (numbers, numbers[::-1])
    ]
    outs = [w.communicate(timeout=300)[0] for w in writers]
    assert all(w.returncode == 0 for w in writers)
    reported = [set(out.split()) for out in outs]
    assert reported[0] == reported[1] and len(reported[0]) == len(numbers)
    bot = QuoteBot.open(pg_dsn)
    assert {d.doc_id for d in bot.documents()} == reported[0]  # each article once
    assert len(bot.quotes()) == len(numbers)
    assert bot.store.manifest is not None
    counts = bot.store.manifest.counts
    assert counts["documents"] == len(numbers) and counts["vectors"] == bot.store.size


def test_replace_is_one_transaction_and_old_rows_are_purged(pg_dsn: str, tmp_path: Path) -> None:
    import psycopg

    bot = QuoteBot.create(pg_dsn, HASHING)
    path = tmp_path / "story.txt"
    path.write_text(article(5), encoding="utf-8")
    old = bot.add(path)
    path.write_text(article(6), encoding="utf-8")
    new = bot.add(path, replace=True)
    assert [d.doc_id for d in bot.documents()] == [new]
    bot.add_text(article(7), "seven.txt")  # the next write purges the replaced rows
    with psycopg.connect(pg_dsn) as conn:
        for table in ("documents", "paragraphs", "quotes", "facts", "speakers", "units"):
            sql = f"SELECT count(*) FROM quotebot.{table} WHERE doc_id = %s"
            assert conn.execute(sql, (old,)).fetchone()[0] == 0, table
        (generation,) = conn.execute("SELECT generation FROM quotebot.meta").fetchone()
    assert generation == 3  # add, replace (one commit), add


def test_configuration_errors_name_the_fix(pg_dsn: str) -> None:
    with pytest.raises(InvalidRequestError, match="needs a dsn"):
        QuoteBot.create("unused", Config(store="postgres"))
    with pytest.raises(ValueError, match="Config.store must be one of"):
        QuoteBot.create("unused", Config(store="mongo"))
    with pytest.raises(IndexMissingError, match="no quotebot index"):
        QuoteBot.open(pg_dsn)
    missing = pg_dsn.replace("/quotebot_test_", "/nosuchdb_")
    with pytest.raises(IndexMissingError, match="cannot connect to PostgreSQL"):
        QuoteBot.open(missing)
    assert redacted("postgresql://ann:secret@db.example/news") == "postgresql://ann@db.example/news"


def test_cli_store_option(pg_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    QuoteBot.create(pg_dsn, HASHING).add(ARTICLES[0])  # built with the hashing embedder
    assert main(["--store", pg_dsn, "index", str(ARTICLES[1]), "--json"]) == 0
    capsys.readouterr()
    assert main(["articles", "--store", pg_dsn, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert len(listed) == 2
    assert main(["--store", pg_dsn, "search", "interest rates", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)
    assert main(["--store", "postgres", "articles"]) == 2
    assert "postgresql://" in capsys.readouterr().err
