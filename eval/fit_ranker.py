"""Fit the answer ranker (``rag/ranker.json``) on the development question sets.

For every question of the sets, the answer path's own steps give the candidates and their
features (a follow-up is resolved against a right answer to the question before it: its
gold speaker, not whatever the saved ranker answered, so a refit reproduces); a candidate
is labelled as answering when it holds one of the question's key phrases or evidence
strings. A logistic regression is fitted on those rows; the answer threshold is the
probability that best separates answerable questions whose best candidate answers from
unanswerable ones, and the list threshold the one that best lists the people quoted on a
topic. ``make fit-ranker`` runs this; ``--check`` refits and compares with the saved file.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from eval.dataset import REPO, EvalQuestion, load_questions, news_root, with_gold
from eval.metrics import norm
from eval.news import read_articles
from index.config import Config, bundled_article
from rag import QuoteBot
from rag.candidates import Candidate, Corpus, gather
from rag.conversation import Resolved, resolve
from rag.features import FEATURES, feature_rows
from rag.rank import QUESTION_FEATURES, Logistic, fitted_weights, question_row
from rag.types import Answer

NEWS_SETS = tuple(f"eval/news/train-{s}.jsonl" for s in "ABCDEFGH")
BUNDLED_SETS = ("eval/questions.jsonl", *(f"eval/heldout{n}.jsonl" for n in ("", *range(2, 9))))
REGULARISATION = 1.0  # scikit-learn's C: inverse strength of the L2 penalty
FOLDS = 5  # the answer-or-abstain model learns from held-out ranker probabilities
TOLERANCE = 1e-3  # --check: refitted coefficients may differ by this much (float noise)
LIST_TIE = 0.01  # mean F1 within which list thresholds count as tied
SELECTION_TIE = 0.005  # share of the scored questions within which selections count as tied
MIN_KIND_EXAMPLES = 60  # answerable questions of a kind needed to fit its own selection
SELECTION_Z = 2.0  # standard errors by which a kind's own selection must beat the overall
MAX_STATEMENTS = 5  # the most statements a fitted answer may give
STATEMENT_COST = 0.1  # a statement that answers nothing, in questions answered fully


@dataclass(frozen=True, order=True)
class Selection:
    """Which ranked statements an answer gives: at most ``cap``, each at least ``floor``
    times the best one's probability (ordered: fewer statements first, then lower floor)."""

    cap: int
    floor: float


@dataclass(frozen=True)
class Example:
    question: EvalQuestion
    kind: str
    rows: np.ndarray
    labels: np.ndarray
    speakers: tuple[str | None, ...]
    phrases: tuple[frozenset[int], ...]  # the key phrases each candidate holds


def answers(question: EvalQuestion, candidate: Candidate) -> bool:
    """Whether ``candidate`` holds what the question's gold answer says."""
    text = norm(candidate.statement.text)
    if any(norm(p) in text for p in question.key_phrases):
        return True
    for evidence in question.evidence:
        e = norm(evidence)
        if len(text) >= 20 and (text in e or e in text):
            return True
    s = candidate.statement
    in_gold = s.paragraph in question.gold_paragraphs and question.doc_id in (None, s.doc_id)
    # "who said ...": the gold speaker's quote in a gold paragraph answers (its key
    # phrase may be the name, outside the quote)
    return bool(
        in_gold
        and question.gold_speakers
        and question.kind == "who_said"
        and _named(candidate.speaker, question.gold_speakers)
    )


def _phrases_held(question: EvalQuestion, candidate: Candidate) -> frozenset[int]:
    text = norm(candidate.statement.text)
    return frozenset(i for i, p in enumerate(question.key_phrases) if norm(p) in text)


def _examples(bot: QuoteBot, questions: list[EvalQuestion]) -> Iterator[Example]:
    answerer = bot.answerer
    path = answerer.path
    corpus = Corpus(bot.store)
    speakers_of = {q.question: q.gold_speakers for q in questions}
    for q in questions:
        resolved = _resolved(bot, q, speakers_of)
        if resolved is None:
            continue
        analysis = path.analyse(resolved)
        if not analysis.english or analysis.kind in ("author", "identity"):
            continue
        candidates = gather(analysis, path.retriever, corpus, resolved.exclude)
        if not candidates.items:
            continue
        labels = np.array(
            [q.answerable and answers(q, c) for c in candidates.items], dtype=np.int64
        )
        yield Example(
            q,
            analysis.kind,
            feature_rows(candidates).astype(np.float64),
            labels,
            tuple(c.speaker for c in candidates.items),
            tuple(_phrases_held(q, c) for c in candidates.items),
        )


