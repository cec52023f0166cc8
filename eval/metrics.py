"""Metric definitions (documented in the README's Evaluation section)."""

from __future__ import annotations

import re
from collections.abc import Collection, Hashable, Sequence

from eval.dataset import EvalQuestion
from index.types import Quote


def norm(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip().lower()


def recall_at(ranked: Sequence[Hashable], gold: Collection[Hashable], k: int) -> float:
    """1 when a gold item (a paragraph, or a (doc_id, paragraph) pair) is in the top k."""
    return 1.0 if set(ranked[:k]) & set(gold) else 0.0


def reciprocal_rank(ranked: Sequence[Hashable], gold: Collection[Hashable]) -> float:
    for rank, item in enumerate(ranked, start=1):
        if item in gold:
            return 1.0 / rank
    return 0.0


def is_gold(question: EvalQuestion, doc_id: str, paragraph: int) -> bool:
    """A gold paragraph of the question, in the question's own article when it names one."""
    return paragraph in question.gold_paragraphs and (
        question.doc_id is None or doc_id == question.doc_id
    )


def gold_keys(question: EvalQuestion) -> set[tuple[str | None, int]]:
    """Gold (doc_id, paragraph) pairs; doc_id None for a single-article set."""
    return {(question.doc_id, p) for p in question.gold_paragraphs}


def hit_key(question: EvalQuestion, doc_id: str, paragraph: int) -> tuple[str | None, int]:
    """A retrieved paragraph as ``gold_keys`` spells it for this question."""
    return (doc_id if question.doc_id is not None else None, paragraph)


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
