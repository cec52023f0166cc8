"""Question sets: both formats load; evidence strings resolve to gold paragraphs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.dataset import (
    DEFAULT_QUESTIONS,
    EvalQuestion,
    QuestionSetError,
    evidence_paragraphs,
    expand_sets,
    find_article,
    is_news_set,
    load_questions,
    with_gold,
)
from index.config import Config
from index.pipeline import make_document
from index.reader import read_source
from index.types import Document

NEWS = Path(__file__).resolve().parent.parent / "data" / "news"
TINY = NEWS / "tiny.jsonl"


def _doc(name: str) -> Document:
    path = find_article(NEWS, name)
    return make_document(read_source(path, Config().max_file_bytes), str(path))


def _question(evidence: list[str], article: str = "a.txt", qid: str = "q1") -> EvalQuestion:
    return EvalQuestion(
        id=qid,
        question="?",
        kind="fact",
        answerable=True,
        gold_paragraphs=(),
        gold_speakers=(),
        key_phrases=(),
        article=article,
        evidence=tuple(evidence),
    )


def test_both_formats_load() -> None:
    news = load_questions(TINY)
    assert is_news_set(news) and all(q.article for q in news)
    first = news[0]
    assert first.evidence and first.gold_paragraphs == () and first.doc_id is None
    bundled = load_questions(DEFAULT_QUESTIONS)
    assert not is_news_set(bundled)
    assert all(q.article is None and q.evidence == () for q in bundled)
    assert any(q.gold_paragraphs for q in bundled)


def test_evidence_overlapping_paragraphs_are_gold() -> None:
    text = "Title line\n\nFirst paragraph says alpha.\n\nSecond says beta.\n\nThird says alpha."
    doc = make_document(text, "a.txt")
    assert [p.number for p in doc.paragraphs] == [1, 2, 3, 4]
    assert evidence_paragraphs(_question(["says beta"]), doc) == (3,)
    # a string across a paragraph break overlaps both; every occurrence counts
    assert evidence_paragraphs(_question(["alpha.\n\nSecond"]), doc) == (2, 3)
    assert evidence_paragraphs(_question(["says alpha."]), doc) == (2, 4)
    assert evidence_paragraphs(_question(["beta", "Title"]), doc) == (1, 3)


def test_single_newlines_separate_paragraphs_of_web_text() -> None:
    doc = _doc("school-meals.txt")
    assert "\n\n" not in doc.text and len(doc.paragraphs) == 6
    shah = _question(['"No child should sit in a classroom hungry," said Councillor Amina Shah'])
    assert evidence_paragraphs(shah, doc) == (4,)
    across = _question(['need new equipment.\n"We will need ovens'])
    assert evidence_paragraphs(across, doc) == (5, 6)


def test_tiny_set_resolves_against_its_own_articles() -> None:
    questions = load_questions(TINY)
    docs = {name: _doc(name) for name in {q.article for q in questions if q.article}}
    resolved = with_gold(questions, docs)
    by_id = {q.id: q for q in resolved}
    assert by_id["tiny-01"].gold_paragraphs == (5,)
    assert by_id["tiny-01"].doc_id == docs["harbour-dredging.txt"].doc_id
    assert by_id["tiny-06"].gold_paragraphs == (5, 6)
    assert by_id["tiny-06"].doc_id == docs["school-meals.txt"].doc_id
    assert by_id["tiny-07"].gold_paragraphs == ()  # unanswerable: no evidence


def test_evidence_not_verbatim_is_a_data_error_naming_the_question() -> None:
    doc = _doc("harbour-dredging.txt")
    with pytest.raises(QuestionSetError, match=r"question q7: evidence 'cost £3\.3 million'"):
        evidence_paragraphs(_question(["cost £3.3 million"], qid="q7"), doc)
    bad = [
        _question(["harbour master"], "harbour-dredging.txt", "ok"),
        _question(["gamble with the tides"], "harbour-dredging.txt", "bad-1"),
        _question(["silt", "no such words"], "harbour-dredging.txt", "bad-2"),
    ]
    with pytest.raises(QuestionSetError) as err:
        with_gold(bad, {"harbour-dredging.txt": doc})
    assert "bad-1" in str(err.value) and "bad-2" in str(err.value) and "ok" not in str(err.value)


def test_bad_sets_are_named(tmp_path: Path) -> None:
    row = {"id": "x", "question": "?", "answerable": True, "evidence": ["a"]}
    path = tmp_path / "s.jsonl"
    path.write_text(json.dumps(row) + "\n", encoding="utf-8")
    with pytest.raises(QuestionSetError, match=r"s\.jsonl:1: bad question line \('article'\)"):
        load_questions(path)
    mixed = [{**row, "article": "a.txt"}, {"id": "y", "question": "?", "answerable": False}]
    path.write_text("\n".join(json.dumps(r) for r in mixed), encoding="utf-8")
    with pytest.raises(QuestionSetError, match="mixes questions with and without"):
        load_questions(path)
    with pytest.raises(QuestionSetError, match="not a question set file"):
        load_questions(tmp_path / "missing.jsonl")


def test_articles_are_found_in_train_and_dev() -> None:
    assert find_article(NEWS, "harbour-dredging.txt").parent == NEWS / "train" / "text"
    assert find_article(NEWS, "school-meals.txt").parent == NEWS / "dev" / "text"
    with pytest.raises(QuestionSetError, match=r"absent\.txt.*--news-root DIR or \$QUOTEBOT_NEWS"):
        find_article(NEWS, "absent.txt")


def test_sets_from_paths_and_globs(tmp_path: Path) -> None:
    for name in ("train-B.jsonl", "train-A.jsonl", "dev-A.jsonl"):
        (tmp_path / name).write_text("", encoding="utf-8")
    found = expand_sets([str(tmp_path / "train-*.jsonl"), str(tmp_path / "train-A.jsonl")])
    assert [p.name for p in found] == ["train-A.jsonl", "train-B.jsonl"]
    with pytest.raises(QuestionSetError, match="no question set matches"):
        expand_sets([str(tmp_path / "nothing-*.jsonl")])
