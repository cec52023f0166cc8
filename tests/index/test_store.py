"""index/store.py (through QuoteBot): persistence, exact dense search, append-only atomic writes,
load errors."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

import numpy as np
import pytest

import index.manifest
import index.segments
import index.store_writer
from index.config import FORMAT_VERSION, Config
from index.embedders import HashingEmbedder
from index.errors import (
    ChecksumError,
    IndexLoadError,
    IndexMissingError,
    ModelMismatchError,
    QuotebotError,
    UnknownFormatError,
)
from index.manifest import sha256
from index.pipeline import Unit, prepare
from index.store import IndexStore, read_manifest
from rag import QuoteBot

ARTICLES_DIR = Path(__file__).parents[1] / "data" / "articles"
WIRE = ARTICLES_DIR / "wire-rates.txt"
COURT = ARTICLES_DIR / "court-ferry.txt"
QUERIES = [
    "Who called the strike an unforced error?",
    "How many people died in the Kerman attack?",
    "interest rates inflation central bank",
    "What did the judge say about the ferry collision?",
    "trust between Tehran and Islamabad",
    "zzz unrelated words nobody uses",
]


def listing(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.iterdir())}


def manifest_of(directory: Path) -> dict:
    return json.loads((directory / "manifest.json").read_text(encoding="utf-8"))


def index_files(directory: Path) -> tuple[Path, Path]:
    """The database and the first vector segment."""
    data = manifest_of(directory)
    return directory / data["files"]["database"], directory / data["segments"][0]["name"]


def committed(directory: Path) -> dict[str, bytes]:
    """The manifest and the segment files: what a commit writes besides database rows."""
    return {n: b for n, b in listing(directory).items() if n.endswith((".json", ".faiss"))}


def stored_documents(directory: Path) -> int:
    """Document rows in the database, committed or not."""
    conn = sqlite3.connect(directory / "index.sqlite")
    try:
        return int(conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0])
    finally:
        conn.close()


def flip_byte(path: Path, at: int | None = None) -> None:
    data = bytearray(path.read_bytes())
    position = len(data) // 2 if at is None else at
    data[position] ^= 0xFF
    path.write_bytes(bytes(data))


# -- round trip ------------------------------------------------------------------------------
def test_save_load_round_trip(hash_bot: QuoteBot, hashing_config: Config) -> None:
    hash_bot.add(WIRE)
    other = QuoteBot.open(hash_bot.directory)
    try:
        assert other.config == hash_bot.config
        assert other.embedder.name == hash_bot.embedder.name == "hashing-384"
        assert other.documents() == hash_bot.documents()
        assert other.quotes(include_repeats=True) == hash_bot.quotes(include_repeats=True)
        assert other.speakers() == hash_bot.speakers()
        assert other.store.units == hash_bot.store.units
        assert other.store.facts == hash_bot.store.facts
        for query in QUERIES:
            for kind in (None, "quote", "fact"):
                assert other.search(query, k=8, kind=kind) == hash_bot.search(query, k=8, kind=kind)
    finally:
        other.close()


def test_loaded_content_equals_what_was_prepared(
    hash_bot: QuoteBot, bundled_text: str, bundled_path: Path
) -> None:
    prepared = prepare(bundled_text, "x", HashingEmbedder(), Config(embedder="hashing"))
    [document] = hash_bot.documents()
    assert document.doc_id == prepared.document.doc_id
    assert document.text == bundled_text
    assert document.paragraphs == prepared.document.paragraphs
    assert document.title == prepared.document.title
    assert document.source == str(bundled_path)
    stored = hash_bot.store
    assert sorted(stored.units, key=lambda u: u.unit_id) == sorted(
        prepared.units, key=lambda u: u.unit_id
    )
    assert sorted(stored.quotes, key=lambda q: q.quote_id) == sorted(
        prepared.extraction.quotes, key=lambda q: q.quote_id
    )
    assert sorted(stored.facts, key=lambda f: f.fact_id) == sorted(
        prepared.extraction.facts, key=lambda f: f.fact_id
    )
    assert sorted(stored.doc_speakers, key=lambda s: s.name) == sorted(
        prepared.extraction.speakers, key=lambda s: s.name
    )


def test_every_stored_unit_points_into_its_document(hash_bot: QuoteBot) -> None:
    hash_bot.add(COURT)
    for unit in hash_bot.store.units:
        document = hash_bot.document(unit.doc_id)
        assert document.text[unit.start : unit.end] == unit.text
        paragraph = document.paragraph(unit.paragraph)
        assert paragraph.start <= unit.start <= unit.end <= paragraph.end


# -- dense search is exact ------------------------------------------------------------------------
def brute_force(bot: QuoteBot, query: str) -> list[tuple[str, float]]:
    """Every unit ranked by a plain numpy dot product of normalised embeddings."""
    units = bot.store.units
    matrix = bot.embedder.embed([u.index_text for u in units]).astype(np.float64)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    matrix = matrix / np.where(norms == 0, 1, norms)
    q = bot.embedder.embed([query])[0].astype(np.float64)
    q = q / (np.linalg.norm(q) or 1.0)
    scores = matrix @ q
    order = np.argsort(-scores, kind="stable")
    return [(view_id(units[i]), float(scores[i])) for i in order]


def view_id(unit: Unit) -> str:
    """A unit can be indexed in several views (same unit id, different index text)."""
    return f"{unit.unit_id}|{unit.index_text}"


def assert_same_ranking(dense: list[tuple[str, float]], brute: list[tuple[str, float]]) -> None:
    """FAISS top-k equals the brute-force top-k; tied scores may come in any order."""
    k = len(dense)
    assert k == min(10, len(brute)) or k == len(brute)
    top = brute[:k]
    assert len({u for u, _ in dense}) == k
    for (_, s1), (_, s2) in zip(dense, top, strict=True):
        assert s1 == pytest.approx(s2, abs=1e-5)
    score_of = dict(brute)
    for unit_id, score in dense:
        assert score_of[unit_id] == pytest.approx(score, abs=1e-5)
    cutoff = top[-1][1]
    must = {u for u, s in brute if s > cutoff + 1e-5}
    assert must <= {u for u, _ in dense}
    for i in range(k):
        before = brute[i - 1][1] if i else np.inf
        after = brute[i + 1][1] if i + 1 < len(brute) else -np.inf
        if before - brute[i][1] > 1e-5 and brute[i][1] - after > 1e-5:
            assert dense[i][0] == brute[i][0], i  # not tied: the very same unit


@pytest.mark.parametrize("extra", [None, WIRE], ids=["bundled", "bundled+wire"])
@pytest.mark.parametrize("query", QUERIES)
def test_faiss_equals_brute_force(hash_bot: QuoteBot, query: str, extra: Path | None) -> None:
    if extra is not None:
        hash_bot.add(extra)
    q = hash_bot.embedder.embed([query])[0]
    dense = [(view_id(u), s) for u, s in hash_bot.store.dense(q, 10)]
    assert len(dense) == 10
    assert_same_ranking(dense, brute_force(hash_bot, query))


@pytest.mark.parametrize("query", QUERIES[:4])
def test_faiss_equals_brute_force_on_fixture_only(
    tmp_path: Path, hashing_config: Config, query: str
) -> None:
    bot = QuoteBot.create(tmp_path / "idx", hashing_config)
    bot.add(COURT)
    q = bot.embedder.embed([query])[0]
    dense = [(view_id(u), s) for u, s in bot.store.dense(q, 10)]
    assert_same_ranking(dense, brute_force(bot, query))
    # k larger than the index gives every unit once
    everything = bot.store.dense(q, 10_000)
    assert len(everything) == bot.store.size == len(bot.store.units)


@pytest.mark.model
@pytest.mark.parametrize("query", QUERIES[:3])
def test_faiss_equals_brute_force_real_model(real_bot: QuoteBot, query: str) -> None:
    q = real_bot.embedder.embed([query])[0]
    dense = [(view_id(u), s) for u, s in real_bot.store.dense(q, 10)]
    assert_same_ranking(dense, brute_force(real_bot, query))


# -- idempotent and incremental adds ------------------------------------------------------------
def test_add_same_file_twice_is_idempotent(hash_bot: QuoteBot, bundled_path: Path) -> None:
    directory = hash_bot.directory
    before = committed(directory)
    doc_id = hash_bot.documents()[0].doc_id
    assert hash_bot.add(bundled_path) == doc_id
    assert committed(directory) == before
    # and through a fresh bot on the same directory
    again = QuoteBot.open(directory)
    try:
        assert again.add(bundled_path) == doc_id
    finally:
        again.close()
    assert committed(directory) == before
    assert stored_documents(directory) == 1
    assert manifest_of(directory)["counts"]["documents"] == 1


def test_same_text_with_other_line_endings_is_the_same_document(
    hash_bot: QuoteBot, bundled_text: str, tmp_path: Path
) -> None:
    copy = tmp_path / "copy.txt"
    copy.write_bytes(b"\xef\xbb\xbf" + bundled_text.replace("\n", "\r\n").encode("utf-8"))
    before = committed(hash_bot.directory)
    assert hash_bot.add(copy) == hash_bot.documents()[0].doc_id
    assert committed(hash_bot.directory) == before


def test_second_article_adds_counts_and_is_searchable(hash_bot: QuoteBot) -> None:
    directory = hash_bot.directory
    before = manifest_of(directory)["counts"]
    old_files = set(os.listdir(directory))
    wire_id = hash_bot.add(WIRE)
    after = manifest_of(directory)["counts"]
    assert after["documents"] == before["documents"] + 1
    for key in ("paragraphs", "quotes", "facts", "vectors"):
        assert after[key] > before[key], key
    assert after["paragraphs"] == before["paragraphs"] + len(hash_bot.document(wire_id).paragraphs)
    assert after["vectors"] == len(hash_bot.store.units) == hash_bot.store.size
    # append-only: the first batch's segment is kept as it was, one segment is added
    new_files = set(os.listdir(directory))
    segments = [s["name"] for s in manifest_of(directory)["segments"]]
    assert old_files - {"manifest.json"} <= new_files
    assert len(segments) == 2 and segments[0] in old_files and segments[1] not in old_files
    assert manifest_of(directory)["generation"] == 2
    bundled_id = next(d.doc_id for d in hash_bot.documents() if d.doc_id != wire_id)
    for bot in (hash_bot, QuoteBot.open(directory)):
        assert {d.doc_id for d in bot.documents()} == {bundled_id, wire_id}
        hits = bot.search("central bank interest rates inflation", k=3)
        assert hits[0].doc_id == wire_id
        hits = bot.search("Jaish al-Adl Baluchistan strike", k=3)
        assert hits[0].doc_id == bundled_id
        assert {q.doc_id for q in bot.quotes()} == {bundled_id, wire_id}


def test_create_on_existing_index_opens_it(hash_bot: QuoteBot, hashing_config: Config) -> None:
    bot = QuoteBot.create(hash_bot.directory, hashing_config)
    assert bot.documents() == hash_bot.documents()


def test_document_without_retrievable_units(tmp_path: Path, hashing_config: Config) -> None:
    bot = QuoteBot.create(tmp_path / "idx", hashing_config)
    doc_id = bot.add_text("Just A Title\n\nLive Story\n", "t.txt")
    assert manifest_of(bot.directory)["counts"]["vectors"] == 0
    assert bot.search("title") == []
    assert QuoteBot.open(bot.directory).document(doc_id).paragraphs[0].kind == "title"


# -- crashes leave the old index ----------------------------------------------------------------
def _assert_unchanged(directory: Path, before: dict[str, bytes], counts: dict) -> None:
    after = committed(directory)
    assert after == before, set(after) ^ set(before)
    assert stored_documents(directory) == counts["documents"]  # the batch's rows were undone
    assert not [n for n in os.listdir(directory) if n.startswith(".manifest.json")]
    bot = QuoteBot.open(directory)  # verifies checksums
    try:
        assert manifest_of(directory)["counts"] == counts
        assert len(bot.documents()) == counts["documents"]
        assert bot.store.size == counts["vectors"]
        for segment in manifest_of(directory)["segments"]:
            assert (directory / segment["name"]).exists()
    finally:
        bot.close()


def test_crash_in_write_index_leaves_old_index(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = hash_bot.directory
    before, counts = committed(directory), manifest_of(directory)["counts"]

    def boom(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(index.segments.faiss, "serialize_index", boom)
    with pytest.raises(OSError, match="disk full"):
        hash_bot.add(WIRE)
    monkeypatch.undo()
    _assert_unchanged(directory, before, counts)
    # the same bot still works and can add once the fault is gone
    assert len(hash_bot.documents()) == 1
    assert hash_bot.search("strike", k=1)
    hash_bot.add(WIRE)
    assert manifest_of(directory)["counts"]["documents"] == 2


class _PartialWriteOs:
    """``os`` for index.segments: the segment file is cut short, then the process stops."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def fsync(fd: int) -> None:
        os.ftruncate(fd, 100)
        raise KeyboardInterrupt


