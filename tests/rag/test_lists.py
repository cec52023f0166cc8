"""A list question ("Who was quoted about X?") names each person quoted on the topic once,
with up to two of their quotes on it, and never the same words twice (real model)."""

from __future__ import annotations

import re

import pytest

from rag import QuoteBot
from rag.respond import PER_PERSON_IN_LIST

ARTICLE = """City expands refugee minors program

The city will expand a program that lets children fleeing violence join parents already living here, officials announced on Tuesday.

“The program asks children under threat to wait for months in the places they are fleeing, and that is its basic contradiction,” said Bill Frelick, the refugee director at a rights group.

“The refugee minors program has kept children waiting for a year, and the city knows it,” Frelick added, saying the program's screening of refugee children should take weeks, not months.

Mayor Ana Ruiz defended the pace of the refugee program's expansion. “We are moving the minors program as fast as the screening allows, and we will not cut corners on safety,” Ruiz said.
"""


@pytest.fixture(scope="module")
def answer(tmp_path_factory: pytest.TempPathFactory):
    bot = QuoteBot.create(tmp_path_factory.mktemp("lists") / "idx")  # the real model
    path = tmp_path_factory.mktemp("articles") / "minors.txt"
    path.write_text(ARTICLE, encoding="utf-8")
    bot.add(path)
    yield bot.ask("Who was quoted about the refugee minors program?")
    bot.close()


def _lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("- ")]


def test_each_person_on_the_topic_is_listed_once_and_counted(answer) -> None:  # type: ignore[no-untyped-def]
    assert not answer.abstained
    named = re.findall(r"^- \*\*(.+?)\*\*", answer.text, re.M)
    assert len(named) == len(set(named)), "one entry per person"
    assert answer.text.startswith(f"Quoted on this: {len(named)} people.")
    assert {"Bill Frelick", "Ana Ruiz"} <= set(named)


def test_a_person_with_more_on_the_topic_is_listed_with_it_once(answer) -> None:  # type: ignore[no-untyped-def]
    lines = _lines(answer.text)
    frelick = [c for c in answer.citations if c.speaker == "Bill Frelick"]
    assert 2 <= len(frelick) <= PER_PERSON_IN_LIST
    assert "basic contradiction" in answer.text and "kept children waiting" in answer.text
    assert len({re.sub(r"\s*\[\d+\]$", "", line) for line in lines}) == len(lines)
    assert len({(c.doc_id, c.start) for c in answer.citations}) == len(answer.citations)


def test_a_line_inside_one_already_given_is_dropped_and_one_adding_words_stays() -> None:
    from rag.respond import _not_repeated
    from rag.types import Citation
    from rag.verify import Statement

    def line(start: int, end: int) -> Statement:
        return Statement("**A**: ", "x" * (end - start), Citation("d", 1, start, end, "x"))

    whole, inside, overlapping = line(0, 100), line(10, 60), line(50, 160)
    assert _not_repeated([whole, inside, overlapping]) == [whole, overlapping]
    assert _not_repeated([inside, whole]) == [inside, whole]  # the longer one adds words
