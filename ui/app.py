"""The Gradio chat UI of quotebot: Chat, Experts, Article and "Add an article" tabs.

The UI calls ``rag.QuoteBot`` only; every answer, quote and source passage is turned
into escaped HTML by :mod:`ui.render`. Nothing here decides what an answer says.
"""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"

import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import gradio as gr

from index.errors import QuotebotError
from index.types import Document, Speaker
from rag import Answer, QuoteBot
from ui import render

log = logging.getLogger(__name__)

EXAMPLE_QUESTIONS = (
    "Which experts are quoted?",
    "What did Ali Vaez say about escalation?",
    "Why did Pakistan retaliate?",
    "When did Iran strike Pakistan?",
)
ALL_SPEAKERS = "All speakers"
CONCURRENCY = 16

# Global styles, injected once into <head> by the Sources panel (gr.HTML ``head``), so the
# Blocks stay self-contained whoever launches them. Colours follow the Gradio theme.
STYLE = """
<style id="qb-style">
.qb-answer p { margin: 0 0 .55em 0; }
.qb-answer ul { margin: .2em 0 .4em 1.1em; padding: 0; }
a.qb-cite { display: inline-block; margin: 0 .12em; padding: 0 .32em; border-radius: .4em;
  font-size: .78em; font-weight: 700; line-height: 1.35; vertical-align: .15em;
  text-decoration: none !important; cursor: pointer;
  color: var(--color-accent, #ea580c) !important;
  border: 1px solid var(--color-accent, #ea580c);
  background: var(--color-accent-soft, #fff7ed); }
a.qb-cite:hover, a.qb-cite:focus-visible { background: var(--color-accent, #ea580c);
  color: #fff !important; }
.qb-muted { color: var(--body-text-color-subdued, #6b7280); }
.qb-abstained .qb-not-found { font-weight: 700; font-style: italic; margin-bottom: .2em; }
.qb-related { border-left: 3px solid var(--border-color-primary, #d1d5db);
  padding-left: .7em; margin-top: .4em; font-size: .92em; }
.qb-related ul { margin: .2em 0 0 1em; padding: 0; }
.qb-related-head { margin: 0; font-weight: 600; }
.qb-loc { font-weight: 700; }
.qb-doc-title { font-style: italic; }
.qb-cited { color: var(--body-text-color, inherit); }
.qb-sources h3 { margin: 0 0 .4em 0; }
.qb-sources-q { font-weight: 600; margin: .2em 0 .4em 0; }
.qb-source { border: 1px solid var(--border-color-primary, #e5e7eb); border-radius: 8px;
  margin: .45em 0; padding: .35em .65em; background: var(--background-fill-secondary, #f9fafb);
  transition: box-shadow .2s, border-color .2s; }
.qb-source > summary { cursor: pointer; line-height: 1.45; }
.qb-source.qb-active, .qb-source:target { border-color: var(--color-accent, #ea580c);
  box-shadow: 0 0 0 2px var(--color-accent-soft, #fed7aa); }
.qb-num { font-weight: 700; color: var(--color-accent, #ea580c); }
.qb-source-body { margin-top: .4em; border-top: 1px dashed var(--border-color-primary, #e5e7eb);
  padding-top: .4em; }
.qb-source-doc { font-size: .88em; margin-bottom: .3em; }
.qb-earlier { margin-top: .8em; }
.qb-earlier > summary { cursor: pointer; font-weight: 600; }
.qb-turn { margin-bottom: .6em; }
.qb-para { margin: .55em 0; line-height: 1.55; }
.qb-pnum { font-size: .74em; font-weight: 700; margin-right: .35em; user-select: none;
  color: var(--body-text-color-subdued, #6b7280); }
mark.qb-mark { background: #fde68a; color: #111827; padding: 0 .1em; border-radius: 3px; }
.qb-article .qb-para.qb-focus { outline: 2px solid #f59e0b; border-radius: 6px;
  padding: .25em .45em; background: var(--background-fill-secondary, #fffbeb); }
.qb-kind-title { font-size: 1.25em; font-weight: 700; }
.qb-kind-heading { font-weight: 700; margin-top: 1em; }
.qb-kind-caption, .qb-kind-boilerplate { font-size: .9em; font-style: italic;
  color: var(--body-text-color-subdued, #6b7280); }
.qb-kind-pull_quote { font-style: italic; border-left: 3px solid #f59e0b; padding-left: .7em; }
.qb-article header p { margin-top: 0; }
.qb-expert-table { width: 100%; border-collapse: collapse; margin-bottom: 1em; }
.qb-expert-table th, .qb-expert-table td { text-align: left; padding: .35em .5em;
  border-bottom: 1px solid var(--border-color-primary, #e5e7eb); vertical-align: top; }
.qb-count { text-align: right !important; font-variant-numeric: tabular-nums; }
.qb-expert { margin: 1em 0; }
.qb-expert h3 { margin-bottom: .1em; }
.qb-quotes li { margin: .35em 0; }
a.qb-goto { font-weight: 700; white-space: nowrap; cursor: pointer; }
.qb-status { padding: .6em .8em; border-radius: 8px; border: 1px solid transparent; }
.qb-status-error { color: #991b1b; background: #fef2f2; border-color: #fecaca; }
.qb-status-ok { color: #166534; background: #f0fdf4; border-color: #bbf7d0; }
.qb-status-info { color: var(--body-text-color-subdued, #4b5563);
  background: var(--background-fill-secondary, #f9fafb); }
</style>
"""

