"""index/sentences.py: sentence boundaries that never cut through a quotation."""

from __future__ import annotations

import itertools

import pytest

from index.marks import find_spans
from index.sentences import sentence_spans


def sentences(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text, find_spans(text))]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He said, “We will win. They will lose.” Then he left.",
            ["He said, “We will win. They will lose.”", "Then he left."],
        ),
        (
            "“We will win. They will lose,” he said. She disagreed.",
            ["“We will win. They will lose,” he said.", "She disagreed."],
        ),
        (
            'He said "It is done. Over." Then silence.',
            ['He said "It is done. Over."', "Then silence."],
        ),
        (
            "He said ‘It is done. Over.’ Then silence.",
            ["He said ‘It is done. Over.’", "Then silence."],
        ),
        (
            "“Is it over?” she asked. “No! Not yet.” he replied.",
            ["“Is it over?” she asked.", "“No! Not yet.” he replied."],
        ),
        (
            "“He told me ‘never again. Ever.’ And meant it,” she said. Fine.",
            ["“He told me ‘never again. Ever.’ And meant it,” she said.", "Fine."],
        ),
        ("“Unclosed quote. Runs on. To the end.", ["“Unclosed quote. Runs on. To the end."]),
    ],
)
def test_no_boundary_inside_a_quotation(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_no_sentence_boundary_falls_inside_any_span() -> None:
    text = (
        "Analysts were wary. “The strike was a mistake. It was avoidable. Nobody gained,” "
        "said Dr. Smith. “Talks must resume. Soon.” He paused. Then: “Really. Now.”"
    )
    spans = find_spans(text)
    result = sentence_spans(text, spans)
    for a, b in result:
        for span in spans:
            close = span.close_at if span.close_at is not None else len(text)
            # a sentence either contains the whole span or does not touch it
            assert (a <= span.open_at and close < b) or b <= span.open_at or a > close


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dr. Smith arrived. He spoke.", ["Dr. Smith arrived.", "He spoke."]),
        ("We met Dr. Smith today. He spoke.", ["We met Dr. Smith today.", "He spoke."]),
        (
            "Mr. Jones and Mrs. Jones left. Prof. Lee stayed.",
            ["Mr. Jones and Mrs. Jones left.", "Prof. Lee stayed."],
        ),
        (
            "The U.S. economy grew. It was 3.5 per cent.",
            ["The U.S. economy grew.", "It was 3.5 per cent."],
        ),
        ("J. R. Tolkien wrote it. Then he slept.", ["J. R. Tolkien wrote it.", "Then he slept."]),
        ("Prices rose, e.g. Bread and milk. Fine.", ["Prices rose, e.g. Bread and milk.", "Fine."]),
    ],
)
def test_abbreviations_are_not_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It rained. It poured.", ["It rained.", "It poured."]),
        ("It rained! 2024 was wet.", ["It rained!", "2024 was wet."]),
        ("It rained… we stayed in.", ["It rained… we stayed in."]),  # lower case: no boundary
        ("It rained.\nIt poured.", ["It rained.", "It poured."]),
        ("  Padded.   Text.  ", ["Padded.", "Text."]),
        ("Version 3.5 shipped.", ["Version 3.5 shipped."]),
        ("", []),
    ],
)
def test_plain_boundaries(text: str, expected: list[str]) -> None:
    assert sentences(text) == expected


def test_spans_are_trimmed_ordered_and_within_text() -> None:
    text = " One.  Two?  “Three,” he said.  Four! "
    result = sentence_spans(text, find_spans(text))
    assert [text[a:b] for a, b in result] == ["One.", "Two?", "“Three,” he said.", "Four!"]
    assert all(0 <= a < b <= len(text) for a, b in result)
    assert all(x[1] <= y[0] for x, y in itertools.pairwise(result))


def test_no_at_sentence_end_is_a_boundary() -> None:
    assert sentences("Dr. Smith said no. Mr. Jones agreed.") == [
        "Dr. Smith said no.",
        "Mr. Jones agreed.",
    ]
