"""Answer paths compared at the same operating point (abstention recall), not at the
threshold each refit picks.

A refit moves the answer threshold, and the threshold trades right answers against right
refusals. Run the evaluation once with every question answered (threshold 0), keeping each
question's confidence and outcome, then read off what the same answers would score at the
lowest threshold that refuses a given share of the unanswerable questions::

    python -m eval.operating --zero-weights /tmp/zero.json
    QUOTEBOT_RANKER_WEIGHTS=/tmp/zero.json quotebot eval --no-gate --out /tmp/run
    python -m eval.operating /tmp/run/results.json

or in one step, gated by eval/operating_thresholds.json (``make eval`` and ``make eval-news``
run it)::

    quotebot eval --operating --out /tmp/run

The score is right answers plus right refusals over all questions.
"""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import gate
from index.errors import QuotebotError
from rag.rank import WEIGHTS_OVERRIDE, weights_for

RECALLS = (0.5, 0.6, 0.7)
THRESHOLDS = Path(__file__).with_name("operating_thresholds.json")


@dataclass(frozen=True)
class Outcome:
    """One question of a threshold-0 run."""

    answerable: bool
    abstained: bool  # refused whatever the threshold ("X is quoted, but not on that")
    correct: bool  # answerable: the answer is right (unanswerable: unused, refusal is read)
    confidence: float  # 1.0 where the answer path sets none (metadata answers: no threshold)

    def refused(self, threshold: float) -> bool:
        return self.abstained or self.confidence < threshold


def score_at_recall(outcomes: Sequence[Outcome], recall: float) -> float | None:
    """Right answers plus right refusals over all questions at the lowest threshold (of
    the questions' own confidences) that refuses at least ``recall`` of the unanswerable
    ones; None when no threshold does."""
    unanswerable = [o for o in outcomes if not o.answerable]
    if not outcomes or not unanswerable:
        return None
    for threshold in sorted({0.0, *(o.confidence for o in outcomes), 1.0 + 1e-9}):
        refused = sum(o.refused(threshold) for o in unanswerable)
        if refused >= recall * len(unanswerable):
            right = sum(o.answerable and o.correct and not o.refused(threshold) for o in outcomes)
            return (right + refused) / len(outcomes)
    return None


def outcomes_of(results: dict[str, Any]) -> list[Outcome]:
    """The outcomes of one results file (``quotebot eval``): one set or several."""
    answers = [s["answers"] for s in results["sets"].values()] if "sets" in results else []
    answers = answers or [results["answers"]]
    return [
        Outcome(
            bool(o["answerable"]),
            bool(o["abstained"]),
            bool(o["correct"]),
            1.0 if o["confidence"] is None else float(o["confidence"]),
        )
        for a in answers
        for o in a["outcomes"]
    ]


def zero_weights(out: Path, embedder: str = "sentence-transformers") -> None:
    """A copy of the weights the answer path uses (``weights_for``: the fitted ones, or
    those ``QUOTEBOT_RANKER_WEIGHTS`` names) that answers every question (threshold 0)."""
    source = weights_for(embedder)
    try:
        data = json.loads(source.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuotebotError(
            f"the ranker's weights could not be read from {source} ({exc}): run "
            "`make fit-ranker`, or set QUOTEBOT_RANKER_WEIGHTS to a weights file."
        ) from None
    data["threshold"] = 0.0
    out.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")


def scores(outcomes: Sequence[Outcome]) -> dict[str, float | None]:
    """The score at each of ``RECALLS``, keyed as eval/operating_thresholds.json is."""
    return {f"recall_{round(r * 100)}": score_at_recall(outcomes, r) for r in RECALLS}


@contextmanager
def answering_every_question(out: Path, embedder: str = "sentence-transformers") -> Iterator[Path]:
    """Within the block the answer path loads a threshold-0 copy of the weights it uses
    (written to ``out``), so every question gets its best answer and its confidence."""
    zero_weights(out, embedder)
    before = os.environ.get(WEIGHTS_OVERRIDE)
    os.environ[WEIGHTS_OVERRIDE] = str(out)
    try:
        yield out
    finally:
        if before is None:
            os.environ.pop(WEIGHTS_OVERRIDE, None)
        else:
            os.environ[WEIGHTS_OVERRIDE] = before


def figures_of(results: dict[str, Any]) -> dict[str, Any]:
    """Operating scores of a threshold-0 results file: each set's and all sets' pooled."""
    per_set = results.get("sets", {})
    pooled = outcomes_of(results)
    return {
        "sets": {name: scores(outcomes_of(one)) for name, one in per_set.items()},
        "pooled": scores(pooled),
        "questions": len(pooled),
    }


def check(figures: dict[str, Any], section: str, path: Path = THRESHOLDS) -> list[str]:
    """Failures of the pooled scores against ``section`` of ``path``: "bundled" for sets
    about the bundled article, "news" for news sets (set for the runs ``make eval`` and
    ``make eval-news`` do; other runs report with --no-gate)."""
    if any(score is None for score in figures["pooled"].values()):
        return ["not measurable at matched abstention recall: no unanswerable questions"]
    failures = gate.check({"pooled": figures["pooled"]}, path, section)
    return [f"at matched abstention recall: {f}" for f in failures]


def markdown(figures: dict[str, Any], failures: list[str], section: str | None) -> str:
    """The scores of each set and of all questions, and the gate (``section`` None: not
    gated, the run mixing the bundled article's sets with news sets)."""
    lines = ["# Answers at matched abstention recall", "", *_table_head("set")]
    rows = [*figures["sets"].items(), ("all questions", figures["pooled"])]
    lines += [_table_row(name, row.values()) for name, row in rows]
    lines += ["", f"Right answers plus right refusals over {figures['questions']} questions."]
    lines += ["", "## Gate", "", *(f"- FAIL {f}" for f in failures)]
    if section is None:
        lines.append("- not gated: bundled and news sets together (run them apart to gate them)")
    elif not failures:
        lines.append("- all gated figures meet their thresholds")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("results", nargs="*", type=Path, help="results.json of threshold-0 runs")
    parser.add_argument("--zero-weights", type=Path, help="write threshold-0 weights here")
    parser.add_argument("--embedder", default="sentence-transformers")
    args = parser.parse_args(argv)
    if args.zero_weights:
        zero_weights(args.zero_weights, args.embedder)
        print(f"wrote {args.zero_weights}: set QUOTEBOT_RANKER_WEIGHTS to it for the run")
    if args.results:
        print("\n".join(_table_head("results | questions")))
    for path in args.results:
        outcomes = outcomes_of(json.loads(path.read_text(encoding="utf-8")))
        print(_table_row(f"{path} | {len(outcomes)}", scores(outcomes).values()))
    return 0


def _table_head(first: str) -> list[str]:
    columns = first.count("|") + 1
    head = f"| {first} | " + " | ".join(f"recall >= {r}" for r in RECALLS) + " |"
    return [head, "|" + " --- |" * (columns + len(RECALLS))]


def _table_row(first: str, values: Iterable[float | None]) -> str:
    cells = " | ".join("-" if v is None else f"{v:.3f}" for v in values)
    return f"| {first} | {cells} |"


if __name__ == "__main__":
    raise SystemExit(main())
