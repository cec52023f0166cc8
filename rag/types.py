"""Dataclasses that rag/ hands to its callers (UI, CLI, eval)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from index.types import Quote

HitKind = Literal["paragraph", "quote", "fact"]


@dataclass(frozen=True)
class Hit:
    """A retrieved unit with where it stands in its document."""

    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    score: float
    kind: HitKind
    speaker: str | None = None


@dataclass(frozen=True)
class Citation:
    """What marker [n] of an answer points to: ``document.text[start:end] == text``."""

    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    speaker: str | None = None


@dataclass(frozen=True)
class Answer:
    """A grounded answer; marker [n] in ``text`` refers to ``citations[n-1]``."""

    question: str
    text: str
    citations: list[Citation]
    abstained: bool
    quotes: list[Quote] = field(default_factory=list)
    related: list[Citation] = field(default_factory=list)
    intent: str = ""
    speaker: str | None = None  # the person the answer is about, for follow-ups
    confidence: float | None = None  # the ranker's probability that the best evidence answers
