"""spaCy loading and long texts (real model)."""

from __future__ import annotations

import pytest

from index import nlp


def test_pieces_cut_at_line_ends_and_keep_every_character() -> None:
    text = "one line\n" * 50
    pieces = nlp._pieces(text, 40)
    assert "".join(pieces) == text
    assert all(len(p) <= 40 and p.endswith("\n") for p in pieces)


def test_a_text_longer_than_a_piece_keeps_its_entities_and_offsets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nlp, "PIECE_CHARS", 200)
    text = "Jane Harlow spoke in Denver on Monday.\n" * 12
    doc = nlp.entities_of(text)
    assert doc.text == text
    people = [e for e in doc.ents if e.label_ == "PERSON"]
    assert len(people) >= 10
    assert all(text[e.start_char : e.end_char] == "Jane Harlow" for e in people)
