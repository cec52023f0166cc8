"""A person's words as the article gives them together: asked what someone said, the answer
holds their best statement and the one beside it (real model)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from rag import QuoteBot
from tests.real_bots import bot_over

ARTICLE = """City expands refugee minors program

The city will expand a program that lets children fleeing violence join parents already living here, officials announced on Tuesday.

About 300 children have arrived under the program since it opened two years ago, the housing office said.

“The program asks children under threat to wait for months in the places they are fleeing, and that is its basic contradiction,” said Bill Frelick, the refugee director at a rights group.

“We will keep pressing the city on the wait,” Frelick added.

Mayor Ana Ruiz defended the pace of the refugee program's expansion. “We are moving the minors program as fast as the screening allows, and we will not cut corners on safety,” Ruiz said.

Council member Tom Avery said the budget for the minors program would double next year. “Every refugee family the program brings together is a family that stays off the streets,” Avery said.
"""


@pytest.fixture
def bot(tmp_path: Path) -> Iterator[QuoteBot]:
    with bot_over(tmp_path, {"minors.txt": ARTICLE}) as bot:  # the real model
        yield bot


def test_a_speakers_quote_comes_with_their_words_in_the_next_paragraph(bot: QuoteBot) -> None:
    answer = bot.ask("What did Bill Frelick say about the refugee minors program?")
    assert not answer.abstained
    assert "basic contradiction" in answer.text
    # his next words say little of the program alone, yet they are what he said next
    assert "keep pressing the city on the wait" in answer.text
    # in the article's order, each cited to its own paragraph
    assert answer.text.index("basic contradiction") < answer.text.index("keep pressing")
    assert len({c.paragraph for c in answer.citations if c.speaker == "Bill Frelick"}) == 2
