"""Metric definitions (documented in the README's Evaluation section)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from index.types import Quote


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def recall_at(ranked: Sequence[int], gold: Sequence[int], k: int) -> float:
    return 1.0 if set(ranked[:k]) & set(gold) else 0.0


def reciprocal_rank(ranked: Sequence[int], gold: Sequence[int]) -> float:
    for rank, paragraph in enumerate(ranked, start=1):
        if paragraph in gold:
            return 1.0 / rank
    return 0.0


def percentile(values: Sequence[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[index]


def _words(text: str) -> set[str]:
    return set(re.findall(r"\w+", norm(text)))


def same_quote(predicted: Quote, expected: dict) -> bool:
    """Same paragraph and the same words (one text contains the other, or 80% overlap)."""
    if predicted.paragraph != expected["paragraph"]:
        return False
    a, b = norm(predicted.text), norm(expected["text"])
    if a in b or b in a:
        return True
    wa, wb = _words(a), _words(b)
    return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.8


def same_speaker(predicted: str | None, expected: str | None) -> bool:
    if predicted is None or expected is None:
        return predicted is expected
    a = re.sub(r"^the\s+", "", norm(predicted))
    b = re.sub(r"^the\s+", "", norm(expected))
    return a == b or (len(a) > 3 and len(b) > 3 and (a in b or b in a))


def match_quotes(predicted: list[Quote], expected: list[dict]) -> list[tuple[Quote, dict]]:
    """Greedy one-to-one pairs of predicted and expected quotes."""
    pairs = []
    free = list(expected)
    for quote in predicted:
        for item in free:
            if same_quote(quote, item):
                pairs.append((quote, item))
                free.remove(item)
                break
    return pairs
