"""The Experts view: people and organisations apart, each with a count of quotes across
articles and their quotes grouped under the article (title, outlet, date) they come from."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from index.types import Document, Quote, Speaker
from rag.compose import display_name
from ui.render import Span, article_label, cited, esc, goto_attrs, safe_id

STYLE = """
<style id="qb-experts-style">
.qb-expert-table th.qb-expert-group { padding-top: .8em; font-size: 1.05em; }
.qb-article-label { margin: .5em 0 .1em 0; }
.qb-expert-counts { margin-top: 0; }
</style>
"""


def matches(speaker: Speaker, search: str | None) -> bool:
    """Whether a name search (part of a name, alias or title; any case) finds ``speaker``."""
    key = " ".join((search or "").split()).lower()
    if not key:
        return True
    names = [speaker.name, *speaker.aliases, speaker.title or ""]
    return any(key in n.lower() for n in names)


def _group(heading: str, rows: list[str]) -> str:
    """A group of rows (people or organisations) under a heading row of the one table."""
    return (
        f'<tbody><tr class="qb-group-row"><th colspan="4" class="qb-expert-group">'
        f"{esc(heading)}</th></tr>" + "".join(rows) + "</tbody>"
    )


def _quotes_by_article(quotes: Sequence[Quote], documents: Mapping[str, Document] | None) -> str:
    groups: dict[str, list[Quote]] = {}
    for q in quotes:
        groups.setdefault(q.doc_id, []).append(q)
    parts = []
    for doc_id, items in groups.items():
        doc = (documents or {}).get(doc_id)
        label = article_label(doc) if doc is not None else doc_id
        lis = "".join(
            f'<li class="qb-quote">{cited(q.text)} '
            f'<a class="qb-goto" href="#" '
            f"{goto_attrs(q.doc_id, q.paragraph, Span(q.start, q.end))} "
            f'title="Open ¶{q.paragraph} in the Article view">¶{q.paragraph}</a></li>'
            for q in items
        )
        parts.append(
            f'<div class="qb-expert-article" data-doc="{esc(doc_id)}">'
            f'<p class="qb-article-label">{label}</p><ol class="qb-quotes">{lis}</ol></div>'
        )
    return "".join(parts)


def experts_html(
    speakers: Iterable[Speaker],
    quotes: Mapping[str, Sequence[Quote]],
    documents: Mapping[str, Document] | None = None,
) -> str:
    """A table of people, then organisations (name with honorific, title, quote and
    article counts), then each speaker's quotes grouped by article with ¶N links."""
    speakers = list(speakers)
    if not speakers:
        return '<div class="qb-experts qb-empty"><p class="qb-muted">Nobody is quoted.</p></div>'
    rows: dict[bool, list[str]] = {True: [], False: []}
    sections: dict[bool, list[str]] = {True: [], False: []}
    for s in speakers:
        anchor = f"qb-expert-{safe_id(s.name)}"
        name = display_name(s, s.name)
        own = quotes.get(s.name, ())
        articles = len({q.doc_id for q in own})
        rows[s.is_person].append(
            f'<tr><td><a class="qb-expert-link" href="#{anchor}">{esc(name)}</a></td>'
            f'<td>{esc(s.title or "")}</td><td class="qb-count">{s.quote_count}</td>'
            f'<td class="qb-count">{articles}</td></tr>'
        )
        counts = f"{s.quote_count} quote{'s' * (s.quote_count != 1)}" + (
            f" in {articles} article{'s' * (articles != 1)}" if articles else ""
        )
        sections[s.is_person].append(
            f'<section class="qb-expert" id="{anchor}" data-speaker="{esc(s.name)}" '
            f'data-person="{str(s.is_person).lower()}"><h3>{esc(name)}</h3>'
            + (f'<p class="qb-muted">{esc(s.title)}</p>' if s.title else "")
            + f'<p class="qb-muted qb-expert-counts">{counts}</p>'
            + (
                _quotes_by_article(own, documents)
                if own
                else '<p class="qb-muted">No direct quotes listed.</p>'
            )
            + "</section>"
        )
    out = [
        '<div class="qb-experts"><table class="qb-expert-table"><thead><tr><th>Name</th>'
        "<th>Title</th><th>Quotes</th><th>Articles</th></tr></thead>"
    ]
    if rows[True]:
        out.append(_group(f"People ({len(rows[True])})", rows[True]))
    if rows[False]:
        out.append(_group(f"Organisations ({len(rows[False])})", rows[False]))
    out.append("</table>")
    out += sections[True] + sections[False]
    out.append("</div>")
    return "".join(out)
