"""A "What is the N of X?" question asks for the value of N: a passage that never mentions N
rarely gives it, and the ranker and the answer-or-abstain model see that as a feature."""

from __future__ import annotations

from index.types import Fact
from rag.candidates import Candidate, Candidates
from rag.features import FEATURES, feature_rows
from rag.rank import TOP_FEATURES
from rag.understand import analyse


def _candidate(text: str) -> Candidate:
    fact = Fact(f"f{len(text)}", "d1", 1, 0, len(text), text)
    return Candidate(fact, 0.5, 0.5, 0.0, 0.1, 1, text, text)


def test_a_passage_without_the_attribute_asked_for_is_marked() -> None:
    analysis = analyse("What is the population of Balochistan?", [])
    with_it = _candidate("Balochistan has a population of about 15 million people.")
    without = _candidate("Pakistan carried out strikes on militants in Balochistan.")
    rows = feature_rows(Candidates(analysis, (with_it, without), "d1"))
    missing = FEATURES.index("attribute_missing")
    assert rows[0, missing] == 0.0
    assert rows[1, missing] == 1.0
    assert "attribute_missing" in TOP_FEATURES  # the abstain model sees the best one's


def test_other_questions_mark_nothing() -> None:
    analysis = analyse("What did the minister say about the strikes?", [])
    rows = feature_rows(Candidates(analysis, (_candidate("The strikes went on."),), "d1"))
    assert rows[0, FEATURES.index("attribute_missing")] == 0.0
