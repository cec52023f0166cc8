"""Pure functions that turn answers, documents and quotes into escaped HTML.

Every piece of source or answer text goes through :func:`esc` (``html.escape``) before
it is placed in markup; the only tags in the output are the ones written here. The one
formatting rule applied to answer text, ``**bold**`` -> ``<strong>``, runs *after*
escaping, so it can never let markup from an article through.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from index.types import Document, Paragraph, Quote, Speaker, display_date
from rag.compose import display_name
from rag.types import Answer, Citation

_MARKER = re.compile(r"\[(\d+)\]")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ID_SAFE = re.compile(r"[^A-Za-z0-9_-]")

__all__ = [
    "Span",
    "answer_html",
    "article_html",
    "article_label",
    "esc",
    "experts_html",
    "inline_markup",
    "marker_link",
    "paragraph_html",
    "paragraph_id",
    "source_id",
    "sources_html",
    "status_html",
    "user_html",
]


@dataclass(frozen=True)
class Span:
    """A character span of a document's canonical text to highlight."""

    start: int
    end: int


def esc(text: object) -> str:
    """HTML-escape any text (quotes included, so the result is safe in attributes)."""
    return html.escape(str(text), quote=True)


def inline_markup(text: str) -> str:
    """Escape ``text``, then turn ``**x**`` into ``<strong>x</strong>``."""
    return _BOLD.sub(r"<strong>\1</strong>", esc(text))


def _cited(text: str) -> str:
    """Cited text in quotation marks (unless it already opens with one), escaped."""
    body = esc(text)
    if not text.lstrip().startswith(("“", '"', "‘", "'", "«")):
        body = f"“{body}”"
    return f'<span class="qb-cited">{body}</span>'


def _safe_id(value: str) -> str:
    return _ID_SAFE.sub("_", value)


def source_id(turn: int, number: int) -> str:
    """The element id of citation ``number`` (1-based) of answer ``turn`` (0-based)."""
    return f"qb-src-{turn}-{number}"


def paragraph_id(doc_id: str, number: int) -> str:
    """The element id of paragraph ``number`` of a document in the Article view."""
    return f"qb-p-{_safe_id(doc_id)}-{number}"


def _speaker_label(name: str | None, speakers: Mapping[str, Speaker] | None) -> str:
    if name is None:
        return ""
    return display_name((speakers or {}).get(name), name)


def _goto_attrs(doc_id: str, paragraph: int, span: Span | None = None) -> str:
    attrs = f'data-doc="{esc(doc_id)}" data-paragraph="{paragraph}"'
    if span is not None:
        attrs += f' data-start="{span.start}" data-end="{span.end}"'
    return attrs


def article_label(document: Document) -> str:
    """An article named as a reader knows it: its title, outlet and date (escaped HTML)."""
    label = f'<span class="qb-doc-title">{esc(document.title or document.doc_id)}</span>'
    extra = [x for x in (document.outlet, display_date(document.date)) if x]
    if extra:
        label += f' <span class="qb-doc-meta">({esc(", ".join(extra))})</span>'
    return label


def _doc_label(doc_id: str, documents: Mapping[str, Document] | None) -> str:
    doc = (documents or {}).get(doc_id)
    if doc is None:
        return f'<span class="qb-doc-title">{esc(doc_id)}</span>'
    return article_label(doc)


# the helpers the other view modules (ui/experts.py, ui/finder.py) build with
cited = _cited
goto_attrs = _goto_attrs
safe_id = _safe_id


# -- answers ---------------------------------------------------------------------------
def marker_link(
    turn: int, number: int, citation: Citation, speakers: Mapping[str, Speaker] | None = None
) -> str:
    """Marker ``[n]`` as a link to its entry in the Sources panel, with a tooltip."""
    who = _speaker_label(citation.speaker, speakers)
    tip = f"¶{citation.paragraph}" + (f" · {who}" if who else "") + f": {citation.text}"
    target = source_id(turn, number)
    return (
        f'<a class="qb-cite" href="#{target}" data-target="{target}" data-cite="{number}" '
        f"{_goto_attrs(citation.doc_id, citation.paragraph, Span(citation.start, citation.end))}"
        f' title="{esc(tip)}" role="button">[{number}]</a>'
    )