def _resolved(
    bot: QuoteBot, question: EvalQuestion, speakers_of: dict[str, tuple[str, ...]]
) -> Resolved | None:
    """``question`` as the answer path reads it; a follow-up resolved against a right answer
    to the question before (about that question's gold speaker, else the follow-up's), or
    None when neither names one."""
    if not question.previous:
        return Resolved(question.question)
    speakers = speakers_of.get(question.previous) or question.gold_speakers
    if not speakers:
        return None
    before = Answer(question.previous, "", [], abstained=False, speaker=speakers[0])
    return resolve(bot, question.question, [before])


def _index(directory: Path, paths: list[Path], config: Config) -> QuoteBot:
    """The index of ``paths`` in ``directory`` (reused when it holds them already)."""
    if directory.exists():
        bot = QuoteBot.open(directory)
        if len(bot.documents()) == len(paths):
            return bot
        bot.close()
    bot = QuoteBot.create(directory, config)
    bot.add_many(paths)
    return bot


def collect(
    root: Path | None, work: Path | None = None, config: Config | None = None
) -> list[Example]:
    """Examples from every development set (news sets need ``../shared/news``);
    ``work`` keeps the indexes built for them between runs."""
    config = config or Config()
    examples: list[Example] = []
    with tempfile.TemporaryDirectory() as tmp:
        base = work or Path(tmp)
        bot = _index(base / "bundled", [bundled_article()], config)
        for name in BUNDLED_SETS:
            examples += _examples(bot, load_questions(REPO / name))
        bot.close()
        for n, name in enumerate(NEWS_SETS):
            questions = load_questions(REPO / name)
            articles = read_articles(questions, news_root(root), config)
            documents = {a: d for a, (_, d) in articles.items()}
            resolved = with_gold(questions, documents)
            bot = _index(base / f"news{n}", [p for p, _ in articles.values()], config)
            examples += _examples(bot, resolved)
            bot.close()
    return examples


THRESHOLD_WINDOW = 5  # thresholds (0.01 apart) each side a threshold's score is averaged over
WRONG_ANSWER_COST = 0.25  # a wrong answer scores this much below a refusal (which scores 0)


def _best_threshold(
    examples: list[Example], probabilities: list[np.ndarray], confidence: np.ndarray
) -> float:
    """The answer threshold that maximises right answers plus right abstentions less
    ``WRONG_ANSWER_COST`` for each wrong answer (a wrong passage, or any answer to a question
    the sources do not answer): a wrong answer costs a reader more than a refusal."""
    thresholds = np.arange(0.02, 0.98, 0.01)
    scores = np.zeros(len(thresholds))
    for ex, p, c in zip(examples, probabilities, confidence, strict=True):
        right = ex.question.answerable and ex.labels[int(np.argmax(p))] == 1
        answered = c >= thresholds
        scores += np.where(answered, 1.0 if right else -WRONG_ANSWER_COST, 0.0)
        scores += np.where(answered, 0.0, float(not ex.question.answerable))
    # the score is a step function of the threshold, and the edge of its best step moves
    # with a handful of questions: the threshold chosen is the best on average over its
    # neighbourhood (THRESHOLD_WINDOW either side), of those tied the highest
    width = 2 * THRESHOLD_WINDOW + 1
    padded = np.pad(scores, THRESHOLD_WINDOW, mode="edge")
    smoothed = np.convolve(padded, np.ones(width) / width, mode="valid")
    chosen = thresholds[np.flatnonzero(smoothed >= smoothed.max() - 1e-9)[-1]]
    return round(float(chosen), 2)


def _named(name: str | None, gold: tuple[str, ...]) -> bool:
    words = set((name or "").lower().split())
    return any(words & set(g.lower().split()) for g in gold)


def _best_list_threshold(examples: list[Example], probabilities: list[np.ndarray]) -> float:
    """The threshold whose list of people (best quote each) best matches the gold list."""
    lists = [(ex, p) for ex, p in zip(examples, probabilities, strict=True) if ex.kind == "people"]
    if not lists:
        return 0.5
    scores: list[tuple[float, float]] = []
    for t in np.arange(0.02, 0.98, 0.01):
        f1s = []
        for ex, p in lists:
            listed = {s for s, prob in zip(ex.speakers, p, strict=True) if s and prob >= t}
            gold = ex.question.gold_speakers
            hit = sum(_named(s, gold) for s in listed)
            found = sum(any(_named(s, (g,)) for s in listed) for g in gold)
            precision = hit / len(listed) if listed else 0.0
            recall = found / len(gold) if gold else 0.0
            f1s.append(2 * precision * recall / (precision + recall) if hit else 0.0)
        scores.append((float(t), float(np.mean(f1s))))
    # among thresholds within LIST_TIE of the best F1, the most inclusive: a near-tie on the
    # training lists is noise, and a person left off a list is what a reader misses
    best = max(score for _, score in scores)
    return round(min(t for t, score in scores if score >= best - LIST_TIE), 2)