# A document-level handler for citation markers (they live in the chat window): open and
# highlight the cited passage in the Sources panel. Installed once.
_CITE_JS = """
if (!window.__qbCiteHandler) {
  window.__qbCiteHandler = true;
  document.addEventListener('click', function (ev) {
    const a = ev.target && ev.target.closest ? ev.target.closest('a.qb-cite') : null;
    if (!a) return;
    ev.preventDefault();
    ev.stopPropagation();
    // the chat window's sanitizer drops data-* attributes, so the target comes from href
    const id = a.dataset.target || (a.getAttribute('href') || '').replace(/^#/, '');
    const el = id ? document.getElementById(id) : null;
    if (!el) return;
    document.querySelectorAll('.qb-source.qb-active').forEach(function (e) {
      e.classList.remove('qb-active');
    });
    for (let p = el; p; p = p.parentElement) { if (p.tagName === 'DETAILS') p.open = true; }
    el.classList.add('qb-active');
    el.scrollIntoView({block: 'nearest', behavior: 'smooth'});
  }, true);
}
"""

# Per-component handler: ¶N / "open in Article" links ask the server for the Article view;
# in-page anchors scroll without touching the URL.
_GOTO_JS = """
element.addEventListener('click', function (ev) {
  const g = ev.target.closest('a.qb-goto');
  if (g) {
    ev.preventDefault();
    trigger('click', {doc: g.dataset.doc, paragraph: Number(g.dataset.paragraph),
                      start: Number(g.dataset.start ?? -1), end: Number(g.dataset.end ?? -1)});
    return;
  }
  const h = ev.target.closest('a[href^="#qb-"]');
  if (h && !h.classList.contains('qb-cite')) {
    ev.preventDefault();
    const t = document.getElementById(h.getAttribute('href').slice(1));
    if (t) t.scrollIntoView({block: 'start', behavior: 'smooth'});
  }
});
"""

# The Article view scrolls its focused paragraph (a landed citation) into view.
_ARTICLE_JS = """
function qbFocus() {
  let tries = 0;
  const go = function () {
    const f = element.querySelector('.qb-focus');
    if (!f) return;
    if (f.offsetParent === null && tries++ < 20) { setTimeout(go, 100); return; }
    f.scrollIntoView({block: 'center'});
  };
  setTimeout(go, 60);
}
watch('value', qbFocus);
qbFocus();
"""


def _human_size(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.0f} KB"
    return f"{n} bytes"


