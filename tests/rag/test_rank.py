"""The fitted ranker: its weights file, its scoring and the answer-or-abstain decision."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from index.errors import QuotebotError
from rag import QuoteBot
from rag.features import FEATURES
from rag.rank import QUESTION_FEATURES, WEIGHTS, Logistic, load_model, question_row


def test_the_saved_weights_match_the_features_computed() -> None:
    model = load_model()
    assert model.features == FEATURES
    assert model.ranker.coefficients.shape == (len(FEATURES),)
    assert model.answerable.coefficients.shape == (len(QUESTION_FEATURES),)
    assert 0.0 < model.threshold < 1.0 and 0.0 < model.floor <= 1.0
    fitted_on = json.loads(WEIGHTS.read_text(encoding="utf-8"))["fitted_on"]
    for name in fitted_on["sets"]:  # the sets it was fitted on live in the repository
        assert (WEIGHTS.parent.parent / name).is_file(), name


def test_weights_for_other_features_are_refused_with_the_fix(tmp_path: Path) -> None:
    data = json.loads(WEIGHTS.read_text(encoding="utf-8"))
    data["features"] = data["features"][:-1]
    stale = tmp_path / "ranker.json"
    stale.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(QuotebotError, match="make fit-ranker"):
        load_model.__wrapped__(stale)


def test_logistic_scores_standardised_rows() -> None:
    model = Logistic(np.array([2.0, -1.0]), 0.5, np.array([1.0, 0.0]), np.array([2.0, 1.0]))
    rows = np.array([[3.0, 1.0], [1.0, 0.0]])
    z = np.array([2.0 * 1.0 - 1.0 * 1.0 + 0.5, 0.5])
    assert np.allclose(model.probabilities(rows), 1 / (1 + np.exp(-z)))
    assert model.probabilities(np.zeros((0, 2))).shape == (0,)


def test_question_row_takes_the_best_candidates_first() -> None:
    rows = np.arange(2 * len(FEATURES), dtype=np.float64).reshape(2, len(FEATURES))
    row = question_row(rows, np.array([0.2, 0.9]))
    assert row.shape == (len(QUESTION_FEATURES),)
    assert list(row[:3]) == [0.9, 0.2, 0.0]  # best, second, (no) third
    dense = FEATURES.index("dense")
    assert row[3] == rows[1, dense]  # the best candidate's own features follow


@pytest.mark.model
def test_confidence_separates_an_answer_from_an_abstention(real_bot: QuoteBot) -> None:
    threshold = load_model().threshold
    answered = real_bot.ask("What did Ali Vaez say about escalation?")
    assert not answered.abstained and answered.confidence is not None
    assert answered.confidence >= threshold
    off = real_bot.ask("What is the population of the Moon's largest crater town?")
    assert off.abstained
