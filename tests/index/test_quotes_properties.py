"""index/quotes.py: extraction never raises and every span points at its own text."""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from index.paragraphs import build_paragraphs
from index.quotes import extract
from index.types import Paragraph

MARKS = "“”\"‘’'"
FRAGMENTS = [
    "“",
    "”",
    '"',
    "‘",
    "’",
    "'",
    " said Dr Smith",
    " said Dr. Smith,",
    "she told Reuters",
    "he said",
    "according to Prof Jane Doe",
    ", the director of the Institute,",
    "\n\n",
    "\n",
    " ",
    ", ",
    ". ",
    ":",
    "Iran’s",
    "don’t",
    "Mr Khan",
    "Ali Vaez",
    "They",
    "believes that",
    "the official said",
    "The strike was a mistake",
    "we will",
    "(AFP)",
    "[Getty]",
    "# ",
    "Live Story",
    "—",
    "…",
    "?",
    "!",
    "words",
    "Tehran",
    "UN Security Council",
]

any_text = st.text(
    alphabet=st.one_of(
        st.sampled_from([*MARKS, "\n", " ", ".", ",", ":", "—", "A", "S", "a", "s"]),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=400,
)
mixed_text = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.from_regex(r"[A-Z]?[a-z]{1,9}", fullmatch=True)),
    max_size=80,
).map(lambda parts: " ".join(parts) if len(parts) % 3 == 0 else "".join(parts))

# Sentences built like news copy: quote marks (or none), words, a cue and a speaker, in
# either order; some documents repeat their first paragraph as a standalone pull quote.
_opens = st.sampled_from(["“", '"', "‘", "'", ""])
_closes = st.sampled_from(["”", '"', "’", "'", ""])
_words = st.lists(
    st.sampled_from(
        [
            "the",
            "strike",
            "was",
            "a",
            "mistake",
            "we",
            "will",
            "fight",
            "on",
            "Iran’s",
            "don’t",
            "never",
            "again",
            "talks",
            "fail",
            "within",
            "weeks",
            "Tehran",
        ]
    ),
    max_size=12,
).map(" ".join)
_names = st.sampled_from(
    [
        "Dr Smith",
        "Dr. Jane Smith",
        "she",
        "he",
        "they",
        "the official",
        "Ali Vaez",
        "Mr Khan",
        "the UN Security Council",
        "Reuters",
        "a senior official who asked not to be named",
        "",
    ]
)
_cues = st.sampled_from(
    ["said", "told Reuters", "added", "believes that", "according to", "noted", ":", ""]
)
_punct = st.sampled_from([",", ".", "?", "!", ", ", "", " —"])
_space = st.sampled_from([" ", " ", ""])
_after = st.tuples(_opens, _words, _punct, _closes, _space, _names, _space, _cues, _punct)
_before = st.tuples(
    _names, st.just(" "), _cues, st.sampled_from([" ", ": ", ", "]), _opens, _words, _punct, _closes
)
_paragraph = st.lists(
    st.one_of(_after.map("".join), _before.map("".join)), min_size=1, max_size=5
).map(" ".join)


def _with_pull_quotes(paragraphs: list[str], copies: int) -> str:
    pull = "“" + paragraphs[0].replace("“", "").replace("”", "") + "”"
    return "\n\n".join([*paragraphs, *[pull] * copies])


news_text = st.builds(
    _with_pull_quotes, st.lists(_paragraph, min_size=1, max_size=8), st.integers(0, 2)
)


def check(text: str) -> None:
    paragraphs = build_paragraphs(text)
    extraction = extract("doc", text, paragraphs)
    by_number: dict[int, Paragraph] = {p.number: p for p in paragraphs}
    for unit in (*extraction.quotes, *extraction.facts):
        assert 0 <= unit.start <= unit.end <= len(text)
        assert text[unit.start : unit.end] == unit.text, unit
        assert unit.doc_id == "doc"
        paragraph = by_number[unit.paragraph]
        assert paragraph.start <= unit.start and unit.end <= paragraph.end, (unit, paragraph)
    for quote in extraction.quotes:
        assert quote.kind in ("direct", "partial", "indirect")
        assert quote.speaker is None or quote.speaker.strip()
    assert len({q.quote_id for q in extraction.quotes}) == len(extraction.quotes)
    assert len({f.fact_id for f in extraction.facts}) == len(extraction.facts)
    for quote in extraction.quotes:
        if quote.repeats is not None:
            assert quote.repeats in {q.quote_id for q in extraction.quotes}
    speaker_names = {s.name for s in extraction.speakers}
    attributed = {q.speaker for q in extraction.quotes if q.speaker and q.repeats is None}
    assert attributed <= speaker_names


SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(any_text)
@example("")
@example("“")
@example("“”")
@example('"\n\n"')
@example("‘’")
@example("” said Dr Smith “")
@example("“Unclosed quote runs on\n\nto the next paragraph")
def test_arbitrary_text(text: str) -> None:
    check(text)


@SETTINGS
@given(mixed_text)
@example("“The strike was a mistake,” said Dr Smith, the director of the Institute.")
@example("Mr Khan believes that the talks will fail within weeks.\n\n“We will,” he said.")
@example("“”\n\n” said Dr Smith")
def test_mixed_fragments(text: str) -> None:
    check(text)


@SETTINGS
@given(news_text)
def test_news_like_text(text: str) -> None:
    check(text)


def test_fixture_articles_hold_the_properties(bundled_text: str, article_paths) -> None:  # type: ignore[no-untyped-def]
    check(bundled_text)
    for path in article_paths:
        check(path.read_text(encoding="utf-8"))
