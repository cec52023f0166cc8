"""A question naming something no article writes is refused as such ("The indexed articles
don't mention X"); an acronym the article only spells out is not such a name."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.config import Config
from rag import QuoteBot

ARTICLE = """Party leaders meet in Cleveland

The Republican National Committee voted on Friday to hold its next convention in Cleveland, party officials said.

The Securities and Exchange Commission, which oversees markets across the United States, opened an inquiry into the committee's fundraising in March, according to two people familiar with it.

“We will cooperate fully with the inquiry,” said Sean Spicer, the committee's chief strategist.
"""


def _bot_on(text: str, folder: Path, config: Config):
    """A hashing bot over one article with ``text``, closed after the test."""
    article = folder / "article.txt"
    article.write_text(text, encoding="utf-8")
    bot = QuoteBot.create(folder / "idx", config)
    bot.add(article)
    yield bot
    bot.close()


@pytest.fixture
def bot(tmp_path: Path, hashing_config: Config):
    yield from _bot_on(ARTICLE, tmp_path, hashing_config)


@pytest.mark.parametrize(
    ("question", "acronym"),
    [
        ("Where did the RNC vote to hold its next convention?", "RNC"),
        ("When did the SEC open its inquiry into the committee's fundraising?", "SEC"),
        ("Which U.S. agency opened an inquiry into the committee's fundraising?", "U.S."),
    ],
)
def test_an_acronym_the_article_spells_out_is_not_a_missing_name(
    bot: QuoteBot, question: str, acronym: str
) -> None:
    answer = bot.ask(question)
    assert f"don't mention {acronym}" not in answer.text, answer.text


def test_a_name_no_article_writes_is_refused_by_name(bot: QuoteBot) -> None:
    answer = bot.ask("When did the FBI open its inquiry into the committee's fundraising?")
    assert answer.abstained and answer.citations == []
    assert "don't mention FBI" in answer.text


STATE_ARTICLE = """Family sells its house

My father spent the entire $30,000 profit on the sale of our house in Bridgeport, Conn., on freeze-dried food.

“We were ready for anything,” my mother said.
"""


@pytest.fixture
def state_bot(tmp_path: Path, hashing_config: Config):
    yield from _bot_on(STATE_ARTICLE, tmp_path, hashing_config)


def test_a_state_the_article_writes_by_its_abbreviation_is_not_a_missing_name(
    state_bot: QuoteBot,
) -> None:
    answer = state_bot.ask("What did the father do with the money from the house in Connecticut?")
    assert "don't mention Connecticut" not in answer.text, answer.text
    refused = state_bot.ask("What did the father do with the money from the house in Vermont?")
    assert "don't mention Vermont" in refused.text, refused.text


def test_a_lower_case_part_of_a_name_is_not_what_is_missing(bot: QuoteBot) -> None:
    # "anti-Republican": the articles write "Republican"; "anti" is no part of a name
    answer = bot.ask("What did anti-Republican groups say about the convention vote?")
    assert "don't mention" not in answer.text, answer.text
    refused = bot.ask("Why did the committee pick the Columbus Convention Center?")
    assert "don't mention" in refused.text, refused.text  # "Columbus" is written nowhere
