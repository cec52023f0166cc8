"""Write the evaluation results: JSON, a Markdown report and a PNG chart."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def summary_rows(figures: dict[str, Any]) -> list[tuple[str, str]]:
    r, a, e, s = (
        figures["retrieval"],
        figures["answers"],
        figures.get("extraction"),
        figures["speed"],
    )
    rows = []
    for mode in ("dense", "keyword", "hybrid"):
        m = r[mode]
        rows.append(
            (
                f"retrieval {mode} recall@1/3/5, MRR",
                f"{m['recall@1']:.3f} / {m['recall@3']:.3f} / {m['recall@5']:.3f}, {m['mrr']:.3f}",
            )
        )
    rows += [
        ("answer correctness", f"{a['correctness']:.3f}"),
        (
            "citation precision / recall",
            f"{a['citation_precision']:.3f} / {a['citation_recall']:.3f}",
        ),
        ("verbatim violations", str(a["verbatim_violations"])),
        ("speaker accuracy (answers)", f"{a['speaker_accuracy']:.3f}"),
        (
            "abstention precision / recall",
            f"{a['abstention_precision']:.3f} / {a['abstention_recall']:.3f}",
        ),
    ]
    if e:
        rows += [
            ("quote extraction precision / recall", f"{e['precision']:.3f} / {e['recall']:.3f}"),
            ("quote speaker accuracy", f"{e['speaker_accuracy']:.3f}"),
            ("pull quotes linked", f"{e['pull_quotes_linked']:.3f}"),
        ]
    rows += [
        (
            "ask latency p50 / p95 (ms)",
            f"{a['latency_ms']['p50']:.1f} / {a['latency_ms']['p95']:.1f}",
        ),
        (build_label(s), f"{s['index_build_s']:.2f}"),
    ]
    return rows


def build_label(speed: dict[str, Any]) -> str:
    if "articles" in speed:
        return f"index build, {speed['articles']} articles (s)"
    return "index build, bundled article (s)"


def kind_lines(figures: dict[str, Any]) -> list[str]:
    """The correctness-by-kind table (unanswerable questions: abstained)."""
    lines = ["| kind | questions | correct | correctness |", "| --- | --- | --- | --- |"]
    for kind, k in figures["answers"]["by_kind"].items():
        lines.append(f"| {kind} | {k['questions']} | {k['correct']} | {k['correctness']:.3f} |")
    return lines


def gate_lines(failures: list[str] | None) -> list[str]:
    if failures is None:
        return ["- not gated (thresholds: eval/thresholds.json, eval/news_thresholds.json)"]
    return [f"- FAIL {f}" for f in failures] or ["- all gated figures meet their thresholds"]


MISS_LABELS = {
    "abstained": "answerable, but abstained",
    "gold_not_cited": "answered without citing a gold paragraph",
    "key_phrase_missing": "answered without every key phrase",
    "speaker_missing": "answered without naming the right speaker",
    "answered_unanswerable": "unanswerable, but answered",
}


def miss_lines(figures: dict[str, Any]) -> list[str]:
    counts = figures["answers"].get("misses", {})
    return [f"- {label}: {counts[key]}" for key, label in MISS_LABELS.items() if key in counts]


def _miss(m: dict[str, Any]) -> str:
    where = f" in {m['article']}" if "article" in m else ""
    other = m.get("cited_other_articles")
    others = f" ({other} from other articles)" if other else ""
    return (
        f"- {m['id']} ({m['kind']}{where}): cited {m['cited']}{others}, abstained {m['abstained']}"
    )


def markdown(figures: dict[str, Any], failures: list[str] | None) -> str:
    name = figures.get("set", {}).get("name")
    lines = [f"# quotebot evaluation{f': {name}' if name else ''}", ""]
    lines += ["| figure | value |", "| --- | --- |"]
    lines += [f"| {label} | {value} |" for label, value in summary_rows(figures)]
    lines += ["", "## Gate", "", *gate_lines(failures)]
    lines += ["", "## Answer correctness by question kind", "", *kind_lines(figures)]
    lines += ["", "## Why answers were wrong", "", *miss_lines(figures)]
    misses = figures["answers"]["failures"]
    if misses:
        lines += ["", "## Questions answered wrongly", ""]
        lines += [_miss(m) for m in misses]
    return "\n".join(lines) + "\n"


def _set_row(name: str, f: dict[str, Any]) -> str:
    h, a = f["retrieval"]["hybrid"], f["answers"]
    return (
        f"| {name} | {a['questions']} | {f['set'].get('articles', 1)} | "
        f"{h['recall@1']:.3f} / {h['recall@5']:.3f} | {a['correctness']:.3f} | "
        f"{a['citation_precision']:.3f} | {a['speaker_accuracy']:.3f} | "
        f"{a['abstention_precision']:.3f} / {a['abstention_recall']:.3f} | "
        f"{a['verbatim_violations']} |"
    )


def multi_markdown(
    sets: dict[str, dict[str, Any]],
    pooled: dict[str, Any],
    failures: dict[str, list[str] | None],
) -> str:
    """Several sets: one row per set and the pooled row, then correctness by kind per set."""
    lines = ["# quotebot evaluation: several sets", ""]
    lines += [
        "| set | questions | articles | hybrid recall@1 / @5 | correctness | citation "
        "precision | speaker accuracy | abstention P / R | verbatim violations |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [_set_row(name, f) for name, f in sets.items()]
    lines.append(_set_row("pooled", pooled))
    names = [*sets, "pooled"]
    every = {**sets, "pooled": pooled}
    kinds = sorted({k for f in every.values() for k in f["answers"]["by_kind"]})
    lines += ["", "## Answer correctness by question kind (correct / questions)", ""]
    lines += ["| kind | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for kind in kinds:
        cells = []
        for n in names:
            k = every[n]["answers"]["by_kind"].get(kind)
            cells.append(f"{k['correctness']:.3f} ({k['correct']}/{k['questions']})" if k else "")
        lines.append(f"| {kind} | " + " | ".join(cells) + " |")
    lines += ["", "## Why answers were wrong (questions; a miss can have several causes)", ""]
    lines += ["| cause | " + " | ".join(names) + " |", "| --- |" + " --- |" * len(names)]
    for key, label in MISS_LABELS.items():
        cells = [str(every[n]["answers"].get("misses", {}).get(key, "")) for n in names]
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", "## Gate", ""]
    for name, f in failures.items():
        lines += [f"{name}:", *gate_lines(f)]
    lines += ["", "Each set's own report, figures and misses: `SET/report.md`, `SET/results.json`."]
    return "\n".join(lines) + "\n"


def chart(figures: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    r, a = figures["retrieval"], figures["answers"]
    names = [
        "dense R@1",
        "keyword R@1",
        "hybrid R@1",
        "hybrid R@5",
        "correctness",
        "abstention recall",
        "speaker acc.",
    ]
    values = [
        r["dense"]["recall@1"],
        r["keyword"]["recall@1"],
        r["hybrid"]["recall@1"],
        r["hybrid"]["recall@5"],
        a["correctness"],
        a["abstention_recall"],
        a["speaker_accuracy"],
    ]
    if figures.get("extraction"):
        names += ["quote P", "quote R"]
        values += [figures["extraction"]["precision"], figures["extraction"]["recall"]]
    fig, ax = plt.subplots(figsize=(9, 4))
    bars = ax.bar(names, values, color="#3b6ea8")
    ax.set_ylim(0, 1.05)
    ax.bar_label(bars, fmt="%.2f")
    ax.set_title("quotebot evaluation")
    plt.setp(ax.get_xticklabels(), rotation=30, ha="right")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def write(figures: dict[str, Any], failures: list[str] | None, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown(figures, failures), encoding="utf-8")
    chart(figures, out / "chart.png")


def write_many(
    sets: dict[str, dict[str, Any]],
    pooled: dict[str, Any],
    failures: dict[str, list[str] | None],
    out: Path,
) -> None:
    """Each set in ``out/SET/``; the per-set table and pooled figures in ``out/``."""
    for name, figures in sets.items():
        write(figures, failures.get(name), out / name)
    out.mkdir(parents=True, exist_ok=True)
    results = {"sets": sets, "pooled": pooled, "gate": failures}
    (out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / "report.md").write_text(multi_markdown(sets, pooled, failures), encoding="utf-8")
