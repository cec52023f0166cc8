"""The evaluation sets: questions (JSONL) and expected quotes (JSON next to each article)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from index.errors import QuotebotError

DEFAULT_QUESTIONS = Path(__file__).parent / "questions.jsonl"
DEFAULT_QUOTE_SETS = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"


@dataclass(frozen=True)
class EvalQuestion:
    id: str
    question: str
    kind: str
    answerable: bool
    gold_paragraphs: tuple[int, ...]
    gold_speakers: tuple[str, ...]
    key_phrases: tuple[str, ...]
    previous: str | None = None


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalQuestion]:
    """Read a question set; a bad line raises an error naming the line and the field."""
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            questions.append(
                EvalQuestion(
                    id=str(row["id"]),
                    question=row["question"],
                    kind=row.get("kind", ""),
                    answerable=bool(row["answerable"]),
                    gold_paragraphs=tuple(row.get("gold_paragraphs", [])),
                    gold_speakers=tuple(row.get("gold_speakers", [])),
                    key_phrases=tuple(row.get("key_phrases", [])),
                    previous=row.get("previous"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise QuotebotError(
                f"{path}:{number}: bad question line ({err}): see the format "
                "in the README's Evaluation section."
            ) from None
    return questions


@dataclass(frozen=True)
class QuoteSet:
    name: str
    article: Path
    expected: dict


def load_quote_sets(directory: Path = DEFAULT_QUOTE_SETS) -> list[QuoteSet]:
    """Every ``NAME.expected.json`` with its article (``NAME.txt`` or the ``article`` field)."""
    sets = []
    for path in sorted(directory.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        name = path.name.removesuffix(".expected.json")
        article = path.parent / expected.get("article", f"{name}.txt")
        sets.append(QuoteSet(name, article.resolve(), expected))
    return sets
