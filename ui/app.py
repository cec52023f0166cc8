"""The Gradio UI of quotebot: Chat, Quote finder, Experts, Article, Articles and "Add an
article" tabs.

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

from index.errors import DocumentNotFoundError, QuotebotError
from index.types import Document, Speaker, display_date
from rag import Answer, QuoteBot
from rag.finder import check_metadata
from ui import articles as articles_ui
from ui import experts as experts_ui
from ui import finder as finder_ui
from ui import render
from ui.assets import ARTICLE_JS, CITE_JS, GOTO_JS, STYLE
from ui.cli import answer_json

log = logging.getLogger(__name__)

EXAMPLE_QUESTIONS = (
    "Which experts are quoted?",
    "What did Ali Vaez say about escalation?",
    "Why did Pakistan retaliate?",
    "When did Iran strike Pakistan?",
)
ALL_SPEAKERS = "All speakers"
CONCURRENCY = 16


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
        choices = []
        for t, d in zip(titles, docs.values(), strict=True):
            extra = [x for x in (d.outlet, display_date(d.date)) if x]
            if titles.count(t) > 1:
                extra.append(d.doc_id[:8])
            choices.append((f"{t} ({', '.join(extra)})" if extra else t, d.doc_id))
        return choices

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

    def respond(
        question: str, answers: list[Answer] | None, scope: list[str] | None = None
    ) -> tuple[Any, ...]:
        answers = list(answers or [])
        question = (question or "").strip()
        if not question:
            gr.Info("Type a question first.")
            return gr.skip(), answers, gr.skip(), gr.skip()
        try:
            answer = bot.ask(question, history=answers, doc_ids=scope or None)
        except QuotebotError as err:
            return (*failed(answers, question, str(err)), answers, gr.skip(), question)
        except Exception:  # never show a traceback in the page
            log.exception("answering %r failed", question)
            message = "Something went wrong while answering; please try again."
            return (*failed(answers, question, message), answers, gr.skip(), question)
        answers.append(answer)
        return (
            transcript(answers),
            answers,
            render.sources_html(answers, documents(), speakers()),
            "",
        )

    def failed(answers: Sequence[Answer], question: str, message: str) -> tuple[Any]:
        """The conversation with the question and why it was not answered at its end."""
        gr.Warning(message)
        shown = question if len(question) <= 300 else question[:300] + "…"
        return (
            [
                *transcript(answers),
                {"role": "user", "content": render.user_html(shown)},
                {"role": "assistant", "content": render.status_html(message, "error")},
            ],
        )

    def answer_api(question: str) -> dict[str, Any]:
        """One question answered as JSON (no conversation): ``answer``, ``abstained``,
        ``citations`` (doc_id, paragraph, start, end, text, speaker) and ``related``."""
        try:
            return answer_json(bot.ask((question or "").strip()))
        except QuotebotError as err:
            raise gr.Error(str(err)) from None

    def reset() -> tuple[Any, ...]:
        return [], [], render.sources_html([]), ""

    # -- experts and article ---------------------------------------------------------
    def experts_view(choice: str | None, search: str | None = None) -> str:
        people = bot.speakers()
        if choice and choice != ALL_SPEAKERS:
            wanted = bot.find_speaker(choice)
            people = [wanted] if wanted is not None else []
        people = [s for s in people if experts_ui.matches(s, search)]
        if not people and search:
            return render.status_html(f"Nobody quoted matches “{search.strip()}”.", "info")
        quoted: dict[str, list[Any]] = {}
        for q in bot.quotes():
            if q.speaker:
                quoted.setdefault(q.speaker, []).append(q)
        quotes = {s.name: quoted.get(s.name, []) for s in people}
        return render.experts_html(people, quotes, documents())

    def scope_view(scope: list[str] | None) -> Any:
        choices = doc_choices(documents())
        known = {value for _, value in choices}
        return gr.Dropdown(choices=choices, value=[d for d in scope or [] if d in known])

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

    def refresh_experts(choice: str | None, search: str | None = None) -> tuple[Any, ...]:
        names = speaker_choices()
        choice = choice if choice in names else ALL_SPEAKERS
        return gr.Dropdown(choices=names, value=choice), experts_view(choice, search)

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
    def add_article(
        path: str | None,
        title: str = "",
        outlet: str = "",
        date: str = "",
        progress: gr.Progress = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        unchanged = (gr.skip(),) * 6  # the views and the articles list

        def fail(message: str) -> tuple[Any, ...]:
            gr.Warning(message)
            return (render.status_html(message, "error"), None, *unchanged)

        if not path:
            return (
                render.status_html("Choose a .txt, .md or .html file to add.", "info"),
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
        stages = articles_ui.UploadProgress(progress, name)
        stages.start()
        try:
            # the uploader's corrections, sent with the file (no separate event to race it)
            metadata = check_metadata({"title": title, "outlet": outlet, "date": date})
            known = set(documents())
            [doc_id] = bot.add_many([path], progress=stages, metadata=metadata)
        except QuotebotError as err:
            return fail(str(err))
        except Exception:
            log.exception("indexing upload %s failed", name)
            return fail(
                f"{name} could not be indexed because of an internal error; the index is unchanged."
            )
        doc = bot.document(doc_id)
        quotes = quote_counts().get(doc_id, 0)
        if doc_id in known:
            message = f"{name}: “{doc.title}” is already indexed; you can ask about it."
            if metadata:
                message += " (Its title, outlet and date stay as first indexed.)"
        else:
            message = (
                f"Indexed {name}: “{doc.title}”, {len(doc.paragraphs)} paragraphs, "
                f"{quotes} quotes. You can ask about it in the Chat tab now."
            )
        return (
            render.status_html(message, "ok"),
            None,
            *refresh(doc_id, ALL_SPEAKERS),
            *articles_view(),
        )

    # -- the articles list -------------------------------------------------------------
    def quote_counts() -> dict[str, int]:
        counts: dict[str, int] = {}
        for q in bot.quotes():
            counts[q.doc_id] = counts.get(q.doc_id, 0) + 1
        return counts

    def articles_view(selected: str | None = None) -> tuple[Any, ...]:
        docs = documents()
        return (
            articles_ui.articles_html(docs.values(), quote_counts()),
            gr.Dropdown(choices=doc_choices(docs), value=selected if selected in docs else None),
        )

    def ask_removal(doc_id: str | None) -> tuple[Any, ...]:
        docs = documents()
        if not doc_id or doc_id not in docs:
            message = "Choose an article to remove." if not doc_id else "It is no longer indexed."
            return gr.Column(visible=False), "", render.status_html(message, "info")
        html = articles_ui.confirm_html(docs[doc_id], quote_counts().get(doc_id, 0))
        return gr.Column(visible=True), html, render.status_html("Confirm or cancel.", "info")

    def remove_article(doc_id: str | None, shown: str | None) -> tuple[Any, ...]:
        hide = gr.Column(visible=False)
        docs = documents()
        title = docs[doc_id].title if doc_id in docs else None
        try:
            if not doc_id:
                raise DocumentNotFoundError("no article chosen: choose one to remove.")
            bot.remove(doc_id)
        except QuotebotError as err:
            return (hide, render.status_html(str(err), "error"), *articles_view(), *refresh())
        except Exception:
            log.exception("removing %s failed", doc_id)
            message = "The article could not be removed because of an internal error."
            return (hide, render.status_html(message, "error"), *articles_view(), *refresh())
        message = f"Removed “{title}”: it is no longer searched or cited."
        return (hide, render.status_html(message, "ok"), *articles_view(), *refresh(shown))

    def cancel_removal() -> tuple[Any, ...]:
        return gr.Column(visible=False), render.status_html("Nothing removed.", "info")

    def article_tab_view(doc_id: str | None) -> tuple[Any, ...]:
        """The Article tab: new choices; the view is kept unless its document is gone."""
        docs = documents()
        if doc_id in docs:
            return gr.Dropdown(choices=doc_choices(docs), value=doc_id), gr.skip()
        first = next(iter(docs), None)
        return gr.Dropdown(choices=doc_choices(docs), value=first), article_view(first)

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
            with gr.Tab("Chat", id="chat") as chat_tab, gr.Row(equal_height=False):
                with gr.Column(scale=3):
                    scope = gr.Dropdown(
                        choices=doc_choices(docs0),
                        value=[],
                        multiselect=True,
                        label="Ask about (all articles when none chosen)",
                        elem_id="qb-scope",
                    )
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
                        js_on_load=CITE_JS + GOTO_JS,
                        container=True,
                        padding=True,
                        max_height=640,
                    )
            with gr.Tab("Quote finder", id="finder") as finder_tab:
                finder = finder_ui.build_finder(
                    bot, lambda: doc_choices(documents()), speaker_choices
                )
            with gr.Tab("Experts", id="experts") as experts_tab:
                with gr.Row():
                    expert_search = gr.Textbox(
                        label="Search by name",
                        placeholder="part of a name, e.g. Vaez",
                        scale=2,
                        elem_id="qb-expert-search",
                    )
                    speaker_filter = gr.Dropdown(
                        choices=speaker_choices(),
                        value=ALL_SPEAKERS,
                        label="Speaker",
                        filterable=True,
                        scale=2,
                        elem_id="qb-speaker-filter",
                    )
                experts = gr.HTML(
                    experts_view(ALL_SPEAKERS),
                    elem_id="qb-experts",
                    head=experts_ui.STYLE,
                    js_on_load=GOTO_JS,
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
                    js_on_load=ARTICLE_JS,
                    container=True,
                    padding=True,
                )
            with gr.Tab("Articles", id="articles") as articles_tab:
                articles_table = gr.HTML(
                    articles_ui.articles_html([], {}),
                    elem_id="qb-articles",
                    head=articles_ui.STYLE,
                    container=True,
                    padding=True,
                )
                with gr.Row():
                    remove_select = gr.Dropdown(
                        choices=doc_choices(docs0),
                        value=None,
                        label="Article to remove",
                        elem_id="qb-remove-select",
                        scale=4,
                    )
                    remove_button = gr.Button(
                        "Remove…", variant="stop", scale=1, elem_id="qb-remove"
                    )
                with gr.Column(visible=False, elem_id="qb-remove-confirm") as confirm_box:
                    confirm_text = gr.HTML("")
                    with gr.Row():
                        confirm_yes = gr.Button(
                            "Yes, remove it", variant="stop", elem_id="qb-remove-yes"
                        )
                        confirm_no = gr.Button("Cancel", elem_id="qb-remove-cancel")
                remove_status = gr.HTML("", elem_id="qb-remove-status")
            with gr.Tab("Add an article", id="add"):
                gr.Markdown(
                    f"Upload a news article as a UTF-8 **.txt** or **.md** file, or a saved "
                    f"web page (**.html**), up to {_human_size(max_upload_bytes)}. It is "
                    "indexed at once and can be asked about in the Chat tab."
                )
                gr.Markdown(
                    "Title, outlet and date are read from the text where it gives them; "
                    "fill these in first to correct them (blank keeps what is read)."
                )
                with gr.Row():
                    meta_title = gr.Textbox(label="Title", scale=3, elem_id="qb-meta-title")
                    meta_outlet = gr.Textbox(label="Outlet", scale=2, elem_id="qb-meta-outlet")
                    meta_date = gr.Textbox(
                        label="Date", placeholder="2024-01-23", scale=1, elem_id="qb-meta-date"
                    )
                upload = gr.File(
                    label="Article file (.txt, .md or .html)",
                    file_count="single",
                    type="filepath",
                    elem_id="qb-upload",
                )
                status = gr.HTML(
                    render.status_html("No file added yet.", "info"), elem_id="qb-upload-status"
                )

        # -- events ----------------------------------------------------------------------
        chat_io: dict[str, Any] = {"outputs": [chatbot, answers_state, sources, question]}
        scope_state = gr.State([])  # a State, so the /ask API keeps its one argument
        scope.change(
            lambda chosen: list(chosen or []), scope, scope_state, api_visibility="private"
        )
        send.click(
            respond,
            [question, answers_state, scope_state],
            api_name="ask",
            concurrency_id="chat",
            **chat_io,
        )
        question.submit(
            respond,
            [question, answers_state, scope_state],
            api_visibility="private",
            concurrency_id="chat",
            **chat_io,
        )
        for button, text in zip(example_buttons, EXAMPLE_QUESTIONS, strict=True):
            button.click(
                lambda answers, chosen, text=text: respond(text, answers, chosen),
                [answers_state, scope_state],
                api_visibility="private",
                concurrency_id="chat",
                **chat_io,
            )
        gr.api(answer_api, api_name="answer", concurrency_id="chat")
        new_chat.click(reset, None, api_visibility="private", **chat_io)
        chatbot.clear(reset, None, api_visibility="private", **chat_io)

        goto_outputs = [tabs, doc_select, article]
        sources.click(goto, None, goto_outputs, api_visibility="private")
        experts.click(goto, None, goto_outputs, api_visibility="private")
        finder.results.click(goto, None, goto_outputs, api_visibility="private")
        expert_inputs = [speaker_filter, expert_search]
        speaker_filter.change(experts_view, expert_inputs, experts, api_visibility="private")
        expert_search.change(experts_view, expert_inputs, experts, api_visibility="private")
        doc_select.input(article_view, doc_select, article, api_visibility="private")

        views = [doc_select, article, speaker_filter, experts]
        # pick up articles added in other sessions (without re-rendering a landed citation)
        experts_tab.select(
            refresh_experts, expert_inputs, [speaker_filter, experts], api_visibility="private"
        )
        finder_pickers = [finder.speaker, finder.docs]
        finder_tab.select(finder.refresh, finder_pickers, finder_pickers, api_visibility="private")
        chat_tab.select(scope_view, scope, scope, api_visibility="private")
        demo.load(scope_view, scope, scope, api_visibility="private")
        article_tab.select(
            article_tab_view, doc_select, [doc_select, article], api_visibility="private"
        )
        listing = [articles_table, remove_select]
        articles_tab.select(articles_view, remove_select, listing, api_visibility="private")
        demo.load(refresh, [doc_select, speaker_filter], views, api_visibility="private")
        demo.load(articles_view, None, listing, api_visibility="private")
        upload.upload(
            add_article,
            [upload, meta_title, meta_outlet, meta_date],
            [status, upload, *views, *listing],
            api_name="upload",
            api_visibility="undocumented",  # `quotebot bench --ui` times asks during one
            concurrency_limit=1,
            concurrency_id="write",
        )
        remove_button.click(
            ask_removal,
            remove_select,
            [confirm_box, confirm_text, remove_status],
            api_visibility="private",
        )
        confirm_yes.click(
            remove_article,
            [remove_select, doc_select],
            [confirm_box, remove_status, *listing, *views],
            api_visibility="private",
            concurrency_limit=1,
            concurrency_id="write",
        )
        confirm_no.click(
            cancel_removal, None, [confirm_box, remove_status], api_visibility="private"
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
