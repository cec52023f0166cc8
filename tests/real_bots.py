"""A bot on the real model over fixture articles given as text, for tests that need an
article of their own."""

from __future__ import annotations

from pathlib import Path

from rag import QuoteBot


def bot_over(folder: Path, articles: dict[str, str]) -> QuoteBot:
    """A new index in ``folder`` on all-MiniLM-L6-v2 holding ``articles`` (file name ->
    text), added in order; the caller closes it."""
    bot = QuoteBot.create(folder / "idx")
    for name, text in articles.items():
        path = folder / name
        path.write_text(text, encoding="utf-8")
        bot.add(path)
    return bot
