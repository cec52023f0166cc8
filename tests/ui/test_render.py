"""ui.render: escaping, citation marker links, highlighted spans, ¶ numbering."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import pytest

from index.config import Config, bundled_article
from rag import Answer, Citation, QuoteBot
from ui import render

HOSTILE = (
    "Hostile <b>markup</b> test\n\n"
    "<script>window.__pwned=1</script> was pasted into this draft.\n\n"
    '“Never trust <img src=x onerror="window.__pwned=1"> input,” said Dr Ada Lovelace, '
    "a security researcher at the Example Lab.\n\n"
    "A **bold** claim & an [1] that is no marker.\n"
)
MARK = re.compile(r'<mark class="qb-mark">(.*?)</mark>', re.S)


@pytest.fixture(scope="module")
def bot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[QuoteBot]:
    bot = QuoteBot.create(tmp_path_factory.mktemp("render") / "idx", Config(embedder="hashing"))
    bot.add(bundled_article())
    yield bot
    bot.close()


@pytest.fixture(scope="module")
def hostile_id(bot: QuoteBot) -> str:
    return bot.add_text(HOSTILE, source="/some/dir/hostile.txt")


def lookups(bot: QuoteBot) -> tuple[dict, dict]:
    return ({d.doc_id: d for d in bot.documents()}, {s.name: s for s in bot.speakers()})


class _Tags(HTMLParser):
    """Every tag and attribute name an HTML parser sees in the output."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _ in attrs)


def no_raw_markup(out: str) -> None:
    """Source text stays text: a browser would build no tag or handler from it."""
    parsed = _Tags()
    parsed.feed(out)
    assert not parsed.tags & {"script", "img", "b"}, f"markup leaked into {out[:300]}"
    assert not {a for a in parsed.attributes if a.startswith("on")}, out[:300]
    assert "onerror=window" not in out.lower()


# -- escaping --------------------------------------------------------------------------
def test_esc_escapes_markup_and_quotes() -> None:
    assert render.esc('<a href="x">&\'') == "&lt;a href=&quot;x&quot;&gt;&amp;&#x27;"


def test_bold_is_converted_after_escaping() -> None:
    assert render.inline_markup("**<b>Dr X</b>** said") == (
        "<strong>&lt;b&gt;Dr X&lt;/b&gt;</strong> said"
    )
    assert render.inline_markup("a * b ** c") == "a * b ** c"


def test_status_and_user_text_are_escaped() -> None:
    out = render.status_html("<img src=x onerror=alert(1)>.txt is empty", "error")
    assert "&lt;img src=x onerror=alert(1)&gt;" in out and "qb-status-error" in out
    no_raw_markup(out)
    assert "<script" not in render.user_html("<script>alert(1)</script>")


# -- answers ---------------------------------------------------------------------------
def test_markers_become_links_to_sources(bot: QuoteBot) -> None:
    answer = bot.ask("What did Ali Vaez say about escalation?")
    assert answer.citations and not answer.abstained
    docs, people = lookups(bot)
    out = render.answer_html(answer, turn=2, documents=docs, speakers=people)
    links = re.findall(r'<a class="qb-cite"[^>]*>\[(\d+)\]</a>', out)
    assert [int(n) for n in links] == list(range(1, len(answer.citations) + 1))
    for n, citation in enumerate(answer.citations, start=1):
        assert f'href="#qb-src-2-{n}"' in out
        assert f'data-target="qb-src-2-{n}"' in out
        assert f'data-paragraph="{citation.paragraph}"' in out
        # the tooltip carries the cited text, escaped for an attribute
        assert html.escape(citation.text, quote=True) in out
    assert "<strong>Dr Ali Vaez</strong>" in out
    # no bare marker is left outside a link
    assert not re.search(r"(?<!>)\[\d+\](?!</a>)", out)


def test_out_of_range_marker_stays_text() -> None:
    c = Citation("d", 1, 0, 4, "Text", None)
    answer = Answer("q?", "Claim [1] and [7].", [c], abstained=False)
    out = render.answer_html(answer)
    assert out.count('class="qb-cite"') == 1
    assert "[7]." in out


def test_answer_text_and_citation_are_escaped() -> None:
    c = Citation("d", 3, 10, 40, '<img src=x onerror="window.__pwned=1">', "Eve <i>")
    answer = Answer(
        "<script>x</script>?", "**Eve <i>**: “<script>alert(1)</script>” [1]", [c], abstained=False
    )
    out = render.answer_html(answer)
    no_raw_markup(out)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "<strong>Eve &lt;i&gt;</strong>" in out
    sources = render.sources_html([answer])
    no_raw_markup(sources)
    assert "&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;" in sources


def test_bullets_render_as_list(bot: QuoteBot) -> None:
    answer = bot.ask("Which experts are quoted?")
    out = render.answer_html(answer)
    assert "<ul>" in out and out.count("<li>") == len(answer.citations)
    assert "\n\n" not in out  # one HTML block for the chat window's Markdown


def test_abstention_is_plain_with_related_passages(bot: QuoteBot) -> None:
    answer = bot.ask("What is the capital of France?")
    assert answer.abstained
    docs, people = lookups(bot)
    out = render.answer_html(answer, 0, docs, people)
    assert "qb-abstained" in out and "Not in the sources" in out
    assert 'class="qb-cite"' not in out
    if answer.related:
        assert "Related passages" in out
        for c in answer.related:
            assert f"¶{c.paragraph}" in out
            assert html.escape(c.text) in out
    sources = render.sources_html([answer], docs, people)
    assert "Not in the sources" in sources and 'qb-source"' not in sources


