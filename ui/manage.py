"""Article management for the CLI: ``quotebot index``, ``articles`` and ``remove``."""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from index.errors import DocumentNotFoundError, InputFileError, InvalidRequestError
from index.reader import READABLE_SUFFIXES

if TYPE_CHECKING:
    from tqdm import tqdm

    from index.types import Document
    from rag import QuoteBot

STAGES = ("reading", "attribution", "embedding", "writing")


def add_arguments(sub: Any) -> None:
    """The ``index``, ``articles`` and ``remove`` subcommands (``sub``: argparse subparsers)."""
    p = sub.add_parser(
        "index",
        help="index articles (.txt, .md, .html) or folders of them",
        description="Index article files, or every .txt/.md/.html file under a folder.",
    )
    p.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    p.add_argument(
        "--replace",
        action="store_true",
        help="a changed file replaces the version indexed from the same path",
    )
    p.add_argument(
        "--progress",
        action="store_true",
        help="show progress bars even when stderr is not a terminal",
    )
    _wait_argument(p)
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("articles", help="list the indexed articles")
    p.add_argument("--json", action="store_true")
    p = sub.add_parser("remove", help="remove an article (and its quotes, facts, vectors)")
    p.add_argument("doc_id", metavar="DOC_ID", help="the article's id, or a unique prefix of it")
    p.add_argument("--yes", "-y", action="store_true", help="do not ask for confirmation")
    _wait_argument(p)
    p.add_argument("--json", action="store_true")


def _wait_argument(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--wait",
        type=float,
        metavar="SECONDS",
        help="how long to wait while another process writes to the index "
        "(default: Config.writer_timeout_s, 300)",
    )


def with_wait(bot: QuoteBot, args: argparse.Namespace) -> QuoteBot:
    """``bot`` waiting ``--wait`` seconds at most for another writer."""
    if args.wait is not None:
        if args.wait < 0:
            raise InvalidRequestError(f"--wait {args.wait:g} is negative: give 0 or more seconds.")
        bot.config = bot.config.replace(writer_timeout_s=args.wait)
    return bot


