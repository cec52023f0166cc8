"""A person is one person across articles: a question naming Maria Delgado reaches her
words in an article that calls her only "Delgado", and the full names of one person
("Donald J. Trump", "Donald Trump") are one speaker; two people sharing a surname are not
merged."""

from __future__ import annotations

from pathlib import Path

import pytest

from index.names import names_of_one_person
from rag import QuoteBot

NAMES = ["Maria Delgado", "Delgado", "Sen. Delgado", "Mr. Delgado", "Donald J. Trump"]


def test_a_surname_alone_stands_for_the_one_person_with_that_surname() -> None:
    assert names_of_one_person("Maria Delgado", NAMES) == {
        "Maria Delgado",
        "Delgado",
        "Sen. Delgado",
    }  # "Mr. Delgado" is not Maria
    assert names_of_one_person("Delgado", NAMES) == {"Maria Delgado", "Delgado", "Sen. Delgado"}


def test_two_forms_of_one_full_name_are_one_person() -> None:
    names = ["Donald J. Trump", "Donald Trump", "Trump", "Ivanka Trump"]
    assert names_of_one_person("Donald Trump", names[:3]) == set(names[:3])
    # with a second person by that surname, "Trump" alone could be either
    assert names_of_one_person("Donald Trump", names) == {"Donald Trump"}


def test_an_honorific_of_the_other_gender_is_someone_else() -> None:
    assert names_of_one_person("Mr. Delgado", NAMES) == {"Mr. Delgado"}


FIRST = """State senator backs water plan

Maria Delgado, a state senator from Fresno, backed the governor's water plan on Monday.

“The valley needs water it can count on, and this plan delivers it,” Delgado said.
"""

SECOND = """School board cuts budget after long debate

The school board voted on Thursday to cut next year's budget by four percent.

Sen. Delgado criticised the cuts at the meeting. “Cutting the school budget to balance the books is the wrong choice for our children,” Delgado said.

The board's chair, Tom Reyes, defended the vote.
"""


@pytest.fixture
def bot(tmp_path: Path):
    bot = QuoteBot.create(tmp_path / "idx")  # the real model
    for name, text in (("water.txt", FIRST), ("schools.txt", SECOND)):
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        bot.add(path)
    yield bot
    bot.close()


@pytest.mark.model
def test_a_question_naming_the_full_name_reaches_the_article_that_writes_the_surname(
    bot: QuoteBot,
) -> None:
    answer = bot.ask("What did Maria Delgado say about the school budget cuts?")
    assert not answer.abstained, answer.text
    assert "Cutting the school budget to balance the books" in answer.text
    assert {c.doc_id for c in answer.citations} == {
        q.doc_id for q in bot.quotes() if q.text.startswith("Cutting the school budget")
    }
