"""Quality gate: compare figures with the thresholds checked into eval/thresholds.json
(sets about the bundled article) and the optional eval/news_thresholds.json (news sets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEFAULT_THRESHOLDS = Path(__file__).parent / "thresholds.json"
NEWS_THRESHOLDS = Path(__file__).parent / "news_thresholds.json"


def lookup(figures: dict[str, Any], dotted: str) -> float | None:
    value: Any = figures
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return None
        value = value[part]
    return float(value) if isinstance(value, (int, float)) else None


def check(
    figures: dict[str, Any], path: Path = DEFAULT_THRESHOLDS, section: str | None = None
) -> list[str]:
    """Failures as readable lines; empty when every gated figure meets its threshold.
    ``section`` picks one part of a file that holds several ("each", "pooled")."""
    thresholds = json.loads(path.read_text(encoding="utf-8"))
    if section is not None and section in thresholds:
        thresholds = thresholds[section]
    failures = []
    for key, rule in thresholds.items():
        value = lookup(figures, key)
        if value is None:
            failures.append(f"{key}: missing from the results")
        elif "min" in rule and value < rule["min"]:
            failures.append(f"{key} = {value:.3f}, below the minimum {rule['min']}")
        elif "max" in rule and value > rule["max"]:
            failures.append(f"{key} = {value:.3f}, above the maximum {rule['max']}")
    return failures


def check_news(
    figures: dict[str, Any], path: Path = NEWS_THRESHOLDS, pooled: bool = False
) -> list[str] | None:
    """Failures of one news set (its "each" thresholds) or of the pooled figures of several
    ("pooled") against ``path``; None (not gated) when there is no such file. One set has
    about 30 answerable questions, so its floor is looser than the pooled one."""
    if not path.exists():
        return None
    return check(figures, path, "pooled" if pooled else "each")
