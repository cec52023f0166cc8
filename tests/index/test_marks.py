"""index/marks.py: quotation spans with curly, straight and single marks."""

from __future__ import annotations

import pytest

from index.marks import QuoteSpan, find_spans


def inners(text: str) -> list[str]:
    return [text[s.inner_start : s.inner_end] for s in find_spans(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said “the talks failed” on Monday.", ["the talks failed"]),
        ('He said "the talks failed" on Monday.', ["the talks failed"]),
        ("He said ‘the talks failed’ on Monday.", ["the talks failed"]),
        ("He said 'the talks failed' on Monday.", ["the talks failed"]),
        ("“One,” she said. “Two.”", ["One", "Two."]),
        ('"One," she said. "Two."', ["One", "Two."]),
        ("She called it (“a farce”) twice.", ["a farce"]),
        ("A move—“brazen”—by Tehran.", ["brazen"]),
        ('“Never trust <a href="x"> links,” she said.', ['Never trust <a href="x"> links']),
    ],
)
def test_span_kinds(text: str, expected: list[str]) -> None:
    assert inners(text) == expected


def test_curly_span_offsets() -> None:
    text = "He said “the talks failed” on Monday."
    [span] = find_spans(text)
    assert text[span.open_at] == "“"
    assert span.close_at is not None and text[span.close_at] == "”"
    assert (span.inner_start, span.inner_end) == (span.open_at + 1, span.close_at)


@pytest.mark.parametrize(
    "text",
    [
        "I don’t think Iran’s move was wise.",
        "I don't think Iran's move was wise.",
        "The ’90s were hard, and the players’ union agreed.",
        "It’s the people's choice, isn’t it?",
        "rock ’n’ roll",
        "a 5\" screen and a 6' pole",
    ],
)
def test_apostrophes_are_not_quotes(text: str) -> None:
    assert find_spans(text) == []


def test_apostrophe_inside_a_quote_does_not_close_it() -> None:
    text = "“Iran’s move wasn’t wise,” he said. “Don’t repeat it.”"
    assert inners(text) == ["Iran’s move wasn’t wise", "Don’t repeat it."]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("“He called it ‘a mistake’ today,” she said.", "He called it ‘a mistake’ today"),
        ("\"He called it 'a mistake' today,\" she said.", "He called it 'a mistake' today"),
        ("\"They said ‘no’ and 'never' again,\" he said.", "They said ‘no’ and 'never' again"),
        ("“‘Never,’ he told me,” she recalled.", "‘Never,’ he told me"),
    ],
)
def test_nested_single_inside_double_is_one_span(text: str, inner: str) -> None:
    spans = find_spans(text)
    assert len(spans) == 1
    assert text[spans[0].inner_start : spans[0].inner_end] == inner


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("She said “this will not end well", "this will not end well"),
        ('She said "this will not end well,\n', "this will not end well"),
        ("“We will keep fighting. We have no choice,", "We will keep fighting. We have no choice"),
    ],
)
def test_unclosed_span_runs_to_the_end(text: str, inner: str) -> None:
    spans = find_spans(text)
    assert len(spans) == 1
    span = spans[0]
    assert span.close_at is None
    assert text[span.inner_start : span.inner_end] == inner
    assert text[span.inner_end :].strip(" \n,") == ""


def test_unclosed_single_mark_is_an_apostrophe() -> None:
    assert find_spans("She said ‘this will not end well") == []


def test_closed_span_before_an_unclosed_one() -> None:
    text = "“First,” he said, “and then the rest"
    spans = find_spans(text)
    assert [s.close_at is None for s in spans] == [False, True]
    assert inners(text) == ["First", "and then the rest"]


@pytest.mark.parametrize(
    ("text", "inner"),
    [
        ("“We will win,” he said.", "We will win"),
        ("“We will win, ” he said.", "We will win"),
        ("“ We will win ,” he said.", "We will win"),
        ('"We will win," he said.', "We will win"),
        ("“We will win.” He left.", "We will win."),
        ("“We will win?” he asked.", "We will win?"),
        ("‘We will win,’ he said.", "We will win"),
    ],
)
def test_inner_excludes_marks_trailing_comma_and_space(text: str, inner: str) -> None:
    [span] = find_spans(text)
    assert text[span.inner_start : span.inner_end] == inner
    assert text[span.inner_start] not in "“”\"‘’' "
    assert text[span.inner_end - 1] not in "“”\"‘’', "
    assert span.open_at < span.inner_start <= span.inner_end
    assert span.close_at is not None and span.inner_end <= span.close_at


def test_empty_quote_has_empty_inner() -> None:
    text = "He said “” and left."
    [span] = find_spans(text)
    assert span.inner_start == span.inner_end


def test_span_is_frozen() -> None:
    span = QuoteSpan(0, 3, 1, 3)
    with pytest.raises(AttributeError):
        span.open_at = 2  # type: ignore[misc]


def test_multiline_paragraph_spans() -> None:
    text = "He said:\n“Line one\ncontinues here,” and then\n“line two”"
    assert inners(text) == ["Line one\ncontinues here", "line two"]


def test_two_single_marks_open_and_close_one_quote() -> None:
    text = "''She'd ask, 'What did he mean?''' Mr. Biden said. ''Fine,'' he added."
    spans = find_spans(text)
    assert [text[s.inner_start : s.inner_end] for s in spans] == [
        "She'd ask, 'What did he mean?'",
        "Fine",
    ]
    assert text[spans[0].close_at + 1 :].startswith(" Mr. Biden")


def test_mixed_curly_and_straight_marks_pair_up() -> None:
    from index.marks import find_spans

    text = '“One part," she said. "And the other.”'
    inner = [text[s.inner_start : s.inner_end] for s in find_spans(text)]
    assert inner == ["One part", "And the other."]
    nested = '“He said "no" to it,” she said.'
    assert [nested[s.inner_start : s.inner_end] for s in find_spans(nested)] == [
        'He said "no" to it'
    ]


def test_a_single_mark_after_a_comma_closes_whatever_word_follows() -> None:
    text = "Sanders declares ‘revolution,’ ignores losses."
    spans = find_spans(text)
    assert [text[s.inner_start : s.inner_end] for s in spans] == ["revolution"]
