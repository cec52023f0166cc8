"""``quotebot bench``: index build time, cold open, warm search and ask latency,
against a naive baseline (dense-only brute-force numpy over paragraphs) in the same run."""

from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.dataset import load_questions
from eval.metrics import percentile
from index.config import Config, bundled_article
from rag import QuoteBot


def _timed(fn: Any, repeat: int) -> list[float]:
    out = []
    for i in range(repeat):
        started = time.perf_counter()
        fn(i)
        out.append((time.perf_counter() - started) * 1000)
    return out


def run(config: Config | None = None, queries: int = 100) -> dict[str, Any]:
    config = config or Config()
    questions = [q.question for q in load_questions()]
    texts = [
        questions[i % len(questions)] + ("" if i < len(questions) else f" ({i})")
        for i in range(queries)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp) / "idx"
        bot = QuoteBot.create(directory, config)
        bot.embedder.embed(["warm up"])  # model load is reported separately
        started = time.perf_counter()
        bot.add(bundled_article())
        build_s = time.perf_counter() - started
        bot.close()
        started = time.perf_counter()
        cold = QuoteBot.open(directory)
        open_ms = (time.perf_counter() - started) * 1000
        started = time.perf_counter()
        cold.embedder.embed(["first query"])
        model_load_ms = (time.perf_counter() - started) * 1000
        cold.search(texts[0])
        search = _timed(lambda i: cold.search(texts[i]), queries)
        cold.ask(texts[0])

        def ask_fresh(i: int) -> None:
            cold.retriever.clear_cache()  # each question embedded as if asked for the first time
            cold.ask(texts[i])

        ask = _timed(ask_fresh, queries)

        # Baseline: embed every paragraph, brute-force numpy dot product, no fusion.
        doc = cold.documents()[0]
        paragraphs = [p for p in doc.paragraphs if p.kind != "boilerplate"]
        started = time.perf_counter()
        matrix = cold.embedder.embed([p.text for p in paragraphs])
        baseline_build_s = time.perf_counter() - started

        def baseline(i: int) -> None:
            vector = cold.embedder.embed([texts[i]])[0]
            np.argsort(-(matrix @ vector))[:5]

        baseline(0)
        base = _timed(baseline, queries)
        cold.close()
    return {
        "queries": queries,
        "index_build_s": build_s,
        "cold_open_ms": open_ms,
        "model_load_ms": model_load_ms,
        "search_ms": {"p50": statistics.median(search), "p95": percentile(search, 95)},
        "ask_ms": {"p50": statistics.median(ask), "p95": percentile(ask, 95)},
        "baseline": {
            "build_s": baseline_build_s,
            "search_ms": {"p50": statistics.median(base), "p95": percentile(base, 95)},
        },
        "ratios": {
            "search_p50_vs_baseline": statistics.median(search) / statistics.median(base),
            "build_vs_baseline": build_s / baseline_build_s,
        },
    }


def format_table(r: dict[str, Any]) -> str:
    rows = [
        (
            "index build, bundled article",
            f"{r['index_build_s'] * 1000:.0f} ms",
            f"{r['baseline']['build_s'] * 1000:.0f} ms",
            f"{r['ratios']['build_vs_baseline']:.2f}x",
        ),
        ("cold QuoteBot.open()", f"{r['cold_open_ms']:.1f} ms", "", ""),
        ("first query after open", f"{r['model_load_ms']:.0f} ms", "", ""),
        (
            "warm search p50 / p95",
            f"{r['search_ms']['p50']:.2f} / {r['search_ms']['p95']:.2f} ms",
            f"{r['baseline']['search_ms']['p50']:.2f} / {r['baseline']['search_ms']['p95']:.2f} ms",
            f"{r['ratios']['search_p50_vs_baseline']:.2f}x",
        ),
        ("warm ask p50 / p95", f"{r['ask_ms']['p50']:.2f} / {r['ask_ms']['p95']:.2f} ms", "", ""),
    ]
    out = [f"{'figure':32} {'quotebot':>22} {'baseline':>22} {'ratio':>8}"]
    out += [f"{a:32} {b:>22} {c:>22} {d:>8}" for a, b, c, d in rows]
    out.append(f"({r['queries']} queries; baseline = dense-only brute-force numpy over paragraphs)")
    return "\n".join(out)