def _logistic(rows: np.ndarray, labels: np.ndarray) -> dict[str, Any]:
    from sklearn.linear_model import LogisticRegression

    mean = rows.mean(axis=0)
    scale = rows.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=REGULARISATION, max_iter=5000)
    model.fit((rows - mean) / scale, labels)
    return {
        "coefficients": [round(float(c), 6) for c in model.coef_[0]],
        "intercept": round(float(model.intercept_[0]), 6),
        "mean": [round(float(m), 6) for m in mean],
        "scale": [round(float(x), 6) for x in scale],
    }


def _out_of_fold(examples: list[Example]) -> list[np.ndarray]:
    """Each question's candidate probabilities from a ranker fitted without it."""
    folds = [examples[i::FOLDS] for i in range(FOLDS)]
    scored: dict[int, np.ndarray] = {}
    for k, held in enumerate(folds):
        rest = [ex for j, fold in enumerate(folds) if j != k for ex in fold]
        model = Logistic.of(
            _logistic(
                np.vstack([ex.rows for ex in rest]), np.concatenate([ex.labels for ex in rest])
            )
        )
        for ex in held:
            scored[id(ex)] = model.probabilities(ex.rows)
    return [scored[id(ex)] for ex in examples]


def _question_scores(
    examples: list[Example], probabilities: list[np.ndarray], selection: Selection
) -> np.ndarray:
    """Each scored question's ``_best_selection`` score under ``selection``: 1 when the
    statements given hold every key phrase, less ``STATEMENT_COST`` per one answering
    nothing."""
    scores = []
    for ex, p in zip(examples, probabilities, strict=True):
        if not ex.question.answerable or not ex.question.key_phrases:
            continue
        order = np.argsort(-p, kind="stable")
        picked = [i for i in order[: selection.cap] if p[i] >= selection.floor * p[order[0]]]
        held = frozenset().union(*(ex.phrases[i] for i in picked))
        scores.append(
            float(len(held) == len(ex.question.key_phrases))
            - STATEMENT_COST * sum(ex.labels[i] == 0 for i in picked)
        )
    return np.asarray(scores, dtype=np.float64)


def _best_selection(examples: list[Example], probabilities: list[np.ndarray]) -> Selection:
    """How many statements an answer gives (the cap) and the share of the best statement's
    probability further ones need (the floor): the pair whose answers hold every key phrase
    most often, less ``STATEMENT_COST`` per statement that answers nothing. Of the pairs
    within ``SELECTION_TIE`` of the best score, the fewest statements, then the lowest floor (a
    near-tie decided by a tenth of a question is noise; a refit after a small extraction
    change flipped the floor between 0.15 and 0.3)."""
    scores: dict[Selection, float] = {}
    for cap in range(1, MAX_STATEMENTS + 1):
        for floor in np.arange(0.1, 1.0, 0.05):
            selection = Selection(cap, round(float(floor), 2))
            scores[selection] = float(_question_scores(examples, probabilities, selection).sum())
    scored = sum(1 for ex in examples if ex.question.answerable and ex.question.key_phrases)
    best = max(scores.values())
    return min(s for s, score in scores.items() if score >= best - SELECTION_TIE * scored)


def _selections_by_kind(
    examples: list[Example], probabilities: list[np.ndarray]
) -> dict[str, Selection]:
    """``_best_selection`` fitted on each kind of question with enough answerable examples
    (a who-said question wants its one best statement), kept where it beats the selection
    fitted on all by ``SELECTION_Z`` standard errors of the paired per-question gain on
    that kind's questions; other kinds use the one fitted on all. A kind's own optimum on
    60-200 questions is mostly noise: a refit after a small change in the fitting questions
    moved the fact selection from (4, 0.1) to (4, 0.2) and opinion's from (3, 0.1) to
    (4, 0.3), each gaining less than a standard error, and both lost answers elsewhere."""
    overall = _best_selection(examples, probabilities)
    selections = {}
    for kind in sorted({ex.kind for ex in examples}):
        pairs = [(ex, p) for ex, p in zip(examples, probabilities, strict=True) if ex.kind == kind]
        if sum(ex.question.answerable for ex, _ in pairs) < MIN_KIND_EXAMPLES:
            continue
        mine, theirs = [ex for ex, _ in pairs], [p for _, p in pairs]
        own = _best_selection(mine, theirs)
        gain = _question_scores(mine, theirs, own) - _question_scores(mine, theirs, overall)
        error = float(np.sqrt(len(gain)) * gain.std(ddof=1)) if len(gain) > 1 else 0.0
        if own != overall and gain.sum() > SELECTION_Z * error:
            selections[kind] = own
    return selections


