"""``manifest.json``: the commit point of an index directory.

The manifest names the database, lists the vector segments with their checksums and
carries a generation number; a write becomes visible when its manifest replaces the old
one (``os.replace``), so a crash before that leaves the previous generation loadable.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.config import FORMAT_VERSION, PIPELINE_VERSION, Config
from index.errors import ChecksumError, IndexMissingError, UnknownFormatError

MANIFEST = "manifest.json"
FORMAT_NAME = "quotebot-index"
PACKAGE_VERSION = "0.1.0"
DATABASE = "index.sqlite"
TEMP_PREFIX = f".{MANIFEST}."


@dataclass(frozen=True)
class Segment:
    """One vector segment file: its name, vector count, checksum, row range, how many of
    its vectors are still live and, for a merged segment, the segments it replaced."""

    name: str
    vectors: int
    checksum: str
    sources: tuple[str, ...] = ()
    first_row: int = 0  # the rows it holds lie in first_row..last_row, no other segment's do
    last_row: int = -1
    live: int = 0  # vectors not masked by a removal

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "vectors": self.vectors,
            "live": self.live,
            "rows": [self.first_row, self.last_row],
            "checksum": self.checksum,
            "sources": list(self.sources),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Segment:
        first, last = data["rows"]
        return cls(
            str(data["name"]),
            int(data["vectors"]),
            str(data["checksum"]),
            tuple(data.get("sources", ())),
            int(first),
            int(last),
            int(data["live"]),
        )


@dataclass(frozen=True)
class Manifest:
    data: dict[str, Any]

    @property
    def embedder_name(self) -> str:
        return str(self.data["embedder"]["name"])

    @property
    def dimension(self) -> int:
        return int(self.data["embedder"]["dimension"])

    @property
    def pipeline_version(self) -> str | None:
        """Which extraction and indexing rules built the index."""
        value = self.data.get("pipeline_version")
        return str(value) if value is not None else None

    @property
    def config(self) -> Config:
        return Config.from_dict(self.data.get("config", {}))

    @property
    def generation(self) -> int:
        """Number of committed write batches; rows of later batches are not part of it."""
        return int(self.data["generation"])

    @property
    def next_row(self) -> int:
        """The vector row number the next batch starts at."""
        return int(self.data["next_row"])

    @property
    def index_id(self) -> str:
        """Changes only when the directory holds a different index (a rebuild)."""
        return str(self.data["index_id"])

    @property
    def segments(self) -> tuple[Segment, ...]:
        return tuple(Segment.from_dict(s) for s in self.data["segments"])

    @property
    def counts(self) -> dict[str, int]:
        return dict(self.data["counts"])


def damaged(path: Path) -> ChecksumError:
    """The error for a file of the index that does not match its manifest checksum."""
    return ChecksumError(
        f"{path.name} does not match the checksum in {MANIFEST}: the file was changed or "
        "damaged; rebuild the index with `quotebot index`."
    )


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_manifest(directory: Path) -> Manifest:
    """Read and check the manifest of an index directory."""
    path = directory / MANIFEST
    if not directory.exists():
        raise IndexMissingError(
            f"no index at {directory}: build one with `quotebot index FILE --index {directory}`."
        )
    if not path.exists():
        raise IndexMissingError(
            f"{directory} has no {MANIFEST}: it is not a quotebot index; rebuild it with "
            f"`quotebot index FILE --index {directory}`."
        )
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise UnknownFormatError(
            f"{path} is not valid JSON: the index is damaged; rebuild it with `quotebot index`."
        ) from None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT_NAME
        or data.get("format_version") != FORMAT_VERSION
    ):
        found = data if isinstance(data, dict) else {}
        raise UnknownFormatError(
            f"{path} has format {found.get('format')!r} version {found.get('format_version')!r}; "
            f"this quotebot reads {FORMAT_NAME!r} version {FORMAT_VERSION}: rebuild the index "
            "with `quotebot index`."
        )
    return Manifest(data)


def new_manifest(
    previous: Manifest | None,
    *,
    generation: int,
    next_row: int,
    segments: list[Segment],
    counts: dict[str, int],
    embedder_name: str,
    dimension: int,
    config: Config,
) -> Manifest:
    """The manifest of the next generation (creation time and index id carried over)."""
    now = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    old = previous.data if previous is not None else {}
    return Manifest(
        {
            "format": FORMAT_NAME,
            "format_version": FORMAT_VERSION,
            "pipeline_version": old.get("pipeline_version", PIPELINE_VERSION),
            "package_version": PACKAGE_VERSION,
            "index_id": old.get("index_id", uuid.uuid4().hex),
            "created": old.get("created", now),
            "updated": now,
            "generation": generation,
            "next_row": next_row,
            "embedder": {"kind": config.embedder, "name": embedder_name, "dimension": dimension},
            "metric": "inner_product",
            "config": config.to_dict(),
            "counts": counts,
            "files": {"database": DATABASE, "segments": [s.name for s in segments]},
            "segments": [s.to_dict() for s in segments],
            "checksums": {s.name: s.checksum for s in segments},
        }
    )


def fsync_directory(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every platform can open a directory
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def commit_manifest(directory: Path, manifest: Manifest) -> None:
    """Replace the manifest atomically: the new generation becomes the index."""
    tmp = directory / f"{TEMP_PREFIX}{uuid.uuid4().hex[:8]}.tmp"
    try:
        with tmp.open("w", encoding="utf-8") as fh:
            json.dump(manifest.data, fh, indent=2)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, directory / MANIFEST)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_directory(directory)
