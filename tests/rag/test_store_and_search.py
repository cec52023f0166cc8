"""rag: QuoteBot.search over a stored index: exact spans, kinds, modes, and real-model ranking.

The hashing-embedder tests run on both stores (embedded and PostgreSQL)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from pg_fixtures import location

from index.config import Config
from rag import Hit, QuoteBot

WIRE = Path(__file__).parents[1] / "data" / "articles" / "wire-rates.txt"
QUERIES = [
    "Who called the strike an unforced error?",
    "How many people died in the Kerman attack?",
    "What did Ali Vaez say about escalation?",
    "Why was trust between Tehran and Islamabad damaged?",
    "China mediation Shanghai Cooperation Organisation",
]
MODES = ["hybrid", "dense", "keyword"]


@pytest.fixture
def hash_bot(
    new_index: Callable[[], str | Path], hashing_config: Config, bundled_path: Path
) -> Iterator[QuoteBot]:
    """The bundled article on a hashing-embedder index, on each store in turn."""
    bot = QuoteBot.create(new_index(), hashing_config)
    bot.add(bundled_path)
    yield bot
    bot.close()


def assert_exact(bot: QuoteBot, hit: Hit) -> None:
    document = bot.document(hit.doc_id)
    assert document.text[hit.start : hit.end] == hit.text
    paragraph = document.paragraph(hit.paragraph)
    assert paragraph.start <= hit.start <= hit.end <= paragraph.end
    assert hit.text


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("query", QUERIES)
def test_paragraph_hits_are_exact_body_paragraphs(
    hash_bot: QuoteBot, query: str, mode: str
) -> None:
    hits = hash_bot.search(query, k=5, mode=mode)  # type: ignore[arg-type]
    assert 0 < len(hits) <= 5
    for hit in hits:
        assert hit.kind == "paragraph"
        assert_exact(hash_bot, hit)
        paragraph = hash_bot.document(hit.doc_id).paragraph(hit.paragraph)
        assert (hit.start, hit.end, hit.text) == (paragraph.start, paragraph.end, paragraph.text)
        assert paragraph.kind == "body"
        assert hit.speaker is None
    assert len({(h.doc_id, h.paragraph) for h in hits}) == len(hits)
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("mode", MODES)
def test_quote_hits_are_stored_quotes_with_speakers(hash_bot: QuoteBot, mode: str) -> None:
    quotes = {(q.doc_id, q.start, q.end): q for q in hash_bot.quotes()}
    hits = hash_bot.search("Iran strike error Pakistan retaliate", k=6, kind="quote", mode=mode)  # type: ignore[arg-type]
    assert len(hits) == 6
    for hit in hits:
        assert hit.kind == "quote"
        assert_exact(hash_bot, hit)
        quote = quotes[(hit.doc_id, hit.start, hit.end)]
        assert quote.text == hit.text
        assert quote.paragraph == hit.paragraph
        assert hit.speaker == quote.speaker
        assert hit.speaker  # every quote in the bundled article is attributed
        assert quote.repeats is None  # pull quotes are not returned twice


def test_quote_hits_for_a_speaker(hash_bot: QuoteBot) -> None:
    hits = hash_bot.search("unforced error on Tehran's part", k=3, kind="quote")
    assert hits[0].paragraph == 34
    assert hits[0].speaker == "Rouzbeh Parsi"
    assert hits[0].text == "unforced error on Tehran’s part"


@pytest.mark.parametrize("mode", MODES)
def test_fact_hits_are_stored_facts(hash_bot: QuoteBot, mode: str) -> None:
    facts = {(f.doc_id, f.start, f.end): f for f in hash_bot.store.facts}
    hits = hash_bot.search("Kerman memorial attack killed people", k=5, kind="fact", mode=mode)  # type: ignore[arg-type]
    assert hits
    for hit in hits:
        assert hit.kind == "fact"
        assert_exact(hash_bot, hit)
        fact = facts[(hit.doc_id, hit.start, hit.end)]
        assert fact.text == hit.text and fact.paragraph == hit.paragraph
    assert 15 in {h.paragraph for h in hits}


def test_keyword_mode_finds_rare_words(hash_bot: QuoteBot) -> None:
    hits = hash_bot.search("Soleimani Kerman", k=3, mode="keyword")
    assert hits[0].paragraph == 15
    hits = hash_bot.search("Soleimani", k=3, kind="fact", mode="keyword")
    assert hits and all("Soleimani" in h.text for h in hits)


def test_keyword_mode_with_only_stopwords_finds_nothing(hash_bot: QuoteBot) -> None:
    assert hash_bot.search("what is the", mode="keyword") == []
    assert hash_bot.search("what is the", kind="quote", mode="keyword") == []


def test_dense_mode_always_returns_k(hash_bot: QuoteBot) -> None:
    hits = hash_bot.search("what is the", k=4, mode="dense")
    assert len(hits) == 4


def test_k_defaults_to_config(hash_bot: QuoteBot) -> None:
    assert len(hash_bot.search("Iran Pakistan strike")) == hash_bot.config.k


def test_unknown_kind_is_an_error(hash_bot: QuoteBot) -> None:
    with pytest.raises(ValueError, match="kind must be"):
        hash_bot.search("Iran", kind="speaker")


def test_search_across_two_documents(hash_bot: QuoteBot) -> None:
    wire_id = hash_bot.add(WIRE)
    for mode in MODES:
        hits = hash_bot.search("central bank interest rates inflation", k=5, mode=mode)  # type: ignore[arg-type]
        assert hits[0].doc_id == wire_id
        for hit in hits:
            assert_exact(hash_bot, hit)
    for kind in ("quote", "fact"):
        for hit in hash_bot.search("rates currency prices", k=8, kind=kind):
            assert_exact(hash_bot, hit)


def test_search_after_reopen_is_the_same(hash_bot: QuoteBot) -> None:
    other = QuoteBot.open(location(hash_bot))
    for query in QUERIES:
        for mode in MODES:
            assert other.search(query, k=5, mode=mode) == hash_bot.search(query, k=5, mode=mode)  # type: ignore[arg-type]


# -- real model --------------------------------------------------------------------------------
@pytest.mark.model
def test_real_unforced_error_ranks_paragraph_34_first(real_bot: QuoteBot) -> None:
    hits = real_bot.search("Who called the strike an unforced error?", k=5)
    assert hits[0].paragraph == 34
    for hit in hits:
        assert_exact(real_bot, hit)


@pytest.mark.model
def test_real_kerman_deaths_in_top_3(real_bot: QuoteBot) -> None:
    hits = real_bot.search("How many people died in the Kerman attack?", k=3)
    assert 15 in [h.paragraph for h in hits]


@pytest.mark.model
@pytest.mark.parametrize("mode", ["dense", "keyword"])
def test_real_single_modes(real_bot: QuoteBot, mode: str) -> None:
    hits = real_bot.search("Who called the strike an unforced error?", k=3, mode=mode)  # type: ignore[arg-type]
    assert hits[0].paragraph == 34
    dense = real_bot.search("How many people died in the Kerman attack?", k=3, mode=mode)  # type: ignore[arg-type]
    assert 15 in [h.paragraph for h in dense]


@pytest.mark.model
def test_real_quote_and_fact_hits(real_bot: QuoteBot) -> None:
    quotes = real_bot.search("Who called the strike an unforced error?", k=3, kind="quote")
    assert ("Rouzbeh Parsi", 34) in [(q.speaker, q.paragraph) for q in quotes]
    assert all(q.speaker for q in quotes)
    for hit in quotes + real_bot.search("Kerman attack deaths", k=3, kind="fact"):
        assert_exact(real_bot, hit)


def test_warm_up_builds_what_the_first_question_would_wait_for(hash_bot: QuoteBot) -> None:
    from rag.candidates import _TABLES

    answerer = hash_bot.answerer
    corpus = answerer.path.corpus
    assert not set(_TABLES) & vars(corpus).keys()  # each table is built when first needed
    hash_bot.warm_up()
    assert hash_bot.answerer is answerer and answerer.path.corpus is corpus
    assert set(_TABLES) <= vars(corpus).keys()  # warm_up built them all
    assert "common" in vars(answerer)
    before = dict(vars(corpus))
    hash_bot.ask("What did Ali Vaez say about the strikes?")
    assert all(vars(corpus)[name] is before[name] for name in _TABLES)  # none rebuilt
