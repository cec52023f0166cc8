"""The Experts view (people and organisations apart, quotes grouped by article with their
date, counts across articles, search by name) and Sources naming each cited article."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from index.config import Config, bundled_article
from index.types import Speaker
from rag import QuoteBot
from rag.types import Answer, Citation
from ui import experts, render

AP = Path(__file__).parents[1] / "data" / "articles" / "ap-bus-driver-assault.txt"


def two_articles(tmp_path: Path) -> tuple[QuoteBot, str, str]:
    bot = QuoteBot.create(tmp_path / "idx", Config(embedder="hashing"))
    return bot, bot.add(bundled_article(), metadata={"outlet": "The New Arab"}), bot.add(AP)


def test_people_and_organisations_apart_with_articles(tmp_path: Path) -> None:
    bot, iran, ap = two_articles(tmp_path)
    people = bot.speakers()
    quotes = {s.name: bot.quotes(speaker=s.name) for s in people}
    docs = {d.doc_id: d for d in bot.documents()}
    out = experts.experts_html(people, quotes, docs)
    persons = [s for s in people if s.is_person]
    bodies = [s for s in people if not s.is_person]
    assert persons and bodies
    assert f"People ({len(persons)})" in out and f"Organisations ({len(bodies)})" in out
    assert out.index("People (") < out.index("Organisations (")
    sections = re.findall(r'<section class="qb-expert".*?</section>', out)
    assert len(sections) == len(people)
    # people's sections first, then organisations'
    kinds = [('data-person="true"' in s) for s in sections]
    assert kinds == sorted(kinds, reverse=True)
    vaez = next(s for s in sections if 'data-speaker="Ali Vaez"' in s)
    assert vaez.count("qb-article-label") == 1  # the title once, not after every quote
    assert "Where is the Iran-Pakistan relationship heading?" in vaez
    assert "The New Arab, 23 January 2024" in vaez
    assert f"{len(quotes['Ali Vaez'])} quotes in 1 article" in vaez
    assert vaez.count('class="qb-quote"') == len(quotes["Ali Vaez"])
    assert {ap, iran} == {q.doc_id for qs in quotes.values() for q in qs}
    bot.close()


def test_counts_across_articles_and_search() -> None:
    s = Speaker("Mina Okafor", "an economist", ("Dr Mina Okafor", "Okafor"), 3)
    assert experts.matches(s, "okaf") and experts.matches(s, "economist")
    assert experts.matches(s, "  ") and not experts.matches(s, "Vaez")
    assert experts.matches(replace(s, aliases=("Dr Mina Okafor",)), "dr mina")


def test_sources_name_the_article_and_cite_a_quote_once(tmp_path: Path) -> None:
    bot, iran, _ = two_articles(tmp_path)
    doc = bot.document(iran)
    para = next(p for p in doc.paragraphs if "Neither side has an interest" in p.text)
    start = doc.text.index("Neither side", para.start)
    end = start + len("Neither side has an interest in further escalation.")
    paragraph = Citation(iran, para.number, para.start, para.end, para.text, "Ali Vaez")
    quote = Citation(iran, para.number, start, end, doc.text[start:end], "Ali Vaez")
    answer = Answer("q", "A [1] and [2].", [paragraph, quote], False, [])
    out = render.sources_html([answer], {d.doc_id: d for d in bot.documents()})
    assert out.count('<details class="qb-source"') == 1  # the quote is not listed twice
    assert 'id="qb-src-0-2"' in out and 'href="#qb-src-0-1"' in out
    summary = re.search(r"<summary>.*?</summary>", out)
    assert summary is not None
    assert "Where is the Iran-Pakistan relationship heading?" in summary.group(0)
    assert "The New Arab, 23 January 2024" in summary.group(0)
    bot.close()
