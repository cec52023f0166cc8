"""The Quote finder tab: quotes on a topic, filtered by speaker, article and date, each
with its speaker, article, outlet, date and ¶ (opening the passage highlighted), a
one-click copy in house style, and the results as CSV, Markdown or JSON downloads."""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from index.errors import QuotebotError
from index.types import ArticleQuote, Speaker, display_date
from rag import QuoteBot
from rag.compose import display_name
from rag.export import FORMATS, export_quotes
from ui.assets import GOTO_JS
from ui.render import Span, cited, esc, goto_attrs, status_html

log = logging.getLogger(__name__)

ALL_SPEAKERS = "All speakers"
DEFAULT_K = 20
LABELS = {"csv": "CSV", "md": "Markdown", "json": "JSON"}

# Per-component handler: a Copy button puts its quote, attributed, on the clipboard.
COPY_JS = """
element.addEventListener('click', function (ev) {
  const b = ev.target.closest('button.qb-copy');
  if (!b) return;
  ev.preventDefault();
  ev.stopPropagation();
  const text = b.dataset.copy || '';
  const done = function () {
    b.textContent = 'Copied';
    b.classList.add('qb-copied');
    setTimeout(function () { b.textContent = 'Copy'; b.classList.remove('qb-copied'); }, 1500);
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(text).then(done, function () { b.textContent = 'Copy failed'; });
  } else {  // plain http on another host: the old way
    const area = document.createElement('textarea');
    area.value = text;
    document.body.appendChild(area);
    area.select();
    document.execCommand('copy');
    area.remove();
    done();
  }
});
"""

STYLE = """
<style id="qb-finder-style">
.qb-finder-table { width: 100%; border-collapse: collapse; }
.qb-finder-table th, .qb-finder-table td { text-align: left; padding: .4em .5em;
  border-bottom: 1px solid var(--border-color-primary, #e5e7eb); vertical-align: top; }
.qb-finder-table td.qb-fq { width: 46%; }
button.qb-copy { border: 1px solid var(--border-color-primary, #d1d5db); border-radius: 6px;
  padding: .15em .6em; cursor: pointer; background: var(--background-fill-secondary, #f9fafb); }
button.qb-copy.qb-copied { border-color: #16a34a; color: #166534; }
.qb-doc-meta { color: var(--body-text-color-subdued, #6b7280); }
</style>
"""


def finder_html(quotes: Sequence[ArticleQuote], speakers: dict[str, Speaker]) -> str:
    """The finder's results: one row per quote with its attribution and a Copy button."""
    if not quotes:
        return '<div class="qb-finder qb-empty"><p class="qb-muted">No quotes found.</p></div>'
    rows = []
    for n, q in enumerate(quotes, start=1):
        person = speakers.get(q.speaker or "")
        who = display_name(person, q.speaker) if q.speaker else "(unattributed)"
        title = f'<div class="qb-muted">{esc(q.speaker_title)}</div>' if q.speaker_title else ""
        span = Span(q.start, q.end)
        rows.append(
            f'<tr class="qb-find-row" data-quote="{esc(q.quote_id)}">'
            f'<td class="qb-count">{n}</td><td class="qb-fq">{cited(q.text)}</td>'
            f'<td><span class="qb-speaker">{esc(who)}</span>{title}</td>'
            f'<td><span class="qb-doc-title">{esc(q.article_title or q.doc_id)}</span></td>'
            f"<td>{esc(q.outlet or '')}</td><td>{esc(display_date(q.date) or '')}</td>"
            f'<td><a class="qb-goto" href="#" {goto_attrs(q.doc_id, q.paragraph, span)} '
            f'title="Open ¶{q.paragraph} with the quote highlighted">¶{q.paragraph}</a></td>'
            f'<td><button type="button" class="qb-copy" data-copy="{esc(q.attributed())}" '
            f'title="Copy the quote with its attribution">Copy</button></td></tr>'
        )
    return (
        f'<div class="qb-finder"><p class="qb-muted">{len(quotes)} '
        f"quote{'s' * (len(quotes) != 1)}</p>"
        '<table class="qb-finder-table"><thead><tr><th>#</th><th>Quote</th><th>Speaker</th>'
        "<th>Article</th><th>Outlet</th><th>Date</th><th>¶</th><th></th></tr></thead><tbody>"
        + "".join(rows)
        + "</tbody></table></div>"
    )


@dataclass
class FinderTab:
    """The finder's components (the app wires ``results`` clicks to its Article view)."""

    topic: gr.Textbox
    speaker: gr.Dropdown
    docs: gr.Dropdown
    results: gr.HTML
    downloads: list[gr.DownloadButton]
    refresh: Callable[[str | None, list[str] | None], tuple[Any, ...]]


