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
        ("index build, bundled article (s)", f"{s['index_build_s']:.2f}"),
    ]
    return rows


def markdown(figures: dict[str, Any], failures: list[str]) -> str:
    lines = ["# quotebot evaluation", "", "| figure | value |", "| --- | --- |"]
    lines += [f"| {name} | {value} |" for name, value in summary_rows(figures)]
    lines += ["", "## Gate", ""]
    lines += [f"- FAIL {f}" for f in failures] or ["- all gated figures meet their thresholds"]
    lines += ["", "## Answer correctness by question kind", ""]
    lines += [f"- {k}: {v:.3f}" for k, v in figures["answers"]["by_kind"].items()]
    misses = figures["answers"]["failures"]
    if misses:
        lines += ["", "## Questions answered wrongly", ""]
        lines += [
            f"- {m['id']} ({m['kind']}): cited {m['cited']}, abstained {m['abstained']}"
            for m in misses
        ]
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


def write(figures: dict[str, Any], failures: list[str], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(figures, indent=2), encoding="utf-8")
    (out / "report.md").write_text(markdown(figures, failures), encoding="utf-8")
    chart(figures, out / "chart.png")
