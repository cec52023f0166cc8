"""Scores at matched abstention recall, from the outcomes of a threshold-0 run."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from eval.operating import (
    THRESHOLDS,
    Outcome,
    check,
    markdown,
    outcomes_of,
    score_at_recall,
    scores,
    zero_weights,
)
from index.errors import QuotebotError
from rag.rank import WEIGHTS_OVERRIDE, load_model, weights_for

NEWS = Path(__file__).resolve().parent.parent / "data" / "news"
TINY = NEWS / "tiny.jsonl"

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


def test_the_gate_reads_pooled_scores_per_section(tmp_path: Path) -> None:
    thresholds = tmp_path / "operating.json"
    thresholds.write_text(json.dumps({"news": {"pooled.recall_50": {"min": 0.7}}}))
    figures = {"sets": {}, "pooled": scores(OUTCOMES), "questions": len(OUTCOMES)}
    assert figures["pooled"]["recall_50"] == pytest.approx(4 / 6)
    failures = check(figures, "news", thresholds)
    assert len(failures) == 1 and "recall_50" in failures[0] and "0.7" in failures[0]
    assert "FAIL" in markdown(figures, failures, "news")
    assert "not gated" in markdown(figures, [], None)
    figures["pooled"]["recall_50"] = 0.75
    assert check(figures, "news", thresholds) == []


def test_sets_without_unanswerable_questions_are_not_measurable() -> None:
    answerable = [o for o in OUTCOMES if o.answerable]
    figures = {"sets": {}, "pooled": scores(answerable), "questions": len(answerable)}
    assert check(figures, "news") == [
        "not measurable at matched abstention recall: no unanswerable questions"
    ]


def test_zero_weights_copy_the_weights_the_answer_path_uses(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    candidate = tmp_path / "candidate.json"
    zero_weights(candidate)
    data = json.loads(candidate.read_text())
    data["floor"] = 0.42  # a candidate's weights, told apart by one value
    candidate.write_text(json.dumps(data))
    monkeypatch.setenv(WEIGHTS_OVERRIDE, str(candidate))
    zero_weights(tmp_path / "zero.json")
    copied = json.loads((tmp_path / "zero.json").read_text())
    assert copied["floor"] == 0.42 and copied["threshold"] == 0.0
    monkeypatch.setenv(WEIGHTS_OVERRIDE, str(tmp_path / "absent.json"))
    with pytest.raises(QuotebotError, match="QUOTEBOT_RANKER_WEIGHTS"):
        zero_weights(tmp_path / "zero.json")


def test_the_checked_in_thresholds_name_figures_the_scores_have() -> None:
    data = json.loads(THRESHOLDS.read_text())
    assert set(data) == {"bundled", "news"}
    keys = {f"pooled.{k}" for k in scores(OUTCOMES)}
    assert all(set(section) <= keys for section in data.values())


@pytest.mark.model
def test_cli_operating_run_answers_every_question_and_scores_its_outcomes(
    tmp_path: Path, capsys, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    from ui.cli import main

    # weights that refuse almost every answer: the operating run must still answer
    strict = tmp_path / "strict.json"
    monkeypatch.delenv(WEIGHTS_OVERRIDE, raising=False)
    zero_weights(strict)
    strict.write_text(json.dumps({**json.loads(strict.read_text()), "threshold": 0.999}))
    monkeypatch.setenv(WEIGHTS_OVERRIDE, str(strict))
    out = tmp_path / "out"
    args = ["eval", "--operating", "--set", str(TINY), "--news-root", str(NEWS), "--out", str(out)]
    assert main([*args, "--no-gate"]) == 0
    assert os.environ[WEIGHTS_OVERRIDE] == str(strict)  # the override ends with the run
    outcomes = outcomes_of(json.loads((out / "results.json").read_text(encoding="utf-8")))
    assert len(outcomes) == 8
    # the same questions on the strict weights: the operating run gives the same
    # confidences, refuses only what the answer path refuses whatever the threshold, and
    # answers what the strict threshold refused
    assert main(["eval", *args[2:-1], str(tmp_path / "strict-run"), "--no-gate"]) == 0
    refused = outcomes_of(json.loads((tmp_path / "strict-run" / "results.json").read_text()))
    for zero, usual in zip(outcomes, refused, strict=True):
        assert zero.confidence == pytest.approx(usual.confidence)
        assert usual.abstained or not zero.abstained
    answered = sum(not o.abstained for o in outcomes)
    assert answered > sum(not o.abstained for o in refused)
    figures = json.loads((out / "operating.json").read_text(encoding="utf-8"))
    assert figures["pooled"]["recall_50"] == pytest.approx(score_at_recall(outcomes, 0.5))
    assert "# Answers at matched abstention recall" in capsys.readouterr().out
