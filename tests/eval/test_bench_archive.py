"""``quotebot bench --articles``: the archive bench builds, opens in a fresh process and
reports every figure (hashing embedder, generated articles)."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import bench_archive
from index.config import Config


def test_archive_bench_reports_every_figure(tmp_path: Path) -> None:
    empty = tmp_path / "none"
    empty.mkdir()
    result = bench_archive.run(
        12,
        source=empty,
        config=Config(embedder="hashing", add_batch_size=4),
        questions=3,
        baseline_adds=2,
        workdir=tmp_path,
    )
    assert result["real_articles"] == 0
    build, serve = result["build"], result["serve"]
    assert build["units"] > 12 * 5  # every generated article indexed
    assert build["articles_per_s"] > 0 and build["ratio_last_vs_first"] > 0
    assert result["baseline_build"]["articles"] == 2
    assert serve["open_ms"] > 0 and serve["search_ms"]["p50"] > 0 and serve["ask_ms"]["p50"] > 0
    assert serve["rss_mb"] > 50 and result["disk_mb"] > 0
    table = bench_archive.format_table(result)
    assert "12 articles (0 real)" in table and "search p50 / p95" in table


def test_unknown_store_and_bad_source_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="folder of articles"):
        bench_archive.article_paths(3, tmp_path / "gen", tmp_path / "missing")
    with pytest.raises(ValueError, match="1 or more"):
        bench_archive.run(0)
