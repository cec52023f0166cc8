"""Run the evaluation: retrieval, answers, extraction and speed figures in one dict.

A set about the bundled article runs on a given bot; a multi-article (news) set runs on a
fresh index holding all of its articles, each question judged against its own article.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from eval.dataset import (
    EvalQuestion,
    QuoteSet,
    load_quote_sets,
)
from eval.metrics import (
    gold_keys,
    hit_key,
    is_gold,
    match_quotes,
    norm,
    percentile,
    recall_at,
    reciprocal_rank,
    same_speaker,
)
from index.config import Config, bundled_article
from index.paragraphs import build_paragraphs
from index.quotes import extract
from index.reader import read_source
from rag import QuoteBot
from rag.verify import violations

Progress = Callable[[str], None]
MODES: tuple[Literal["dense", "keyword", "hybrid"], ...] = ("dense", "keyword", "hybrid")


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def retrieval_rows(bot: QuoteBot, questions: list[EvalQuestion]) -> list[dict[str, Any]]:
    """Per question: recall@1/3/5 and reciprocal rank of its gold paragraphs, per mode."""
    usable = [
        q
        for q in questions
        if q.answerable and q.gold_paragraphs and not q.previous and q.kind != "people"
    ]
    rows = []
    for q in usable:
        gold = gold_keys(q)
        row: dict[str, Any] = {"id": q.id}
        for mode in MODES:
            ranked = [
                hit_key(q, h.doc_id, h.paragraph) for h in bot.search(q.question, k=10, mode=mode)
            ]
            row[mode] = {
                "recall@1": recall_at(ranked, gold, 1),
                "recall@3": recall_at(ranked, gold, 3),
                "recall@5": recall_at(ranked, gold, 5),
                "mrr": reciprocal_rank(ranked, gold),
            }
        rows.append(row)
    return rows


def summarise_retrieval(rows: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"questions": len(rows)}
    for mode in MODES:
        out[mode] = {
            name: _mean([r[mode][name] for r in rows])
            for name in ("recall@1", "recall@3", "recall@5", "mrr")
        }
    return out


def evaluate_retrieval(bot: QuoteBot, questions: list[EvalQuestion]) -> dict[str, Any]:
    """recall@1/3/5 and MRR of gold paragraphs for dense, keyword and hybrid search."""
    return summarise_retrieval(retrieval_rows(bot, questions))


def _statement_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if not line.endswith(":")]


def answer_rows(
    bot: QuoteBot, questions: list[EvalQuestion], progress: Progress | None = None
) -> list[dict[str, Any]]:
    """Per question: the answer judged (gold cited, phrases, speakers, violations, latency)."""
    rows = []
    for q in questions:
        history = [bot.ask(q.previous)] if q.previous else []
        bot.retriever.clear_cache()  # time the question as a user would first ask it
        started = time.perf_counter()
        answer = bot.ask(q.question, history=history)
        latency = (time.perf_counter() - started) * 1000
        text = norm(answer.text)
        row: dict[str, Any] = {
            "id": q.id,
            "kind": q.kind,
            "answerable": q.answerable,
            "abstained": answer.abstained,
            "answer": answer.text,
            "cited": [c.paragraph for c in answer.citations],
            "violations": violations(bot, answer),
            "latency_ms": latency,
            "confidence": answer.confidence,
        }
        if q.article is not None:
            row["article"] = q.article
            row["cited_other_articles"] = sum(c.doc_id != q.doc_id for c in answer.citations)
        if q.answerable:
            gold = [is_gold(q, c.doc_id, c.paragraph) for c in answer.citations]
            row["gold_cited"] = any(gold)
            row["phrases"] = all(norm(p) in text for p in q.key_phrases)
            named = [norm(s) in text for s in q.gold_speakers]
            # a list question must name everyone; otherwise one of the people who said it
            row["speakers"] = all(named) if q.kind == "people" else (any(named) or not named)
            row["has_speakers"] = bool(q.gold_speakers)
            row["correct"] = (
                not answer.abstained and row["gold_cited"] and row["phrases"] and row["speakers"]
            )
            row["citation_precision"] = sum(gold) / len(gold) if gold else 0.0
            lines = _statement_lines(answer.text)
            row["citation_recall"] = (
                sum("[" in line for line in lines) / len(lines) if lines else 0.0
            )
        else:
            row["correct"] = answer.abstained
        rows.append(row)
        if progress:
            progress(q.id)
    return rows


def by_kind(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Correctness per question kind (for unanswerable questions: abstained)."""
    out = {}
    for kind in sorted({r["kind"] for r in rows}):
        mine = [r for r in rows if r["kind"] == kind]
        out[kind] = {
            "questions": len(mine),
            "correct": sum(bool(r["correct"]) for r in mine),
            "correctness": _mean([float(r["correct"]) for r in mine]),
        }
    return out


