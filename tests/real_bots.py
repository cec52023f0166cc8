"""Bots over fixture articles given as text, for tests that need an article of their own:
on the real model, or the candidates a question gathers there on any embedder."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from index.config import Config
from rag import QuoteBot
from rag.candidates import Candidates, gather
from rag.conversation import Resolved


@contextmanager
def bot_over(
    folder: Path, articles: dict[str, str], config: Config | None = None
) -> Iterator[QuoteBot]:
    """A new index in ``folder`` holding ``articles`` (file name -> text), added in order,
    closed when the block ends; on all-MiniLM-L6-v2 unless ``config`` says otherwise."""
    bot = QuoteBot.create(folder / "idx", config)
    try:
        for name, text in articles.items():
            path = folder / name
            path.write_text(text, encoding="utf-8")
            bot.add(path)
        yield bot
    finally:
        bot.close()


def candidates_over(folder: Path, config: Config, article: str, question: str) -> Candidates:
    """The candidates ``question`` gathers from an index in ``folder`` holding ``article``
    alone (the index is closed; the candidates carry the text their features read)."""
    with bot_over(folder, {"article.txt": article}, config) as bot:
        answer_path = bot.answerer.path
        analysis = answer_path.analyse(Resolved(question))
        return gather(analysis, answer_path.retriever, answer_path.corpus, frozenset())
