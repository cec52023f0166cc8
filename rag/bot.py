"""``QuoteBot``: the public entry point (open an index, add and remove documents, search, ask).

A bot follows its index directory: every public read call first checks the manifest (one
``stat``) and picks up a generation written by any process, loading only what changed.
Writes take the directory's cross-process write lock; reads and answers never do.
"""

from __future__ import annotations

import dataclasses
import json
import os
import shutil
import threading
from collections.abc import Callable, Generator, Iterable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from index.config import PIPELINE_VERSION, Config, bundled_article, default_index_dir
from index.embedders import Embedder, make_embedder
from index.errors import (
    DocumentNotFoundError,
    EmptyDocumentError,
    IndexMissingError,
    InputFileError,
    InvalidRequestError,
    ModelMismatchError,
    QuestionTooLongError,
    UnknownFormatError,
)
from index.manifest import MANIFEST, Manifest
from index.pipeline import PreparedDocument, attribute_each, prepare_attributed
from index.reader import decode, document_id, read_source
from index.speakers import merge_speakers
from index.store import IndexStore, read_manifest
from index.store_legacy import stored_texts
from index.store_protocol import Store, commit_to, wants_postgres, writing
from index.store_writer import write_lock
from index.types import ArticleQuote, Document, Extraction, Quote, Speaker
from rag.finder import QuoteQuery, check_metadata, find_quotes, resolve_doc_ids
from rag.priors import retrieval_plan
from rag.retrieval import Mode, Retriever
from rag.types import Answer, Hit

if TYPE_CHECKING:
    from rag.answer import Answerer
    from rag.question import Question

SCOPED_ANSWERERS = 8  # composers kept for chats scoped to chosen articles
Progress = Callable[[str, int, int], None]
"""``progress(stage, done, total)``; stages "reading", "attribution", "embedding", "writing"."""


def _rebuild(directory: Path) -> None:
    """Re-index every stored document with the current rules (also from an index of an
    older format), then swap directories."""
    with write_lock(directory, Config().writer_timeout_s):
        try:
            if read_manifest(directory).pipeline_version == PIPELINE_VERSION:
                return  # another process rebuilt it while this one waited
        except UnknownFormatError:
            pass
        raw = json.loads((directory / MANIFEST).read_text(encoding="utf-8"))
        config = Config.from_dict(raw.get("config", {}) if isinstance(raw, dict) else {})
        texts = stored_texts(directory)
        fresh = directory.with_name(f".{directory.name}.rebuild-{os.getpid()}")
        shutil.rmtree(fresh, ignore_errors=True)
        bot = QuoteBot.create(fresh, config)
        bot._add_texts(texts, replace=False, progress=None)
        bot.close()
        retired = directory.with_name(f".{directory.name}.old-{os.getpid()}")
        os.replace(directory, retired)
        os.replace(fresh, directory)
        shutil.rmtree(retired, ignore_errors=True)


def _describe(config: Config) -> str:
    return "the hashing embedder" if config.embedder == "hashing" else config.model


def _same_source(a: str, b: str) -> bool:
    return a == b or os.path.abspath(a) == os.path.abspath(b)


def _built_with(
    directory: Path, manifest: Manifest, config: Config | None, embedder: Embedder | None
) -> tuple[Config, Embedder]:
    """The config and embedder to open an index with: what built it, checked against
    those given."""
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
    return config, embedder


@dataclass
class _View:
    """One snapshot of the index with what is derived from it (replaced as a whole)."""

    store: Store
    retriever: Retriever

    @cached_property
    def speakers(self) -> list[Speaker]:
        return merge_speakers(self.store.doc_speakers)


def attributed_ahead(
    batches: list[list[tuple[str, str]]],
) -> Generator[list[tuple[Document, Extraction]], None, None]:
    """Each batch read and attributed, in order, the next one in a background thread while
    the caller embeds and commits this one: spaCy's parse and the embedder's forward
    passes overlap on the machine's cores (torch releases the GIL while it computes)."""
    if len(batches) < 2:  # nothing to overlap with
        yield from ([*attribute_each(batch)] for batch in batches)
        return
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="attribution")
    try:
        ahead: Future[list[tuple[Document, Extraction]]] = pool.submit(_attributed, batches[0])
        for following in [*batches[1:], None]:
            done = ahead.result()
            if following is not None:
                ahead = pool.submit(_attributed, following)
            yield done
    finally:  # closed early (the caller failed): do not wait for the batch ahead
        pool.shutdown(wait=False, cancel_futures=True)


