"""Run the evaluation: retrieval, answers, extraction and speed figures in one dict."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from eval.dataset import EvalQuestion, QuoteSet, load_quote_sets
from eval.metrics import match_quotes, norm, percentile, recall_at, reciprocal_rank, same_speaker
from index.config import Config, bundled_article
from index.paragraphs import build_paragraphs
from index.quotes import extract
from index.reader import read_source
from rag import QuoteBot
from rag.verify import violations

Progress = Callable[[str], None]


def evaluate_retrieval(bot: QuoteBot, questions: list[EvalQuestion]) -> dict[str, Any]:
    """recall@1/3/5 and MRR of gold paragraphs for dense, keyword and hybrid search."""
    usable = [
        q
        for q in questions
        if q.answerable and q.gold_paragraphs and not q.previous and q.kind != "people"
    ]
    out: dict[str, Any] = {"questions": len(usable)}
    for mode in ("dense", "keyword", "hybrid"):
        r1 = r3 = r5 = mrr = 0.0
        for q in usable:
            ranked = [h.paragraph for h in bot.search(q.question, k=10, mode=mode)]
            r1 += recall_at(ranked, q.gold_paragraphs, 1)
            r3 += recall_at(ranked, q.gold_paragraphs, 3)
            r5 += recall_at(ranked, q.gold_paragraphs, 5)
            mrr += reciprocal_rank(ranked, q.gold_paragraphs)
        n = max(1, len(usable))
        out[mode] = {"recall@1": r1 / n, "recall@3": r3 / n, "recall@5": r5 / n, "mrr": mrr / n}
    return out


def _statement_lines(text: str) -> list[str]:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return [line for line in lines if not line.endswith(":")]


def evaluate_answers(
    bot: QuoteBot, questions: list[EvalQuestion], progress: Progress | None = None
) -> dict[str, Any]:
    """Correctness, citation precision/recall, verbatim violations, speakers, abstention."""
    rows = []
    latencies = []
    for q in questions:
        history = [bot.ask(q.previous)] if q.previous else []
        bot.retriever.clear_cache()  # time the question as a user would first ask it
        started = time.perf_counter()
        answer = bot.ask(q.question, history=history)
        latencies.append((time.perf_counter() - started) * 1000)
        text = norm(answer.text)
        cited = [c.paragraph for c in answer.citations]
        problems = violations(bot, answer)
        row: dict[str, Any] = {
            "id": q.id,
            "kind": q.kind,
            "answerable": q.answerable,
            "abstained": answer.abstained,
            "cited": cited,
            "violations": problems,
        }
        if q.answerable:
            row["gold_cited"] = bool(set(cited) & set(q.gold_paragraphs))
            row["phrases"] = all(norm(p) in text for p in q.key_phrases)
            named = [norm(s) in text for s in q.gold_speakers]
            # a list question must name everyone; otherwise one of the people who said it
            row["speakers"] = all(named) if q.kind == "people" else (any(named) or not named)
            row["correct"] = (
                not answer.abstained and row["gold_cited"] and row["phrases"] and row["speakers"]
            )
            row["citation_precision"] = (
                sum(c in q.gold_paragraphs for c in cited) / len(cited) if cited else 0.0
            )
            lines = _statement_lines(answer.text)
            row["citation_recall"] = (
                sum("[" in line for line in lines) / len(lines) if lines else 0.0
            )
        else:
            row["correct"] = answer.abstained
        rows.append(row)
        if progress:
            progress(q.id)
    answerable = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    abstained = [r for r in rows if r["abstained"]]
    with_speakers = [
        r for r, q in zip(rows, questions, strict=True) if q.answerable and q.gold_speakers
    ]

    def mean(values: list[float]) -> float:
        return sum(values) / len(values) if values else 0.0

    return {
        "questions": len(rows),
        "unanswerable": len(unanswerable),
        "correctness": mean([float(r["correct"]) for r in answerable]),
        "citation_precision": mean(
            [r["citation_precision"] for r in answerable if not r["abstained"]]
        ),
        "citation_recall": mean([r["citation_recall"] for r in answerable if not r["abstained"]]),
        "verbatim_violations": sum(len(r["violations"]) for r in rows),
        "speaker_accuracy": mean([float(r["speakers"]) for r in with_speakers]),
        "abstention_precision": (
            sum(not r["answerable"] for r in abstained) / len(abstained) if abstained else 1.0
        ),
        "abstention_recall": mean([float(r["abstained"]) for r in unanswerable]),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95)},
        "by_kind": {
            kind: mean([float(r["correct"]) for r in rows if r["kind"] == kind])
            for kind in sorted({r["kind"] for r in rows})
        },
        "failures": [r for r in rows if not r["correct"]],
    }


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


def run(
    bot: QuoteBot,
    questions: list[EvalQuestion],
    quote_dir: Path | None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Every figure of the evaluation, in one JSON-ready dict."""
    sets = load_quote_sets(quote_dir) if quote_dir and quote_dir.exists() else []
    return {
        "retrieval": evaluate_retrieval(bot, questions),
        "answers": evaluate_answers(bot, questions, progress),
        "extraction": evaluate_extraction(sets) if sets else None,
        "speed": {"index_build_s": build_time(bot.config)},
    }
