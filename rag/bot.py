"""``QuoteBot``: the public entry point (open an index, add documents, search, ask)."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from index.config import PIPELINE_VERSION, Config, bundled_article, default_index_dir
from index.embedders import Embedder, make_embedder
from index.errors import IndexMissingError, ModelMismatchError
from index.pipeline import prepare
from index.reader import decode, document_id, read_source
from index.speakers import merge_speakers
from index.store import IndexStore, read_manifest
from index.types import Document, Quote, Speaker
from rag.priors import retrieval_plan
from rag.retrieval import Mode, Retriever
from rag.types import Answer, Hit

if TYPE_CHECKING:
    from rag.answer import Answerer
    from rag.question import Question


def _rebuild(directory: Path) -> None:
    """Re-index every stored document with the current rules, then swap directories."""
    old = IndexStore.open(directory)
    documents = list(old.documents.values())
    config = old.manifest.config if old.manifest else Config()
    old.close()
    fresh = directory.with_name(f".{directory.name}.rebuild-{os.getpid()}")
    shutil.rmtree(fresh, ignore_errors=True)
    bot = QuoteBot.create(fresh, config)
    for document in documents:
        bot.add_text(document.text, document.source)
    bot.close()
    retired = directory.with_name(f".{directory.name}.old-{os.getpid()}")
    os.replace(directory, retired)
    os.replace(fresh, directory)
    shutil.rmtree(retired, ignore_errors=True)


def _describe(config: Config) -> str:
    return "the hashing embedder" if config.embedder == "hashing" else config.model


class QuoteBot:
    """Answers questions about the documents of one index directory."""

    def __init__(
        self, directory: Path, store: IndexStore, config: Config, embedder: Embedder
    ) -> None:
        self.directory = directory
        self.config = config
        self.embedder = embedder
        self._store = store
        self._speakers = merge_speakers(store.doc_speakers)
        self._retriever = Retriever(store, embedder, config)
        self._write_lock = threading.Lock()
        self._answerer: Answerer | None = None

    # -- opening ---------------------------------------------------------------------
    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        config: Config | None = None,
        embedder: Embedder | None = None,
        verify: bool = True,
    ) -> QuoteBot:
        """Open an index directory; with no path, the default index of the bundled article
        (built on first use). ``config``/``embedder`` default to what built the index."""
        directory = Path(path) if path is not None else default_index_dir()
        if not (directory / "manifest.json").exists():
            if path is not None and directory.exists() and any(directory.iterdir()):
                read_manifest(directory)  # raises a named error for a non-index folder
            if path is not None:
                raise IndexMissingError(
                    f"no index at {directory}: build one with "
                    f"`quotebot index ARTICLE.txt --index {directory}`."
                )
            bot = cls.create(directory, config, embedder)
            bot.add(bundled_article())
            return bot
        manifest = read_manifest(directory)
        if path is None and manifest.pipeline_version != PIPELINE_VERSION:
            _rebuild(directory)  # the default index follows the installed extraction rules
            manifest = read_manifest(directory)
        built = manifest.config
        if config is not None and (config.embedder, config.model) != (built.embedder, built.model):
            raise ModelMismatchError(
                f"index {directory} was built with {manifest.embedder_name} "
                f"(dim {manifest.dimension}); this config uses {_describe(config)}: "
                f"rebuild with `quotebot index FILE --index NEW_DIR` or open without a config."
            )
        config = config or Config().replace(  # index-time settings from the manifest
            embedder=built.embedder,
            model=built.model,
            hashing_dimension=built.hashing_dimension,
            chunk_tokens=built.chunk_tokens,
            chunk_overlap_tokens=built.chunk_overlap_tokens,
        )
        embedder = embedder or make_embedder(config)
        if embedder.name != manifest.embedder_name:
            raise ModelMismatchError(
                f"index {directory} was built with {manifest.embedder_name} "
                f"(dim {manifest.dimension}); this embedder is {embedder.name}: use the same "
                "model or rebuild the index with `quotebot index`."
            )
        store = IndexStore.open(directory, verify=verify)
        return cls(directory, store, config, embedder)

    @classmethod
    def create(
        cls, path: str | Path, config: Config | None = None, embedder: Embedder | None = None
    ) -> QuoteBot:
        """A bot over a new, empty index directory (written on the first ``add``)."""
        directory = Path(path)
        if (directory / "manifest.json").exists():
            return cls.open(directory, config, embedder)
        config = config or Config()
        return cls(
            directory, IndexStore.empty(directory), config, embedder or make_embedder(config)
        )

    def close(self) -> None:
        self._store.close()

    # -- adding ----------------------------------------------------------------------
    def add(self, path: str | Path) -> str:
        """Index a ``.txt``/``.md`` file; returns its document id. Idempotent by content."""
        text = read_source(path, self.config.max_file_bytes)
        return self.add_text(text, source=str(path))

    def add_bytes(self, data: bytes, name: str) -> str:
        """Index uploaded bytes (checked like a file); returns the document id."""
        if not name.lower().endswith((".txt", ".md")):
            from index.errors import InputFileError

            raise InputFileError(
                f"{name} is not a .txt or .md file: upload the article as plain text."
            )
        return self.add_text(decode(data, name, self.config.max_file_bytes), source=name)

    def add_text(self, text: str, source: str = "text") -> str:
        """Index canonical text. A failure leaves the existing index as it was."""
        doc_id = document_id(text)
        with self._write_lock:
            if doc_id in self._store.documents:
                return doc_id
            prepared = prepare(text, source, self.embedder, self.config)
            vectors = self.embedder.embed([u.index_text for u in prepared.units])
            self._check_dimension(vectors.shape[1])
            self._store.write_with(prepared, vectors, self.embedder.name, self.config)
            old, self._store = self._store, IndexStore.open(self.directory, verify=False)
            self._retriever = Retriever(self._store, self.embedder, self.config)
            self._speakers = merge_speakers(self._store.doc_speakers)
            old.close()
            self._answerer = None
        return doc_id

    def _check_dimension(self, dimension: int) -> None:
        manifest = self._store.manifest
        if manifest is not None and manifest.dimension != dimension:
            raise ModelMismatchError(
                f"index {self.directory} holds {manifest.dimension}-dim vectors from "
                f"{manifest.embedder_name}; {self.embedder.name} gives {dimension}: rebuild the "
                "index with `quotebot index`."
            )

    # -- reading ---------------------------------------------------------------------
    @property
    def store(self) -> IndexStore:
        return self._store

    @property
    def retriever(self) -> Retriever:
        return self._retriever

    def documents(self) -> list[Document]:
        return list(self._store.documents.values())

    def document(self, doc_id: str) -> Document:
        try:
            return self._store.documents[doc_id]
        except KeyError:
            raise KeyError(
                f"no document {doc_id!r} in {self.directory}: see `bot.documents()` for the ids"
            ) from None

    def search(
        self, query: str, k: int | None = None, kind: str | None = None, mode: Mode = "hybrid"
    ) -> list[Hit]:
        """Paragraph hits (``kind`` None or "paragraph"), or quote/fact hits."""
        k = k or self.config.k
        retriever = self._retriever
        if kind in (None, "paragraph"):
            text, boost = retrieval_plan(self.understand(query), self._store, self.config)
            return retriever.paragraphs(text, k, mode, boost)
        if kind not in ("quote", "fact"):
            raise ValueError(f"kind must be paragraph, quote or fact, not {kind!r}")
        scored = retriever.units(query, mode, kinds=(kind,))[:k]
        return [
            Hit(
                s.unit.doc_id,
                s.unit.paragraph,
                s.unit.start,
                s.unit.end,
                s.unit.text,
                s.score,
                s.unit.kind,
                s.unit.speaker,
            )
            for s in scored
        ]

    def understand(self, query: str) -> Question:
        """The question's intent and the person it is about."""
        from rag.question import understand

        return understand(query, self._speakers, self.answerer.evidence.common)

    def quotes(self, speaker: str | None = None, include_repeats: bool = False) -> list[Quote]:
        """Attributed quotes, optionally of one speaker (name or alias, case-insensitive)."""
        quotes = [q for q in self._store.quotes if include_repeats or q.repeats is None]
        if speaker is None:
            return quotes
        wanted = self.find_speaker(speaker)
        if wanted is None:
            return []
        return [q for q in quotes if q.speaker == wanted.name]

    def speakers(self) -> list[Speaker]:
        """Everyone quoted, one record per name across documents."""
        return list(self._speakers)

    def find_speaker(self, name: str) -> Speaker | None:
        """The speaker whose name or alias is ``name`` (case-insensitive)."""
        key = name.strip().lower()
        for s in self._speakers:
            if key == s.name.lower() or key in {a.lower() for a in s.aliases}:
                return s
        return None

    # -- answering -------------------------------------------------------------------
    def ask(
        self, question: str, history: list[Answer] | None = None, max_quotes: int | None = None
    ) -> Answer:
        """A grounded answer with verified citations, or an honest abstention."""
        return self.answerer.ask(question, history or [], max_quotes)

    def warm_up(self) -> None:
        """Load the model and prepare answering now, so the first question is quick."""
        self.retriever.embed_query("warm up")
        _ = self.answerer

    @property
    def answerer(self) -> Answerer:
        """The answer composer for the current index (rebuilt after ``add``)."""
        from rag.answer import Answerer

        with self._write_lock:
            if self._answerer is None:
                self._answerer = Answerer(self)
            return self._answerer
