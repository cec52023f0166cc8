"""The speaker name index: a lookup that must find every speaker a full scan finds."""

from __future__ import annotations

import re

from index.types import Speaker
from rag.name_index import NameIndex, name_index
from rag.question import find_person


def _speaker(name: str, *aliases: str, title: str | None = None) -> Speaker:
    return Speaker(name, title, aliases, 1)


SPEAKERS = [
    _speaker("Hillary Clinton", "Clinton", "Mrs. Clinton"),
    _speaker("Bill Clinton", "Clinton"),
    _speaker("Conor O'Brien", "O'Brien"),
    _speaker("Jürgen Müller", "Müller"),
    _speaker("Ministry of Defence", "the ministry"),
    _speaker("Li", title="economist"),  # too short to be looked for
    _speaker("Dr Ali Vaez", "Ali Vaez", "Vaez", title="Iran project director at Crisis Group"),
    *(_speaker(f"Person Number{i}", f"Number{i}") for i in range(300)),
]

QUESTIONS = [
    "What did Hillary Clinton say about Syria?",
    "What is Clinton's view of trade?",
    "what did o'brien say?",
    "Did JÜRGEN MÜLLER comment on rates?",
    "What did the ministry announce?",
    "What did Li say?",
    "What did Vaez's report find?",
    "What did Number17 and Number205 say?",
    "Who is quoted on the budget?",
    "",
]


def _scan(question: str, speakers: list[Speaker]) -> list[tuple[Speaker, str]]:
    """Every speaker with a name form in ``question``: the full scan the index replaces."""
    found = []
    for s in speakers:
        for form in sorted({s.name, *s.aliases}, key=len, reverse=True):
            pattern = rf"(?<![\w]){re.escape(form)}(?![\w])"
            if len(form) >= 3 and re.search(pattern, question, re.I):
                found.append((s, form))
                break
    return found


def test_candidates_hold_every_speaker_a_full_scan_finds() -> None:
    index = NameIndex(SPEAKERS)
    for question in QUESTIONS:
        expected = [s for s, _ in _scan(question, SPEAKERS)]
        candidates = index.candidates(question)
        assert all(s in candidates for s in expected), question
        assert candidates == [s for s in SPEAKERS if s in candidates]  # directory order


def test_candidates_are_few_in_a_large_directory() -> None:
    index = NameIndex(SPEAKERS)
    found = index.candidates("What did Number17 and Number205 say?")
    assert {s.name for s in found} == {"Person Number17", "Person Number205"}
    assert index.candidates("Who is quoted on the budget?") == []


def test_find_person_matches_the_full_scan() -> None:
    for question in QUESTIONS:
        named = _scan(question, SPEAKERS)
        expected = max(named, key=lambda pair: len(pair[1])) if named else None
        found = find_person(question, SPEAKERS)
        if named:
            assert found == expected, question
        else:  # no name written: nobody, or someone described by title words only
            assert found is None or found[1] == "", question


def test_index_is_built_once_per_directory_list() -> None:
    speakers = list(SPEAKERS)
    assert name_index(speakers) is name_index(speakers)
    speakers.append(_speaker("Maria Santos"))  # a list that grew is indexed again
    assert any(s.name == "Maria Santos" for s in name_index(speakers).candidates("Maria Santos?"))