def _write_exports(quotes: Sequence[ArticleQuote]) -> list[str]:
    folder = Path(tempfile.mkdtemp(prefix="quotebot-export-"))
    paths = []
    for fmt in FORMATS:
        path = folder / f"quotes.{fmt}"
        path.write_text(export_quotes(quotes, fmt), encoding="utf-8")
        paths.append(str(path))
    return paths


def build_finder(
    bot: QuoteBot,
    doc_choices: Callable[[], list[tuple[str, str]]],
    speaker_choices: Callable[[], list[str]],
) -> FinderTab:
    """The finder's controls and results (call inside a ``gr.Tab``)."""

    def find(
        topic: str | None,
        speaker: str | None,
        doc_ids: list[str] | None,
        since: str | None,
        until: str | None,
        k: float | None,
    ) -> tuple[Any, ...]:
        hidden = [gr.DownloadButton(visible=False) for _ in FORMATS]
        try:
            quotes = bot.find_quotes(
                about=(topic or "").strip() or None,
                speaker=None if not speaker or speaker == ALL_SPEAKERS else speaker,
                doc_ids=doc_ids or None,
                since=(since or "").strip() or None,
                until=(until or "").strip() or None,
                k=int(k or DEFAULT_K),
            )
        except QuotebotError as err:
            return (status_html(str(err), "error"), *hidden)
        except Exception:
            log.exception("finding quotes failed")
            return (status_html("Something went wrong; please try again.", "error"), *hidden)
        people = {s.name: s for s in bot.speakers()}
        if not quotes:
            return (finder_html([], people), *hidden)
        files = _write_exports(quotes)
        buttons = [
            gr.DownloadButton(f"Download {LABELS[fmt]}", value=path, visible=True)
            for fmt, path in zip(FORMATS, files, strict=True)
        ]
        return (finder_html(quotes, people), *buttons)

    def refresh(speaker: str | None, docs: list[str] | None) -> tuple[Any, ...]:
        names = speaker_choices()
        choices = doc_choices()
        known = {value for _, value in choices}
        return (
            gr.Dropdown(choices=names, value=speaker if speaker in names else ALL_SPEAKERS),
            gr.Dropdown(choices=choices, value=[d for d in docs or [] if d in known]),
        )

    gr.Markdown(
        "Find quotes on a topic across the indexed articles. Filter by speaker, article and "
        "date; **Copy** puts a quote on the clipboard with its attribution in house style; "
        "**¶N** opens the passage with the quote highlighted."
    )
    with gr.Row():
        topic = gr.Textbox(
            label="Topic",
            placeholder="e.g. escalation, sanctions, the border",
            scale=4,
            elem_id="qb-find-topic",
        )
        speaker = gr.Dropdown(
            choices=speaker_choices(),
            value=ALL_SPEAKERS,
            label="Speaker",
            filterable=True,
            scale=2,
            elem_id="qb-find-speaker",
        )
    with gr.Row():
        docs = gr.Dropdown(
            choices=doc_choices(),
            value=[],
            multiselect=True,
            label="Articles (all when none chosen)",
            scale=4,
            elem_id="qb-find-docs",
        )
        since = gr.Textbox(label="From (date)", placeholder="2024-01-01", scale=1)
        until = gr.Textbox(label="To (date)", placeholder="2024-12-31", scale=1)
        k = gr.Number(value=DEFAULT_K, minimum=1, maximum=500, precision=0, label="Show", scale=1)
    with gr.Row():
        button = gr.Button("Find quotes", variant="primary", elem_id="qb-find")
        downloads = [
            gr.DownloadButton(
                f"Download {LABELS[fmt]}", visible=False, elem_id=f"qb-export-{fmt}", size="sm"
            )
            for fmt in FORMATS
        ]
    results = gr.HTML(
        '<p class="qb-muted">Type a topic (or choose a speaker) and press Find quotes.</p>',
        elem_id="qb-finder",
        head=STYLE,
        js_on_load=GOTO_JS + COPY_JS,
        container=True,
        padding=True,
    )
    inputs = [topic, speaker, docs, since, until, k]
    outputs = [results, *downloads]
    button.click(find, inputs, outputs, api_name="find_quotes", concurrency_id="chat")
    topic.submit(find, inputs, outputs, api_visibility="private", concurrency_id="chat")
    return FinderTab(topic, speaker, docs, results, downloads, refresh)
