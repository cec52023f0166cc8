"""Words someone is reported as saying count for the questions that ask for them: a quote, or
a sentence with a reporting verb ("Analysts said ...") or "according to", crossed with the
question's kind, so the fit can weigh them apart from plain statements of fact."""

from __future__ import annotations

from pathlib import Path

from index.config import Config
from rag.features import FEATURES, KINDS, feature_rows
from tests.real_bots import candidates_over

ARTICLE = """Harbour plan unveiled

The harbour board released its plan for the east quay on Monday.

Analysts said the plan would cost far more than the board promised.

The quay will close for two winters, according to the board's own timetable.

“It is the wrong quay at the wrong price,” said Tom Reed, a trawler skipper.
"""


def test_reported_words_are_marked_for_the_questions_kind(
    tmp_path: Path, hashing_config: Config
) -> None:
    question = "What do analysts think of the harbour plan?"
    candidates = candidates_over(tmp_path, hashing_config, ARTICLE, question)
    rows = feature_rows(candidates)
    analysis = candidates.analysis
    kind = analysis.kind if analysis.kind in KINDS else "open"
    column = FEATURES.index(f"reported_x_{kind}")
    others = [FEATURES.index(f"reported_x_{k}") for k in KINDS if k != kind]
    by_start = {c.statement.text[:20]: rows[i] for i, c in enumerate(candidates.items)}
    assert by_start["Analysts said the pl"][column] == 1.0
    assert by_start["The quay will close "][column] == 1.0  # "according to"
    assert by_start["The harbour board re"][column] == 0.0  # a plain statement of fact
    assert by_start["It is the wrong quay"][column] == 1.0  # a quote
    assert not rows[:, others].any()  # only the question's own kind
