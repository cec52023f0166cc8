"""index/paragraphs.py: blocks between blank lines, their offsets, numbering and kinds."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest

from index.paragraphs import build_paragraphs, is_caption, is_stopped_headline
from index.reader import read_source

ARTICLES = sorted((Path(__file__).parents[1] / "data" / "articles").glob("*.txt"))


def reference_blocks(text: str) -> list[str]:
    """What a reader counts: non-empty blocks between blank lines, stripped."""
    return [b.strip() for b in re.split(r"\n\s*\n", text) if b.strip()]


def check_paragraphs(text: str) -> None:
    paragraphs = build_paragraphs(text)
    for p in paragraphs:
        assert text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
    assert [p.number for p in paragraphs] == list(range(1, len(paragraphs) + 1))
    assert [p.text for p in paragraphs] == reference_blocks(text)
    starts = [p.start for p in paragraphs]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(paragraphs))


def test_bundled_article_offsets_and_numbering(bundled_text: str) -> None:
    check_paragraphs(bundled_text)
    assert len(build_paragraphs(bundled_text)) == 59


@pytest.mark.parametrize("path", ARTICLES, ids=[p.stem for p in ARTICLES])
def test_fixture_article_offsets_and_numbering(path: Path) -> None:
    assert ARTICLES, "no fixture articles found"
    check_paragraphs(read_source(path, 2_000_000))


# -- kinds on the bundled article ----------------------------------------------------------
EXPECTED_KINDS = {
    1: "title",
    2: "boilerplate",
    14: "boilerplate",
    33: "boilerplate",
    47: "boilerplate",
    59: "boilerplate",
    19: "caption",
    40: "caption",
    29: "heading",
    37: "heading",
    43: "heading",
    8: "pull_quote",
    25: "pull_quote",
    53: "pull_quote",
    58: "body",
}


@pytest.mark.parametrize(("number", "kind"), sorted(EXPECTED_KINDS.items()))
def test_bundled_article_kinds(bundled_text: str, number: int, kind: str) -> None:
    paragraph = build_paragraphs(bundled_text)[number - 1]
    assert paragraph.number == number
    assert paragraph.kind == kind, paragraph.text


def test_bundled_article_kind_texts(bundled_text: str) -> None:
    paragraphs = build_paragraphs(bundled_text)
    assert paragraphs[1].text == "9 min read\n23 January, 2024"
    for n in (14, 33, 47):
        assert paragraphs[n - 1].text == "Live Story"
    assert paragraphs[58].text.startswith("Follow him on Twitter")
    for n in (19, 40):
        assert paragraphs[n - 1].text.endswith("[Getty]")
    assert paragraphs[57].text == "Giorgio Cafiero is the CEO of Gulf State Analytics."


def test_bundled_article_other_paragraphs_are_body(bundled_text: str) -> None:
    for p in build_paragraphs(bundled_text):
        if p.number not in EXPECTED_KINDS:
            assert p.kind == "body", (p.number, p.text[:60])


# -- synthetic cases -----------------------------------------------------------------------
def test_markdown_title_heading_and_afp_caption() -> None:
    text = (
        "# Storm hits coast\n\n"
        "The storm hit the coast on Monday, flooding homes.\n\n"
        "Rescuers carry a child through floodwater in Porto. (AFP)\n\n"
        "## What happens next\n\n"
        "Officials said repairs would take weeks.\n\n"
        "Read more\n\n"
        "March 3, 2024\n"
    )
    check_paragraphs(text)
    kinds = [p.kind for p in build_paragraphs(text)]
    assert kinds == ["title", "body", "caption", "heading", "body", "boilerplate", "boilerplate"]


def test_second_markdown_h1_is_a_heading() -> None:
    kinds = [p.kind for p in build_paragraphs("# One\n\nBody text here.\n\n# Two\n\nMore.")]
    assert kinds == ["title", "body", "heading", "body"]


def test_plain_title_and_heading() -> None:
    text = "Plain Title Here\n\nSome body text that goes on.\n\nA Short Heading\n\nMore text."
    assert [p.kind for p in build_paragraphs(text)] == ["title", "body", "heading", "body"]


@pytest.mark.parametrize(
    ("first", "expected"),
    [
        ("Retired General Reveals ‘Demoralizing’ Experience Of Serving Under Obama.", True),
        ("Graham: Trump’s ‘Hateful Rhetoric’ Destroying GOP’s Chance.", True),
        ("Clinton camp: Trump’s Islamaphobia threatens national security.", True),
        # ledes: a sentence with names in it, a dateline, a quote, a colon introduction
        ("Senator Jane Smith said on Monday that the new bridge would open in May.", False),
        ("WASHINGTON (AP) — Bernie Sanders Has Scored A Big Win Abroad.", False),
        ("“We Will Win This,” The Mayor Told Reporters On Monday.", False),
        ("Here Is What The Senators Said On Tuesday:", False),
        ("Mayor Jane Smith said on Monday: “We will open the bridge in May.”", False),
    ],
)
def test_a_first_line_ending_in_a_full_stop_is_the_title_when_it_reads_as_one(
    first: str, expected: bool
) -> None:
    assert is_stopped_headline(first) is expected
    text = f"{first}\n\nThe committee met on Monday to vote.\n\nIt adjourned at noon."
    kinds = [p.kind for p in build_paragraphs(text)]
    assert kinds == ["title" if expected else "body", "body", "body"]


def test_a_headline_alone_above_one_paragraph_stays_body() -> None:
    text = "Mayor Opens The New Bridge.\n\nThe bridge opened on Monday."
    assert [p.kind for p in build_paragraphs(text)] == ["body", "body"]


@pytest.mark.parametrize(
    ("block", "expected"),
    [
        ("Protesters gather outside parliament. (AFP)", True),
        ("Protesters gather outside parliament. [Getty]", True),
        ("A man walks past. (Photo by Jane Doe/Reuters)", True),
        ("Photo: a flooded street", True),
        ("The deal was signed (in principle) last week.", False),
        ("Prices rose sharply (by 4%).", False),
    ],
)
def test_is_caption(block: str, expected: bool) -> None:
    assert is_caption(block) is expected


def test_pull_quote_needs_the_words_elsewhere() -> None:
    said = "The minister said the new plan would fix the roads within two years at most."
    text = (
        "Title Of Story\n\n"
        "“The new plan will fix the roads within two years,” the minister said.\n\n"
        "“The new plan will fix the roads within two years”\n\n"
        f"{said}\n\n"
        "“Nothing in this sentence appears anywhere else at all”"
    )
    kinds = [p.kind for p in build_paragraphs(text)]
    assert kinds[2] == "pull_quote"
    assert kinds[4] != "pull_quote"


@pytest.mark.parametrize(
    "text",
    [
        "First para.\n\nSecond para.",
        "First.\n \nSecond.",
        "AB\n\n\n\nC",
        "  lead\n\n\n",
        "\n\nX y\n",
    ],
)
def test_blank_line_variants(text: str) -> None:
    check_paragraphs(text)


# -- known bugs --------------------------------------------------------------------------
@pytest.mark.parametrize("text", ["First para. \n\nSecond para.", "Hello.\t\n\nWorld."])
def test_trailing_whitespace_before_blank_line_ends_paragraph(text: str) -> None:
    check_paragraphs(text)


@pytest.mark.parametrize("text", ["A\n\nB", "Title\n\n1\n\nBody text."])
def test_one_character_paragraph(text: str) -> None:
    check_paragraphs(text)


def test_nbsp_only_line_is_blank() -> None:
    check_paragraphs("First.\n\u00a0\nSecond.")


def test_a_newsletter_item_quoting_someone_is_not_a_caption() -> None:
    item = (
        "POLLS NOT WRONG, JUST EARLY - Mara Lindqvist: “The polls failed to predict the win "
        "because they ended too early.” [HuffPost.]"
    )
    assert not is_caption(item)
    assert is_caption("Crowds gather before the rally. [HuffPost.]")


def test_a_photo_caption_quoting_a_sign_stays_a_caption() -> None:
    assert is_caption(
        "A protester holds a sign reading “Stop the war now” in Kyiv. [Efrem Lukatsky]"
    )
