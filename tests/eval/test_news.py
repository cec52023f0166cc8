"""News sets: gold checks know which article a citation is from; figures per kind, per set
and pooled; the optional news gate."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from eval import gate, sets
from eval.dataset import NEWS_ENV, EvalQuestion, find_article, load_questions, news_root
from eval.metrics import is_gold
from eval.news import run_news_set
from eval.runner import answer_rows, by_kind, misses, retrieval_rows, summarise_answers
from index.config import Config
from rag import QuoteBot

NEWS = Path(__file__).resolve().parent.parent / "data" / "news"
TINY = NEWS / "tiny.jsonl"


@pytest.fixture
def news_bot(tmp_path: Path, hashing_config: Config):  # type: ignore[no-untyped-def]
    bot = QuoteBot.create(tmp_path / "idx", hashing_config)
    ids = bot.add_many(
        [find_article(NEWS, "harbour-dredging.txt"), find_article(NEWS, "school-meals.txt")]
    )
    yield bot, dict(zip(["harbour", "school"], ids, strict=True))
    bot.close()


def _asking(question: str, doc_id: str | None, gold: tuple[int, ...]) -> EvalQuestion:
    return EvalQuestion(
        id="q",
        question=question,
        kind="speaker",
        answerable=True,
        gold_paragraphs=gold,
        gold_speakers=(),
        key_phrases=(),
        article="x.txt" if doc_id else None,
        doc_id=doc_id,
    )


def test_a_citation_is_gold_only_in_the_questions_own_article(news_bot) -> None:  # type: ignore[no-untyped-def]
    bot, ids = news_bot
    text = "What did the harbour master Owen Price say about captains and the tide?"
    answer = bot.ask(text)
    cited = {(c.doc_id, c.paragraph) for c in answer.citations}
    assert (ids["harbour"], 5) in cited  # both articles have a paragraph 5
    right = _asking(text, ids["harbour"], (5,))
    decoy = _asking(text, ids["school"], (5,))  # same number, other article
    assert is_gold(right, ids["harbour"], 5) and not is_gold(decoy, ids["harbour"], 5)
    assert is_gold(_asking(text, None, (5,)), ids["school"], 5)  # bundled sets: any document
    rows = answer_rows(bot, [right, decoy])
    assert rows[0]["gold_cited"] and rows[0]["cited_other_articles"] == 0
    assert not rows[1]["gold_cited"] and rows[1]["citation_precision"] == 0.0
    assert rows[1]["cited_other_articles"] == len(answer.citations)
    assert rows[0]["answer"] == answer.text
    assert rows[0]["confidence"] == answer.confidence  # kept to compare operating points
    outcomes = summarise_answers(rows)["outcomes"]  # every question, right or not
    assert [o["correct"] for o in outcomes] == [rows[0]["correct"], rows[1]["correct"]]
    assert outcomes[0]["confidence"] == answer.confidence
    top = bot.search(text, k=1)[0]
    assert (top.doc_id, top.paragraph) == (ids["harbour"], 5)
    hits = retrieval_rows(bot, [right, decoy])
    assert hits[0]["hybrid"]["recall@1"] == 1.0
    assert hits[1]["hybrid"]["recall@1"] == 0.0


def test_by_kind_counts_and_correctness() -> None:
    rows = [
        {"kind": "fact", "correct": True},
        {"kind": "fact", "correct": False},
        {"kind": "speaker", "correct": True},
        {"kind": "unanswerable", "correct": False},
    ]
    assert by_kind(rows) == {
        "fact": {"questions": 2, "correct": 1, "correctness": 0.5},
        "speaker": {"questions": 1, "correct": 1, "correctness": 1.0},
        "unanswerable": {"questions": 1, "correct": 0, "correctness": 0.0},
    }


def test_misses_count_each_cause() -> None:
    def row(**kw: bool) -> dict[str, bool]:
        base = {"answerable": True, "abstained": False, "gold_cited": True}
        return {**base, "phrases": True, "speakers": True, **kw}

    rows = [
        {**row(abstained=True, gold_cited=False, phrases=False), "correct": False},
        {**row(gold_cited=False, phrases=False), "correct": False},
        {**row(speakers=False), "correct": False},
        {**row(), "correct": True},
        {"answerable": False, "abstained": False, "correct": False},
        {"answerable": False, "abstained": True, "correct": True},
    ]
    assert misses(rows) == {
        "abstained": 1,
        "gold_not_cited": 1,
        "key_phrase_missing": 1,
        "speaker_missing": 1,
        "answered_unanswerable": 1,
    }


def test_news_set_runs_on_a_fresh_index_of_its_articles(hashing_config: Config) -> None:
    questions = load_questions(TINY)
    run = run_news_set("tiny", questions, NEWS, hashing_config)
    f = run.figures
    assert f["set"] == {"name": "tiny", "questions": 8, "articles": 2}
    assert f["speed"]["articles"] == 2 and f["extraction"] is None
    kinds = f["answers"]["by_kind"]
    assert {k: v["questions"] for k, v in kinds.items()} == {
        "fact": 3,
        "speaker": 3,
        "unanswerable": 1,
        "who_said": 1,
    }
    assert sum(v["correct"] for v in kinds.values()) == sum(r["correct"] for r in run.answers)
    answerable = [r for r in run.answers if r["answerable"]]
    assert f["answers"]["correctness"] == pytest.approx(
        sum(r["correct"] for r in answerable) / len(answerable)
    )
    assert all(r["article"] for r in run.answers)
    assert f["retrieval"]["questions"] == 7
    assert f["answers"]["verbatim_violations"] == 0


def test_several_sets_report_each_and_pooled(tmp_path: Path, hashing_config: Config) -> None:
    copy = tmp_path / "sets" / "tiny-copy.jsonl"
    copy.parent.mkdir()
    shutil.copy(TINY, copy)
    out = tmp_path / "out"
    outcome = sets.evaluate(
        [str(TINY), str(tmp_path / "sets" / "*.jsonl")],
        lambda: pytest.fail("news sets never open the default index"),
        out,
        root=NEWS,
        config=hashing_config,
    )
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert list(results["sets"]) == ["tiny", "tiny-copy"]
    pooled = results["pooled"]
    assert pooled["set"]["questions"] == 16 and pooled["set"]["articles"] == 4
    assert pooled["answers"]["by_kind"]["fact"]["questions"] == 6
    for name in ("tiny", "tiny-copy"):
        own = json.loads((out / name / "results.json").read_text(encoding="utf-8"))
        assert own["answers"]["by_kind"] == results["sets"][name]["answers"]["by_kind"]
        assert "## Answer correctness by question kind" in (out / name / "report.md").read_text(
            encoding="utf-8"
        )
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "| tiny | 8 | 2 |" in report and "| pooled | 16 | 4 |" in report
    assert "| fact |" in report and outcome.markdown == report
    assert "| answerable, but abstained |" in report


def test_news_gate_is_optional_and_names_real_figures(
    tmp_path: Path, hashing_config: Config
) -> None:
    run = run_news_set("tiny", load_questions(TINY), NEWS, hashing_config)
    assert gate.check_news(run.figures, tmp_path / "absent.json") is None  # not gated
    strict = tmp_path / "t.json"
    strict.write_text('{"answers.by_kind.fact.correctness": {"min": 1.01}}', encoding="utf-8")
    assert gate.check_news(run.figures, strict) == [
        f"answers.by_kind.fact.correctness = {run.figures['answers']['by_kind']['fact']['correctness']:.3f}, below the minimum 1.01"
    ]
    thresholds = json.loads(gate.NEWS_THRESHOLDS.read_text(encoding="utf-8"))
    assert thresholds, "eval/news_thresholds.json gates nothing"
    for section in ("each", "pooled"):  # one set, and several pooled
        assert section in thresholds
        found = gate.check(run.figures, gate.NEWS_THRESHOLDS, section)
        assert not [f for f in found if "missing" in f]


def test_news_root_from_option_env_or_beside_the_project(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    assert news_root(tmp_path) == tmp_path
    monkeypatch.setenv(NEWS_ENV, str(NEWS))
    assert news_root() == NEWS
    monkeypatch.delenv(NEWS_ENV)
    assert news_root().parts[-3:] == ("shared", "news", "polnear")


@pytest.mark.model
def test_cli_evaluates_a_news_set_end_to_end(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    from ui.cli import main

    out = tmp_path / "out"
    code = main(
        ["eval", "--set", str(TINY), "--news-root", str(NEWS), "--out", str(out), "--no-gate"]
    )
    assert code == 0
    figures = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert figures["set"]["articles"] == 2
    assert sum(k["questions"] for k in figures["answers"]["by_kind"].values()) == 8
    assert figures["answers"]["verbatim_violations"] == 0
    assert figures["answers"]["correctness"] >= 0.5  # tiny and plain: the real model answers
    printed = capsys.readouterr().out
    assert "# quotebot evaluation: tiny" in printed and "| kind | questions |" in printed
    missing = main(["eval", "--set", str(TINY), "--news-root", str(tmp_path), "--out", str(out)])
    assert missing == 2
    assert "--news-root DIR" in capsys.readouterr().err