def _link_markers(
    escaped: str, turn: int, citations: Sequence[Citation], speakers: Mapping[str, Speaker] | None
) -> str:
    def replace(match: re.Match[str]) -> str:
        number = int(match.group(1))
        if 1 <= number <= len(citations):
            return marker_link(turn, number, citations[number - 1], speakers)
        return match.group(0)

    return _MARKER.sub(replace, escaped)


def _blocks(text: str) -> list[list[str]]:
    """Paragraph blocks (split at blank lines), each a list of non-empty lines."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        lines = [line for line in block.split("\n") if line.strip()]
        if lines:
            blocks.append(lines)
    return blocks


def _text_html(
    text: str, turn: int, citations: Sequence[Citation], speakers: Mapping[str, Speaker] | None
) -> str:
    parts: list[str] = []
    for lines in _blocks(text):
        items: list[str] = []
        for line in lines:
            rendered = _link_markers(inline_markup(line.strip()), turn, citations, speakers)
            if line.lstrip().startswith(("- ", "* ")):
                items.append(f"<li>{rendered[2:]}</li>")
            else:
                if items:
                    parts.append(f"<ul>{''.join(items)}</ul>")
                    items = []
                parts.append(f"<p>{rendered}</p>")
        if items:
            parts.append(f"<ul>{''.join(items)}</ul>")
    return "".join(parts)


def _citation_line(
    c: Citation, documents: Mapping[str, Document] | None, speakers: Mapping[str, Speaker] | None
) -> str:
    who = _speaker_label(c.speaker, speakers)
    return (
        f'<span class="qb-loc">¶{c.paragraph}</span> '
        f"{_doc_label(c.doc_id, documents)}"
        + (f' · <span class="qb-speaker">{esc(who)}</span>' if who else "")
        + f" {_cited(c.text)}"
    )


def answer_html(
    answer: Answer,
    turn: int = 0,
    documents: Mapping[str, Document] | None = None,
    speakers: Mapping[str, Speaker] | None = None,
) -> str:
    """One answer as HTML: markers ``[n]`` link to ``source_id(turn, n)``.

    An abstention is shown as a muted "Not in the sources" note followed by the related
    passages, clearly apart from an answer. The result has no blank lines, so a Markdown
    renderer (the chat window) passes it through as one HTML block.
    """
    if answer.abstained:
        related = "".join(
            f'<li class="qb-related-item">{_citation_line(c, documents, speakers)}</li>'
            for c in answer.related
        )
        body = (
            '<div class="qb-answer qb-abstained" data-abstained="true">'
            '<p class="qb-muted qb-not-found">Not in the sources.</p>'
            f'<p class="qb-muted">{inline_markup(answer.text)}</p>'
        )
        if related:
            body += (
                '<div class="qb-related"><p class="qb-related-head">Related passages '
                "(not an answer):</p>"
                f"<ul>{related}</ul></div>"
            )
        return body + "</div>"
    inner = _text_html(answer.text, turn, answer.citations, speakers)
    return f'<div class="qb-answer" data-turn="{turn}">{inner}</div>'


def user_html(question: str) -> str:
    """A user's chat message, escaped."""
    return f'<div class="qb-question">{esc(question)}</div>'


# -- paragraphs and sources ------------------------------------------------------------
def _paragraph_body(paragraph: Paragraph, span: Span | None) -> str:
    """The escaped paragraph text with ``span`` (document offsets) in ``<mark>``."""
    text = paragraph.text
    if span is not None:
        start = max(span.start, paragraph.start) - paragraph.start
        end = min(span.end, paragraph.end) - paragraph.start
        if 0 <= start < end <= len(text):
            return (
                esc(text[:start])
                + f'<mark class="qb-mark">{esc(text[start:end])}</mark>'
                + esc(text[end:])
            ).replace("\n", "<br>")
    return esc(text).replace("\n", "<br>")


