"""A sentence that announces a list ("... has the following tasks:") is given with the
paragraph that holds the list, each cited to its own paragraph (real model)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rag import QuoteBot
from rag.verify import violations
from tests.real_bots import bot_over

ARTICLE = """What the council must do before the budget vote

The city council meets on Thursday to vote on next year's budget, and the finance office has set out what it must settle first.

The finance office said the council has the following tasks ahead of the vote:

Close the gap in the transit fund
Agree on the library's Sunday hours
Set the property tax rate for next year.

The mayor is expected to sign whatever budget the council passes by the end of the month.
"""


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QuoteBot]:
    with bot_over(tmp_path_factory.mktemp("lists"), {"budget.txt": ARTICLE}) as bot:
        yield bot


def test_an_announced_list_comes_with_the_paragraph_that_holds_it(bot: QuoteBot) -> None:
    answer = bot.ask("What tasks does the council have ahead of the budget vote?")
    assert not answer.abstained
    assert "the following tasks ahead of the vote:" in answer.text
    assert "Close the gap in the transit fund" in answer.text
    announced = next(c for c in answer.citations if c.text.endswith(":"))
    listed = next(c for c in answer.citations if "transit fund" in c.text)
    assert listed.paragraph == announced.paragraph + 1
    assert violations(bot, answer) == []
