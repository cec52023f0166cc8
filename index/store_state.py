"""What one snapshot of an index holds in memory (see ``index/store.py``): the catalog
entries, the vector blocks and masked rows of one generation, and the manifest's
fingerprint that tells whether a newer generation was committed."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from index.catalog import DocEntry
from index.manifest import MANIFEST, Manifest, Segment
from index.pipeline import Unit
from index.segments import Block
from index.types import Fact, Quote, Speaker


def manifest_fingerprint(directory: Path) -> tuple[int, int, int] | None:
    try:
        st = os.stat(directory / MANIFEST)
    except OSError:
        return None
    return (st.st_mtime_ns, st.st_size, st.st_ino)


@dataclass(frozen=True)
class SnapshotState:
    manifest: Manifest | None
    fingerprint: tuple[int, int, int] | None
    entries: dict[str, DocEntry]
    blocks: tuple[Block, ...]
    masked: frozenset[int]
    segments: frozenset[str]
    read: tuple[Segment, ...] = ()  # segments whose vectors were read from their files
    verify: bool = True


EMPTY = SnapshotState(None, None, {}, (), frozenset(), frozenset())


@dataclass(frozen=True)
class AllRows:
    """Every quote, fact, speaker and unit of a snapshot, in the order they were written."""

    quotes: list[Quote]
    facts: list[Fact]
    speakers: list[Speaker]
    units: dict[int, Unit]  # by row number, ascending (rows ascend in writing order)