def paragraph_html(
    document: Document,
    number: int,
    span: Span | None = None,
    element_id: str | None = None,
    focus: bool | None = None,
) -> str:
    """Paragraph ¶``number`` of ``document`` with an optional highlighted span.

    ``focus`` (default: whether a span is given) adds the ``qb-focus`` class."""
    paragraph = document.paragraph(number)
    id_attr = f' id="{esc(element_id)}"' if element_id else ""
    focus = " qb-focus" if (span is not None if focus is None else focus) else ""  # type: ignore[assignment]
    return (
        f'<p class="qb-para qb-kind-{esc(paragraph.kind)}{focus}"{id_attr} '
        f'data-paragraph="{number}"><span class="qb-pnum">¶{number}</span> '
        f"{_paragraph_body(paragraph, span)}</p>"
    )


def _source_entry(
    turn: int,
    number: int,
    citation: Citation,
    documents: Mapping[str, Document] | None,
    speakers: Mapping[str, Speaker] | None,
    open_: bool = False,
) -> str:
    doc = (documents or {}).get(citation.doc_id)
    span = Span(citation.start, citation.end)
    if doc is not None and 1 <= citation.paragraph <= len(doc.paragraphs):
        para = paragraph_html(doc, citation.paragraph, span)
    else:  # the document is gone from the index: show what the citation carries
        para = (
            f'<p class="qb-para qb-focus"><span class="qb-pnum">¶{citation.paragraph}'
            f'</span> <mark class="qb-mark">{esc(citation.text)}</mark></p>'
        )
    who = _speaker_label(citation.speaker, speakers)
    title = _doc_label(citation.doc_id, documents)
    return (
        f'<details class="qb-source" id="{source_id(turn, number)}" data-cite="{number}" '
        f"{_goto_attrs(citation.doc_id, citation.paragraph, span)}{' open' if open_ else ''}>"
        f'<summary><span class="qb-num">[{number}]</span> '
        f'<span class="qb-source-article">{title}</span> '
        f'<span class="qb-loc">¶{citation.paragraph}</span>'
        + (f' · <span class="qb-speaker">{esc(who)}</span>' if who else "")
        + f" {_cited(citation.text)}</summary>"
        f'<div class="qb-source-body"><div class="qb-source-doc">'
        f"{title}, ¶{citation.paragraph} · "
        f'<a class="qb-goto" href="#" {_goto_attrs(citation.doc_id, citation.paragraph, span)}>'
        f"open in Article</a></div>{para}</div></details>"
    )


def _turn_sources(
    turn: int,
    answer: Answer,
    documents: Mapping[str, Document] | None,
    speakers: Mapping[str, Speaker] | None,
) -> str:
    head = f'<div class="qb-sources-q">Q: {esc(answer.question)}</div>'
    if answer.abstained:
        if not answer.related:
            return head + '<p class="qb-muted">Not in the sources; nothing related found.</p>'
        items = "".join(
            f'<li class="qb-related-item">{_citation_line(c, documents, speakers)}</li>'
            for c in answer.related
        )
        return (
            head + '<p class="qb-muted">Not in the sources. Related passages '
            f'(not an answer):</p><ul class="qb-related">{items}</ul>'
        )
    if not answer.citations:
        return head + '<p class="qb-muted">This answer cites no passages.</p>'
    entries = []
    for n, c in enumerate(answer.citations, start=1):
        within = _cited_before(answer.citations[: n - 1], c)
        if within:  # the same words again (a quote inside a cited paragraph): listed once
            entries.append(
                f'<div class="qb-source qb-same" id="{source_id(turn, n)}" data-cite="{n}" '
                f"{_goto_attrs(c.doc_id, c.paragraph, Span(c.start, c.end))}>"
                f'<span class="qb-num">[{n}]</span> <span class="qb-muted">the passage of '
                f'<a href="#{source_id(turn, within)}">[{within}]</a></span></div>'
            )
        else:
            entries.append(_source_entry(turn, n, c, documents, speakers))
    return head + f'<div class="qb-source-list">{"".join(entries)}</div>'


