"""The ``quotebot`` command line.

Heavy libraries are imported only by the commands that need them.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rag import Answer, QuoteBot

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


INDEX_HELP = (
    "index directory (default: $QUOTEBOT_HOME/index, else ~/.cache/quotebot/index, which "
    "holds the bundled article and is built on first use)"
)


STORE_HELP = (
    "where the index is: embedded (default: the --index directory) or a PostgreSQL database "
    "with pgvector, postgresql://USER[:PASSWORD]@HOST[:PORT]/DATABASE (a DSN implies the "
    "PostgreSQL store; `bench --articles N --store postgres|both` starts a throwaway server)"
)


class _Subparsers(argparse._SubParsersAction):
    """Every subcommand also takes ``--index DIR`` after its name."""

    def add_parser(self, name: str, **kwargs: Any) -> argparse.ArgumentParser:
        parser = super().add_parser(name, **kwargs)
        # SUPPRESS: the option given before the subcommand is kept when not repeated after it
        parser.add_argument("--index", metavar="DIR", default=argparse.SUPPRESS, help=INDEX_HELP)
        parser.add_argument("--store", default=argparse.SUPPRESS, help=STORE_HELP)
        return parser


def _parser() -> argparse.ArgumentParser:
    from ui import manage

    parser = argparse.ArgumentParser(
        prog="quotebot",
        description="Answer questions about news articles with attributed expert quotes and "
        "facts, cited to the exact paragraph.",
    )
    parser.register("action", "parsers", _Subparsers)
    parser.add_argument("--index", metavar="DIR", help=INDEX_HELP)
    parser.add_argument("--store", help=STORE_HELP)
    sub = parser.add_subparsers(dest="command", required=True)
    manage.add_arguments(sub)
    p = sub.add_parser("search", help="hybrid search over paragraphs, quotes or facts")
    p.add_argument("query")
    p.add_argument("-k", "--k", type=int, default=None, help="how many hits (1 or more)")
    p.add_argument("--kind", choices=["paragraph", "quote", "fact"], default=None)
    p.add_argument("--mode", choices=["hybrid", "dense", "keyword"], default="hybrid")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("ask", help="a grounded answer with citations")
    p.add_argument("question", nargs="?")
    p.add_argument("--file", type=Path, help="one question per line; one JSON object per answer")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("quotes", help="find attributed quotes (by topic, speaker, article, date)")
    p.add_argument("--speaker", help="a name, alias or part of a name")
    p.add_argument("--about", metavar="TOPIC", help="rank quotes by relevance to TOPIC")
    p.add_argument("--doc", action="append", metavar="ID", help="only this article (repeatable)")
    p.add_argument("--since", metavar="DATE", help="articles dated on or after (ISO)")
    p.add_argument("--until", metavar="DATE", help="articles dated on or before (ISO)")
    p.add_argument("-k", "--k", type=int, default=None, help="how many (default 20 with --about)")
    p.add_argument("--format", choices=["csv", "md", "json"], help="export the quotes found")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("speakers", help="list everyone quoted")
    p.add_argument("--json", action="store_true")
    sub.add_parser("check", help="verify every vector segment's checksum and document's digest")
    sub.add_parser("chat", help="chat in the terminal (follow-ups work)")
    p = sub.add_parser("serve", help="the chat UI in the browser")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=7860)
    p = sub.add_parser("eval", help="measure retrieval, answers, extraction and speed")
    p.add_argument(
        "--set",
        action="append",
        metavar="FILE",
        help="question set (JSONL) or glob, repeatable; default eval/questions.jsonl. A set "
        "whose questions name articles runs on a fresh index of those articles",
    )
    p.add_argument(
        "--news-root",
        type=Path,
        metavar="DIR",
        help="news corpus with {train,dev}/text/ (default $QUOTEBOT_NEWS, else "
        "../shared/news/polnear beside the project)",
    )
    p.add_argument("--quotes", type=Path, help="folder of NAME.txt + NAME.expected.json")
    p.add_argument(
        "--attribution",
        type=Path,
        metavar="DIR",
        help="score attribution on a folder of text + brat .ann files (PolNeAR layout)",
    )
    p.add_argument("--json", action="store_true")
    p.add_argument("--out", type=Path, default=Path("eval/out"))
    p.add_argument("--no-gate", action="store_true", help="report only; never fail")
    p.add_argument(
        "--operating",
        action="store_true",
        help="answer every question (threshold 0) and score at matched abstention recall, "
        "gated by eval/operating_thresholds.json (eval/operating.py)",
    )
    p = sub.add_parser("bench", help="speed figures against a naive baseline")
    p.add_argument("--queries", type=int, default=100)
    p.add_argument("--ui", action="store_true", help="time `quotebot serve` as a user meets it")
    p.add_argument(
        "--articles",
        type=int,
        metavar="N",
        help="build an archive of N articles with add_many and measure it (eval/bench_archive.py)",
    )
    if not any("--store" in a.option_strings for a in p._actions):
        p.add_argument(
            "--store",
            default=argparse.SUPPRESS,
            help="with --articles: embedded (default), postgres, or a postgresql:// DSN",
        )
    p.add_argument(
        "--source", type=Path, metavar="DIR", help="with --articles: a folder of real articles"
    )
    p.add_argument(
        "--ann-units",
        type=int,
        metavar="N",
        help="exact vs IVF vector search over N generated units (1000000: about 4 GB of memory)",
    )
    p.add_argument("--json", action="store_true")
    return parser


def _open(args: argparse.Namespace) -> QuoteBot:
    from rag import QuoteBot

    return QuoteBot.open(args.index)


def answer_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [asdict(c) for c in answer.citations],
        "related": [asdict(c) for c in answer.related],
    }


def _print_answer(answer: Answer, titles: dict[str, str]) -> None:
    print(answer.text)
    for n, c in enumerate(answer.citations, start=1):
        who = f" ({c.speaker})" if c.speaker else ""
        print(
            f"  [{n}] {titles.get(c.doc_id, c.doc_id)}, ¶{c.paragraph}{who}, "
            f"chars {c.start}-{c.end}"
        )
    if answer.abstained and answer.related:
        print("  related passages (not an answer):")
        for c in answer.related:
            print(f"   ¶{c.paragraph}: {c.text[:100]}")


def _print_json(items: list[Any]) -> None:
    print(json.dumps([asdict(item) for item in items], ensure_ascii=False, indent=2))


def _cmd_search(args: argparse.Namespace) -> int:
    hits = _open(args).search(args.query, k=args.k, kind=args.kind, mode=args.mode)
    if args.json:
        _print_json(hits)
    else:
        for h in hits:
            who = f" [{h.speaker}]" if h.speaker else ""
            print(f"¶{h.paragraph} {h.kind} {h.score:.4f}{who}: {h.text[:160]}")
    return 0


def _cmd_ask(args: argparse.Namespace) -> int:
    if args.file and not args.file.is_file():
        print(
            f"error: {args.file} does not exist: give a file of questions, one a line.",
            file=sys.stderr,
        )
        return 2
    bot = _open(args)
    if args.file:
        for line in args.file.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.strip():
                print(json.dumps(answer_json(bot.ask(line.strip())), ensure_ascii=False))
        return 0
    if not args.question:
        print("error: give a question, or --file questions.txt", file=sys.stderr)
        return 2
    answer = bot.ask(args.question)
    if args.json:
        print(json.dumps(answer_json(answer), ensure_ascii=False, indent=2))
    else:
        _print_answer(answer, {d.doc_id: d.title for d in bot.documents()})
    return 0


def _cmd_quotes(args: argparse.Namespace) -> int:
    bot = _open(args)
    if args.speaker and bot.find_speaker(args.speaker) is None:
        names = ", ".join(s.name for s in bot.speakers())
        print(f"error: no speaker {args.speaker!r}; quoted are: {names}", file=sys.stderr)
        return 2
    finder = (args.about, args.doc, args.since, args.until, args.k, args.format)
    if all(option is None for option in finder):
        quotes = bot.quotes(speaker=args.speaker)
        if args.json:
            _print_json(quotes)
        else:
            for q in quotes:
                who = q.speaker or "(unattributed)"
                print(f"¶{q.paragraph} {who} [{q.kind}, {q.cue}]: “{q.text}”")
        return 0
    from rag.export import export_quotes

    k = args.k if args.k is not None else (20 if args.about else max(1, len(bot.quotes())))
    found = bot.find_quotes(args.about, args.speaker, args.doc, args.since, args.until, k)
    if args.format or args.json:
        sys.stdout.write(export_quotes(found, args.format or "json"))
    else:
        for q in found:
            print(f"{q.attributed()} ¶{q.paragraph}")
        if not found:
            print("no quotes found: widen the topic, speaker, articles or dates", file=sys.stderr)
    return 0


def _cmd_speakers(args: argparse.Namespace) -> int:
    people = _open(args).speakers()
    if args.json:
        _print_json(people)
    else:
        for s in people:
            print(f"{s.name} ({s.quote_count} quotes){': ' + s.title if s.title else ''}")
    return 0


def _cmd_check(args: argparse.Namespace) -> int:
    bot = _open(args)
    bot.check()  # a damaged file raises ChecksumError: one `error:` line, exit code 2
    print(f"{bot.directory}: {len(bot.store.documents)} articles, checksums and digests match")
    return 0


def _cmd_chat(args: argparse.Namespace) -> int:
    from rag.conversation import Conversation

    bot = _open(args)
    chat = Conversation(bot)
    titles = {d.doc_id: d.title for d in bot.documents()}
    print("Ask about the indexed articles (empty line or Ctrl-D to quit).")
    while True:
        try:
            question = input("> ").strip()
        except EOFError:
            return 0
        if not question:
            return 0
        _print_answer(chat.ask(question), titles)


def port_in_use(host: str, port: int) -> bool:
    """True when another server listens on ``host:port``."""
    import socket

    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server binds
        try:
            s.bind((host, port))
        except OSError:
            return True
    return False


def _busy_port(port: int) -> int:
    print(
        f"error: port {port} is in use: choose another with `make run PORT=...` or "
        "`quotebot serve --port N`",
        file=sys.stderr,
    )
    return 2


def _cmd_serve(args: argparse.Namespace) -> int:
    import threading

    if not 1 <= args.port <= 65535:
        print(f"error: port {args.port} is not a port number: use 1 to 65535.", file=sys.stderr)
        return 2
    if port_in_use(args.host, args.port):
        return _busy_port(args.port)
    from ui.app import launch

    bot = _open(args)
    # the model loads while the page is served and the user types the first question
    threading.Thread(target=bot.warm_up, name="warm-up", daemon=True).start()
    try:
        launch(bot, host=args.host, port=args.port)
    except OSError as err:  # taken between the check and the launch
        if port_in_use(args.host, args.port) or "port" in str(err).lower():
            return _busy_port(args.port)
        raise
    return 0


def _cmd_eval(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from eval import sets
    from eval.dataset import DEFAULT_QUESTIONS, DEFAULT_QUOTE_SETS

    if args.attribution is not None:
        return _eval_attribution(args)
    if args.operating:
        return _eval_operating(args)
    outcome = sets.evaluate(
        args.set or [str(DEFAULT_QUESTIONS)],
        lambda: _open(args),
        args.out,
        quote_dir=args.quotes or DEFAULT_QUOTE_SETS,
        root=args.news_root,
        bars=lambda name, total: tqdm(total=total, desc=name, file=sys.stderr, disable=args.json),
    )
    failures = outcome.failures
    written = f"written in {args.out}/: {', '.join(outcome.written)}"
    return _report(args, outcome.figures, outcome.markdown, written, failures, "quality gate")


def _eval_operating(args: argparse.Namespace) -> int:
    """Every question answered at threshold 0, scored at matched abstention recall."""
    from tqdm import tqdm

    from eval import operating, sets
    from eval.dataset import DEFAULT_QUESTIONS, expand_sets, is_news_set, load_questions

    patterns = args.set or [str(DEFAULT_QUESTIONS)]
    news = [is_news_set(load_questions(p)) for p in expand_sets(patterns)]
    args.out.mkdir(parents=True, exist_ok=True)
    with operating.answering_every_question(args.out / "threshold-0-weights.json"):
        outcome = sets.evaluate(
            patterns,
            lambda: _open(args),
            args.out,
            quote_dir=args.quotes,
            root=args.news_root,
            bars=lambda n, total: tqdm(total=total, desc=n, file=sys.stderr, disable=args.json),
            gated=False,
        )
    figures = operating.figures_of(outcome.figures)
    section = "news" if all(news) else "bundled" if not any(news) else None
    failures = operating.check(figures, section) if section else []
    (args.out / "operating.json").write_text(json.dumps(figures, indent=1) + "\n", "utf-8")
    markdown = operating.markdown(figures, failures, section)
    (args.out / "operating.md").write_text(markdown + "\n", encoding="utf-8")
    written = f"written in {args.out}/: operating.json, operating.md, {', '.join(outcome.written)}"
    return _report(args, figures, markdown, written, failures, "quality gate")


def _eval_attribution(args: argparse.Namespace) -> int:
    from eval import attribution
    from index.errors import QuotebotError

    folder: Path = args.attribution
    if not attribution.article_pairs(folder):
        raise QuotebotError(
            f"{folder} holds no annotated articles: give a folder with text/NAME.txt and "
            "attributions/NAME_ANNOTATOR.ann (or both side by side)."
        )
    score = attribution.score_folder(folder)
    attribution.write(score, folder, args.out)
    written = f"written: {args.out}/attribution.json, attribution.md"
    markdown = attribution.markdown(score, folder, misses=5)
    failures = attribution.gate(score)
    return _report(args, score.figures(), markdown, written, failures, "attribution gate")


def _report(
    args: argparse.Namespace,
    figures: dict[str, Any],
    markdown: str,
    written: str,
    failures: list[str],
    gate_name: str,
) -> int:
    """Print an evaluation (JSON or Markdown) and exit 1 on a failed gate unless --no-gate."""
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    else:
        print(markdown)
        print(written)
    if failures and not args.no_gate:
        print(f"{gate_name} failed:\n  " + "\n  ".join(failures), file=sys.stderr)
        return 1
    return 0


def _cmd_bench(args: argparse.Namespace) -> int:
    if args.ann_units is not None:
        from eval import bench_ann

        if args.ann_units < 1000:
            print("error: --ann-units must be 1000 or more.", file=sys.stderr)
            return 2
        found = bench_ann.run(args.ann_units, queries=min(max(args.queries, 10), 200))
        print(json.dumps(found, indent=2) if args.json else bench_ann.format_table(found))
        return 0
    if args.articles is not None:
        from eval import bench_archive

        store = getattr(args, "store", None) or "embedded"
        stores = ["embedded", "postgres"] if store == "both" else [store]
        results = []
        try:
            for one in stores:
                dsn = one if "://" in one else None
                results.append(
                    bench_archive.run(
                        args.articles,
                        store="postgres" if dsn else one,
                        dsn=dsn,
                        source=args.source,
                        questions=min(max(args.queries, 1), 50),
                    )
                )
        except ValueError as err:
            print(f"error: {err}", file=sys.stderr)
            return 2
        if len(results) > 1:
            both = bench_archive.format_side_by_side(results)
            print(json.dumps(results, indent=2) if args.json else both)
            return 0
        result = results[0]
        print(json.dumps(result, indent=2) if args.json else bench_archive.format_table(result))
        return 0
    if args.ui:
        from eval import bench_ui

        index = Path(args.index) if args.index else None
        result = bench_ui.run(index)
        print(json.dumps(result, indent=2) if args.json else bench_ui.format_table(result))
        return 0
    from eval import bench

    result = bench.run(queries=args.queries)
    print(json.dumps(result, indent=2) if args.json else bench.format_table(result))
    return 0


def _cmd_articles(args: argparse.Namespace) -> int:
    from ui import manage

    return manage.cmd_articles(args, _open(args))


def _cmd_remove(args: argparse.Namespace) -> int:
    from ui import manage

    return manage.cmd_remove(args, _open(args))


def _cmd_index(args: argparse.Namespace) -> int:
    from ui import manage

    return manage.cmd_index(args)


COMMANDS = {
    "index": _cmd_index,
    "articles": _cmd_articles,
    "remove": _cmd_remove,
    "search": _cmd_search,
    "ask": _cmd_ask,
    "quotes": _cmd_quotes,
    "speakers": _cmd_speakers,
    "check": _cmd_check,
    "chat": _cmd_chat,
    "serve": _cmd_serve,
    "eval": _cmd_eval,
    "bench": _cmd_bench,
}


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    from index.errors import QuotebotError

    store = getattr(args, "store", None)
    if store not in (None, "embedded") and args.command != "bench":  # bench: its own choice
        if "://" not in store:
            print(
                f"error: --store {store} needs the database: --store "
                "postgresql://USER@HOST/DATABASE (or --store embedded).",
                file=sys.stderr,
            )
            return 2
        args.index = store  # QuoteBot.open/create take a DSN where a directory goes

    try:
        return COMMANDS[args.command](args)
    except QuotebotError as err:
        print(f"error: {' '.join(str(err).split())}", file=sys.stderr)  # one line
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as err:  # a bug, not bad input: one line unless debugging
        if os.environ.get("QUOTEBOT_DEBUG"):
            raise
        message = " ".join(str(err).split())[:300]
        print(
            f"error: internal error in `quotebot {args.command}` ({type(err).__name__}: "
            f"{message}); run with QUOTEBOT_DEBUG=1 for the traceback and please report it",
            file=sys.stderr,
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
