"""index/chunking.py: token-bounded chunks with exact offsets into the document."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from index.chunking import RETRIEVABLE_KINDS, chunk_document
from index.config import Config
from index.embedders import HashingEmbedder
from index.embedders.base import Embedder
from index.pipeline import make_document, prepare
from index.reader import read_source
from index.types import Document

ARTICLES = sorted((Path(__file__).parents[1] / "data" / "articles").glob("*.txt"))
_VOCAB = [
    "the",
    "strike",
    "was",
    "an",
    "unforced",
    "error",
    "on",
    "Tehran's",
    "part",
    "and",
    "the",
    "episode",
    "damaged",
    "relations",
    "between",
    "two",
    "neighbours",
    "who",
    "share",
    "a",
    "long",
    "border",
    "with",
    "militant",
    "groups",
    "on",
    "both",
    "sides",
    "analysts",
    "said",
    "diplomacy",
    "could",
    "repair",
    "trust",
    "although",
    "officials",
    "were",
    "wary",
    "of",
    "escalation",
]


def long_paragraph(words: int, seed: int = 7) -> str:
    """A paragraph of ``words`` words in sentences, without repeated long stretches."""
    rng = random.Random(seed)
    out = []
    for i in range(words):
        word = rng.choice(_VOCAB)
        out.append(word.capitalize() if i == 0 or out[-1].endswith(".") else word)
        if rng.random() < 0.06:
            out[-1] += "."
        elif rng.random() < 0.05:
            out[-1] += ","
    return " ".join(out) + "."


def check_chunks(document: Document, embedder: Embedder, max_tokens: int = 0) -> list:
    chunks = chunk_document(document, embedder, max_tokens)
    limit = max_tokens or embedder.max_tokens
    assert chunks
    for chunk in chunks:
        assert embedder.count_tokens(chunk.text) <= limit, chunk.text[:80]
        assert document.text[chunk.start : chunk.end] == chunk.text
        assert chunk.doc_id == document.doc_id
        paragraph = document.paragraph(chunk.paragraph)
        assert paragraph.kind in RETRIEVABLE_KINDS
        assert paragraph.start <= chunk.start < chunk.end <= paragraph.end
        assert chunk.paragraphs == (chunk.paragraph,)
        assert chunk.text == chunk.text.strip()
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    return chunks


def assert_covers(document: Document, chunks: list, number: int) -> None:
    """The chunks of paragraph ``number`` cover all its non-space characters, in order."""
    paragraph = document.paragraph(number)
    mine = [c for c in chunks if c.paragraph == number]
    assert [c.start for c in mine] == sorted(c.start for c in mine)
    covered = [False] * (paragraph.end - paragraph.start)
    for c in mine:
        for i in range(c.start - paragraph.start, c.end - paragraph.start):
            covered[i] = True
    missing = [i for i, ok in enumerate(covered) if not ok and not paragraph.text[i].isspace()]
    assert missing == [], paragraph.text[missing[0] : missing[0] + 40]


def documents() -> list[Document]:
    from index.config import bundled_article

    paths = [bundled_article(), *ARTICLES]
    return [make_document(read_source(p, 2_000_000), str(p)) for p in paths]


def _ids(docs: list[Document]) -> list[str]:
    return [Path(d.source).stem for d in docs]


DOCS = documents()


# -- hashing embedder (fast) -----------------------------------------------------------------
@pytest.mark.parametrize("document", DOCS, ids=_ids(DOCS))
@pytest.mark.parametrize("max_tokens", [128, 64, 48])
def test_chunks_within_limit_with_exact_offsets(document: Document, max_tokens: int) -> None:
    embedder = HashingEmbedder(max_tokens=max_tokens)
    chunks = check_chunks(document, embedder)
    for p in document.paragraphs:
        if p.kind in RETRIEVABLE_KINDS:
            assert_covers(document, chunks, p.number)
        else:
            assert not any(c.paragraph == p.number for c in chunks)


def test_config_chunk_tokens_overrides_model_limit(bundled_text: str) -> None:
    document = make_document(bundled_text, "bundled.txt")
    embedder = HashingEmbedder()  # max 128
    default = check_chunks(document, embedder)
    small = check_chunks(document, embedder, max_tokens=60)
    assert len(small) > len(default)


def test_short_paragraph_is_one_chunk(bundled_text: str) -> None:
    document = make_document(bundled_text, "bundled.txt")
    chunks = chunk_document(document, HashingEmbedder())
    p58 = [c for c in chunks if c.paragraph == 58]
    assert len(p58) == 1
    paragraph = document.paragraph(58)
    assert (p58[0].start, p58[0].end) == (paragraph.start, paragraph.end)


def test_units_embedded_text_within_limit(bundled_text: str) -> None:
    embedder = HashingEmbedder()
    prepared = prepare(bundled_text, "bundled.txt", embedder, Config(embedder="hashing"))
    for unit in prepared.units:
        assert prepared.document.text[unit.start : unit.end] == unit.text
        if unit.kind == "paragraph":
            assert embedder.count_tokens(unit.index_text) <= embedder.max_tokens
            assert unit.index_text.endswith(unit.text)


def _long_document(words: int = 3000) -> Document:
    text = (
        "A Long Read About Borders\n\n"
        "A short first paragraph sets the scene.\n\n"
        f"{long_paragraph(words)}\n\n"
        "The closing paragraph is short too."
    )
    return make_document(text, "long.txt")


@pytest.mark.parametrize("max_tokens", [128, 64])
def test_very_long_paragraph_split_hashing(max_tokens: int) -> None:
    document = _long_document()
    assert document.paragraph(3).kind == "body"
    assert len(document.paragraph(3).text.split()) == 3000
    embedder = HashingEmbedder(max_tokens=max_tokens)
    chunks = check_chunks(document, embedder)
    mine = [c for c in chunks if c.paragraph == 3]
    assert len(mine) >= 3000 // max_tokens
    assert_covers(document, chunks, 3)
    assert [c.paragraph for c in chunks if c.paragraph != 3] == [2, 4]


def test_paragraph_without_spaces_is_bounded() -> None:
    words = " ".join(f"w{i}" for i in range(400))
    text = "Title Words Here\n\n" + words.replace(" ", "\n") + "\n\nEnd of it all."
    document = make_document(text, "lines.txt")
    chunks = check_chunks(document, HashingEmbedder(max_tokens=64))
    assert_covers(document, chunks, 2)


def test_repeated_text_chunks_keep_their_own_offsets() -> None:
    paragraph = "The cat sat on the mat. " * 40 + "The end came."
    document = make_document("Intro line here.\n\n" + paragraph.strip(), "rep.txt")
    chunks = check_chunks(document, HashingEmbedder())
    assert_covers(document, chunks, 2)


# -- real model --------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def real_embedder(real_bot):  # type: ignore[no-untyped-def]
    return real_bot.embedder


@pytest.mark.model
@pytest.mark.parametrize("document", DOCS, ids=_ids(DOCS))
def test_real_model_chunks(real_embedder: Embedder, document: Document) -> None:
    assert real_embedder.max_tokens == 256
    chunks = check_chunks(document, real_embedder)
    for p in document.paragraphs:
        if p.kind in RETRIEVABLE_KINDS:
            assert_covers(document, chunks, p.number)


@pytest.mark.model
def test_real_model_units_embedded_text_within_limit(real_bot) -> None:  # type: ignore[no-untyped-def]
    embedder = real_bot.embedder
    for unit in real_bot.store.units:
        if unit.kind == "paragraph":
            assert embedder.count_tokens(unit.index_text) <= embedder.max_tokens


@pytest.mark.model
def test_very_long_paragraph_split_real_model(real_embedder: Embedder) -> None:
    document = _long_document()
    chunks = check_chunks(document, real_embedder)
    mine = [c for c in chunks if c.paragraph == 3]
    assert len(mine) >= 10
    assert_covers(document, chunks, 3)
