"""The CLI, run in-process on a hashing-embedder index."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from index.config import bundled_article
from ui.cli import main


@pytest.fixture
def index_dir(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    from index.config import Config
    from rag import QuoteBot

    directory = tmp_path / "idx"
    QuoteBot.create(directory, Config(embedder="hashing")).add(bundled_article())
    capsys.readouterr()
    return directory


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_index_search_quotes_speakers(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "okafor.md"
    article.write_text(
        "# Tariffs\n\n“Tariffs will rise,” said Dr Mina Okafor, an economist at "
        "the Lagos Institute.\n",
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "--index", str(index_dir), "index", str(article))
    assert code == 0 and "indexed as" in out
    code, out, _ = run(capsys, "--index", str(index_dir), "index", str(article))
    assert "already indexed" in out
    code, out, _ = run(capsys, "--index", str(index_dir), "search", "tariffs", "--json")
    hits = json.loads(out)
    assert hits[0]["text"].startswith("“Tariffs will rise,”")
    code, out, _ = run(capsys, "--index", str(index_dir), "quotes", "--speaker", "Okafor", "--json")
    assert [q["text"] for q in json.loads(out)] == ["Tariffs will rise"]
    code, out, _ = run(capsys, "--index", str(index_dir), "speakers", "--json")
    people = {s["name"]: s for s in json.loads(out)}
    assert people["Mina Okafor"]["title"] == "an economist at the Lagos Institute"
    assert people["Rouzbeh Parsi"]["quote_count"] == 5


def test_ask_json_and_file(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(
        capsys,
        "--index",
        str(index_dir),
        "ask",
        "What did Ali Vaez say about escalation?",
        "--json",
    )
    answer = json.loads(out)
    assert code == 0 and not answer["abstained"]
    for c in answer["citations"]:
        assert set(c) >= {"doc_id", "paragraph", "start", "end", "text", "speaker"}
    questions = tmp_path / "q.txt"
    questions.write_text("Which experts are quoted?\n\nWhat did Imran Khan say?\n")
    code, out, _ = run(capsys, "--index", str(index_dir), "ask", "--file", str(questions))
    lines = [json.loads(line) for line in out.splitlines()]
    assert len(lines) == 2 and not lines[0]["abstained"] and lines[1]["abstained"]


def test_bad_input_is_a_clear_error_and_keeps_the_index(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    binary = tmp_path / "photo.txt"
    binary.write_bytes(b"\x89PNG\x00\x00\x00")
    manifest = (index_dir / "manifest.json").read_text()
    code, _, err = run(capsys, "--index", str(index_dir), "index", str(binary))
    assert code == 2 and "binary" in err and "Traceback" not in err
    assert (index_dir / "manifest.json").read_text() == manifest
    code, _, err = run(capsys, "--index", str(tmp_path / "nowhere"), "speakers")
    assert code == 2 and "quotebot index" in err
    code, _, err = run(capsys, "--index", str(index_dir), "quotes", "--speaker", "Nobody")
    assert code == 2 and "Rouzbeh Parsi" in err


def test_help_does_not_import_torch() -> None:
    probe = (
        "import sys\nfrom ui.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\nprint('torch' in sys.modules, "
        "'sentence_transformers' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    ).stdout
    assert out.strip().splitlines()[-1] == "False False"
