"""The documents of an index snapshot as a mapping by id, read lazily (see
``index/store.py``, which supplies the reads)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping

from index.catalog import DocEntry
from index.types import Document


class LazyDocuments(Mapping[str, Document]):
    """The snapshot's documents by id: the ids are in memory, a document (text and
    paragraphs) is read when looked up, iteration over values reads them all in one scan."""

    def __init__(
        self,
        entries: dict[str, DocEntry],
        read_one: Callable[[DocEntry], Document],
        read_all: Callable[[], list[Document]],
    ) -> None:
        self._entries = entries
        self._read_one = read_one
        self._read_all = read_all

    def __getitem__(self, doc_id: str) -> Document:
        return self._read_one(self._entries[doc_id])

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._entries

    def values(self) -> list[Document]:  # type: ignore[override]
        return self._read_all()

    def items(self) -> list[tuple[str, Document]]:  # type: ignore[override]
        return [(d.doc_id, d) for d in self.values()]