def test_crash_after_partial_vectors_file(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = hash_bot.directory
    before, counts = committed(directory), manifest_of(directory)["counts"]
    monkeypatch.setattr(index.segments, "os", _PartialWriteOs())
    with pytest.raises(KeyboardInterrupt):
        hash_bot.add(WIRE)
    monkeypatch.undo()
    _assert_unchanged(directory, before, counts)


def test_crash_while_embedding_leaves_old_index(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = hash_bot.directory
    before, counts = committed(directory), manifest_of(directory)["counts"]
    real_embed = hash_bot.embedder.embed
    calls = {"n": 0}

    def flaky(texts):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if len(texts) > 1:
            real_embed(texts[: len(texts) // 2])
            raise RuntimeError("model crashed mid-batch")
        return real_embed(texts)

    monkeypatch.setattr(hash_bot.embedder, "embed", flaky)
    with pytest.raises(RuntimeError, match="mid-batch"):
        hash_bot.add(WIRE)
    assert calls["n"] == 1
    monkeypatch.undo()
    _assert_unchanged(directory, before, counts)


def test_crash_while_writing_manifest_leaves_old_index(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = hash_bot.directory
    before, counts = committed(directory), manifest_of(directory)["counts"]

    def boom(*args: object, **kwargs: object) -> None:
        raise OSError("no space left")

    monkeypatch.setattr(index.store_writer, "new_manifest", boom)
    with pytest.raises(OSError, match="no space"):
        hash_bot.add(WIRE)
    monkeypatch.undo()
    _assert_unchanged(directory, before, counts)


class _FailingReplaceOs:
    """``os`` for index.manifest whose ``replace`` fails (the last step of a write)."""

    def __getattr__(self, name: str) -> object:
        return getattr(os, name)

    @staticmethod
    def replace(src: object, dst: object) -> None:
        raise OSError("rename failed")


def test_crash_at_manifest_replace_keeps_old_manifest(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    directory = hash_bot.directory
    before, counts = committed(directory), manifest_of(directory)["counts"]
    monkeypatch.setattr(index.manifest, "os", _FailingReplaceOs())
    with pytest.raises(OSError, match="rename failed"):
        hash_bot.add(WIRE)
    monkeypatch.undo()
    _assert_unchanged(directory, before, counts)
    # no partial segment or temporary manifest is left
    assert set(os.listdir(directory)) - {"index.sqlite-wal", "index.sqlite-shm"} == {
        *before,
        "index.sqlite",
        "write.lock",
    }


def test_rows_of_a_batch_whose_manifest_never_landed_are_invisible(
    hash_bot: QuoteBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer killed after its database commit: readers skip the rows, the next writer
    deletes them."""
    directory = hash_bot.directory
    counts = manifest_of(directory)["counts"]

    def killed(*args: object, **kwargs: object) -> None:
        raise SystemExit  # stands in for SIGKILL: no cleanup runs in the writer

    monkeypatch.setattr(index.store_writer, "new_manifest", killed)
    monkeypatch.setattr(index.store_writer.database, "clean", lambda *a: None)
    with pytest.raises(SystemExit):
        hash_bot.add(WIRE)
    monkeypatch.undo()
    assert stored_documents(directory) == 2  # the dead batch's rows are in the database
    reader = QuoteBot.open(directory)
    assert len(reader.documents()) == 1 and reader.store.size == counts["vectors"]
    hits = reader.search("central bank interest rates inflation Valdoria", k=5, mode="keyword")
    assert {h.doc_id for h in hits} <= {reader.documents()[0].doc_id}
    hash_bot.add(COURT)  # the next write cleans up first
    assert stored_documents(directory) == 2
    names = set(os.listdir(directory))
    segments = {s["name"] for s in manifest_of(directory)["segments"]}
    assert {n for n in names if n.endswith(".faiss")} == segments
    assert len(reader.documents()) == 2
    reader.close()


# -- named load errors ---------------------------------------------------------------------------
def test_no_directory(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(IndexMissingError, match="no index at"):
        QuoteBot.open(missing)
    with pytest.raises(IndexMissingError):
        IndexStore.open(missing)
    assert not missing.exists()


def test_empty_directory(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(IndexMissingError, match="no index at"):
        QuoteBot.open(tmp_path / "empty")
    with pytest.raises(IndexMissingError, match="manifest.json"):
        IndexStore.open(tmp_path / "empty")


def test_directory_without_manifest(hash_bot: QuoteBot) -> None:
    (hash_bot.directory / "manifest.json").unlink()
    with pytest.raises(IndexMissingError, match="has no manifest.json") as info:
        QuoteBot.open(hash_bot.directory)
    assert "quotebot index" in str(info.value)


@pytest.mark.parametrize("which", [0, 1], ids=["database", "vectors"])
def test_manifest_names_a_missing_file(hash_bot: QuoteBot, which: int) -> None:
    hash_bot.close()
    path = index_files(hash_bot.directory)[which]
    for extra in ("", "-wal", "-shm"):
        Path(f"{path}{extra}").unlink(missing_ok=True)
    with pytest.raises(IndexMissingError, match="is missing") as info:
        QuoteBot.open(hash_bot.directory)
    assert path.name in str(info.value)


@pytest.mark.parametrize(
    "change",
    [
        {"format_version": FORMAT_VERSION + 1},
        {"format_version": "1"},
        {"format_version": None},
        {"format": "something-else"},
    ],
)
def test_unknown_format_version(hash_bot: QuoteBot, change: dict) -> None:
    path = hash_bot.directory / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(change)
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="version") as info:
        QuoteBot.open(hash_bot.directory)
    assert "rebuild" in str(info.value)


@pytest.mark.parametrize("content", [b"{not json", b"", b"\xff\xfe\x00garbage"])
def test_invalid_json_manifest(hash_bot: QuoteBot, content: bytes) -> None:
    (hash_bot.directory / "manifest.json").write_bytes(content)
    with pytest.raises(UnknownFormatError, match="not valid JSON"):
        QuoteBot.open(hash_bot.directory)


@pytest.mark.parametrize("where", ["middle", "last"])
def test_flipped_byte_in_a_segment_is_a_checksum_error(hash_bot: QuoteBot, where: str) -> None:
    """Open reads the vectors without hashing the file (a changed row id is caught by
    then); the first search checks the checksum before it returns anything, and
    ``check()`` checks every segment."""
    path = index_files(hash_bot.directory)[1]
    flip_byte(path, None if where == "middle" else path.stat().st_size - 1)

    def search() -> None:
        QuoteBot.open(hash_bot.directory).search("deterrence", mode="dense")

    with pytest.raises(ChecksumError, match="damaged") as info:
        search()
    assert path.name in str(info.value)
    with pytest.raises(ChecksumError, match="damaged") as info:
        QuoteBot.open(hash_bot.directory).check()
    assert path.name in str(info.value)
    assert "rebuild" in str(info.value)


@pytest.mark.parametrize(
    "needle", [b"Jaish al-Adl", b"SQLite format 3"], ids=["row text", "header"]
)
def test_changed_database_is_a_checksum_error(hash_bot: QuoteBot, needle: bytes) -> None:
    """Each document row carries a digest of all its rows, checked when the document is
    first read (and by ``check()``); a damaged page is caught too."""
    [doc_id] = [d.doc_id for d in hash_bot.documents()]
    hash_bot.close()  # checkpoints the write-ahead log into the database file
    path = index_files(hash_bot.directory)[0]
    assert not Path(f"{path}-wal").exists()
    at = path.read_bytes().index(needle)
    flip_byte(path, at + 2)
    with pytest.raises(ChecksumError, match="checksum") as info:
        QuoteBot.open(hash_bot.directory).document(doc_id)
    assert path.name in str(info.value)
    assert "rebuild" in str(info.value)
    with pytest.raises(ChecksumError, match="checksum"):
        QuoteBot.open(hash_bot.directory).check()


def test_check_passes_on_an_intact_index(hash_bot: QuoteBot) -> None:
    hash_bot.add(WIRE)
    QuoteBot.open(hash_bot.directory).check()


def test_swapped_files_are_a_checksum_error(hash_bot: QuoteBot, tmp_path: Path) -> None:
    other = QuoteBot.create(tmp_path / "other", Config(embedder="hashing"))
    other.add(WIRE)
    mine = index_files(hash_bot.directory)[1]
    shutil.copyfile(index_files(other.directory)[1], mine)
    with pytest.raises(ChecksumError):
        QuoteBot.open(hash_bot.directory)


def test_hashing_index_with_default_config_is_a_model_mismatch(hash_bot: QuoteBot) -> None:
    with pytest.raises(ModelMismatchError, match="hashing-384") as info:
        QuoteBot.open(hash_bot.directory, Config())
    assert "rebuild" in str(info.value)


def test_other_embedder_name_is_a_model_mismatch(hash_bot: QuoteBot) -> None:
    with pytest.raises(ModelMismatchError, match="hashing-128"):
        QuoteBot.open(hash_bot.directory, embedder=HashingEmbedder(dimension=128))
    with pytest.raises(ModelMismatchError):
        QuoteBot.open(hash_bot.directory, Config(embedder="hashing", hashing_dimension=128))
    with pytest.raises(ModelMismatchError):
        QuoteBot.create(hash_bot.directory, Config(embedder="sentence-transformers"))


def test_load_errors_are_named_quotebot_errors() -> None:
    for error in (IndexMissingError, UnknownFormatError, ChecksumError, ModelMismatchError):
        assert issubclass(error, IndexLoadError)
        assert issubclass(error, QuotebotError)


# -- files and manifest -----------------------------------------------------------------------------
def test_no_pickle_files(hash_bot: QuoteBot) -> None:
    hash_bot.add(WIRE)
    names = [p.name for p in hash_bot.directory.rglob("*")]
    assert not [n for n in names if n.endswith((".pkl", ".pickle", ".npy", ".joblib"))]
    assert {n.rsplit(".", 1)[-1] for n in names} <= {
        "faiss",
        "json",
        "sqlite",
        "sqlite-wal",
        "sqlite-shm",
        "lock",
    }


def test_manifest_contents(hash_bot: QuoteBot) -> None:
    directory = hash_bot.directory
    data = manifest_of(directory)
    assert data["format"] == "quotebot-index"
    assert data["format_version"] == FORMAT_VERSION
    assert data["embedder"] == {"kind": "hashing", "name": "hashing-384", "dimension": 384}
    assert data["metric"] == "inner_product"
    assert data["config"] == Config(embedder="hashing").to_dict()
    counts = data["counts"]
    document = hash_bot.documents()[0]
    assert counts["documents"] == 1
    assert counts["paragraphs"] == len(document.paragraphs) == 59
    assert counts["quotes"] == len(hash_bot.store.quotes)
    assert counts["facts"] == len(hash_bot.store.facts)
    assert counts["vectors"] == len(hash_bot.store.units) == hash_bot.store.size
    assert counts["speakers"] == len(hash_bot.store.doc_speakers)
    assert set(data["files"]) == {"database", "segments"}
    assert data["files"]["database"] == "index.sqlite"
    assert data["generation"] == 1
    assert data["next_row"] == counts["vectors"] + 1
    [segment] = data["segments"]
    assert data["files"]["segments"] == [segment["name"]]
    assert segment["vectors"] == counts["vectors"]
    assert data["checksums"] == {segment["name"]: segment["checksum"]}
    assert segment["checksum"] == sha256(directory / segment["name"])
    assert read_manifest(directory).dimension == 384
    assert read_manifest(directory).embedder_name == "hashing-384"


def test_half_made_database_of_a_killed_first_writer_is_remade(
    tmp_path: Path, hashing_config: Config
) -> None:
    directory = tmp_path / "idx"
    directory.mkdir()
    conn = sqlite3.connect(directory / "index.sqlite")  # killed after its first CREATE
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE documents (doc_id TEXT)")
    conn.commit()
    conn.close()
    bot = QuoteBot.create(directory, hashing_config)
    doc_id = bot.add(WIRE)
    bot.close()
    again = QuoteBot.open(directory)
    assert [d.doc_id for d in again.documents()] == [doc_id]
    assert again.search("central bank interest rates", k=1, mode="keyword")
    again.close()


def test_a_loaded_index_keeps_one_copy_of_its_vectors(hash_bot: QuoteBot) -> None:
    """Opened from several segments, the store's view matrix is the memory it searches, not
    a second copy, and search answers the same before and after the blocks are joined."""
    hash_bot.add(WIRE)
    assert len(manifest_of(hash_bot.directory)["segments"]) >= 2
    store = IndexStore.open(hash_bot.directory)
    query = hash_bot.embedder.embed(["central bank interest rates inflation"])[0]
    before = store.dense(query, 10)
    assert len(store._state.blocks) >= 2
    matrix = store.view_vectors()
    assert [b.size for b in store._state.blocks] == [store.size]
    assert np.shares_memory(matrix, store._state.blocks[0].vectors())
    assert store.dense(query, 10) == before
