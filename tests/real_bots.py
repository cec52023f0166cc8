"""A bot on the real model over fixture articles given as text, for tests that need an
article of their own."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from rag import QuoteBot


@contextmanager
def bot_over(folder: Path, articles: dict[str, str]) -> Iterator[QuoteBot]:
    """A new index in ``folder`` on all-MiniLM-L6-v2 holding ``articles`` (file name ->
    text), added in order, closed when the block ends."""
    bot = QuoteBot.create(folder / "idx")
    try:
        for name, text in articles.items():
            path = folder / name
            path.write_text(text, encoding="utf-8")
            bot.add(path)
        yield bot
    finally:
        bot.close()