def _attributed(batch: list[tuple[str, str]]) -> list[tuple[Document, Extraction]]:
    return list(attribute_each(batch))


class QuoteBot:
    """Answers questions about the documents of one index directory."""

    def __init__(
        self,
        directory: Path,
        store: Store,
        config: Config,
        embedder: Embedder,
        live: bool = True,
    ) -> None:
        self.directory = directory
        self.config = config
        self.embedder = embedder
        self._live = live  # False: pinned to one snapshot (what an answer is composed from)
        self._view = _View(store, Retriever(store, embedder, config))
        self._refresh_lock = threading.Lock()
        self._write_mutex = threading.Lock()  # this process's writers; the file lock is across
        self._answerer_lock = threading.Lock()
        self._answerer: tuple[_View, Answerer] | None = None
        self._scoped: tuple[_View, dict[frozenset[str], Answerer]] | None = None

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
        (built on first use). ``config``/``embedder`` default to what built the index.
        A ``postgresql://`` path or ``Config(store="postgres", dsn=...)`` opens the index in
        PostgreSQL instead."""
        if wants_postgres(path, config):
            return cls._open_postgres(path, config, embedder, create=False)
        directory = Path(path) if path is not None else default_index_dir()
        if not (directory / MANIFEST).exists():
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
        if path is None:
            try:
                outdated = read_manifest(directory).pipeline_version != PIPELINE_VERSION
            except UnknownFormatError:
                outdated = True  # an older store format: rebuilt like older rules
            if outdated:
                _rebuild(directory)  # the default index follows the installed release
        manifest = read_manifest(directory)
        config, embedder = _built_with(directory, manifest, config, embedder)
        store = IndexStore.open(directory, verify=verify)
        return cls(directory, store, config, embedder)

    @classmethod
    def _open_postgres(
        cls,
        path: str | Path | None,
        config: Config | None,
        embedder: Embedder | None,
        create: bool,
    ) -> QuoteBot:
        from index.store_postgres import PostgresStore, is_dsn, redacted

        dsn = str(path) if is_dsn(path) else (config.dsn if config is not None else "")
        if not dsn:
            raise InvalidRequestError(
                'Config(store="postgres") needs a dsn: Config(store="postgres", '
                'dsn="postgresql://USER@HOST/DATABASE").'
            )
        store = PostgresStore.empty(dsn) if create else PostgresStore.open(dsn)
        label = Path(redacted(dsn))
        if store.manifest is None:
            config = config or Config()
        else:
            config, embedder = _built_with(label, store.manifest, config, embedder)
        config = config.replace(store="postgres", dsn=dsn)
        return cls(label, store, config, embedder or make_embedder(config))

    @classmethod
    def create(
        cls, path: str | Path, config: Config | None = None, embedder: Embedder | None = None
    ) -> QuoteBot:
        """A bot over a new, empty index directory (written on the first ``add``)."""
        if wants_postgres(path, config):
            return cls._open_postgres(path, config, embedder, create=True)
        directory = Path(path)
        if (directory / MANIFEST).exists():
            return cls.open(directory, config, embedder)
        config = config or Config()
        return cls(
            directory, IndexStore.empty(directory), config, embedder or make_embedder(config)
        )

    def close(self) -> None:
        self._view.store.close()

    def check(self) -> None:
        """Check the whole index now: every vector segment's checksum and every document's
        digest. Opening checks each lazily, on first use; this is for a scheduled check or
        after copying an index. Raises ``ChecksumError`` naming the damaged file."""
        self._current().store.check()

    # -- following the index -----------------------------------------------------------
    def _current(self) -> _View:
        """The newest committed generation (a ``stat`` when nothing changed)."""
        if not self._live:
            return self._view
        with self._refresh_lock:
            store = self._view.store.refreshed()
            if store is not self._view.store:
                self._view = _View(store, Retriever(store, self.embedder, self.config))
            return self._view

    def _install(self, store: Store) -> None:
        with self._refresh_lock:
            if store.generation >= self._view.store.generation or store.manifest is None:
                self._view = _View(store, Retriever(store, self.embedder, self.config))

    # -- adding and removing -----------------------------------------------------------
    def add(
        self,
        path: str | Path,
        replace: bool = False,
        metadata: Mapping[str, str | None] | None = None,
    ) -> str:
        """Index a ``.txt``/``.md`` file; returns its document id. Idempotent by content.

        A changed file (same source path, new content) is added beside the old version,
        unless ``replace``: then the old version is removed in the same commit.
        ``metadata`` (``title``, ``outlet``, ``date`` as ISO) overrides what is read from
        the text; an article already indexed keeps its metadata."""
        return self.add_many([path], replace=replace, metadata=metadata)[0]

    def add_many(
        self,
        paths: Sequence[str | Path],
        replace: bool = False,
        progress: Progress | None = None,
        metadata: Mapping[str, str | None] | None = None,
    ) -> list[str]:
        """Index several files under one write lock: each batch of ``Config.add_batch_size``
        articles is embedded in one call and committed at once. Returns the document ids in
        the order of ``paths`` (``replace`` and ``metadata`` as in ``add``)."""
        overrides = check_metadata(metadata)
        texts: list[tuple[str, str]] = []
        for done, path in enumerate(paths, 1):
            texts.append((read_source(path, self.config.max_file_bytes), str(path)))
            if progress is not None:
                progress("reading", done, len(paths))
        return self._add_texts(texts, replace, progress, overrides)

    def add_bytes(self, data: bytes, name: str, replace: bool = False) -> str:
        """Index uploaded bytes (checked like a file); returns the document id."""
        if not name.lower().endswith((".txt", ".md")):
            raise InputFileError(
                f"{name} is not a .txt or .md file: upload the article as plain text."
            )
        text = decode(data, name, self.config.max_file_bytes)
        return self._add_texts([(text, name)], replace, None)[0]

    def add_text(self, text: str, source: str = "text", replace: bool = False) -> str:
        """Index canonical text. A failure leaves the existing index as it was."""
        return self._add_texts([(text, source)], replace, None)[0]

    def _add_texts(
        self,
        texts: list[tuple[str, str]],
        replace: bool,
        progress: Progress | None,
        overrides: dict[str, Any] | None = None,
    ) -> list[str]:
        for text, source in texts:
            if not str(text).strip():
                raise EmptyDocumentError(
                    f"{source} has no text to index: add an article with some text in it."
                )
        ids = [document_id(text) for text, _ in texts]
        with (
            self._write_mutex,
            writing(self._view.store, self.directory, self.config.writer_timeout_s),
        ):
            store = self._view.store.refreshed(force=True)
            todo: dict[str, tuple[str, str]] = {}
            for (text, source), doc_id in zip(texts, ids, strict=True):
                if doc_id not in store:
                    todo.setdefault(doc_id, (text, source))
            pending, total = list(todo.values()), len(todo)
            size = max(1, self.config.add_batch_size)
            batches = [pending[first : first + size] for first in range(0, total, size)]
            with closing(attributed_ahead(batches)) as ahead:
                for first, attributed in zip(range(0, total, size), ahead, strict=True):
                    prepared = []
                    for document, extraction in attributed:
                        if overrides:
                            document = dataclasses.replace(document, **overrides)
                        prepared.append(
                            prepare_attributed(document, extraction, self.embedder, self.config)
                        )
                        if progress is not None:
                            progress("attribution", first + len(prepared), total)
                    vectors = self._embed(prepared)
                    if progress is not None:
                        progress("embedding", first + len(prepared), total)
                    removals = self._replaced(store, prepared) if replace else []
                    store = commit_to(
                        store,
                        prepared,
                        vectors,
                        removals,
                        self.embedder.name,
                        vectors.shape[1],
                        self.config,
                    )
                    self._install(store)
                    if progress is not None:
                        progress("writing", first + len(prepared), total)
        return ids

    def _embed(self, prepared: list[PreparedDocument]) -> np.ndarray:
        """One vector per unit, in order; a text that recurs (a one-sentence paragraph is
        also its fact, a quote may be its whole paragraph) is embedded once."""
        texts = [u.index_text for p in prepared for u in p.units]
        if not texts:
            return np.zeros((0, self.embedder.dimension), dtype=np.float32)
        distinct = list(dict.fromkeys(texts))
        vectors = np.asarray(self.embedder.embed(distinct), dtype=np.float32)
        self._check_dimension(vectors.shape[1])
        if len(distinct) == len(texts):
            return vectors
        row = {text: i for i, text in enumerate(distinct)}
        return vectors[[row[text] for text in texts]]

    @staticmethod
    def _replaced(store: Store, prepared: list[PreparedDocument]) -> list[str]:
        """Indexed documents from the same source as a new version in ``prepared``."""
        new = {p.document.doc_id for p in prepared}
        return [
            d.doc_id
            for d in store.documents.values()
            if d.doc_id not in new
            and any(_same_source(d.source, p.document.source) for p in prepared)
        ]

    def remove(self, doc_id: str) -> None:
        """Remove a document with its paragraphs, quotes, facts, speakers and vectors."""
        with (
            self._write_mutex,
            writing(self._view.store, self.directory, self.config.writer_timeout_s),
        ):
            store = self._view.store.refreshed(force=True)
            if doc_id not in store:
                raise self._not_found(doc_id)
            dimension = store.manifest.dimension if store.manifest else self.embedder.dimension
            empty = np.zeros((0, dimension), dtype=np.float32)
            store = commit_to(
                store, [], empty, [doc_id], self.embedder.name, dimension, self.config
            )
            self._install(store)

    def _not_found(self, doc_id: str) -> DocumentNotFoundError:
        return DocumentNotFoundError(
            f"no document {doc_id[:80]!r} in {self.directory}: see `bot.documents()` or "
            "`quotebot articles` for the ids"
        )

    def _check_dimension(self, dimension: int) -> None:
        manifest = self._view.store.manifest
        if manifest is not None and manifest.dimension != dimension:
            raise ModelMismatchError(
                f"index {self.directory} holds {manifest.dimension}-dim vectors from "
                f"{manifest.embedder_name}; {self.embedder.name} gives {dimension}: rebuild the "
                "index with `quotebot index`."
            )

    # -- reading ---------------------------------------------------------------------
    @property
    def store(self) -> Store:
        return self._current().store

    @property
    def retriever(self) -> Retriever:
        return self._current().retriever

    def documents(self) -> list[Document]:
        """Every indexed document, in the order they were added."""
        return list(self._current().store.documents.values())

    def document(self, doc_id: str) -> Document:
        try:
            return self._current().store.documents[doc_id]
        except KeyError:
            raise self._not_found(doc_id) from None

    def _check_query(self, text: str, what: str) -> None:
        if len(text) > self.config.max_question_chars:
            raise QuestionTooLongError(
                f"the {what} is {len(text)} characters long, over the limit of "
                f"{self.config.max_question_chars} (Config.max_question_chars): shorten it to "
                "the part you want answered."
            )

    def search(
        self,
        query: str,
        k: int | None = None,
        kind: str | None = None,
        mode: Mode = "hybrid",
        doc_ids: Iterable[str] | None = None,
    ) -> list[Hit]:
        """Paragraph hits (``kind`` None or "paragraph"), or quote/fact hits; ``doc_ids``
        limits them to those articles (ids or unique prefixes; None: all)."""
        if k is not None and k < 1:
            raise InvalidRequestError(f"k must be 1 or more, not {k}: ask for at least one hit.")
        self._check_query(query, "search query")
        if kind not in (None, "paragraph", "quote", "fact"):
            raise ValueError(f"kind must be paragraph, quote or fact, not {kind!r}")
        k = k or self.config.k
        view = self._current()
        retriever = view.retriever.scoped(resolve_doc_ids(doc_ids, view.store.documents))
        if kind in (None, "paragraph"):
            question = self._understand(view, query)
            text, boost = retrieval_plan(question, view.store, self.config)
            return retriever.paragraphs(text, k, mode, boost)
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
        return self._understand(self._current(), query)

    def _understand(self, view: _View, query: str) -> Question:
        from rag.question import understand

        return understand(query, view.speakers, self._answerer_for(view).common)

    def quotes(self, speaker: str | None = None, include_repeats: bool = False) -> list[Quote]:
        """Attributed quotes, optionally of one speaker (name or alias, case-insensitive)."""
        view = self._current()
        quotes = [q for q in view.store.quotes if include_repeats or q.repeats is None]
        if speaker is None:
            return quotes
        wanted = self._find_speaker(view, speaker)
        if wanted is None:
            return []
        return [q for q in quotes if q.speaker == wanted.name]

    def find_quotes(
        self,
        about: str | None = None,
        speaker: str | None = None,
        doc_ids: Iterable[str] | None = None,
        since: str | None = None,
        until: str | None = None,
        k: int = 20,
    ) -> list[ArticleQuote]:
        """Quotes ranked by relevance to ``about`` (article order without it), filtered by
        speaker (name, alias or part of a name), articles (ids or unique prefixes) and the
        articles' dates (ISO bounds, inclusive; undated articles only without bounds). Each
        carries its article's title, outlet and date, so ``q.attributed()`` is complete."""
        if about is not None:
            self._check_query(about, "topic")
        view = self._current()
        query = QuoteQuery(
            about, speaker, resolve_doc_ids(doc_ids, view.store.documents), since, until, k
        )
        return find_quotes(
            query,
            view.store.quotes,
            view.store.documents,
            view.retriever,
            lambda name: self._find_speaker(view, name),
        )

    def speakers(self) -> list[Speaker]:
        """Everyone quoted, one record per name across documents."""
        return list(self._current().speakers)

    def find_speaker(self, name: str) -> Speaker | None:
        """The speaker whose name or alias is ``name`` (case-insensitive)."""
        return self._find_speaker(self._current(), name)

    @staticmethod
    def _find_speaker(view: _View, name: str) -> Speaker | None:
        key = name.strip().lower()
        for s in view.speakers:
            if key == s.name.lower() or key in {a.lower() for a in s.aliases}:
                return s
        return None

    # -- answering -------------------------------------------------------------------
    def ask(
        self,
        question: str,
        history: list[Answer] | None = None,
        max_quotes: int | None = None,
        doc_ids: Iterable[str] | None = None,
    ) -> Answer:
        """A grounded answer with verified citations, or an honest abstention; ``doc_ids``
        limits the evidence to those articles (ids or unique prefixes; None: all).

        Answering takes no write lock: a question is answered while an article is added,
        from the generation committed when it was asked."""
        if max_quotes is not None and max_quotes < 1:
            raise InvalidRequestError(
                f"max_quotes must be 1 or more, not {max_quotes}: ask for at least one quote."
            )
        self._check_query(question, "question")
        view = self._current()
        scope = resolve_doc_ids(doc_ids, view.store.documents)
        if scope is not None and scope != view.store.documents.keys():
            return self._scoped_answerer(view, scope).ask(question, history or [], max_quotes)
        return self._answerer_for(view).ask(question, history or [], max_quotes)

    def _scoped_answerer(self, view: _View, scope: frozenset[str]) -> Answerer:
        """A composer whose retrieval and quotes are limited to ``scope`` (a few kept)."""
        from rag.answer import Answerer

        whole = self._answerer_for(view)  # takes the lock itself: before it is held here
        with self._answerer_lock:
            if self._scoped is None or self._scoped[0] is not view:
                self._scoped = (view, {})
            cache = self._scoped[1]
            if scope not in cache:
                pinned = QuoteBot(self.directory, view.store, self.config, self.embedder, False)
                pinned._view = _View(view.store, view.retriever.scoped(scope))
                answerer = Answerer(pinned, scope, whole)
                if len(cache) >= SCOPED_ANSWERERS:
                    cache.pop(next(iter(cache)))
                cache[scope] = answerer
            return cache[scope]

    def warm_up(self) -> None:
        """Load the model and prepare answering now, so the first question is quick."""
        view = self._current()
        view.retriever.embed_query("warm up")
        self._answerer_for(view).warm_up()

    @property
    def answerer(self) -> Answerer:
        """The answer composer for the current index (rebuilt when the index changes)."""
        return self._answerer_for(self._current())

    def _answerer_for(self, view: _View) -> Answerer:
        """The composer over ``view``: it reads a bot pinned to that snapshot, so an answer
        in progress is composed from one generation even if a newer one arrives."""
        from rag.answer import Answerer

        with self._answerer_lock:
            if self._answerer is None or self._answerer[0] is not view:
                pinned = QuoteBot(self.directory, view.store, self.config, self.embedder, False)
                pinned._view = view
                self._answerer = (view, Answerer(pinned))
            return self._answerer[1]
