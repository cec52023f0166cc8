"""Reading what an index holds for a rebuild, also from an index of an older format."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from index.errors import IndexLoadError
from index.manifest import MANIFEST
from index.store import IndexStore


def stored_texts(directory: Path) -> list[tuple[str, str]]:
    """(text, source) of every document of an index, also of a format-1 index (for
    rebuilding an old index without losing what was added to it)."""
    try:
        store = IndexStore.open(directory, verify=False)
    except IndexLoadError:
        return _format_1_texts(directory)
    try:
        return [(d.text, d.source) for d in store.documents.values()]
    finally:
        store.close()


def _format_1_texts(directory: Path) -> list[tuple[str, str]]:
    data = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
    path = directory / data["files"]["database"]
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT text, source FROM documents ORDER BY added_at").fetchall()
    finally:
        conn.close()
    return [(str(text), str(source)) for text, source in rows]
