"""Answer questions from a persisted quotebot index: ``from rag import QuoteBot``."""

from index.types import Document, Quote, Speaker
from rag.bot import QuoteBot
from rag.types import Answer, Citation, Hit

__all__ = ["Answer", "Citation", "Document", "Hit", "Quote", "QuoteBot", "Speaker"]
