"""Evaluate one or several question sets and write their reports (``quotebot eval``)."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval import gate, report, runner
from eval.dataset import expand_sets, is_news_set, load_questions, news_root
from eval.news import run_news_set
from index.config import Config
from rag import QuoteBot

# (set name, question count) -> a context whose value has ``update()`` (a tqdm bar)
Bars = Callable[[str, int], AbstractContextManager[Any]]


@dataclass(frozen=True)
class Outcome:
    """What ``quotebot eval`` prints and whether it fails."""

    figures: dict[str, Any]  # one set's figures, or {"sets", "pooled", "gate"}
    markdown: str
    failures: list[str]  # gated failures, prefixed with the set name when several
    written: list[str]  # files written, relative to ``out``


def _name(path: Path, taken: set[str]) -> str:
    name, n = path.stem, 2
    while name in taken:
        name, n = f"{path.stem}-{n}", n + 1
    return name


def evaluate(
    patterns: list[str],
    open_bot: Callable[[], QuoteBot],
    out: Path,
    quote_dir: Path | None = None,
    root: Path | None = None,
    bars: Bars | None = None,
    config: Config | None = None,
    gated: bool = True,
) -> Outcome:
    """Every set of ``patterns`` (paths or globs): a bundled-article set on ``open_bot()``
    gated by eval/thresholds.json, a news set on a fresh index of its articles gated by
    eval/news_thresholds.json when it exists (not ``gated``: none is). Several sets also
    give pooled figures."""
    paths = expand_sets(patterns)
    loaded = [(p, load_questions(p)) for p in paths]  # every set parses before any runs
    runs: list[runner.SetRun] = []
    failures: dict[str, list[str] | None] = {}
    bot: QuoteBot | None = None
    taken: set[str] = set()
    for path, questions in loaded:
        name = _name(path, taken)
        taken.add(name)
        with _bar(bars, name, len(questions)) as bar:

            def tick(_id: str, bar: Any = bar) -> None:
                if bar is not None:
                    bar.update()

            if is_news_set(questions):
                run = run_news_set(name, questions, news_root(root), config, tick)
                failures[name] = gate.check_news(run.figures) if gated else None
            else:
                bot = bot or open_bot()
                run = runner.run_set(name, bot, questions, quote_dir, tick)
                failures[name] = gate.check(run.figures) if gated else None
        runs.append(run)
    if len(runs) == 1:
        figures, fails = runs[0].figures, failures[runs[0].name]
        report.write(figures, fails, out)
        return Outcome(
            figures,
            report.markdown(figures, fails),
            fails or [],
            ["results.json", "report.md", "chart.png"],
        )
    sets = {r.name: r.figures for r in runs}
    pooled = runner.pool(runs)
    all_news = all(is_news_set(q) for _, q in loaded)
    failures["pooled"] = gate.check_news(pooled, pooled=True) if all_news and gated else None
    report.write_many(sets, pooled, failures, out)
    return Outcome(
        {"sets": sets, "pooled": pooled, "gate": failures},
        report.multi_markdown(sets, pooled, failures),
        [f"{name}: {f}" for name, fs in failures.items() for f in fs or []],
        ["results.json", "report.md", *(f"{name}/" for name in sets)],
    )


def _bar(bars: Bars | None, name: str, total: int) -> AbstractContextManager[Any]:
    return bars(name, total) if bars else nullcontext()
