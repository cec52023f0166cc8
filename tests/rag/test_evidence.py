"""Lexical evidence: countries by any name, words common to the articles, questions
asking for someone's words, and keyword search as the question writes it."""

from __future__ import annotations

from rag import QuoteBot
from rag.evidence import common_words
from rag.places import place_forms, place_key
from rag.question import asks_wording


def test_a_country_is_one_place_by_name_capital_or_demonym() -> None:
    assert place_key("Tehran") == place_key("Iranians") == place_key("iran") == "iran"
    assert place_key("Islamabad") == place_key("Pakistani’s") == "pakistan"
    assert {"damascus", "syria", "syrian"} <= place_forms("Damascus")
    assert place_key("American") == "united states"  # the most populous claimant
    assert place_key("strike") is None and place_forms("Parsi") == frozenset()


def test_words_on_a_fifth_of_the_paragraphs_are_common() -> None:
    paragraphs = [
        "Iran and Pakistan traded strikes.",
        *(f"Iranian officials met on day {i}." for i in range(4)),
        *(f"Paragraph {i} is about the weather." for i in range(5)),
    ]
    common = common_words(paragraphs)
    assert {"iran", "iranian", "officials", "weather"} <= common  # 5, 5, 4 and 5 of 10
    assert "pakistan" not in common and "strikes" not in common  # 1 of 10
    assert common_words([]) == frozenset()


def test_a_question_asking_for_someones_words() -> None:
    assert asks_wording("How did Vaez characterise the attack?")
    assert asks_wording("What word did Parsi use?")
    assert not asks_wording("How did the strike go in terms of damage?")


def test_keyword_search_takes_the_question_words_as_written(hash_bot: QuoteBot) -> None:
    # no hand-written synonym lists: "misjudge" is searched as written (similar wording
    # is the embedder's job), and a country word the index lacks searches its other forms
    keywords = hash_bot.retriever._keywords
    assert "underestimated" not in keywords("Did Iran misjudge Pakistan?")
    assert "misjudge" in keywords("Did Iran misjudge Pakistan?")
    assert "counterattack" not in keywords("Which groups did the retaliatory strikes target?")
