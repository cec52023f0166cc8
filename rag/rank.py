"""Step 3 of the answer path: candidates ranked by a fitted model.

The model is a logistic regression over ``rag.features.FEATURES`` fitted by
``eval/fit_ranker.py`` (``make fit-ranker``) on the question sets in ``eval/``; its weights,
the answer threshold chosen on the same sets and the names of those sets are in
``rag/ranker.json`` (``rag/ranker-hashing.json`` for the hashing embedder). Scoring is a
dot product: scikit-learn is needed only to refit.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from index.errors import QuotebotError
from rag.candidates import Candidate, Candidates
from rag.features import FEATURES, feature_rows

WEIGHTS = Path(__file__).with_name("ranker.json")  # fitted on all-MiniLM-L6-v2's similarities
HASHING_WEIGHTS = Path(__file__).with_name("ranker-hashing.json")  # on the hashing embedder's


WEIGHTS_OVERRIDE = "QUOTEBOT_RANKER_WEIGHTS"  # a weights file to use instead (measurement)


def fitted_weights(embedder: str) -> Path:
    """The weights fitted for an embedder kind (``Config.embedder``): similarities of the
    deterministic hashing embedder are on another scale than a sentence model's."""
    return HASHING_WEIGHTS if embedder == "hashing" else WEIGHTS


def weights_for(embedder: str) -> Path:
    """The weights the answer path uses: ``fitted_weights``, unless the environment variable
    ``QUOTEBOT_RANKER_WEIGHTS`` names another file (``python -m eval.operating`` uses it to
    answer every question at threshold 0)."""
    return Path(os.environ.get(WEIGHTS_OVERRIDE) or fitted_weights(embedder))


# What the answer-or-abstain model sees of a question: its best candidates' probabilities
# and the best candidate's own features.
TOP_FEATURES = (
    "dense",
    "keyword",
    "paragraph_score",
    "overlap",
    "overlap_paragraph",
    "entity_cover",
    "speaker_match",
    "other_speaker",
    "unknown_person",
    "type_wanted",
    "type_match",
    "unknown_words",
    "unknown_names",
    "document_cover",
    "dense_topic",
    "idf_overlap",
    "idf_overlap_paragraph",
    "quoted_match",
    "speaker_match_x_topic_rank",
    "attribute_missing",
    *(f for f in FEATURES if f.startswith("kind_")),
)
QUESTION_FEATURES = ("best", "second", "third", *(f"top_{f}" for f in TOP_FEATURES))
_TOP_COLUMNS = [FEATURES.index(f) for f in TOP_FEATURES]


@dataclass(frozen=True)
class Logistic:
    """A fitted logistic regression on standardised features."""

    coefficients: np.ndarray
    intercept: float
    mean: np.ndarray
    scale: np.ndarray

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        if rows.shape[0] == 0:
            return np.zeros(0)
        z = ((rows - self.mean) / self.scale) @ self.coefficients + self.intercept
        return np.asarray(1.0 / (1.0 + np.exp(-z)))

    @classmethod
    def of(cls, data: dict) -> Logistic:
        return cls(
            np.asarray(data["coefficients"], dtype=np.float64),
            float(data["intercept"]),
            np.asarray(data["mean"], dtype=np.float64),
            np.asarray(data["scale"], dtype=np.float64),
        )


def question_row(rows: np.ndarray, probabilities: np.ndarray) -> np.ndarray:
    """The answer-or-abstain features of one question from its candidates' rows."""
    order = np.argsort(-probabilities, kind="stable")
    best = [float(probabilities[i]) for i in order[:3]] + [0.0] * max(0, 3 - len(order))
    top = rows[order[0], _TOP_COLUMNS] if len(order) else np.zeros(len(_TOP_COLUMNS))
    return np.concatenate([np.asarray(best), top]).astype(np.float64)


@dataclass(frozen=True)
class Model:
    features: tuple[str, ...]
    ranker: Logistic  # the probability that a candidate answers its question
    answerable: Logistic  # the probability that the question is answered by its best
    threshold: float  # answer when ``answerable`` reaches this
    list_threshold: float  # a person is listed when their best quote's probability reaches this
    floor: float  # further statements need this share of the best one's probability
    cap: int  # the most statements an answer gives
    floors: Mapping[str, float] = field(default_factory=dict)  # the floor fitted per kind
    caps: Mapping[str, int] = field(default_factory=dict)  # the cap fitted per kind

    def probabilities(self, rows: np.ndarray) -> np.ndarray:
        return self.ranker.probabilities(rows)

    def floor_for(self, kind: str) -> float:
        """The floor fitted for questions of ``kind``, else the one fitted on all."""
        return self.floors.get(kind, self.floor)

    def cap_for(self, kind: str) -> int:
        """The most statements fitted for questions of ``kind``, else the one fitted on all."""
        return self.caps.get(kind, self.cap)


@lru_cache(maxsize=4)
def load_model(path: Path = WEIGHTS) -> Model:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise QuotebotError(
            f"the ranker's weights could not be read from {path} ({exc}): run `make fit-ranker`."
        ) from None
    features = tuple(data["features"])
    if features != FEATURES:
        raise QuotebotError(
            f"{path} was fitted on other features than rag/features.py computes: run "
            "`make fit-ranker`."
        )
    if tuple(data["answerable"]["features"]) != QUESTION_FEATURES:
        raise QuotebotError(
            f"{path} was fitted on other question features than rag/rank.py computes: run "
            "`make fit-ranker`."
        )
    return Model(
        features,
        Logistic.of(data["ranker"]),
        Logistic.of(data["answerable"]),
        float(data["threshold"]),
        float(data["list_threshold"]),
        float(data["floor"]),
        int(data["cap"]),
        {str(k): float(v) for k, v in (data.get("floors") or {}).items()},
        {str(k): int(v) for k, v in (data.get("caps") or {}).items()},
    )


@dataclass(frozen=True)
class Ranked:
    """Candidates best first, each with the model's probability that it answers."""

    candidates: Candidates
    items: tuple[tuple[Candidate, float], ...]
    confidence: float  # the probability that the best candidates answer the question


def rank(candidates: Candidates, model: Model | None = None) -> Ranked:
    model = model or load_model()
    rows = feature_rows(candidates).astype(np.float64)
    probabilities = model.probabilities(rows)
    order = sorted(
        zip(candidates.items, probabilities.tolist(), strict=True),
        key=lambda pair: (-pair[1], pair[0].statement.doc_id, pair[0].statement.start),
    )
    confidence = 0.0
    if len(order):
        answerable = model.answerable.probabilities(question_row(rows, probabilities)[None, :])
        confidence = float(answerable[0])
    return Ranked(candidates, tuple(order), confidence)
