"""Question-aware retrieval: what to search for and which paragraphs to prefer."""

from __future__ import annotations

import re

from index.config import Config
from index.store_protocol import Store
from rag.question import Question


def retrieval_plan(
    question: Question, store: Store, config: Config
) -> tuple[str, dict[str, float]]:
    """The text to search with and boosts keyed ``doc_id#paragraph``.

    A question about a named or described person searches for its topic alone (the
    person is preferred by the boost, so their name or title words do not pull in the
    paragraph that introduces them); analysis questions prefer quoted paragraphs and
    factual ones narrative paragraphs.
    """
    text = question.text
    if question.intent == "speaker" and question.topic.strip():
        text = re.sub(r"\s+", " ", question.topic).strip()
    quoted: set[str] = set()
    boost: dict[str, float] = {}
    for q in store.quotes:
        if q.speaker is None or q.repeats is not None:
            continue
        key = f"{q.doc_id}#{q.paragraph}"
        quoted.add(key)
        if question.intent in ("opinion", "open"):
            boost[key] = config.quote_boost
        if question.speaker is not None and q.speaker == question.speaker.name:
            boost[key] = config.speaker_boost
    if question.intent == "fact":
        for doc in store.documents.values():
            for p in doc.paragraphs:
                key = f"{doc.doc_id}#{p.number}"
                if p.kind == "body" and key not in quoted:
                    boost[key] = config.fact_boost
    for key in question.context:  # a short follow-up: what the previous answer cited
        boost[key] = boost.get(key, 0.0) + config.follow_up_boost
    return text, boost
