"""Integrity checks of an index snapshot (see ``index/store.py``): segment checksums and
document digests, checked lazily as data is first used or all at once."""

from __future__ import annotations

from pathlib import Path

from index import database
from index.errors import ChecksumError
from index.manifest import MANIFEST, Manifest, sha256
from index.segments import read_segment
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
        try:
            intact = sha256(directory / segment.name) == segment.checksum
        except FileNotFoundError:
            intact = True
        if not intact:
            raise ChecksumError(
                f"{segment.name} does not match the checksum in {MANIFEST}: the file was "
                "changed or damaged; rebuild the index with `quotebot index`."
            )
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
