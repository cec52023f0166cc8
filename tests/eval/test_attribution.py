"""The attribution scorer: PolNeAR's four figures on brat-annotated text."""

from __future__ import annotations

import json
from pathlib import Path

from eval.attribution import parse_ann, score_folder
from index.types import Quote
from ui.cli import main

TEXT = (
    "Election night.\n\n"
    "“We won the state,” said Jane Smith, a senator from Ohio.\n\n"
    "“The count is not over,” he said.\n\n"
    "John Smith was less sure: “We should wait for the final count.”\n"
)
QUOTES = [
    "“We won the state,”",
    "“The count is not over,”",
    "“We should wait for the final count.”",
]
SOURCES = ["Jane Smith, a senator from Ohio", "he", "John Smith"]


def _annotated(folder: Path) -> Path:
    (folder / "text").mkdir(parents=True)
    (folder / "attributions").mkdir()
    (folder / "text" / "night.txt").write_text(TEXT, encoding="utf-8")
    lines = []
    for n, (quote, source) in enumerate(zip(QUOTES, SOURCES, strict=True)):
        q = TEXT.index(quote)
        s = TEXT.index(source, q if source == "he" else 0)
        lines += [
            f"T{3 * n + 1}\tContent {q} {q + len(quote)}\t{quote}",
            f"T{3 * n + 2}\tSource {s} {s + len(source)}\t{source}",
            f"T{3 * n + 3}\tCue 0 1\tx",
            f"E{n + 1}\tAttribution:T{3 * n + 3} Content:T{3 * n + 1} Source:T{3 * n + 2}",
        ]
    (folder / "attributions" / "night_ab.ann").write_text("\n".join(lines), encoding="utf-8")
    return folder


def _quote(text: str, inner: str, speaker: str | None) -> Quote:
    start = text.index(inner)
    return Quote("q", "d", 1, start, start + len(inner), inner, speaker, None, None, "direct")


def test_parse_ann_reads_direct_quotes_and_their_sources(tmp_path: Path) -> None:
    folder = _annotated(tmp_path)
    gold, contents = parse_ann((folder / "attributions" / "night_ab.ann").read_text())
    assert [g.source for g in gold] == SOURCES
    assert len(contents) == 3


def test_figures_follow_the_definitions(tmp_path: Path) -> None:
    folder = _annotated(tmp_path)

    def extractor(text: str, source: str) -> list[Quote]:
        return [
            _quote(text, "We won the state", "Jane Smith"),  # found, right speaker
            _quote(text, "The count is not over", "Jane Smith"),  # found; "he" names no one
            _quote(text, "Election night", "Nobody"),  # spurious
        ]  # John Smith's quote is not found

    score = score_folder(folder, extractor)
    assert score.gold == 3 and score.found == 2
    assert score.extracted == 3 and score.extracted_correct == 2
    assert score.named_gold == 2 and score.named_found == 1 and score.named_found_right == 1
    assert score.attributed_recall == 0.5
    assert {m.shape for m in score.misses} == {"not found", "spurious"}


def test_a_speaker_sharing_only_a_surname_is_right_by_the_scorer(tmp_path: Path) -> None:
    folder = _annotated(tmp_path)

    def extractor(text: str, source: str) -> list[Quote]:
        return [_quote(text, "We should wait for the final count.", "Jane Smith")]

    # PolNeAR's definition: the speaker shares a name word with the gold source
    assert score_folder(folder, extractor).named_found_right == 1


def test_cli_scores_a_folder_with_the_real_extractor(tmp_path: Path, capsys) -> None:
    folder = _annotated(tmp_path / "news")
    code = main(
        ["eval", "--attribution", str(folder), "--out", str(tmp_path), "--json", "--no-gate"]
    )
    assert code == 0
    figures = json.loads(capsys.readouterr().out)
    assert figures["recall"] == 1.0 and figures["attributed_recall"] == 1.0
    saved = json.loads((tmp_path / "attribution.json").read_text())
    assert saved["figures"] == figures


def test_cli_names_a_folder_without_annotations(tmp_path: Path, capsys) -> None:
    assert main(["eval", "--attribution", str(tmp_path)]) == 2
    assert "no annotated articles" in capsys.readouterr().err


def test_the_directory_check_counts_kinds_and_lists_non_speakers() -> None:
    from eval.attribution import speaker_check
    from index.types import Speaker

    text = (
        "Jane Harlow of the Denver Water Board spoke in Colorado on Monday. The board "
        "agreed instead. Instead of waiting, she left.\n"
    )
    speakers = [
        Speaker("Jane Harlow", None, (), 2, True),
        Speaker("Denver Water Board", None, (), 1, False),
        Speaker("Colorado", None, (), 1, False),
        Speaker("Instead", None, (), 1, True),
    ]
    kinds, odd = speaker_check(text, speakers)
    assert kinds == {"person": 2, "organisation": 2}
    assert [name.split(" (")[0] for name in odd] == ["Colorado", "Instead"]


REPORTED = "Election night.\n\nJane Smith said the count was over by midnight.\n\nTom Lee said the vote was fair.\n"
REPORTED_CONTENTS = [
    ("the count was over by midnight", "Jane Smith"),
    ("the vote was fair", "Tom Lee"),
]


def test_reported_speech_has_its_own_figures(tmp_path: Path) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "vote.txt").write_text(REPORTED, encoding="utf-8")
    lines = []
    for n, (content, source) in enumerate(REPORTED_CONTENTS):
        c, s = REPORTED.index(content), REPORTED.index(source)
        lines += [
            f"T{2 * n + 1}\tContent {c} {c + len(content)}\t{content}",
            f"T{2 * n + 2}\tSource {s} {s + len(source)}\t{source}",
            f"E{n + 1}\tContent:T{2 * n + 1} Source:T{2 * n + 2}",
        ]
    (tmp_path / "attributions" / "vote_ab.ann").write_text("\n".join(lines), encoding="utf-8")

    def indirect(text: str, inner: str, speaker: str) -> Quote:
        start = text.index(inner)
        return Quote("q", "d", 1, start, start + len(inner), inner, speaker, None, None, "indirect")

    def extractor(text: str, source: str) -> list[Quote]:
        return [
            indirect(text, "the count was over by midnight", "Jane Smith"),  # right
            indirect(text, "the vote was fair", "Jane Smith"),  # wrong speaker
            indirect(text, "Election night", "Nobody"),  # spurious
        ]

    score = score_folder(tmp_path, extractor, check_speakers=False)
    assert score.reported_gold == 2 and score.reported_found_right == 1
    assert score.indirect_extracted == 3 and score.indirect_extracted_correct == 2
    assert score.extracted == 0  # the direct-quote precision counts no reported speech
    assert score.figures()["reported_attributed_recall"] == 0.5