def misses(rows: list[dict[str, Any]]) -> dict[str, int]:
    """Why answers were wrong (an answerable miss can have several causes)."""
    wrong = [r for r in rows if r["answerable"] and not r["correct"]]
    return {
        "abstained": sum(r["abstained"] for r in wrong),
        "gold_not_cited": sum(not r["abstained"] and not r["gold_cited"] for r in wrong),
        "key_phrase_missing": sum(not r["abstained"] and not r["phrases"] for r in wrong),
        "speaker_missing": sum(not r["abstained"] and not r["speakers"] for r in wrong),
        "answered_unanswerable": sum(not r["answerable"] and not r["abstained"] for r in rows),
    }


def summarise_answers(rows: list[dict[str, Any]]) -> dict[str, Any]:
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    abstained = [r for r in rows if r["abstained"]]
    latencies = [r["latency_ms"] for r in rows]
    return {
        "questions": len(rows),
        "unanswerable": len(unanswerable),
        "correctness": _mean([float(r["correct"]) for r in answerable]),
        "citation_precision": _mean(
            [r["citation_precision"] for r in answerable if not r["abstained"]]
        ),
        "citation_recall": _mean([r["citation_recall"] for r in answerable if not r["abstained"]]),
        "verbatim_violations": sum(len(r["violations"]) for r in rows),
        "speaker_accuracy": _mean([float(r["speakers"]) for r in answerable if r["has_speakers"]]),
        "abstention_precision": (
            sum(not r["answerable"] for r in abstained) / len(abstained) if abstained else 1.0
        ),
        "abstention_recall": _mean([float(r["abstained"]) for r in unanswerable]),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "by_kind": by_kind(rows),
        "misses": misses(rows),
        "failures": [
            {k: v for k, v in r.items() if k != "latency_ms"} for r in rows if not r["correct"]
        ],
        # every question's outcome and confidence: with the ranker's threshold set to 0 they
        # give correctness at any abstention recall (compare changes at the same recall)
        "outcomes": [
            {k: r.get(k) for k in ("id", "answerable", "abstained", "correct", "confidence")}
            for r in rows
        ],
    }


def evaluate_answers(
    bot: QuoteBot, questions: list[EvalQuestion], progress: Progress | None = None
) -> dict[str, Any]:
    """Correctness, citation precision/recall, verbatim violations, speakers, abstention."""
    return summarise_answers(answer_rows(bot, questions, progress))