def build_app(bot: QuoteBot, max_upload_bytes: int = 2_000_000) -> gr.Blocks:
    """The quotebot UI over ``bot`` (queued, ready to ``launch``)."""

    # -- lookups ---------------------------------------------------------------------
    def documents() -> dict[str, Document]:
        return {d.doc_id: d for d in bot.documents()}

    def speakers() -> dict[str, Speaker]:
        return {s.name: s for s in bot.speakers()}

    def doc_choices(docs: dict[str, Document]) -> list[tuple[str, str]]:
        titles = [d.title or d.doc_id for d in docs.values()]
        return [
            (f"{t} ({d.doc_id[:8]})" if titles.count(t) > 1 else t, d.doc_id)
            for t, d in zip(titles, docs.values(), strict=True)
        ]

    def speaker_choices() -> list[str]:
        return [ALL_SPEAKERS, *(s.name for s in bot.speakers())]

    # -- chat ------------------------------------------------------------------------
    def transcript(answers: Sequence[Answer]) -> list[dict[str, str]]:
        docs, people = documents(), speakers()
        messages: list[dict[str, str]] = []
        for turn, answer in enumerate(answers):
            messages.append({"role": "user", "content": render.user_html(answer.question)})
            messages.append(
                {"role": "assistant", "content": render.answer_html(answer, turn, docs, people)}
            )
        return messages

    def respond(question: str, answers: list[Answer] | None) -> tuple[Any, ...]:
        answers = list(answers or [])
        question = (question or "").strip()
        if not question:
            gr.Info("Type a question first.")
            return gr.skip(), answers, gr.skip(), gr.skip()
        try:
            answer = bot.ask(question, history=answers)
        except QuotebotError as err:
            gr.Warning(str(err))
            return gr.skip(), answers, gr.skip(), question
        except Exception:  # never show a traceback in the page
            log.exception("answering %r failed", question)
            gr.Warning("Something went wrong while answering; please try again.")
            return gr.skip(), answers, gr.skip(), question
        answers.append(answer)
        return (
            transcript(answers),
            answers,
            render.sources_html(answers, documents(), speakers()),
            "",
        )

    def reset() -> tuple[Any, ...]:
        return [], [], render.sources_html([]), ""

    # -- experts and article ---------------------------------------------------------
    def experts_view(choice: str | None) -> str:
        people = bot.speakers()
        if choice and choice != ALL_SPEAKERS:
            wanted = bot.find_speaker(choice)
            people = [wanted] if wanted is not None else []
        quotes = {s.name: bot.quotes(speaker=s.name) for s in people}
        return render.experts_html(people, quotes, documents())

    def article_view(
        doc_id: str | None, focus: int | None = None, span: render.Span | None = None
    ) -> str:
        docs = documents()
        doc = docs.get(doc_id or "") or next(iter(docs.values()), None)
        return render.article_html(doc, focus, span)

    def refresh(doc_id: str | None = None, choice: str | None = None) -> tuple[Any, ...]:
        docs = documents()
        if doc_id not in docs:
            doc_id = next(iter(docs), None)
        names = speaker_choices()
        if choice not in names:
            choice = ALL_SPEAKERS
        return (
            gr.Dropdown(choices=doc_choices(docs), value=doc_id),
            article_view(doc_id),
            gr.Dropdown(choices=names, value=choice),
            experts_view(choice),
        )

    def refresh_experts(choice: str | None) -> tuple[Any, ...]:
        names = speaker_choices()
        choice = choice if choice in names else ALL_SPEAKERS
        return gr.Dropdown(choices=names, value=choice), experts_view(choice)

    def goto(evt: gr.EventData) -> tuple[Any, ...]:
        """Open the Article view at a paragraph (from a ¶N or "open in Article" link)."""
        data = getattr(evt, "_data", None) or {}
        docs = documents()
        doc_id = str(data.get("doc", ""))
        if doc_id not in docs:
            gr.Warning("That document is no longer in the index.")
            return gr.skip(), gr.skip(), gr.skip()
        doc = docs[doc_id]
        try:
            paragraph = int(data.get("paragraph", 0))
            start, end = int(data.get("start", -1)), int(data.get("end", -1))
        except (TypeError, ValueError):
            paragraph, start, end = 0, -1, -1
        if not 1 <= paragraph <= len(doc.paragraphs):
            paragraph = 0
        span = render.Span(start, end) if 0 <= start < end <= len(doc.text) else None
        return (
            gr.Tabs(selected="article"),
            gr.Dropdown(choices=doc_choices(docs), value=doc_id),
            render.article_html(doc, paragraph or None, span if paragraph else None),
        )

    # -- adding an article -----------------------------------------------------------
    def add_article(path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:  # noqa: B008
        unchanged = (gr.skip(),) * 4

        def fail(message: str) -> tuple[Any, ...]:
            gr.Warning(message)
            return (render.status_html(message, "error"), None, *unchanged)

        if not path:
            return (
                render.status_html("Choose a .txt or .md file to add.", "info"),
                None,
                *unchanged,
            )
        name = Path(path).name
        try:
            size = os.path.getsize(path)
        except OSError:
            return fail(f"{name} could not be read; please upload it again.")
        if size > max_upload_bytes:
            return fail(
                f"{name} is {_human_size(size)}, over the {_human_size(max_upload_bytes)} "
                "upload limit: upload a shorter plain-text article."
            )
        progress(0.05, desc=f"Reading {name}")
        try:
            data = Path(path).read_bytes()
            known = set(documents())
            progress(0.25, desc=f"Indexing {name}: paragraphs, quotes, embeddings")
            doc_id = bot.add_bytes(data, name)
        except QuotebotError as err:
            return fail(str(err))
        except Exception:
            log.exception("indexing upload %s failed", name)
            return fail(
                f"{name} could not be indexed because of an internal error; the index is unchanged."
            )
        progress(0.9, desc="Refreshing views")
        doc = bot.document(doc_id)
        quotes = sum(1 for q in bot.quotes() if q.doc_id == doc_id)
        if doc_id in known:
            message = f"{name}: “{doc.title}” is already indexed; you can ask about it."
        else:
            message = (
                f"Indexed {name}: “{doc.title}”, {len(doc.paragraphs)} paragraphs, "
                f"{quotes} quotes. You can ask about it in the Chat tab now."
            )
        progress(1.0, desc="Done")
        return (render.status_html(message, "ok"), None, *refresh(doc_id, ALL_SPEAKERS))

    # -- layout ----------------------------------------------------------------------
    docs0 = documents()
    first_doc = next(iter(docs0), None)
    with gr.Blocks(title="quotebot", analytics_enabled=False) as demo:
        gr.Markdown(
            "## quotebot\nAnswers about the indexed news articles, with every quote "
            "and fact cited to its paragraph. Click a marker like **[1]** to see the "
            "cited passage."
        )
        answers_state = gr.State([])
        with gr.Tabs(selected="chat") as tabs:
            with gr.Tab("Chat", id="chat"), gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    chatbot = gr.Chatbot(
                        value=[],
                        label="Conversation",
                        height=520,
                        latex_delimiters=[],
                        sanitize_html=True,
                        feedback_options=None,
                        elem_id="qb-chat",
                        buttons=["copy"],
                    )
                    with gr.Row():
                        question = gr.Textbox(
                            placeholder="Ask about the articles, e.g. "
                            "What did Ali Vaez say about escalation?",
                            show_label=False,
                            scale=5,
                            max_lines=3,
                            elem_id="qb-question",
                            submit_btn=False,
                        )
                        send = gr.Button("Ask", variant="primary", scale=1, elem_id="qb-send")
                    gr.Markdown("**Examples**")
                    with gr.Row():
                        example_buttons = [
                            gr.Button(q, size="sm", elem_classes="qb-example")
                            for q in EXAMPLE_QUESTIONS
                        ]
                    new_chat = gr.Button("New conversation", size="sm", variant="secondary")
                with gr.Column(scale=2):
                    sources = gr.HTML(
                        render.sources_html([]),
                        elem_id="qb-sources",
                        head=STYLE,
                        js_on_load=_CITE_JS + _GOTO_JS,
                        container=True,
                        padding=True,
                        max_height=640,
                    )
            with gr.Tab("Experts", id="experts") as experts_tab:
                speaker_filter = gr.Dropdown(
                    choices=speaker_choices(),
                    value=ALL_SPEAKERS,
                    label="Speaker",
                    filterable=True,
                    elem_id="qb-speaker-filter",
                )
                experts = gr.HTML(
                    experts_view(ALL_SPEAKERS),
                    elem_id="qb-experts",
                    js_on_load=_GOTO_JS,
                    container=True,
                    padding=True,
                )
            with gr.Tab("Article", id="article") as article_tab:
                doc_select = gr.Dropdown(
                    choices=doc_choices(docs0),
                    value=first_doc,
                    label="Document",
                    elem_id="qb-doc-select",
                )
                article = gr.HTML(
                    article_view(first_doc),
                    elem_id="qb-article",
                    js_on_load=_ARTICLE_JS,
                    container=True,
                    padding=True,
                )
            with gr.Tab("Add an article", id="add"):
                gr.Markdown(
                    f"Upload a news article as a UTF-8 **.txt** or **.md** file (up to "
                    f"{_human_size(max_upload_bytes)}). It is indexed at once and can "
                    "be asked about in the Chat tab."
                )
                upload = gr.File(
                    label="Article file (.txt or .md)",
                    file_count="single",
                    type="filepath",
                    elem_id="qb-upload",
                )
                status = gr.HTML(
                    render.status_html("No file added yet.", "info"), elem_id="qb-upload-status"
                )

        # -- events ----------------------------------------------------------------------
        chat_io: dict[str, Any] = {"outputs": [chatbot, answers_state, sources, question]}
        send.click(
            respond, [question, answers_state], api_name="ask", concurrency_id="chat", **chat_io
        )
        question.submit(
            respond,
            [question, answers_state],
            api_visibility="private",
            concurrency_id="chat",
            **chat_io,
        )
        for button, text in zip(example_buttons, EXAMPLE_QUESTIONS, strict=True):
            button.click(
                lambda answers, text=text: respond(text, answers),
                [answers_state],
                api_visibility="private",
                concurrency_id="chat",
                **chat_io,
            )
        new_chat.click(reset, None, api_visibility="private", **chat_io)
        chatbot.clear(reset, None, api_visibility="private", **chat_io)

        goto_outputs = [tabs, doc_select, article]
        sources.click(goto, None, goto_outputs, api_visibility="private")
        experts.click(goto, None, goto_outputs, api_visibility="private")
        speaker_filter.change(experts_view, speaker_filter, experts, api_visibility="private")
        doc_select.input(article_view, doc_select, article, api_visibility="private")

        views = [doc_select, article, speaker_filter, experts]
        # pick up articles added in other sessions (without re-rendering a landed citation)
        experts_tab.select(
            refresh_experts, speaker_filter, [speaker_filter, experts], api_visibility="private"
        )
        article_tab.select(
            lambda: gr.Dropdown(choices=doc_choices(documents())),
            None,
            doc_select,
            api_visibility="private",
        )
        demo.load(refresh, [doc_select, speaker_filter], views, api_visibility="private")
        upload.upload(
            add_article,
            upload,
            [status, upload, *views],
            api_visibility="private",
            concurrency_limit=1,
        )

    demo.queue(default_concurrency_limit=CONCURRENCY)
    return demo


def launch(
    bot: QuoteBot,
    host: str = "127.0.0.1",
    port: int = 7860,
    max_upload_bytes: int = 2_000_000,
    **kwargs: Any,
) -> gr.Blocks:
    """Build the UI over ``bot`` and serve it (blocking unless ``prevent_thread_lock``)."""
    demo = build_app(bot, max_upload_bytes)
    kwargs.setdefault("max_file_size", max(4 * max_upload_bytes, 8_000_000))
    demo.launch(server_name=host, server_port=port, **kwargs)
    return demo