def _cited_before(earlier: Sequence[Citation], citation: Citation) -> int:
    """The number of an earlier citation whose span holds ``citation``'s (0: none)."""
    for n, c in enumerate(earlier, start=1):
        if c.doc_id == citation.doc_id and c.start <= citation.start < citation.end <= c.end:
            return n
    return 0


def sources_html(
    answers: Sequence[Answer],
    documents: Mapping[str, Document] | None = None,
    speakers: Mapping[str, Speaker] | None = None,
) -> str:
    """The Sources panel: every citation of the latest answer, earlier turns folded away."""
    if not answers:
        return (
            '<div class="qb-sources qb-empty"><h3>Sources</h3><p class="qb-muted">'
            "Ask a question: each citation marker [n] of the answer will be listed here "
            "with its paragraph. Click a marker to show the cited passage.</p></div>"
        )
    last = len(answers) - 1
    out = [
        '<div class="qb-sources"><h3>Sources</h3>',
        f'<div class="qb-turn qb-current" data-turn="{last}">',
        _turn_sources(last, answers[last], documents, speakers),
        "</div>",
    ]
    if last > 0:
        out.append(f'<details class="qb-earlier"><summary>Earlier answers ({last})</summary>')
        for turn in range(last - 1, -1, -1):
            out.append(f'<div class="qb-turn" data-turn="{turn}">')
            out.append(_turn_sources(turn, answers[turn], documents, speakers))
            out.append("</div>")
        out.append("</details>")
    out.append("</div>")
    return "".join(out)


# -- article view ----------------------------------------------------------------------
def article_html(
    document: Document | None, focus: int | None = None, span: Span | None = None
) -> str:
    """The full text of a document, one ``<p>`` per paragraph with its ¶N and an anchor.

    ``focus`` marks paragraph ¶focus (scrolled to by the page) and ``span`` highlights
    a cited character span inside it.
    """
    if document is None:
        return '<div class="qb-article qb-empty"><p class="qb-muted">No document.</p></div>'
    meta = [PurePath(document.source).name]
    if document.author:
        meta.insert(0, f"by {document.author}")
    if document.date:
        meta.insert(1 if document.author else 0, document.date)
    if document.outlet:
        meta.insert(0, document.outlet)
    paragraphs = [
        paragraph_html(
            document,
            p.number,
            span if p.number == focus else None,
            element_id=paragraph_id(document.doc_id, p.number),
            focus=p.number == focus,
        )
        for p in document.paragraphs
    ]
    return (
        f'<article class="qb-article" data-doc="{esc(document.doc_id)}"'
        + (f' data-focus="{focus}"' if focus else "")
        + ">"
        f'<header><h2 class="qb-article-title">{esc(document.title)}</h2>'
        f'<p class="qb-muted">{esc(" · ".join(meta))} · {len(document.paragraphs)} paragraphs'
        f" · id {esc(document.doc_id)}</p></header>" + "".join(paragraphs) + "</article>"
    )


# -- experts ---------------------------------------------------------------------------
def experts_html(
    speakers: Iterable[Speaker],
    quotes: Mapping[str, Sequence[Quote]],
    documents: Mapping[str, Document] | None = None,
) -> str:
    """The Experts view (see :mod:`ui.experts`)."""
    from ui import experts

    return experts.experts_html(speakers, quotes, documents)


# -- status ----------------------------------------------------------------------------
def status_html(message: str, kind: str = "info") -> str:
    """A status line (``kind``: info, ok, error), escaped."""
    kind = kind if kind in ("info", "ok", "error") else "info"
    return f'<div class="qb-status qb-status-{kind}" role="status">{esc(message)}</div>'
