"""The topic a paragraph names carries to the quotes after it: news writes "X toured the
levees" and then quotes X without naming the levees, so a candidate's features hold the
retrieval score of the two paragraphs before its own."""

from __future__ import annotations

from pathlib import Path

from index.config import Config
from rag.features import FEATURES, feature_rows
from tests.real_bots import candidates_over

ARTICLE = """Senator tours flood levees

Senator Jane Roe toured the flood levees along the Ohio River on Monday and called for federal money to repair them before the spring floods.

“We cannot wait another year for this,” Roe said.

The state fair opens next week with a new parade route, organisers said.

“The rides are ready and the tickets are cheaper,” said Sam Hill, the fair's director.
"""


def test_a_quote_after_the_paragraph_naming_the_topic_carries_its_score(
    tmp_path: Path, hashing_config: Config
) -> None:
    question = "What did Jane Roe say about the flood levees along the Ohio River?"
    candidates = candidates_over(tmp_path, hashing_config, ARTICLE, question)
    by_text = {c.statement.text: (i, c) for i, c in enumerate(candidates.items)}
    roe = next(v for t, v in by_text.items() if t.startswith("We cannot wait"))
    hill = next(v for t, v in by_text.items() if t.startswith("The rides are ready"))
    assert roe[1].preceding_score > 0.0  # the levees paragraph is just before it
    assert hill[1].preceding_score < roe[1].preceding_score
    rows = feature_rows(candidates)
    gain = FEATURES.index("preceding_gain")
    assert rows[roe[0], gain] > 0.0  # its paragraph scores below the one before
