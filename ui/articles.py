"""The UI's article management: the Articles list, its confirmation text, and the upload's
progress bar fed by ``QuoteBot.add_many``'s ``progress(stage, done, total)`` callback."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import PurePath

from index.types import Document
from ui.render import esc

# Where each indexing stage ends on the upload's progress bar, and what comes next.
STAGES: dict[str, tuple[float, str]] = {
    "reading": (0.10, "Attribution: finding quotes and speakers"),
    "attribution": (0.65, "Embedding paragraphs, quotes and facts"),
    "embedding": (0.90, "Writing the index"),
    "writing": (1.00, "Done"),
}
FIRST_STAGE = "Reading"

STYLE = """
<style id="qb-articles-style">
.qb-articles-table { width: 100%; border-collapse: collapse; }
.qb-articles-table th, .qb-articles-table td { text-align: left; padding: .35em .5em;
  border-bottom: 1px solid var(--border-color-primary, #e5e7eb); vertical-align: top; }
.qb-articles-table code { font-size: .85em; }
.qb-confirm { padding: .6em .8em; border-radius: 8px; color: #991b1b; background: #fef2f2;
  border: 1px solid #fecaca; }
</style>
"""


class UploadProgress:
    """Turns indexing stages into fractions and labels for a progress bar.

    ``report(fraction, label)`` is called once as each stage starts (``gr.Progress`` in the UI).
    """

    def __init__(self, report: Callable[..., object], name: str) -> None:
        self.report = report
        self.name = name
        self.stages: list[str] = []

    def start(self) -> None:
        self.report(0.0, desc=f"{FIRST_STAGE} {self.name}")

    def __call__(self, stage: str, done: int, total: int) -> None:
        if stage not in STAGES or done < total:
            return
        self.stages.append(stage)
        end, following = STAGES[stage]
        self.report(end, desc=following)


def source_name(document: Document) -> str:
    return PurePath(document.source).name or document.source


def _added(document: Document) -> str:
    if document.added_at is None:
        return ""
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(document.added_at))


def articles_html(documents: Iterable[Document], quotes: Mapping[str, int]) -> str:
    """A table of the indexed articles: title, source file, date, date added, paragraphs,
    quotes, id."""
    rows = [
        f'<tr data-doc="{esc(d.doc_id)}"><td class="qb-article-name">{esc(d.title)}</td>'
        f'<td title="{esc(d.source)}">{esc(source_name(d))}</td>'
        f"<td>{esc(d.date or '')}</td><td>{esc(_added(d))}</td>"
        f'<td class="qb-count">{len(d.paragraphs)}</td>'
        f'<td class="qb-count">{quotes.get(d.doc_id, 0)}</td>'
        f"<td><code>{esc(d.doc_id)}</code></td></tr>"
        for d in documents
    ]
    if not rows:
        return (
            '<div class="qb-articles qb-empty"><p class="qb-muted">No articles are indexed: '
            "add one in the “Add an article” tab.</p></div>"
        )
    return (
        '<div class="qb-articles"><table class="qb-articles-table"><thead><tr>'
        "<th>Title</th><th>Source</th><th>Date</th><th>Added</th><th>Paragraphs</th>"
        "<th>Quotes</th>"
        "<th>Id</th></tr></thead><tbody>" + "".join(rows) + "</tbody></table>"
        f'<p class="qb-muted">{len(rows)} article{"" if len(rows) == 1 else "s"}</p></div>'
    )


def confirm_html(document: Document, quotes: int) -> str:
    """The question asked before a removal."""
    return (
        f'<div class="qb-confirm">Remove “{esc(document.title)}” ({esc(source_name(document))}, '
        f"{len(document.paragraphs)} paragraphs, {quotes} quotes) from the index? Its quotes, "
        "facts and search vectors are deleted; answers will no longer cite it.</div>"
    )
