"""The CLI, run in-process on a hashing-embedder index."""

from __future__ import annotations

import json
import re
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
    assert any(h["text"].startswith("“Tariffs will rise,”") for h in hits[:2])
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


# -- article management ------------------------------------------------------------------------
HTML = Path(__file__).resolve().parents[1] / "data" / "html"
ARTICLE = (
    "Ferry fares rise on the island route\n\n"
    "“Fuel costs left us no choice,” said Ana Ruiz, a director at Island Ferries.\n"
)


def articles(capsys: pytest.CaptureFixture[str], index_dir: Path) -> list[dict]:  # type: ignore[type-arg]
    code, out, _ = run(capsys, "articles", "--json", "--index", str(index_dir))
    assert code == 0
    return json.loads(out)


def test_index_option_before_or_after_the_subcommand(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    before, after = tmp_path / "before", tmp_path / "after"
    code, out, _ = run(capsys, "--index", str(before), "index", str(article))
    assert code == 0 and (before / "manifest.json").exists()
    code, out, _ = run(capsys, "index", str(article), "--index", str(after))
    assert code == 0 and (after / "manifest.json").exists()
    assert str(after) in out
    # given after the subcommand, it wins over one given before
    code, out, _ = run(capsys, "--index", str(before), "articles", "--index", str(after), "--json")
    assert [a["title"] for a in json.loads(out)] == ["Ferry fares rise on the island route"]


def test_index_folders_html_and_articles_listing(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "news"
    (folder / "deeper").mkdir(parents=True)
    (folder / "deeper" / "ferry.md").write_text(ARTICLE, encoding="utf-8")
    (folder / "page.html").write_bytes((HTML / "harbour-strike.html").read_bytes())
    (folder / "notes.pdf").write_bytes(b"%PDF-1.4 not an article")  # not picked up
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "draft.txt").write_text("A hidden draft.", encoding="utf-8")
    code, out, err = run(capsys, "index", str(folder), "--index", str(index_dir), "--json")
    assert code == 0 and err == ""  # --json is quiet on stderr
    result = json.loads(out)
    assert [Path(a["path"]).name for a in result["articles"]] == ["ferry.md", "page.html"]
    assert {a["state"] for a in result["articles"]} == {"indexed"}
    listed = {a["title"]: a for a in articles(capsys, index_dir)}
    assert set(listed) == {
        "Where is the Iran-Pakistan relationship heading?",
        "Ferry fares rise on the island route",
        "Dockworkers walk out at Port Elland",
    }
    page = listed["Dockworkers walk out at Port Elland"]
    assert page["date"] == "2025-03-14" and page["source"].endswith("page.html")
    assert page["paragraphs"] == 6 and page["quotes"] == 2
    assert listed["Ferry fares rise on the island route"]["quotes"] == 1
    assert set(page) >= {"doc_id", "title", "source", "date", "added", "paragraphs", "quotes"}
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", page["added"])
    code, out, _ = run(capsys, "articles", "--index", str(index_dir))
    assert "Dockworkers walk out at Port Elland" in out and "(2025-03-14" in out
    assert "6 paragraphs, 2 quotes" in out


def test_progress_bars_per_stage_on_stderr(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    # stderr is not a terminal here: no bars unless asked for
    code, _, err = run(capsys, "--index", str(index_dir), "index", str(article))
    assert code == 0 and "reading" not in err
    article.write_text(ARTICLE + "\nA second paragraph.\n", encoding="utf-8")
    code, _, err = run(capsys, "--index", str(index_dir), "index", str(article), "--progress")
    assert code == 0
    for stage in ("reading", "attribution", "embedding", "writing"):
        assert re.search(rf"{stage}\s*: 100%.*1/1", err), err
    assert re.search(r"reading\s*: 100%.*ferry\.txt", err), err
    article.write_text(ARTICLE + "\nA third paragraph.\n", encoding="utf-8")
    code, out, err = run(
        capsys, "--index", str(index_dir), "index", str(article), "--progress", "--json"
    )
    assert code == 0 and err == "" and json.loads(out)["articles"][0]["state"] == "indexed"


def test_replace_keeps_one_version_per_file(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    run(capsys, "--index", str(index_dir), "index", str(article))
    article.write_text(ARTICLE.replace("Fuel costs", "Fuel prices"), encoding="utf-8")
    run(capsys, "--index", str(index_dir), "index", str(article))
    ferries = [a for a in articles(capsys, index_dir) if a["title"].startswith("Ferry")]
    assert len(ferries) == 2  # without --replace, the changed file is added beside the old
    article.write_text(ARTICLE.replace("Fuel costs", "Fuel bills"), encoding="utf-8")
    code, out, _ = run(capsys, "--index", str(index_dir), "index", str(article), "--replace")
    assert code == 0 and out.count("replaced: the older version") == 2
    ferries = [a for a in articles(capsys, index_dir) if a["title"].startswith("Ferry")]
    assert len(ferries) == 1
    code, out, _ = run(
        capsys, "--index", str(index_dir), "quotes", "--speaker", "Ana Ruiz", "--json"
    )
    assert [q["text"] for q in json.loads(out)] == ["Fuel bills left us no choice"]


def _two_articles_sharing_an_id_prefix() -> tuple[str, str, str]:
    """Two article texts whose ids start alike, and that shared start."""
    from index.reader import document_id

    seen: dict[str, str] = {}
    for n in range(1000):
        text = f"Harbour report number {n}\n\n“Boats wait,” said Ana Ruiz, a harbour master.\n"
        key = document_id(text)[:2]
        if key in seen:
            return seen[key], text, key
        seen[key] = text
    raise AssertionError("no shared prefix")


def test_remove_by_unique_prefix_with_confirmation(
    index_dir: Path,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    first, second, shared = _two_articles_sharing_an_id_prefix()
    for name, text in (("a.txt", first), ("b.txt", second)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    run(
        capsys, "--index", str(index_dir), "index", str(tmp_path / "a.txt"), str(tmp_path / "b.txt")
    )
    ids = [a["doc_id"] for a in articles(capsys, index_dir)]
    assert len(ids) == 3
    code, _, err = run(capsys, "--index", str(index_dir), "remove", shared, "--yes")
    assert code == 2 and "give more of the id" in err and len(err.strip().splitlines()) == 1
    target = ids[1]
    # on a terminal it asks; "n" keeps the article
    monkeypatch.setattr("sys.stdin.isatty", lambda: True)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    code, _, err = run(capsys, "--index", str(index_dir), "remove", target[:6])
    assert code == 1 and "nothing removed" in err
    assert [a["doc_id"] for a in articles(capsys, index_dir)] == ids
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda prompt: asked.append(prompt) or "y")
    code, out, _ = run(capsys, "--index", str(index_dir), "remove", target[:6])
    assert code == 0 and f"removed {target}" in out
    assert "Harbour report number" in asked[0]
    assert [a["doc_id"] for a in articles(capsys, index_dir)] == [ids[0], ids[2]]
    # --yes never asks
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked despite --yes"))
    code, _, _ = run(capsys, "--index", str(index_dir), "remove", ids[2], "--yes")
    assert code == 0 and [a["doc_id"] for a in articles(capsys, index_dir)] == [ids[0]]
    code, out, _ = run(capsys, "--index", str(index_dir), "speakers", "--json")
    assert "Ana Ruiz" not in {s["name"] for s in json.loads(out)}


# -- every bad input: exit code 2, one clear line on stderr, no traceback -----------------------
def one_error_line(err: str) -> str:
    lines = [line for line in err.strip().splitlines() if line.startswith("error:")]
    assert len(lines) == 1 and "Traceback" not in err, err
    return lines[0]


def test_bad_inputs_exit_2_with_one_clear_line(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    idx = ["--index", str(index_dir)]
    empty = tmp_path / "empty.txt"
    empty.write_text("  \n\n", encoding="utf-8")
    pdf = tmp_path / "report.txt"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n")
    docx = tmp_path / "report.docx"
    docx.write_bytes(b"PK\x03\x04 word/document.xml")
    cases = {
        ("index", str(tmp_path / "missing.txt")): "does not exist",
        ("index", str(empty)): "is empty",
        ("index", str(pdf)): "is a binary file (a PDF)",
        ("index", str(docx)): "has type .docx",
        ("index", str(tmp_path / "nothing-here")): "does not exist",
        ("search", "deterrence", "--k", "0"): "k must be 1 or more",
        ("ask", "Why? " * 401): "over the limit of 2000",
        ("search", "x" * 2001): "over the limit of 2000",
        ("remove", "ffffffffffff", "--yes"): "no article with id 'ffffffffffff'",
        ("ask", "--file", str(tmp_path / "none.txt")): "does not exist",
    }
    manifest = (index_dir / "manifest.json").read_bytes()
    for argv, words in cases.items():
        code, _, err = run(capsys, *idx, *argv)
        assert code == 2, (argv, err)
        assert words in one_error_line(err), (argv, err)
    assert (index_dir / "manifest.json").read_bytes() == manifest
    folder = tmp_path / "pdfs"
    folder.mkdir()
    (folder / "a.pdf").write_bytes(b"%PDF-1.4")
    code, _, err = run(capsys, *idx, "index", str(folder))
    assert code == 2 and "has no .txt, .md or .html files" in one_error_line(err)


def test_busy_writer_is_a_clear_error(
    index_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from index.store_writer import write_lock

    article = tmp_path / "ferry.txt"
    article.write_text(ARTICLE, encoding="utf-8")
    manifest = (index_dir / "manifest.json").read_bytes()
    with write_lock(index_dir, 0):  # another writer holds the index
        code, _, err = run(capsys, "--index", str(index_dir), "index", str(article), "--wait", "0")
        assert code == 2
        assert "another process has been writing" in one_error_line(err)
        doc_id = articles(capsys, index_dir)[0]["doc_id"]  # reading still works
        code, _, err = run(
            capsys, "--index", str(index_dir), "remove", doc_id, "--yes", "--wait", "0"
        )
        assert code == 2 and "another process" in one_error_line(err)
    assert (index_dir / "manifest.json").read_bytes() == manifest
    code, out, _ = run(capsys, "--index", str(index_dir), "index", str(article))
    assert code == 0 and "indexed as" in out


def test_serve_on_a_busy_port_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen()
        port = server.getsockname()[1]
        code, _, err = run(capsys, "serve", "--port", str(port))
    assert code == 2
    assert one_error_line(err) == (
        f"error: port {port} is in use: choose another with `make run PORT=...` or "
        "`quotebot serve --port N`"
    )
    code, _, err = run(capsys, "serve", "--port", "70000")
    assert code == 2 and "not a port number" in one_error_line(err)


def test_check_reports_a_damaged_segment(
    index_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "--index", str(index_dir), "check")
    assert code == 0 and "match" in out
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    segment = index_dir / manifest["segments"][0]["name"]
    data = bytearray(segment.read_bytes())
    data[len(data) // 2] ^= 0xFF
    segment.write_bytes(bytes(data))
    code, _, err = run(capsys, "--index", str(index_dir), "check")
    assert code == 2
    assert err.startswith("error: ") and segment.name in err and "checksum" in err
