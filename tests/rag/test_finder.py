"""The quote finder, attribution, export, scoped answers and article metadata
(hashing embedder; the bundled article plus a wire story)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.config import Config, bundled_article
from index.errors import DocumentNotFoundError, InvalidRequestError
from index.metadata import parse_date
from index.pipeline import make_document
from index.types import ArticleQuote, Quote
from rag import QuoteBot
from rag.export import export_quotes
from ui.cli import main

ARTICLES = Path(__file__).parents[1] / "data" / "articles"
AP = ARTICLES / "ap-bus-driver-assault.txt"
VAEZ = (
    "“Neither side has an interest in further escalation. Now that they have each taken a "
    "step, they can step back from the brink,” said Dr Ali Vaez, director of the Iran "
    "Project at the International Crisis Group (Where is the Iran-Pakistan relationship "
    "heading?, The New Arab, 23 January 2024)."
)


@pytest.fixture(scope="module")
def two(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QuoteBot, str, str]]:
    """A bot over the bundled article (outlet given on upload) and the AP story."""
    bot = QuoteBot.create(tmp_path_factory.mktemp("finder") / "idx", Config(embedder="hashing"))
    iran = bot.add(bundled_article(), metadata={"outlet": "The New Arab"})
    ap = bot.add(AP)
    yield bot, iran, ap
    bot.close()


def test_topic_ranks_the_matching_quote_first(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, _ = two
    found = bot.find_quotes(about="further escalation step back from the brink", k=5)
    assert 0 < len(found) <= 5
    assert found[0].speaker == "Ali Vaez" and "escalation" in found[0].text
    assert found[0].doc_id == iran
    for q in found:
        assert isinstance(q, ArticleQuote) and isinstance(q, Quote)
        assert bot.document(q.doc_id).text[q.start : q.end] == q.text
        assert q.article_title == bot.document(q.doc_id).title


def test_attributed_in_house_style(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, _ = two
    [q] = [q for q in bot.find_quotes(speaker="Ali Vaez", k=50) if "brink" in q.text]
    assert q.attributed() == VAEZ
    stored = q.stored()
    assert type(stored) is Quote and stored in bot.quotes()
    # a stored quote with its document (a stored quote knows the bare name only)
    assert stored.attributed(bot.document(iran)) == VAEZ.replace("Dr Ali", "Ali")
    assert q.speaker_label == "Dr Ali Vaez" and q.speaker == "Ali Vaez"
    assert stored.attributed().endswith("International Crisis Group.")


def test_speaker_filter_with_a_topic(two: tuple[QuoteBot, str, str]) -> None:
    bot, _, _ = two
    everyone = bot.find_quotes(about="Pakistan Iran tensions", k=50)
    assert len({q.speaker for q in everyone}) > 2
    vaez = bot.find_quotes(about="Pakistan Iran tensions", speaker="vaez", k=50)
    assert vaez and {q.speaker for q in vaez} == {"Ali Vaez"}
    # every quote of the speaker is ranked, not only those among the top candidates
    assert len(vaez) == len(bot.quotes(speaker="Ali Vaez"))
    assert bot.find_quotes(about="tensions", speaker="Nobody Atall") == []


def test_scope_to_articles(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, ap = two
    found = bot.find_quotes(about="attack", doc_ids=[ap], k=50)
    assert found and {q.doc_id for q in found} == {ap}
    assert {q.outlet for q in found} == {"Associated Press"}
    assert {q.doc_id for q in bot.find_quotes(doc_ids=[iran[:8]], k=500)} == {iran}
    with pytest.raises(DocumentNotFoundError, match="not indexed"):
        bot.find_quotes(doc_ids=["nope"])
    with pytest.raises(InvalidRequestError, match="None for all"):
        bot.ask("What did the union say?", doc_ids=[])
    hits = bot.search("attack", k=5, doc_ids=[ap])
    assert hits and {h.doc_id for h in hits} == {ap}
    hits = bot.search("attack", k=5, kind="quote", doc_ids=[iran])
    assert hits and {h.doc_id for h in hits} == {iran}


def test_date_filters(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, ap = two
    assert bot.document(iran).date == "2024-01-23" and bot.document(ap).date is None
    every = bot.find_quotes(k=500)
    assert {q.doc_id for q in every} == {iran, ap}  # undated kept without a date filter
    assert {q.doc_id for q in bot.find_quotes(since="2024-01", k=500)} == {iran}
    assert {q.doc_id for q in bot.find_quotes(until="2024-01-23", k=500)} == {iran}
    assert bot.find_quotes(since="2024-01-24", k=500) == []
    assert bot.find_quotes(until="2023", k=500) == []
    with pytest.raises(InvalidRequestError, match="ISO date"):
        bot.find_quotes(since="last week")
    with pytest.raises(InvalidRequestError, match="k must be 1 or more"):
        bot.find_quotes(k=0)


def test_without_a_topic_quotes_come_in_article_order(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, _ = two
    found = bot.find_quotes(doc_ids=[iran], k=500)
    assert [q.stored() for q in found] == [q for q in bot.quotes() if q.doc_id == iran]


def test_exports_match_the_api(two: tuple[QuoteBot, str, str]) -> None:
    bot, _, _ = two
    found = bot.find_quotes(about="escalation", k=5)
    rows = list(csv.DictReader(io.StringIO(export_quotes(found, "csv"))))
    assert [r["quote"] for r in rows] == [q.text for q in found]
    assert [int(r["start"]) for r in rows] == [q.start for q in found]
    assert rows[0]["attributed"] == found[0].attributed()
    assert rows[0]["date"] == "2024-01-23" and rows[0]["outlet"] == "The New Arab"
    data = json.loads(export_quotes(found, "json"))
    assert [d["paragraph"] for d in data] == [q.paragraph for q in found]
    md = export_quotes(found, "md").splitlines()
    assert md[0].startswith("| speaker | title | quote |") and len(md) == len(found) + 2
    with pytest.raises(InvalidRequestError, match="csv, md or json"):
        export_quotes(found, "xlsx")


@pytest.fixture(scope="module")
def two_real(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[QuoteBot, str, str]]:
    """The same two articles on the real embedder (the answer ranker is fitted on it)."""
    bot = QuoteBot.create(tmp_path_factory.mktemp("finder-real") / "idx")
    iran = bot.add(bundled_article(), metadata={"outlet": "The New Arab"})
    ap = bot.add(AP)
    yield bot, iran, ap
    bot.close()


@pytest.mark.model
def test_ask_scoped_to_one_article(two_real: tuple[QuoteBot, str, str]) -> None:
    bot, iran, ap = two_real
    scoped = bot.ask("What did the union say about the assaults?", doc_ids=[ap])
    assert not scoped.abstained and {c.doc_id for c in scoped.citations} == {ap}
    other = bot.ask("What did the union say about the assaults?", doc_ids=[iran])
    assert all(c.doc_id == iran for c in other.citations)
    assert not other.citations or other.abstained
    vaez = bot.ask("What did Ali Vaez say about escalation?", doc_ids=[iran])
    assert {c.doc_id for c in vaez.citations} == {iran}


def test_metadata_from_text_and_upload(tmp_path: Path) -> None:
    assert parse_date("23 January, 2024") == "2024-01-23"
    assert parse_date("Tuesday, January 23, 2024 10:15 GMT") == "2024-01-23"
    assert parse_date("Published 2024-01-23") == "2024-01-23"
    assert parse_date("January 23 was a cold day in 2024") is None
    assert parse_date("32 January 2024") is None
    doc = make_document(AP.read_text(encoding="utf-8"), str(AP))
    assert doc.outlet == "Associated Press"
    wire = make_document("Ports reopen\n\nLAGOS (Reuters) — Ports reopened on Monday.\n", "w")
    assert wire.outlet == "Reuters"
    plain = make_document("A title\n\nSome body text said nothing.\n", "x.txt")
    assert plain.date is None and plain.outlet is None
    bot = QuoteBot.create(tmp_path / "idx", Config(embedder="hashing"))
    doc_id = bot.add(AP, metadata={"title": "Bus drivers", "outlet": " ", "date": "2024-03-05"})
    bot.close()
    reopened = QuoteBot.open(tmp_path / "idx")
    stored = reopened.document(doc_id)
    assert (stored.title, stored.outlet, stored.date) == (
        "Bus drivers",
        "Associated Press",  # a blank correction keeps what the text says
        "2024-03-05",
    )
    with pytest.raises(InvalidRequestError, match="ISO date"):
        reopened.add(ARTICLES / "wire-rates.txt", metadata={"date": "March 5th"})
    with pytest.raises(InvalidRequestError, match="title, outlet or date"):
        reopened.add(ARTICLES / "wire-rates.txt", metadata={"author": "x"})
    reopened.close()


def test_cli_quotes_finder(
    two: tuple[QuoteBot, str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    bot, _, ap = two
    index = str(bot.directory)
    assert (
        main(["--index", index, "quotes", "--about", "escalation", "--format", "csv", "-k", "3"])
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    api = bot.find_quotes(about="escalation", k=3)
    assert [(r["speaker"], r["quote"]) for r in rows] == [(q.speaker, q.text) for q in api]
    assert main(["--index", index, "quotes", "--speaker", "Vaez", "--about", "brink"]) == 0
    lines = capsys.readouterr().out.splitlines()
    [top] = bot.find_quotes(about="brink", speaker="Vaez", k=1)
    assert lines[0] == f"{VAEZ} ¶{top.paragraph}"
    assert main(["--index", index, "quotes", "--doc", ap[:8], "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data and {d["doc_id"] for d in data} == {ap}
    assert main(["--index", index, "quotes", "--since", "2030", "--about", "attack"]) == 0
    out, err = capsys.readouterr()
    assert out == "" and "no quotes found" in err
    assert main(["--index", index, "quotes", "--since", "soon", "--format", "md"]) == 2
    assert "ISO date" in capsys.readouterr().err
    assert main(["--index", index, "quotes", "--doc", "zzzz"]) == 2
    assert "not indexed" in capsys.readouterr().err


def test_who_is_quoted_keeps_to_a_scoped_chats_articles(two: tuple[QuoteBot, str, str]) -> None:
    bot, iran, ap = two
    everyone = bot.ask("Who is quoted?")
    scoped = bot.ask("Who is quoted?", doc_ids=[ap])
    assert not scoped.abstained and {c.doc_id for c in scoped.citations} == {ap}
    assert {c.doc_id for c in everyone.citations} == {iran, ap}
    ap_speakers = {q.speaker for q in bot.quotes() if q.doc_id == ap}
    named = {c.speaker for c in scoped.citations}
    assert named and named <= ap_speakers


def test_a_scoped_chat_reuses_the_tables_built_over_the_whole_index(
    two: tuple[QuoteBot, str, str],
) -> None:
    bot, _, ap = two
    whole = bot.answerer
    bot.ask("Who is quoted?", doc_ids=[ap])
    scoped = bot._scoped_answerer(bot._current(), frozenset({ap}))
    assert scoped.path.corpus is whole.path.corpus  # built once, not once per scope
    assert scoped.common is whole.common
    assert scoped.directory.documents == [bot.document(ap)]  # while answering for its scope
