"""Scores at matched abstention recall, from the outcomes of a threshold-0 run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.operating import Outcome, outcomes_of, score_at_recall, zero_weights
from rag.rank import WEIGHTS_OVERRIDE, load_model, weights_for

# four answerable questions (three answered right) and two unanswerable ones
OUTCOMES = [
    Outcome(True, False, True, 0.9),
    Outcome(True, False, True, 0.8),
    Outcome(True, False, False, 0.7),
    Outcome(True, False, True, 0.3),
    Outcome(False, False, False, 0.6),
    Outcome(False, False, False, 0.2),
]


def test_the_lowest_threshold_that_refuses_the_share_is_scored() -> None:
    # refusing one of two unanswerable questions needs a threshold above 0.2: the 0.3
    # answer still stands, so 3 right answers + 1 refusal of 6
    assert score_at_recall(OUTCOMES, 0.5) == pytest.approx(4 / 6)
    # refusing both needs a threshold above 0.6: 0.3's right answer is lost
    assert score_at_recall(OUTCOMES, 1.0) == pytest.approx(4 / 6)
    assert score_at_recall(OUTCOMES, 0.0) == pytest.approx(3 / 6)


def test_a_refusal_whatever_the_threshold_counts_as_refused() -> None:
    outcomes = [Outcome(True, False, True, 0.9), Outcome(False, True, True, 0.95)]
    assert score_at_recall(outcomes, 1.0) == 1.0


def test_outcomes_are_read_from_one_set_or_several() -> None:
    row = {"answerable": False, "abstained": False, "correct": False, "confidence": 0.4}
    one = {"answers": {"outcomes": [row]}}
    several = {"sets": {"a": one, "b": {"answers": {"outcomes": [row, row]}}}}
    assert len(outcomes_of(one)) == 1 and len(outcomes_of(several)) == 3


def test_zero_weights_answer_every_question(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    out = tmp_path / "zero.json"
    zero_weights(out)
    assert json.loads(out.read_text())["threshold"] == 0.0
    monkeypatch.setenv(WEIGHTS_OVERRIDE, str(out))
    assert weights_for("sentence-transformers") == out
    assert load_model(weights_for("sentence-transformers")).threshold == 0.0
