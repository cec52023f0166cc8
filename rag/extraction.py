"""Attribution of one text without an index: what indexing would store for its quotes."""

from __future__ import annotations

from index.pipeline import make_document
from index.quotes import extract
from index.types import Quote


def quotes_of_text(text: str, source: str = "text") -> list[Quote]:
    """Every quote ``QuoteBot.add`` would store for ``text``, with speakers and offsets."""
    document = make_document(text, source)
    return list(extract(document.doc_id, text, document.paragraphs).quotes)