def _selection_fields(examples: list[Example], held_out: list[np.ndarray]) -> dict[str, Any]:
    overall = _best_selection(examples, held_out)
    by_kind = _selections_by_kind(examples, held_out)
    return {
        "floor": overall.floor,
        "cap": overall.cap,
        "floors": {k: s.floor for k, s in by_kind.items()},
        "caps": {k: s.cap for k, s in by_kind.items()},
    }


def fit(examples: list[Example]) -> dict[str, Any]:
    rows = np.vstack([ex.rows for ex in examples])
    labels = np.concatenate([ex.labels for ex in examples])
    ranker = _logistic(rows, labels)
    held_out = _out_of_fold(examples)
    questions = np.vstack(
        [question_row(ex.rows, p) for ex, p in zip(examples, held_out, strict=True)]
    )
    answerable = np.array([ex.question.answerable for ex in examples], dtype=np.int64)
    abstention = _logistic(questions, answerable)
    confidence = Logistic.of(abstention).probabilities(questions)
    return {
        "version": 3,
        "features": list(FEATURES),
        "ranker": ranker,
        "answerable": {"features": list(QUESTION_FEATURES), **abstention},
        "threshold": _best_threshold(examples, held_out, confidence),
        "list_threshold": _best_list_threshold(examples, held_out),
        **_selection_fields(examples, held_out),
        "fitted_on": {
            "sets": [*BUNDLED_SETS, *NEWS_SETS],
            "questions": len(examples),
            "candidates": len(labels),
            "answering_candidates": int(labels.sum()),
        },
    }


def _differences(saved: dict[str, Any], fitted: dict[str, Any]) -> list[str]:
    problems = []
    for field in ("features", "fitted_on", "embedder"):
        if saved.get(field) != fitted.get(field):
            problems.append(f"{field} differ")
    for model in ("ranker", "answerable"):
        for field in ("coefficients", "mean", "scale", "intercept"):
            a = np.asarray(saved[model][field], dtype=np.float64)
            b = np.asarray(fitted[model][field], dtype=np.float64)
            if a.shape != b.shape or not np.allclose(a, b, atol=TOLERANCE, rtol=TOLERANCE):
                problems.append(f"{model} {field} differ")
    for field in ("threshold", "list_threshold", "floor", "cap"):
        if abs(float(saved[field]) - float(fitted[field])) > 0.011:
            problems.append(f"{field}: saved {saved[field]}, refitted {fitted[field]}")
    saved_floors, fitted_floors = saved.get("floors", {}), fitted.get("floors", {})
    if saved_floors.keys() != fitted_floors.keys() or any(
        abs(saved_floors[k] - fitted_floors[k]) > 0.011 for k in saved_floors
    ):
        problems.append(f"floors: saved {saved_floors}, refitted {fitted_floors}")
    if saved.get("caps") != fitted.get("caps"):
        problems.append(f"caps: saved {saved.get('caps')}, refitted {fitted.get('caps')}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--news-root", type=Path, default=None)
    parser.add_argument(
        "--embedder",
        choices=("sentence-transformers", "hashing"),
        default="sentence-transformers",
        help="fit for this embedder (rag/ranker.json, or rag/ranker-hashing.json)",
    )
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--check", action="store_true", help="refit and compare, write nothing")
    parser.add_argument("--work", type=Path, default=None, help="keep the built indexes here")
    args = parser.parse_args(argv)
    config = Config(embedder=args.embedder)
    args.out = args.out or fitted_weights(args.embedder)
    fitted = fit(collect(args.news_root, args.work, config))
    fitted["embedder"] = args.embedder
    if args.check:
        saved = json.loads(args.out.read_text(encoding="utf-8"))
        problems = _differences(saved, fitted)
        for p in problems:
            print(f"fit-ranker check: {p}", file=sys.stderr)
        print(f"fit-ranker check: {'FAILED' if problems else 'refit reproduces'} {args.out}")
        return 1 if problems else 0
    args.out.write_text(json.dumps(fitted, indent=1) + "\n", encoding="utf-8")
    info = fitted["fitted_on"]
    print(
        f"wrote {args.out}: {info} threshold {fitted['threshold']} list {fitted['list_threshold']}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
