"""A list question ("Who was quoted about X?") names each person quoted on the topic once,
with up to two of their quotes on it, and never the same words twice (real model)."""

from __future__ import annotations

import re
from pathlib import Path

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


def test_a_line_inside_one_already_given_is_a_repeat_and_one_adding_words_is_not() -> None:
    from rag.respond import _repeats
    from rag.types import Citation
    from rag.verify import Statement

    def line(start: int, end: int) -> Statement:
        return Statement("**A**: ", "x" * (end - start), Citation("d", 1, start, end, "x"))

    whole, inside, overlapping = line(0, 100), line(10, 60), line(50, 160)
    assert _repeats(inside, [whole])
    assert not _repeats(overlapping, [whole])
    assert not _repeats(whole, [inside])  # the longer one adds words
    assert not _repeats(inside, [])


CLINTON = """Refugee program debate

Hillary Clinton visited a refugee center on Tuesday.

“The refugee program saves lives, and we will expand it,” Clinton said.

“The refugee program must grow,” Hillary Clinton said later.

“The refugee program is too slow,” said Tom Avery, a council member.
"""


def test_two_speaker_names_shown_as_one_person_are_listed_once(tmp_path: Path) -> None:
    # "Clinton", a speaker the directory could not resolve (an index may hold Bill and
    # Hillary), is shown as "Hillary Clinton" from the article: one person, one entry
    from dataclasses import replace

    from index.config import Config
    from rag.candidates import Candidate, Candidates, Corpus
    from rag.rank import Ranked, load_model, weights_for
    from rag.respond import Composer, _people
    from rag.understand import Analysis

    bot = QuoteBot.create(tmp_path / "idx", Config(embedder="hashing"))
    path = tmp_path / "clinton.txt"
    path.write_text(CLINTON, encoding="utf-8")
    bot.add(path)
    quotes = sorted(bot.quotes(), key=lambda q: q.start)
    assert [q.speaker for q in quotes] == ["Hillary Clinton", "Hillary Clinton", "Tom Avery"]
    quotes[0] = replace(quotes[0], speaker="Clinton")

    def candidate(quote) -> Candidate:  # type: ignore[no-untyped-def]
        return Candidate(quote, 0.9, 0.9, 1.0, 1.0, 1, "", bot.document(quote.doc_id).text)

    analysis = Analysis("Who was quoted about the refugee program?", "people")
    best_first = [quotes[0], quotes[2], quotes[1]]  # another person ranked between the two
    items = tuple((candidate(q), 0.9) for q in best_first)
    ranked = Ranked(Candidates(analysis, tuple(c for c, _ in items), None), items, 0.9)
    find = {s.name: s for s in bot.speakers()}.get
    composer = Composer(Corpus(bot.store), find, load_model(weights_for("hashing")))
    answer = _people(ranked, composer, 0.9)
    bot.close()
    named = re.findall(r"^- \*\*(.+?)\*\*", answer.text, re.M)
    assert named == ["Hillary Clinton", "Tom Avery"]
    assert answer.text.startswith("Quoted on this: 2 people.")
    assert "saves lives" in answer.text and "must grow" in answer.text  # both, under one name