# -- sources panel ---------------------------------------------------------------------
def test_sources_list_every_citation_with_highlight(bot: QuoteBot) -> None:
    answer = bot.ask("What did Ali Vaez say about escalation?")
    docs, people = lookups(bot)
    out = render.sources_html([answer], docs, people)
    entries = re.findall(r'<details class="qb-source" id="(qb-src-0-\d+)"', out)
    assert entries == [f"qb-src-0-{n}" for n in range(1, len(answer.citations) + 1)]
    marks = MARK.findall(out)
    assert [html.unescape(m) for m in marks] == [c.text for c in answer.citations]
    for c in answer.citations:
        assert f"¶{c.paragraph}" in out
        assert "Dr Ali Vaez" in out
        assert html.escape(docs[c.doc_id].title) in out
        assert f'data-doc="{c.doc_id}" data-paragraph="{c.paragraph}"' in out


def test_sources_fold_earlier_turns(bot: QuoteBot) -> None:
    first = bot.ask("What did Ali Vaez say about escalation?")
    second = bot.ask("What did he say?", history=[first])
    out = render.sources_html([first, second], *lookups(bot))
    current, earlier = out.split('<details class="qb-earlier">')
    assert 'id="qb-src-1-1"' in current and 'id="qb-src-0-1"' in earlier
    assert "Earlier answers (1)" in earlier


def test_empty_sources_panel() -> None:
    assert "Ask a question" in render.sources_html([])


# -- paragraphs and articles -----------------------------------------------------------
def test_paragraph_highlight_equals_citation_text(bot: QuoteBot) -> None:
    for quote in bot.quotes()[:10]:
        doc = bot.document(quote.doc_id)
        out = render.paragraph_html(doc, quote.paragraph, render.Span(quote.start, quote.end))
        (marked,) = MARK.findall(out)
        assert html.unescape(marked) == quote.text == doc.text[quote.start : quote.end]
        assert f"¶{quote.paragraph}</span>" in out
        # the whole paragraph is there, in order
        plain = html.unescape(re.sub(r"<[^>]+>", "", out))
        assert plain == f"¶{quote.paragraph} {doc.paragraph(quote.paragraph).text}"


def test_article_numbers_every_paragraph(bot: QuoteBot) -> None:
    doc = next(d for d in bot.documents() if "Iran-Pakistan" in d.title)
    out = render.article_html(doc)
    numbers = [int(n) for n in re.findall(r'<span class="qb-pnum">¶(\d+)</span>', out)]
    assert numbers == list(range(1, len(doc.paragraphs) + 1))
    for p in doc.paragraphs:
        assert f'id="{render.paragraph_id(doc.doc_id, p.number)}"' in out
    assert "qb-focus" not in out and "<mark" not in out


def test_article_focus_and_span(bot: QuoteBot) -> None:
    quote = next(q for q in bot.quotes() if "Neither side" in q.text)
    doc = bot.document(quote.doc_id)
    out = render.article_html(doc, quote.paragraph, render.Span(quote.start, quote.end))
    assert out.count("qb-focus") == 1 and f'data-focus="{quote.paragraph}"' in out
    focus = re.search(r'<p class="qb-para[^"]*qb-focus"[^>]*data-paragraph="(\d+)"', out)
    assert focus and int(focus.group(1)) == quote.paragraph
    assert [html.unescape(m) for m in MARK.findall(out)] == [quote.text]


def test_hostile_article_renders_inert(bot: QuoteBot, hostile_id: str) -> None:
    doc = bot.document(hostile_id)
    out = render.article_html(doc)
    no_raw_markup(out)
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in out
    assert "Hostile &lt;b&gt;markup&lt;/b&gt; test" in out
    assert "A **bold** claim &amp; an [1] that is no marker." in out  # source text untouched
    assert "/some/dir" not in out  # only the file name of the source is shown
    docs, _ = lookups(bot)
    experts = render.experts_html(
        bot.speakers(), {s.name: bot.quotes(speaker=s.name) for s in bot.speakers()}, docs
    )
    no_raw_markup(experts)


def test_hostile_quote_in_answer_and_sources(bot: QuoteBot, hostile_id: str) -> None:
    answer = bot.ask("What did Ada Lovelace say?")
    docs, people = lookups(bot)
    for out in (
        render.answer_html(answer, 0, docs, people),
        render.sources_html([answer], docs, people),
    ):
        no_raw_markup(out)
    if not answer.abstained:
        assert any(c.doc_id == hostile_id for c in answer.citations)
        assert "&lt;img src=x" in render.answer_html(answer, 0, docs, people)


# -- experts ---------------------------------------------------------------------------
def test_experts_table_and_quotes(bot: QuoteBot) -> None:
    people = bot.speakers()
    quotes = {s.name: bot.quotes(speaker=s.name) for s in people}
    docs, _ = lookups(bot)
    out = render.experts_html(people, quotes, docs)
    rows = re.findall(r"<tr><td>.*?</tr>", out)
    assert len(rows) == len(people)
    vaez = next(s for s in people if s.name == "Ali Vaez")
    row = next(r for r in rows if "Dr Ali Vaez" in r)
    assert html.escape(vaez.title or "") in row and f">{vaez.quote_count}</td>" in row
    for q in quotes["Ali Vaez"]:
        assert f'data-doc="{q.doc_id}" data-paragraph="{q.paragraph}"' in out
        assert f">¶{q.paragraph}</a>" in out
        assert html.escape(q.text) in out


def test_experts_empty() -> None:
    assert "Nobody is quoted" in render.experts_html([], {})


def test_element_ids() -> None:
    assert render.paragraph_id("ab/c d", 3) == "qb-p-ab_c_d-3"
    assert render.source_id(0, 1) == "qb-src-0-1"