# -- index ---------------------------------------------------------------------------------
def expand(paths: list[Path]) -> list[Path]:
    """Files as given, and for a folder every readable file under it (sorted, no hidden)."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            f
            for f in path.rglob("*")
            if f.suffix.lower() in READABLE_SUFFIXES
            and f.is_file()
            and not any(part.startswith(".") for part in f.relative_to(path).parts)
        )
        if not found:
            raise InputFileError(
                f"{path} has no .txt, .md or .html files in it: name article files or a "
                "folder that holds some."
            )
        files.extend(found)
    return list(dict.fromkeys(files))


class StageBars:
    """One tqdm bar per indexing stage on stderr, fed by ``QuoteBot.add_many``'s
    ``progress(stage, done, total)`` callback."""

    def __init__(self, enabled: bool, files: list[Path] | None = None) -> None:
        self.enabled = enabled
        self.files = files or []  # the reading bar names the file just read
        self.bars: dict[str, tqdm[Any]] = {}

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        from tqdm import tqdm

        bar = self.bars.get(stage)
        if bar is None:
            bar = tqdm(
                total=total, desc=f"{stage:<11}", unit="file", file=sys.stderr, mininterval=0
            )
            self.bars[stage] = bar
        if bar.total != total:
            bar.total = total
        if stage == "reading" and 0 < done <= len(self.files):
            bar.set_postfix_str(self.files[done - 1].name, refresh=False)
        bar.update(done - bar.n)

    def close(self) -> None:
        for bar in self.bars.values():
            bar.close()


def cmd_index(args: argparse.Namespace) -> int:
    from rag import QuoteBot

    files = expand(args.paths)
    bot = with_wait(QuoteBot.create(args.index) if args.index else QuoteBot.open(), args)
    before = {d.doc_id for d in bot.documents()}
    bars = StageBars(not args.json and (args.progress or sys.stderr.isatty()), files)
    try:
        ids = bot.add_many(files, replace=args.replace, progress=bars)
    finally:
        bars.close()
    after = {d.doc_id for d in bot.documents()}
    rows = [
        {"path": str(f), "doc_id": i, "state": "already indexed" if i in before else "indexed"}
        for f, i in zip(files, ids, strict=True)
    ]
    removed = sorted(before - after)
    manifest = bot.store.manifest
    counts = manifest.data.get("counts", {}) if manifest is not None else {}
    if args.json:
        print(
            json.dumps(
                {
                    "index": str(bot.directory),
                    "articles": rows,
                    "replaced": removed,
                    "counts": counts,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return 0
    for row in rows:
        print(f"{row['path']}: {row['state']} as {row['doc_id']}")
    for doc_id in removed:
        print(f"replaced: the older version {doc_id} was removed")
    print("index:", bot.directory, json.dumps(counts))
    return 0


# -- articles --------------------------------------------------------------------------------
def _added(doc: Document) -> str | None:
    if doc.added_at is None:
        return None
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(doc.added_at))


def article_rows(bot: QuoteBot) -> list[dict[str, Any]]:
    """One dict per indexed article: id, title, source, date, added, counts."""
    quotes: dict[str, int] = {}
    for q in bot.quotes():
        quotes[q.doc_id] = quotes.get(q.doc_id, 0) + 1
    return [
        {
            "doc_id": d.doc_id,
            "title": d.title,
            "source": d.source,
            "date": d.date,
            "added": _added(d),
            "author": d.author,
            "paragraphs": len(d.paragraphs),
            "quotes": quotes.get(d.doc_id, 0),
        }
        for d in bot.documents()
    ]


def cmd_articles(args: argparse.Namespace, bot: QuoteBot) -> int:
    rows = article_rows(bot)
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print(f"no articles in {bot.directory}: add some with `quotebot index FILE`")
    for r in rows:
        when = ", ".join(x for x in (r["date"], f"added {r['added']}" if r["added"] else None) if x)
        print(f"{r['doc_id']}  {r['title']}")
        print(
            f"    {r['source']}{' (' + when + ')' if when else ''}: "
            f"{_count(r['paragraphs'], 'paragraph')}, {_count(r['quotes'], 'quote')}"
        )
    return 0


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


# -- remove ----------------------------------------------------------------------------------
def resolve(bot: QuoteBot, prefix: str) -> Document:
    """The one article whose id starts with ``prefix``, or a named error."""
    key = prefix.strip().lower()
    matches = [d for d in bot.documents() if key and d.doc_id.startswith(key)]
    if len(matches) == 1:
        return matches[0]
    if not matches:
        raise DocumentNotFoundError(
            f"no article with id {prefix[:40]!r} in {bot.directory}: "
            "`quotebot articles` lists the ids."
        )
    ids = ", ".join(d.doc_id for d in matches[:5])
    raise DocumentNotFoundError(
        f"{prefix!r} is the start of {len(matches)} article ids ({ids}): give more of the id."
    )


def cmd_remove(args: argparse.Namespace, bot: QuoteBot) -> int:
    bot = with_wait(bot, args)
    doc = resolve(bot, args.doc_id)
    if not args.yes and sys.stdin.isatty():
        try:
            reply = input(f"Remove “{doc.title}” ({doc.doc_id}, {doc.source})? [y/N] ")
        except EOFError:
            reply = ""
        if reply.strip().lower() not in ("y", "yes"):
            print("nothing removed", file=sys.stderr)
            return 1
    bot.remove(doc.doc_id)
    if args.json:
        print(json.dumps({"removed": doc.doc_id, "title": doc.title}, ensure_ascii=False))
    else:
        print(f"removed {doc.doc_id}: “{doc.title}” ({len(bot.documents())} articles left)")
    return 0
