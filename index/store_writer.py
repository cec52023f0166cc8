"""Writes to an index directory: one writer at a time across processes, append-only.

A write batch appends its rows to the database in one transaction, writes one new vector
segment, merges segments when they pile up, then commits by replacing the manifest.
Readers never take the lock and never see a batch before its manifest lands.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator
from pathlib import Path

import numpy as np
from filelock import FileLock, Timeout

from index import database
from index.config import Config
from index.database import DocRecord
from index.errors import WriterBusyError
from index.manifest import TEMP_PREFIX, Segment, commit_manifest, new_manifest
from index.pipeline import PreparedDocument
from index.segments import (
    is_segment_file,
    mark_removed,
    plan_merge,
    read_segment,
    segment_name,
    write_segment,
)
from index.store import IndexStore

LOCK_FILE = "write.lock"
log = logging.getLogger("quotebot")
_COUNTED = ("documents", "paragraphs", "quotes", "facts", "speakers", "vectors")


@contextlib.contextmanager
def write_lock(directory: Path, timeout_s: float) -> Iterator[None]:
    """Hold the index's cross-process write lock; wait up to ``timeout_s`` for it."""
    directory.mkdir(parents=True, exist_ok=True)
    lock = FileLock(directory / LOCK_FILE, preserve_lock_file=True, thread_local=False)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        log.warning("waiting for another writer… (%s is being written)", directory)
        try:
            lock.acquire(timeout=max(0.0, timeout_s))
        except Timeout:
            raise WriterBusyError(
                f"another process has been writing to {directory} for over {timeout_s:g} s "
                f"(lock {directory / LOCK_FILE}): let it finish (or stop it) and retry, or "
                "raise Config.writer_timeout_s to wait longer."
            ) from None
    try:
        yield
    finally:
        lock.release()


def _counts(record: DocRecord) -> dict[str, int]:
    return {
        "documents": 1,
        "paragraphs": len(record.document.paragraphs),
        "quotes": len(record.quotes),
        "facts": len(record.facts),
        "speakers": len(record.speakers),
        "vectors": len(record.units),
    }


def _remove_stray_files(directory: Path, keep: set[str]) -> None:
    """Segments no manifest lists and temporary manifests (a writer died mid-write)."""
    for path in directory.iterdir():
        name = path.name
        if (is_segment_file(name) and name not in keep) or name.startswith(TEMP_PREFIX):
            with contextlib.suppress(OSError):
                path.unlink()


def commit(
    store: IndexStore,
    prepared: list[PreparedDocument],
    vectors: np.ndarray,
    removals: list[str],
    embedder_name: str,
    dimension: int,
    config: Config,
) -> IndexStore:
    """Append ``prepared`` (its units' vectors in order) and remove ``removals`` in one
    batch; returns the snapshot after the commit. Call with the write lock held and
    ``store`` at the committed generation."""
    directory = store.directory
    directory.mkdir(parents=True, exist_ok=True)
    previous = store.manifest
    generation = store.generation
    batch = generation + 1
    segments = list(previous.segments) if previous is not None else []
    conn = store.writer_connection()
    written: list[str] = []
    try:
        database.clean(conn, generation)
        _remove_stray_files(directory, {s.name for s in segments})
        records, row = [], store.next_row
        for p in prepared:
            records.append(DocRecord.of(p, batch, row))
            row += len(p.units)
        with database.transaction(conn, write=True):
            database.insert(conn, records)
            database.remove(conn, batch, removals)
        if row > store.next_row:
            rows = np.arange(store.next_row, row, dtype=np.int64)
            written.append(segment_name(batch))
            segments.append(write_segment(directory, written[-1], rows, vectors))
        for doc_id in removals:
            old = store.entry(doc_id)
            if old is not None:
                segments = mark_removed(segments, old.rows().tolist())
        while run := plan_merge(segments, config.merge_factor):
            written.append(segment_name(batch))
            merged = _merge(store, run, records, removals, written[-1])
            at = segments.index(run[0])
            segments[at : at + len(run)] = [merged] if merged is not None else []
        counts = dict.fromkeys(_COUNTED, 0) if previous is None else previous.counts
        for record in records:
            counts = {k: counts[k] + v for k, v in _counts(record).items()}
        for doc_id in removals:
            if doc_id in store:
                counts = {k: counts[k] - v for k, v in store.row_counts(doc_id).items()}
        manifest = new_manifest(
            previous,
            generation=batch,
            next_row=row,
            segments=segments,
            counts=counts,
            embedder_name=embedder_name,
            dimension=dimension,
            config=config,
        )
        commit_manifest(directory, manifest)
    except BaseException:
        with contextlib.suppress(Exception):
            database.clean(conn, generation)
        for name in written:
            with contextlib.suppress(OSError):
                (directory / name).unlink()
        raise
    _remove_stray_files(directory, {s.name for s in segments})  # merged away
    return store.with_batch(manifest, records, removals, vectors)


def _merge(
    store: IndexStore,
    run: list[Segment],
    records: list[DocRecord],
    removals: list[str],
    name: str,
) -> Segment | None:
    """One segment holding the live vectors of ``run`` (masked vectors dropped); None
    when none is live."""
    new = [row for r in records for row, _ in r.units]
    old = store.live_rows(frozenset(removals))
    live_rows = np.concatenate([old, np.array(new, dtype=np.int64)])
    # checked here: readers check a segment lazily, and a merge must not carry damage into
    # a new file with a fresh checksum
    parts = [read_segment(store.directory, s, verify=True) for s in run]
    rows = np.concatenate([r for r, _ in parts])
    vectors = np.concatenate([v for _, v in parts])
    keep = np.isin(rows, live_rows)
    if not keep.any():
        return None
    sources = [s.name for s in run]
    return write_segment(store.directory, name, rows[keep], vectors[keep], sources)