def evaluate_extraction(sets: list[QuoteSet]) -> dict[str, Any]:
    """Quote precision/recall and speaker accuracy against the expected quote sets."""
    predicted_total = expected_total = matched = right_speaker = 0
    pull_total = pull_right = 0
    per_article = {}
    for qs in sets:
        text = read_source(qs.article, 10_000_000)
        extraction = extract("eval", text, build_paragraphs(text))
        predicted = [q for q in extraction.quotes if q.repeats is None]
        expected = qs.expected["quotes"]
        pairs = match_quotes(predicted, expected)
        speakers_ok = sum(same_speaker(p.speaker, e["speaker"]) for p, e in pairs)
        predicted_total += len(predicted)
        expected_total += len(expected)
        matched += len(pairs)
        right_speaker += speakers_ok
        pulls = {q.paragraph: q for q in extraction.quotes if q.repeats}
        for item in qs.expected.get("pull_quotes", []):
            pull_total += 1
            got = pulls.get(item["paragraph"])
            pull_right += bool(got and same_speaker(got.speaker, item["speaker"]))
        per_article[qs.name] = {
            "predicted": len(predicted),
            "expected": len(expected),
            "matched": len(pairs),
            "speaker_correct": speakers_ok,
        }
    return {
        "articles": len(sets),
        "precision": matched / predicted_total if predicted_total else 1.0,
        "recall": matched / expected_total if expected_total else 1.0,
        "speaker_accuracy": right_speaker / matched if matched else 0.0,
        "pull_quotes_linked": pull_right / pull_total if pull_total else 1.0,
        "per_article": per_article,
    }


def build_time(config: Config) -> float:
    """Seconds to build a fresh index of the bundled article (model load excluded)."""
    with tempfile.TemporaryDirectory() as tmp:
        bot = QuoteBot.create(Path(tmp) / "idx", config)
        bot.embedder.embed(["warm up"])
        started = time.perf_counter()
        bot.add(bundled_article())
        elapsed = time.perf_counter() - started
        bot.close()
    return elapsed


@dataclass
class SetRun:
    """One question set evaluated: its figures and the per-question rows they summarise."""

    name: str
    figures: dict[str, Any]
    retrieval: list[dict[str, Any]] = field(default_factory=list)
    answers: list[dict[str, Any]] = field(default_factory=list)


def run_rows(
    name: str,
    bot: QuoteBot,
    questions: list[EvalQuestion],
    progress: Progress | None = None,
) -> SetRun:
    """Retrieval and answer figures of one set on ``bot`` (no extraction or speed)."""
    retrieval = retrieval_rows(bot, questions)
    answers = answer_rows(bot, questions, progress)
    figures = {
        "set": {"name": name, "questions": len(questions)},
        "retrieval": summarise_retrieval(retrieval),
        "answers": summarise_answers(answers),
    }
    return SetRun(name, figures, retrieval, answers)


def run_set(
    name: str,
    bot: QuoteBot,
    questions: list[EvalQuestion],
    quote_dir: Path | None,
    progress: Progress | None = None,
) -> SetRun:
    """A bundled-article set on ``bot``, with extraction and speed figures."""
    sets = load_quote_sets(quote_dir) if quote_dir and quote_dir.exists() else []
    result = run_rows(name, bot, questions, progress)
    result.figures["extraction"] = evaluate_extraction(sets) if sets else None
    result.figures["speed"] = {"index_build_s": build_time(bot.config)}
    return result


def run(
    bot: QuoteBot,
    questions: list[EvalQuestion],
    quote_dir: Path | None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of the evaluation of a bundled-article set, in one JSON-ready dict."""
    return run_set("questions", bot, questions, quote_dir, progress).figures


def pool(runs: list[SetRun]) -> dict[str, Any]:
    """Figures over the questions of several sets together (each set on its own index)."""
    retrieval = [row for r in runs for row in r.retrieval]
    answers = [row for r in runs for row in r.answers]
    speeds = [r.figures.get("speed", {}) for r in runs]
    return {
        "set": {
            "name": "pooled",
            "sets": [r.name for r in runs],
            "questions": len(answers),
            "articles": sum(r.figures["set"].get("articles", 1) for r in runs),
        },
        "retrieval": summarise_retrieval(retrieval),
        "answers": summarise_answers(answers),
        "extraction": None,
        "speed": {
            "index_build_s": sum(s.get("index_build_s", 0.0) for s in speeds),
            "articles": sum(s.get("articles", 1) for s in speeds),
        },
    }
