"""rag/bot.py over a changing index: live readers, add_many, remove/replace, merges, input limits.

Tests that take ``bot`` or ``new_index`` run on both stores (embedded and PostgreSQL)."""

from __future__ import annotations

import json
import sqlite3
import sys
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import pytest
from pg_fixtures import location

import index.store
from index.config import FORMAT_VERSION, Config
from index.embedders import HashingEmbedder
from index.errors import (
    DocumentNotFoundError,
    EmptyDocumentError,
    InputFileError,
    InvalidRequestError,
    QuestionTooLongError,
    UnknownFormatError,
)
from rag import QuoteBot

sys.path.insert(0, str(Path(__file__).parents[1] / "index"))
from articles import article, speaker

HASHING = Config(embedder="hashing")


def manifest_of(where: Path | QuoteBot) -> dict:
    """The committed manifest of an index directory, or of a bot's index (either store)."""
    if isinstance(where, QuoteBot):
        manifest = where.store.manifest
        return manifest.data if manifest is not None else {}
    return json.loads((where / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture
def bot(new_index: Callable[[], str | Path]):
    made = QuoteBot.create(new_index(), HASHING)
    made.add_text(article(1), "one.txt")
    yield made
    made.close()


@pytest.fixture
def embedded_bot(tmp_path: Path):
    made = QuoteBot.create(tmp_path / "idx", HASHING)
    made.add_text(article(1), "one.txt")
    yield made
    made.close()


def stored_quotes(bot: QuoteBot, doc_id: str) -> int:
    """Quote rows of ``doc_id`` in the store's database, committed or not."""
    if bot.config.store == "postgres":
        import psycopg

        with psycopg.connect(bot.config.dsn) as conn:
            sql = "SELECT COUNT(*) FROM quotebot.quotes WHERE doc_id = %s"
            return int(conn.execute(sql, (doc_id,)).fetchone()[0])
    conn = sqlite3.connect(bot.directory / "index.sqlite")
    try:
        sql = "SELECT COUNT(*) FROM quotes WHERE doc_id = ?"
        return int(conn.execute(sql, (doc_id,)).fetchone()[0])
    finally:
        conn.close()


def write_articles(directory: Path, numbers: Sequence[int]) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for n in numbers:
        path = directory / f"article-{n}.txt"
        path.write_text(article(n), encoding="utf-8")
        paths.append(path)
    return paths


# -- live readers -------------------------------------------------------------------------------
def test_reader_opened_before_a_write_sees_it_on_its_next_call(bot: QuoteBot) -> None:
    reader = QuoteBot.open(location(bot))
    assert len(reader.documents()) == 1
    new_id = bot.add_text(article(2), "two.txt")
    assert new_id in {d.doc_id for d in reader.documents()}
    assert reader.document(new_id).title.startswith("Ferry route 2")
    assert speaker(2) in {s.name for s in reader.speakers()}
    assert [q.doc_id for q in reader.quotes(speaker=speaker(2))] == [new_id]
    hits = reader.search("ferry route 2 storm", k=10, kind="quote")
    assert new_id in {h.doc_id for h in hits}
    answer = reader.ask(f"What did {speaker(2)} say?")
    assert answer.citations and answer.citations[0].doc_id == new_id
    reader.close()


def test_reader_loads_only_the_new_segment(
    embedded_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    bot = embedded_bot
    reader = QuoteBot.open(bot.directory)
    before = reader.store
    assert reader.store is before  # nothing changed: the same snapshot, nothing read
    read: list[str] = []
    real = index.store.read_segment

    def counting(directory, segment, verify):  # type: ignore[no-untyped-def]
        read.append(segment.name)
        return real(directory, segment, verify)

    monkeypatch.setattr(index.store, "read_segment", counting)
    bot.add_text(article(2), "two.txt")
    assert len(reader.documents()) == 2
    assert read == [manifest_of(bot.directory)["segments"][-1]["name"]]
    assert reader.store.units == bot.store.units
    assert np.array_equal(reader.store.view_vectors(), bot.store.view_vectors())
    reader.close()


def test_reader_sees_a_removal(bot: QuoteBot) -> None:
    second = bot.add_text(article(2), "two.txt")
    reader = QuoteBot.open(location(bot))
    assert len(reader.documents()) == 2
    bot.remove(second)
    assert [d.doc_id for d in reader.documents()] == [bot.documents()[0].doc_id]
    assert all(u.doc_id != second for u in reader.store.units)
    with pytest.raises(DocumentNotFoundError):
        reader.document(second)
    reader.close()


# -- add_many ----------------------------------------------------------------------------------
class CountingEmbedder(HashingEmbedder):
    """The hashing embedder, counting its calls."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return super().embed(texts)


class RecordingEmbedder(HashingEmbedder):
    """The hashing embedder, keeping every text it was given."""

    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts)


def test_a_text_that_recurs_among_the_units_is_embedded_once(tmp_path: Path) -> None:
    embedder = RecordingEmbedder()
    bot = QuoteBot.create(tmp_path / "index", HASHING, embedder)
    sentence = "The county council met on Monday to weigh the bridge repairs."
    bot.add_text(f"Bridge vote\n\n{sentence}\n\nThe vote was close, and the mayor left early.")
    assert len(embedder.texts) == len(set(embedder.texts))
    assert embedder.texts.count(sentence) == 1
    dense = [
        h
        for kind in ("paragraph", "fact")
        for h in bot.search(sentence, k=1, kind=kind, mode="dense")
    ]
    assert [h.text for h in dense] == [sentence, sentence]
    assert dense[0].score == pytest.approx(dense[1].score)  # one vector serves both units
    bot.close()


def test_add_many_batches_embeds_and_commits(
    tmp_path: Path, new_index: Callable[[], str | Path], store: str
) -> None:
    embedder = CountingEmbedder()
    bot = QuoteBot.create(new_index(), HASHING.replace(add_batch_size=4), embedder)
    paths = write_articles(tmp_path / "src", range(10, 20))
    paths.insert(3, paths[0])  # the same file twice: indexed once
    seen: list[tuple[str, int, int]] = []
    ids = bot.add_many(paths, progress=lambda stage, done, total: seen.append((stage, done, total)))
    assert len(ids) == 11 and ids[3] == ids[0] and len(set(ids)) == 10
    assert [d.doc_id for d in bot.documents()] == list(dict.fromkeys(ids))
    assert len(embedder.calls) == 3  # batches of 4, 4 and 2 articles
    assert manifest_of(bot)["generation"] == 3
    if store == "embedded":
        assert len(manifest_of(bot.directory)["segments"]) == 3
    stages = {stage: [(d, t) for s, d, t in seen if s == stage] for stage, _, _ in seen}
    assert stages["reading"] == [(i, 11) for i in range(1, 12)]
    assert stages["attribution"] == [(i, 10) for i in range(1, 11)]
    assert stages["embedding"] == [(4, 10), (8, 10), (10, 10)]
    assert stages["writing"] == [(4, 10), (8, 10), (10, 10)]
    assert bot.add_many(paths) == ids  # idempotent: nothing is written again
    assert manifest_of(bot)["generation"] == 3
    bot.close()


def test_add_many_with_a_bad_file_writes_nothing(
    tmp_path: Path, new_index: Callable[[], str | Path]
) -> None:
    where = new_index()
    bot = QuoteBot.create(where, HASHING)
    paths = write_articles(tmp_path / "src", [1, 2])
    with pytest.raises(InputFileError):
        bot.add_many([*paths, tmp_path / "missing.txt"])
    assert bot.documents() == []
    assert QuoteBot.create(where, HASHING).store.manifest is None  # nothing committed


# -- remove and replace -----------------------------------------------------------------------------
def test_remove_takes_everything_of_the_document(bot: QuoteBot) -> None:
    first = bot.documents()[0].doc_id
    second = bot.add_text(article(2), "two.txt")
    counts_before = manifest_of(bot)["counts"]
    bot.remove(second)
    assert [d.doc_id for d in bot.documents()] == [first]
    assert {q.doc_id for q in bot.quotes(include_repeats=True)} == {first}
    assert {f.doc_id for f in bot.store.facts} == {first}
    assert speaker(2) not in {s.name for s in bot.speakers()}
    assert {u.doc_id for u in bot.store.units} == {first}
    assert bot.store.size == len(bot.store.units)
    for kind in (None, "quote", "fact"):
        assert all(h.doc_id == first for h in bot.search("ferry route 2 storm", k=50, kind=kind))
    q = bot.embedder.embed(["ferry route 2 storm pier"])[0]
    assert all(u.doc_id == first for u, _ in bot.store.dense(q, 1000))
    assert bot.ask(f"What did {speaker(2)} say?").citations == [] or all(
        c.doc_id == first for c in bot.ask(f"What did {speaker(2)} say?").citations
    )
    counts = manifest_of(bot)["counts"]
    assert counts["documents"] == counts_before["documents"] - 1
    assert counts["vectors"] == bot.store.size
    # the rows are purged by the next write; a fresh reader agrees
    bot.add_text(article(3), "three.txt")
    assert stored_quotes(bot, second) == 0
    fresh = QuoteBot.open(location(bot))
    assert [d.doc_id for d in fresh.documents()] == [d.doc_id for d in bot.documents()]
    assert fresh.store.units == bot.store.units
    fresh.close()
    # removed, it can be added again
    assert bot.add_text(article(2), "two.txt") == second
    assert second in {d.doc_id for d in QuoteBot.open(location(bot)).documents()}


def test_remove_unknown_id_is_a_named_key_error(bot: QuoteBot) -> None:
    with pytest.raises(DocumentNotFoundError, match=r"bot\.documents\(\)") as info:
        bot.remove("0123456789abcdef")
    assert isinstance(info.value, KeyError)
    assert "quotebot articles" in str(info.value)
    with pytest.raises(KeyError):
        bot.document("nope")
    assert manifest_of(bot)["generation"] == 1


def test_replace_swaps_a_changed_file_in_one_commit(
    tmp_path: Path, new_index: Callable[[], str | Path]
) -> None:
    bot = QuoteBot.create(new_index(), HASHING)
    path = tmp_path / "story.txt"
    path.write_text(article(5), encoding="utf-8")
    old = bot.add(path)
    path.write_text(article(6), encoding="utf-8")
    generation = manifest_of(bot)["generation"]
    new = bot.add(path, replace=True)
    assert new != old
    assert [d.doc_id for d in bot.documents()] == [new]
    assert manifest_of(bot)["generation"] == generation + 1  # one commit
    assert {q.speaker for q in bot.quotes()} == {speaker(6)}
    # without replace, a changed file is added beside the old version
    path.write_text(article(7), encoding="utf-8")
    third = bot.add(path)
    assert [d.doc_id for d in bot.documents()] == [new, third]
    # the same content with replace is a no-op
    assert bot.add(path, replace=True) == third
    assert len(bot.documents()) == 2
    assert [d.doc_id for d in bot.add_many([path], replace=True) and bot.documents()] == [
        new,
        third,
    ]
    bot.close()


# -- merges ------------------------------------------------------------------------------------------
def test_segments_are_merged_as_they_pile_up(tmp_path: Path) -> None:
    bot = QuoteBot.create(tmp_path / "idx", HASHING.replace(merge_factor=3))
    ids = [bot.add_text(article(n), f"{n}.txt") for n in range(12)]
    data = manifest_of(bot.directory)
    assert len(data["segments"]) < 12 and len(data["segments"]) <= 2 * 3
    assert any(s["sources"] for s in data["segments"])
    assert sum(s["vectors"] for s in data["segments"]) == data["counts"]["vectors"]
    names = {p.name for p in bot.directory.glob("*.faiss")}
    assert names == {s["name"] for s in data["segments"]}  # merged-away files are deleted
    reader = QuoteBot.open(bot.directory)
    assert reader.store.units == bot.store.units
    q = bot.embedder.embed(["ferry route 7 storm"])[0]

    def everything(b: QuoteBot) -> list[tuple[float, str, str]]:
        return sorted((round(s, 5), u.unit_id, u.index_text) for u, s in b.store.dense(q, 10**4))

    assert len(everything(bot)) == bot.store.size
    assert everything(reader) == everything(bot)
    assert [d.doc_id for d in reader.documents()] == ids
    bot.close()
    reader.close()


def test_masked_vectors_are_dropped_when_most_of_a_segment_is_removed(tmp_path: Path) -> None:
    bot = QuoteBot.create(tmp_path / "idx", HASHING)
    a, b, c = bot.add_many(write_articles(tmp_path / "src", [1, 2, 3]))  # one segment
    d = bot.add_text(article(4), "four.txt")
    reader = QuoteBot.open(bot.directory)
    bot.remove(a)
    data = manifest_of(bot.directory)
    first = data["segments"][0]
    assert (
        first["vectors"]
        > first["live"]
        == data["counts"]["vectors"] - len([u for u in bot.store.units if u.doc_id == d])
    )  # one third masked, kept until a merge
    bot.remove(b)  # two thirds masked: the segment is rewritten with the live vectors only
    data = manifest_of(bot.directory)
    assert sum(s["vectors"] for s in data["segments"]) == data["counts"]["vectors"]
    assert data["segments"][0]["sources"] == [first["name"]]
    assert not (bot.directory / first["name"]).exists()
    assert [x.doc_id for x in reader.documents()] == [c, d]
    assert reader.store.units == bot.store.units
    assert np.array_equal(reader.store.view_vectors(), bot.store.view_vectors())
    fresh = QuoteBot.open(bot.directory)
    assert np.array_equal(fresh.store.view_vectors(), bot.store.view_vectors())
    for x in (bot, reader, fresh):
        x.close()


# -- answering is never blocked by a writer -------------------------------------------------------------
class BlockingEmbedder(HashingEmbedder):
    """Blocks batch embeddings (an article being indexed) until released."""

    def __init__(self) -> None:
        super().__init__()
        self.entered = threading.Event()
        self.release = threading.Event()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        if len(texts) > 1:
            self.entered.set()
            self.release.wait(60)
        return super().embed(texts)


def test_a_question_is_answered_while_an_article_is_indexed(
    new_index: Callable[[], str | Path],
) -> None:
    embedder = BlockingEmbedder()
    bot = QuoteBot.create(new_index(), HASHING, embedder)
    embedder.release.set()
    bot.add_text(article(1), "one.txt")
    embedder.release.clear()
    writer = threading.Thread(target=bot.add_text, args=(article(2), "two.txt"))
    writer.start()
    try:
        assert embedder.entered.wait(30)
        answers: list[object] = []
        asker = threading.Thread(
            target=lambda: answers.append(bot.ask(f"What did {speaker(1)} say?"))
        )
        asker.start()
        asker.join(30)
        assert answers, "ask waited for the writer"
        assert len(bot.documents()) == 1  # the add is not committed yet
    finally:
        embedder.release.set()
        writer.join(30)
    assert len(bot.documents()) == 2
    bot.close()


# -- input limits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["", "   ", "\n\n \t\n"])
def test_empty_text_is_refused(bot: QuoteBot, text: str) -> None:
    generation = manifest_of(bot)["generation"]
    with pytest.raises(EmptyDocumentError, match="no text"):
        bot.add_text(text, "blank.txt")
    assert issubclass(EmptyDocumentError, InputFileError)
    assert manifest_of(bot)["generation"] == generation
    assert len(bot.documents()) == 1


@pytest.mark.parametrize("k", [0, -1])
def test_k_below_one_is_refused(bot: QuoteBot, k: int) -> None:
    with pytest.raises(InvalidRequestError, match="1 or more") as info:
        bot.search("ferry", k=k)
    assert isinstance(info.value, ValueError)
    with pytest.raises(InvalidRequestError):
        bot.search("ferry", k=k, kind="quote")
    with pytest.raises(InvalidRequestError):
        bot.ask("What did they say?", max_quotes=k)
    assert bot.search("ferry", k=1)


def test_a_huge_question_is_refused_without_echoing_it(bot: QuoteBot) -> None:
    limit = bot.config.max_question_chars
    assert limit == 2000
    question = "Why " + "zebra " * 1000
    for call in (bot.ask, bot.search):
        with pytest.raises(QuestionTooLongError, match=str(limit)) as info:
            call(question)
        assert "zebra" not in str(info.value) and len(str(info.value)) < 300
        assert isinstance(info.value, ValueError)
    assert bot.ask("w" * limit) is not None  # at the limit is fine


# -- older store format ----------------------------------------------------------------------------------
def _format_1_index(directory: Path, texts: list[tuple[str, str]]) -> None:
    directory.mkdir(parents=True)
    conn = sqlite3.connect(directory / "data-1-abc.sqlite")
    conn.execute(
        "CREATE TABLE documents (doc_id TEXT PRIMARY KEY, title TEXT, source TEXT, author TEXT, "
        "date TEXT, text TEXT NOT NULL, added_at REAL)"
    )
    for i, (text, source) in enumerate(texts):
        conn.execute(
            "INSERT INTO documents VALUES (?, ?, ?, NULL, NULL, ?, ?)",
            (str(i), "t", source, text, i),
        )
    conn.commit()
    conn.close()
    manifest = {
        "format": "quotebot-index",
        "format_version": 1,
        "pipeline_version": "old",
        "config": HASHING.to_dict(),
        "files": {"database": "data-1-abc.sqlite", "vectors": "vectors-1-abc.faiss"},
    }
    (directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_old_format_index_asks_for_a_rebuild(tmp_path: Path) -> None:
    _format_1_index(tmp_path / "old", [(article(1), "one.txt")])
    with pytest.raises(UnknownFormatError, match="rebuild") as info:
        QuoteBot.open(tmp_path / "old")
    assert f"version {FORMAT_VERSION}" in str(info.value)


def test_old_format_default_index_is_rebuilt_with_its_documents(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUOTEBOT_HOME", str(tmp_path))
    texts = [(article(1), "one.txt"), (article(2), "two.txt")]
    _format_1_index(tmp_path / "index", texts)
    bot = QuoteBot.open()
    assert [(d.text, d.source) for d in bot.documents()] == texts
    assert manifest_of(tmp_path / "index")["format_version"] == FORMAT_VERSION
    bot.close()
