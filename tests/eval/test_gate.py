"""The quality gate passes on the real pipeline and fails when a layer is broken."""

from __future__ import annotations

from pathlib import Path

import pytest

import index.quotes
from eval import gate
from eval.dataset import load_quote_sets
from eval.runner import evaluate_extraction


def test_gate_flags_figures_below_threshold(tmp_path: Path) -> None:
    thresholds = tmp_path / "t.json"
    thresholds.write_text('{"a.b": {"min": 0.9}, "c": {"max": 0}}', encoding="utf-8")
    assert gate.check({"a": {"b": 0.95}, "c": 0}, thresholds) == []
    failures = gate.check({"a": {"b": 0.5}, "c": 2}, thresholds)
    assert len(failures) == 2 and "a.b" in failures[0] and "c" in failures[1]
    assert gate.check({}, thresholds)[0].startswith("a.b: missing")


def _extraction_gate(figures: dict) -> list[str]:  # type: ignore[type-arg]
    return [f for f in gate.check(figures) if f.startswith("extraction.")]


def test_extraction_gate_passes_then_fails_with_a_broken_extractor(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    sets = load_quote_sets()
    assert _extraction_gate({"extraction": evaluate_extraction(sets)}) == []
    # Break attribution: every quote loses the text after its closing mark, and the
    # parse-based fallback that would otherwise find the cue there.
    monkeypatch.setattr(index.quotes, "attribute_right", lambda right: None)
    monkeypatch.setattr(index.quotes, "find_source", lambda *args, **kwargs: iter(()))
    broken = evaluate_extraction(sets)
    assert broken["speaker_accuracy"] < 0.9
    assert any("speaker_accuracy" in f for f in _extraction_gate({"extraction": broken}))


@pytest.mark.model
def test_retrieval_gate_fails_with_a_broken_retriever(
    real_bot, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    from eval.dataset import load_questions
    from eval.runner import evaluate_retrieval

    questions = load_questions()
    good = {"retrieval": evaluate_retrieval(real_bot, questions)}
    assert not [f for f in gate.check(good) if f.startswith("retrieval.")]
    monkeypatch.setattr(type(real_bot.store), "keyword", lambda self, terms, k: [])
    monkeypatch.setattr(type(real_bot.store), "dense", lambda self, v, k, scope=None: [])
    broken = {"retrieval": evaluate_retrieval(real_bot, questions)}
    assert [f for f in gate.check(broken) if f.startswith("retrieval.")]
