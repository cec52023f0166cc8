"""Integrity checks of an index snapshot (see ``index/store.py``): segment checksums and
document digests, checked lazily as data is first used or all at once."""

from __future__ import annotations

import contextlib
from pathlib import Path

from index import database
from index.manifest import Manifest
from index.segments import check_segment, read_segment
from index.store_shared import SharedDatabase
from index.store_state import SnapshotState


def check_read_segments(directory: Path, state: SnapshotState, shared: SharedDatabase) -> None:
    """Check the checksum of every segment ``state`` read vectors from and this process has
    not checked yet (a file merged away since was checked by the writer that merged it)."""
    if not state.verify:
        return
    for segment in state.read:
        if segment.name in shared.verified_segments:
            continue
        # a file merged away since was checked by the writer that merged it
        with contextlib.suppress(FileNotFoundError):
            check_segment(directory, segment)
        shared.verified_segments.add(segment.name)


def check_all(directory: Path, manifest: Manifest, shared: SharedDatabase) -> None:
    """Check every segment's checksum and every document's digest of ``manifest``'s
    generation; raises ``ChecksumError`` naming the damaged file."""
    for segment in manifest.segments:
        read_segment(directory, segment, verify=True)
        shared.verified_segments.add(segment.name)
    changes = shared.read(
        lambda conn: database.read_changes(conn, 0, manifest.generation, verify=True)
    )
    if changes.damaged():
        raise database.damaged(shared.path)
    shared.verified_documents.update((r.document.doc_id, r.batch) for r in changes.records)
