"""``quotebot bench``: index build time, cold open, warm search and ask latency,
against a naive baseline (dense-only brute-force numpy over paragraphs) in the same run;
and how the cost of adding an article grows with the index (last 10% of N adds vs first)."""

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


_PLACES = ("Port Selva", "Casterra", "Harrowgate", "Valdoria", "Kerrin", "Lowmarsh")
_PEOPLE = ("Amira Okafor", "Bruno Lindqvist", "Chen Moreau", "Dalia Tanaka", "Emil Varga")


def generated_article(n: int) -> str:
    """A short news article, distinct for each ``n``, with a quoted speaker and facts."""
    place, person = _PLACES[n % len(_PLACES)], _PEOPLE[n % len(_PEOPLE)]
    return (
        f"Harbour works number {n} begin in {place}\n\n"
        f"Work on berth {n} of the {place} harbour began on Tuesday, the port authority "
        f"said, after {n % 12 + 2} months of delays caused by funding disputes.\n\n"
        f"\u201cBerth {n} will take the larger ferries by the spring,\u201d said {person}, "
        f"the authority's chief engineer. \u201cThe delays cost us a season.\u201d\n\n"
        f"The project is expected to cost {n * 3 + 40} million, the regional council said. "
        f"Local fishing crews have asked for a say in the timetable.\n\n"
        f"Critics say the council underestimated the cost of dredging berth {n}.\n"
    )


def add_scaling(n: int = 200, config: Config | None = None) -> dict[str, Any]:
    """Add ``n`` generated articles one by one; the mean cost of the last 10% of adds
    against the first 10% (near 1 when an add costs what it adds, not the index size)."""
    config = config or Config(embedder="hashing")
    tenth = max(1, n // 10)
    with tempfile.TemporaryDirectory() as tmp:
        bot = QuoteBot.create(Path(tmp) / "idx", config)
        bot.add_text(generated_article(n + 1), "warm-up.txt")  # model and parser loads
        costs = []
        for i in range(n):
            started = time.perf_counter()
            bot.add_text(generated_article(i), f"article-{i}.txt")
            costs.append((time.perf_counter() - started) * 1000)
        segments = len(bot.store.manifest.data["segments"]) if bot.store.manifest else 0
        bot.close()
    first, last = statistics.mean(costs[:tenth]), statistics.mean(costs[-tenth:])
    first_p50, last_p50 = statistics.median(costs[:tenth]), statistics.median(costs[-tenth:])
    return {
        "articles": n,
        "embedder": config.embedder,
        "first_10pct_ms": first,  # means: merges included, amortised
        "last_10pct_ms": last,
        "ratio_last_vs_first": last / first,
        "ratio_p50_last_vs_first": last_p50 / first_p50,
        "max_ms": max(costs),
        "segments_at_end": segments,
    }


_TOPICS = (
    "ferries harbour delays",
    "dredging cost",
    "funding disputes",
    "fishing crews timetable",
    "the spring season",
)


def finder_speed(n: int = 100, queries: int = 50, config: Config | None = None) -> dict[str, Any]:
    """Warm ``find_quotes`` latency over ``n`` generated articles: a topic alone, a topic
    with a speaker filter, a topic scoped to one article, and a speaker without a topic.
    Each topic is embedded afresh (the query cache is cleared before each call)."""
    config = config or Config(embedder="hashing")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "articles"
        folder.mkdir()
        paths = []
        for i in range(n):
            path = folder / f"article-{i:03d}.txt"
            path.write_text(generated_article(i), encoding="utf-8")
            paths.append(path)
        bot = QuoteBot.create(Path(tmp) / "idx", config)
        ids = bot.add_many(paths)
        quotes = len(bot.quotes())
        bot.find_quotes("warm up")

        def topic(i: int) -> str:
            return f"{_TOPICS[i % len(_TOPICS)]} {i}"

        def timed(call: Any) -> dict[str, float]:
            def once(i: int) -> None:
                bot.retriever.clear_cache()
                call(i)

            times = _timed(once, queries)
            return {"p50": statistics.median(times), "p95": percentile(times, 95)}

        person = _PEOPLE[0]
        figures = {
            "topic_ms": timed(lambda i: bot.find_quotes(about=topic(i))),
            "topic_speaker_ms": timed(lambda i: bot.find_quotes(about=topic(i), speaker=person)),
            "topic_one_article_ms": timed(
                lambda i: bot.find_quotes(about=topic(i), doc_ids=[ids[i % n]])
            ),
            "speaker_only_ms": timed(lambda i: bot.find_quotes(speaker=person)),
        }
        bot.close()
    return {
        "articles": n,
        "quotes": quotes,
        "queries": queries,
        "embedder": config.embedder,
        **figures,
    }


def run(
    config: Config | None = None, queries: int = 100, adds: int = 200, finder: int = 100
) -> dict[str, Any]:
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
        "add_scaling": add_scaling(adds) if adds > 0 else None,
        "finder": finder_speed(finder) if finder > 0 else None,
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
    scaling = r.get("add_scaling")
    if scaling:
        out.append(
            f"adding {scaling['articles']} articles one by one ({scaling['embedder']} embedder): "
            f"first 10% {scaling['first_10pct_ms']:.1f} ms, last 10% "
            f"{scaling['last_10pct_ms']:.1f} ms per add, ratio "
            f"{scaling['ratio_last_vs_first']:.2f}x (medians "
            f"{scaling['ratio_p50_last_vs_first']:.2f}x; 1.00x: an add costs what it adds); "
            f"{scaling['segments_at_end']} segments at the end"
        )
    found = r.get("finder")
    if found:
        out.append(
            f"quote finder, {found['articles']} articles / {found['quotes']} quotes "
            f"({found['embedder']} embedder), warm p50 / p95: topic "
            f"{found['topic_ms']['p50']:.1f} / {found['topic_ms']['p95']:.1f} ms, "
            f"topic + speaker {found['topic_speaker_ms']['p50']:.1f} / "
            f"{found['topic_speaker_ms']['p95']:.1f} ms, topic in one article "
            f"{found['topic_one_article_ms']['p50']:.1f} / "
            f"{found['topic_one_article_ms']['p95']:.1f} ms, speaker only "
            f"{found['speaker_only_ms']['p50']:.1f} / {found['speaker_only_ms']['p95']:.1f} ms"
        )
    return "\n".join(out)
