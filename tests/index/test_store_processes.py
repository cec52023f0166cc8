"""index/store.py across processes: concurrent writers and readers, and writers killed mid-add."""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from index.config import Config
from rag import QuoteBot

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))
from articles import article, speaker  # noqa: E402

WRITERS, PER_WRITER, BATCH = 4, 25, 5
READERS = 2
HASHING = Config(embedder="hashing")


# -- worker processes (top level: started with "spawn") ------------------------------------------
def _writer(directory: str, files: str, worker: int, out: Any) -> None:
    try:
        bot = QuoteBot.create(directory, HASHING.replace(add_batch_size=BATCH))
        numbers = [worker * 1000 + i for i in range(PER_WRITER)]
        if worker == 0:  # one writer adds in batches: readers must never see part of one
            for first in range(0, PER_WRITER, BATCH):
                texts = numbers[first : first + BATCH]
                paths = []
                for n in texts:
                    path = Path(files) / f"w{worker}-{n}.txt"
                    path.write_text(article(n), encoding="utf-8")
                    paths.append(path)
                out.put(("added", worker, bot.add_many(paths)))
        else:
            for n in numbers:
                out.put(("added", worker, [bot.add_text(article(n), f"w{worker}-{n}.txt")]))
        bot.close()
    except BaseException as error:
        out.put(("error", worker, repr(error)))
    out.put(("done", worker, []))


def _reader(directory: str, worker: int, stop: Any, out: Any) -> None:
    rng = random.Random(worker)
    checks = 0
    try:
        bot = QuoteBot.open(directory)
        while not stop.is_set():
            docs = bot.documents()
            batched = sum(1 for d in docs if Path(d.source).name.startswith("w0-"))
            if batched % BATCH:
                out.put(("error", worker, f"saw {batched} of a writer's batched documents"))
            n = rng.choice([0, *[w * 1000 + rng.randrange(PER_WRITER) for w in range(WRITERS)]])
            answer = bot.ask(f"What did {speaker(n)} say about route {n}?")
            hits = bot.search(f"ferry route {n} storm pier", k=3)
            for c in answer.citations:
                if bot.document(c.doc_id).text[c.start : c.end] != c.text:
                    out.put(("error", worker, f"citation {c} does not match its document"))
            for h in hits:
                if bot.document(h.doc_id).text[h.start : h.end] != h.text:
                    out.put(("error", worker, f"hit {h} does not match its document"))
            checks += 1
            stop.wait(0.2)  # leave the CPU to the writers between questions
        bot.close()
    except BaseException as error:
        out.put(("error", worker, repr(error)))
    out.put(("checks", worker, [checks]))


def test_four_writers_and_two_readers(tmp_path: Path, new_index: Any, store: str) -> None:
    """On both stores: every add lands once, readers never see part of a batch."""
    directory = new_index()
    seed = QuoteBot.create(directory, HASHING)
    seed.add_text(article(99_000), "seed.txt")
    seed.close()
    ctx = mp.get_context("spawn")
    out, stop = ctx.Queue(), ctx.Event()
    readers = [ctx.Process(target=_reader, args=(str(directory), r, stop, out)) for r in range(2)]
    writers = [
        ctx.Process(target=_writer, args=(str(directory), str(tmp_path), w, out))
        for w in range(WRITERS)
    ]
    for p in readers + writers:
        p.start()
    added: dict[int, list[str]] = {w: [] for w in range(WRITERS)}
    errors, checks, done = [], [], 0
    deadline = time.monotonic() + 120  # a loaded 2-core machine: generous
    try:
        while done < WRITERS:
            kind, worker, payload = out.get(timeout=max(1.0, deadline - time.monotonic()))
            if kind == "added":
                added[worker] += payload
            elif kind == "done":
                done += 1
            elif kind == "error":
                errors.append((worker, payload))
        time.sleep(0.5)  # readers look at the final generation too
        stop.set()
        while len(checks) < READERS:
            kind, worker, payload = out.get(timeout=30)
            if kind == "checks":
                checks += payload
            elif kind == "error":
                errors.append((worker, payload))
    finally:
        stop.set()
        for p in readers + writers:
            p.join(timeout=30)
            if p.is_alive():
                p.kill()
    assert not errors, errors
    assert all(c > 0 for c in checks), checks
    assert all(len(ids) == PER_WRITER for ids in added.values()), added
    bot = QuoteBot.open(directory)
    present = {d.doc_id for d in bot.documents()}
    assert {i for ids in added.values() for i in ids} <= present
    assert len(present) == WRITERS * PER_WRITER + 1  # and the seed
    assert len(bot.quotes()) == len(present)
    assert bot.store.manifest is not None
    manifest = bot.store.manifest.data
    assert manifest["counts"]["documents"] == len(present)
    if store == "embedded":
        assert len(manifest["segments"]) < 2 * HASHING.merge_factor  # merged as they piled up
    for quote in bot.quotes():
        assert bot.document(quote.doc_id).text[quote.start : quote.end] == quote.text
    bot.close()


