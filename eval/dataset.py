"""The evaluation sets: questions (JSONL) and expected quotes (JSON next to each article).

A question names its gold paragraphs directly (the bundled article's sets) or names an
``article`` (a file under the news root) and ``evidence`` strings copied verbatim from it;
the gold paragraphs of such a question are computed with the project's paragraph rule.
"""

from __future__ import annotations

import glob
import json
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

from index.errors import QuotebotError
from index.types import Document

DEFAULT_QUESTIONS = Path(__file__).parent / "questions.jsonl"
DEFAULT_QUOTE_SETS = Path(__file__).resolve().parent.parent / "tests" / "data" / "articles"
REPO = Path(__file__).resolve().parent.parent
DEFAULT_NEWS_ROOT = REPO.parent / "shared" / "news" / "polnear"
NEWS_ENV = "QUOTEBOT_NEWS"
NEWS_SPLITS = ("train", "dev")
_GLOB = re.compile(r"[*?\[]")


class QuestionSetError(QuotebotError):
    """A question set that cannot be evaluated as written (bad line, evidence or article)."""


@dataclass(frozen=True)
class EvalQuestion:
    """One question; ``article``/``evidence`` for multi-article sets, whose ``doc_id`` and
    ``gold_paragraphs`` are filled in by ``with_gold`` once the article is read."""

    id: str
    question: str
    kind: str
    answerable: bool
    gold_paragraphs: tuple[int, ...]
    gold_speakers: tuple[str, ...]
    key_phrases: tuple[str, ...]
    previous: str | None = None
    article: str | None = None
    evidence: tuple[str, ...] = ()
    doc_id: str | None = None  # when set, only citations of this document can be gold


def _strings(row: dict, field: str) -> tuple[str, ...]:
    values = row.get(field, [])
    if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
        raise TypeError(f"{field} must be a list of strings")
    return tuple(values)


def load_questions(path: Path = DEFAULT_QUESTIONS) -> list[EvalQuestion]:
    """Read a question set; a bad line raises an error naming the line and the field."""
    if not path.is_file():
        raise QuestionSetError(f"{path} is not a question set file: check the --set path.")
    questions = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            article = row.get("article")
            if article is not None and not isinstance(article, str):
                raise TypeError("article must be a file name")
            if "evidence" in row and article is None:
                raise KeyError("article")
            questions.append(
                EvalQuestion(
                    id=str(row["id"]),
                    question=row["question"],
                    kind=row.get("kind", ""),
                    answerable=bool(row["answerable"]),
                    gold_paragraphs=tuple(row.get("gold_paragraphs", [])),
                    gold_speakers=_strings(row, "gold_speakers"),
                    key_phrases=_strings(row, "key_phrases"),
                    previous=row.get("previous"),
                    article=article,
                    evidence=_strings(row, "evidence"),
                )
            )
        except (json.JSONDecodeError, KeyError, TypeError) as err:
            raise QuestionSetError(
                f"{path}:{number}: bad question line ({err}): see the format "
                "in the README's Evaluation section."
            ) from None
    named = {q.article is not None for q in questions}
    if len(named) > 1:
        raise QuestionSetError(
            f"{path} mixes questions with and without an `article`: give every question "
            "of a multi-article set its article file."
        )
    return questions


def is_news_set(questions: list[EvalQuestion]) -> bool:
    """Questions that name their articles (evaluated on an index of those articles)."""
    return any(q.article is not None for q in questions)


def expand_sets(patterns: list[str]) -> list[Path]:
    """Question set files from paths and glob patterns, in order, each once."""
    paths: list[Path] = []
    for pattern in patterns:
        if _GLOB.search(pattern):
            found = sorted(Path(p) for p in glob.glob(pattern))
            if not found:
                raise QuestionSetError(f"no question set matches {pattern}: check the pattern.")
        else:
            found = [Path(pattern)]
        paths += [p for p in found if p not in paths]
    return paths


def news_root(given: Path | None = None) -> Path:
    """The news corpus root: ``given``, else ``$QUOTEBOT_NEWS``, else ../shared/news/polnear."""
    if given is not None:
        return given
    env = os.environ.get(NEWS_ENV)
    return Path(env) if env else DEFAULT_NEWS_ROOT


def find_article(root: Path, name: str) -> Path:
    """``root/{train,dev}/text/name``; a missing article names the folders searched."""
    candidates = [root / split / "text" / name for split in NEWS_SPLITS]
    for path in candidates:
        if path.is_file():
            return path
    raise QuestionSetError(
        f"article {name} is in none of {', '.join(str(c.parent) for c in candidates)}: "
        f"give the news corpus root with --news-root DIR or ${NEWS_ENV}."
    )


def evidence_paragraphs(question: EvalQuestion, document: Document) -> tuple[int, ...]:
    """Numbers of every paragraph that overlaps an occurrence of an evidence string.

    An evidence string that is not verbatim in the document raises ``QuestionSetError``
    naming the question."""
    gold: set[int] = set()
    for evidence in question.evidence:
        spans = []
        start = document.text.find(evidence) if evidence else -1
        while start >= 0:
            spans.append((start, start + len(evidence)))
            start = document.text.find(evidence, start + 1)
        if not spans:
            raise QuestionSetError(
                f"question {question.id}: evidence {evidence[:60]!r} is not verbatim in "
                f"{question.article or document.source}: copy it exactly from the article."
            )
        for s, e in spans:
            gold.update(p.number for p in document.paragraphs if p.start < e and s < p.end)
    return tuple(sorted(gold))


def with_gold(questions: list[EvalQuestion], documents: dict[str, Document]) -> list[EvalQuestion]:
    """The questions with ``doc_id`` and ``gold_paragraphs`` of their own article
    (``documents`` by article file name); every bad evidence string is named in one error."""
    resolved, errors = [], []
    for q in questions:
        if q.article is None:
            resolved.append(q)
            continue
        document = documents[q.article]
        try:
            gold = evidence_paragraphs(q, document)
        except QuestionSetError as err:
            errors.append(str(err))
            continue
        resolved.append(replace(q, doc_id=document.doc_id, gold_paragraphs=gold))
    if errors:
        raise QuestionSetError("; ".join(errors))
    return resolved


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
