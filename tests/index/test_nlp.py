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


def test_analyse_many_analyses_each_paragraph_of_each_text_once() -> None:
    texts = [["Jane Harlow spoke.", "She said it twice in Denver."], ["Short one."]]
    docs = nlp.analyse_many(texts)
    assert [[d.text for d in paragraphs] for paragraphs in docs] == texts
    said = next(t for t in docs[0][1] if t.text == "said")
    assert said.lemma_ == "say" and said.dep_ == "ROOT"
    assert any(e.label_ == "PERSON" for e in nlp.joined(docs[0]).ents)


def test_analyse_many_only_tokenises_a_paragraph_longer_than_a_piece(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(nlp, "PIECE_CHARS", 50)
    docs = nlp.analyse_many([["x " * 40, "Jane spoke."]])
    assert docs[0][0].text == "x " * 40 and not docs[0][0].has_annotation("DEP")
    assert docs[0][1].has_annotation("DEP")


def test_analyse_each_yields_each_document_in_order_with_empty_ones_in_place() -> None:
    texts = [[], ["Jane Harlow spoke."], [], [], ["Short one.", "Another."], []]
    docs = list(nlp.analyse_each(iter(texts)))
    assert [[d.text for d in paragraphs] for paragraphs in docs] == texts