# -- writers killed at random points ---------------------------------------------------------------
_KILLED_WRITER = """
import sys
sys.path.insert(0, {here!r})
from articles import article
from index.config import Config
from index.pipeline import prepare
from index.embedders import HashingEmbedder
from rag import QuoteBot

config = Config(embedder="hashing")
prepare(article(0), "warm.txt", HashingEmbedder(), config)  # load what attribution needs
bot = QuoteBot.create({directory!r}, config)
print("ready", flush=True)
for n in range({first}, {first} + 1000):
    doc_id = bot.add_text(article(n), f"k-{{n}}.txt")
    print(doc_id, flush=True)
"""


def _leftovers(directory: Path) -> list[str]:
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    listed = {s["name"] for s in manifest["segments"]}
    return [
        p.name
        for p in directory.iterdir()
        if p.name.endswith("-journal")
        or p.name.startswith(".manifest.json")
        or (p.suffix == ".faiss" and p.name not in listed)
    ]


def test_writer_killed_at_random_points(tmp_path: Path) -> None:
    directory = tmp_path / "idx"
    rng = random.Random(20261201)
    reported: list[str] = []
    env = {**os.environ, "PYTHONPATH": str(Path.cwd())}
    for round_ in range(10):
        code = _KILLED_WRITER.format(here=str(HERE), directory=str(directory), first=round_ * 1000)
        child = subprocess.Popen(
            [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, env=env
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        for _ in range(rng.randrange(3)):  # let it finish a few adds (a busy machine is slow)
            reported.append(child.stdout.readline().strip())
        time.sleep(rng.uniform(0.0, 0.5))  # then kill it wherever it is
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        reported += [line for line in out.split() if line]
        if not (directory / "manifest.json").exists():  # killed before its first commit
            assert not reported
            continue
        bot = QuoteBot.open(directory)  # loadable, checksums verified
        present = {d.doc_id for d in bot.documents()}
        assert set(reported) <= present, round_
        for document in bot.documents():  # nothing half-added
            assert bot.quotes() and any(q.doc_id == document.doc_id for q in bot.quotes())
        bot.close()
    assert reported, "the writer never finished an add before being killed"
    bot = QuoteBot.open(directory)
    bot.add_text(article(99_999), "after.txt")  # the next write cleans up
    assert _leftovers(directory) == []
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    conn = sqlite3.connect(directory / "index.sqlite")
    (documents,) = conn.execute("SELECT COUNT(*) FROM documents").fetchone()
    (later,) = conn.execute(
        "SELECT COUNT(*) FROM units WHERE batch > ?", (manifest["generation"],)
    ).fetchone()
    conn.close()
    assert documents == manifest["counts"]["documents"] == len(bot.documents())
    assert later == 0
    bot.close()
    assert not (directory / "index.sqlite-wal").exists()  # the last connection checkpointed


@pytest.mark.parametrize("timeout_s", [0.5])
def test_second_writer_waits_then_names_the_problem(tmp_path: Path, timeout_s: float) -> None:
    from index.errors import WriterBusyError

    directory = tmp_path / "idx"
    bot = QuoteBot.create(directory, HASHING.replace(writer_timeout_s=timeout_s))
    bot.add_text(article(1), "one.txt")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, filelock; lock = filelock.FileLock(sys.argv[1]); lock.acquire(); "
            "print('held', flush=True); sys.stdin.read()",
            str(directory / "write.lock"),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        with pytest.raises(WriterBusyError, match="Config.writer_timeout_s") as info:
            bot.add_text(article(2), "two.txt")
        assert str(directory) in str(info.value)
        # readers and answers never take the write lock
        assert len(bot.documents()) == 1
        assert bot.ask(f"What did {speaker(1)} say?").citations
    finally:
        holder.communicate("", timeout=10)
    assert bot.add_text(article(2), "two.txt") in {d.doc_id for d in bot.documents()}
    bot.close()
