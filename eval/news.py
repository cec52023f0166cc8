"""Multi-article (news) question sets: a fresh index of a set's articles, every question
judged against the gold paragraphs of its own article."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from eval.dataset import EvalQuestion, QuestionSetError, find_article, with_gold
from eval.runner import Progress, SetRun, run_rows
from index.config import Config
from index.pipeline import make_document
from index.reader import read_source
from index.types import Document
from rag import QuoteBot


def read_articles(
    questions: list[EvalQuestion], news_root: Path, config: Config
) -> dict[str, tuple[Path, Document]]:
    """Each article the questions name: its file under the news root and its document."""
    articles = {}
    for name in sorted({q.article for q in questions if q.article is not None}):
        path = find_article(news_root, name)
        text = read_source(path, config.max_file_bytes)
        articles[name] = (path, make_document(text, str(path)))
    return articles


def run_news_set(
    name: str,
    questions: list[EvalQuestion],
    news_root: Path,
    config: Config | None = None,
    progress: Progress | None = None,
) -> SetRun:
    """A multi-article set on a fresh temporary index of all its articles together; every
    question is judged against the gold paragraphs of its own article."""
    config = config or Config()
    articles = read_articles(questions, news_root, config)
    documents = {article: document for article, (_, document) in articles.items()}
    resolved = with_gold(questions, documents)  # bad evidence fails before any indexing
    with tempfile.TemporaryDirectory() as tmp:
        bot = QuoteBot.create(Path(tmp) / "idx", config)
        try:
            bot.embedder.embed(["warm up"])
            started = time.perf_counter()
            ids = bot.add_many([path for path, _ in articles.values()])
            build_s = time.perf_counter() - started
            for (article, document), doc_id in zip(documents.items(), ids, strict=True):
                stored = bot.document(doc_id)
                spans = [(p.start, p.end) for p in stored.paragraphs]
                if doc_id != document.doc_id or spans != [
                    (p.start, p.end) for p in document.paragraphs
                ]:
                    raise QuestionSetError(
                        f"{article}: the index holds it with other paragraphs than "
                        "index.pipeline.make_document gives; gold paragraphs would be wrong."
                    )
            result = run_rows(name, bot, resolved, progress)
        finally:
            bot.close()
    result.figures["set"]["articles"] = len(articles)
    result.figures["extraction"] = None
    result.figures["speed"] = {"index_build_s": build_s, "articles": len(articles)}
    return result
