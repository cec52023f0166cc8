"""Question-aware retrieval: what to search for and which paragraphs to prefer."""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from weakref import WeakKeyDictionary

from index.config import Config
from index.store_protocol import Store
from rag.question import Question


@dataclass(frozen=True)
class _QuotedParagraphs:
    """Which paragraphs of one snapshot quote whom (``doc_id#paragraph`` keys)."""

    last_speaker: dict[str, str]  # each quoted paragraph: the speaker of its last quote
    by_speaker: dict[str, frozenset[str]]  # each speaker: the paragraphs quoting them
    narrative: frozenset[str]  # body paragraphs that quote no one

    @classmethod
    def of(cls, store: Store) -> _QuotedParagraphs:
        last: dict[str, str] = {}
        by_speaker: dict[str, set[str]] = {}
        for q in store.quotes:
            if q.speaker is None or q.repeats is not None:
                continue
            key = f"{q.doc_id}#{q.paragraph}"
            last[key] = q.speaker
            by_speaker.setdefault(q.speaker, set()).add(key)
        narrative = frozenset(
            key
            for doc in store.documents.values()
            for p in doc.paragraphs
            if p.kind == "body" and (key := f"{doc.doc_id}#{p.number}") not in last
        )
        return cls(last, {s: frozenset(k) for s, k in by_speaker.items()}, narrative)


_by_store: WeakKeyDictionary[Store, _QuotedParagraphs] = WeakKeyDictionary()
_by_store_lock = threading.Lock()


def _quoted_paragraphs(store: Store) -> _QuotedParagraphs:
    """Built once per snapshot (a snapshot never changes; a newer one is a new object)."""
    with _by_store_lock:
        found = _by_store.get(store)
    if found is None:
        found = _QuotedParagraphs.of(store)
        with _by_store_lock:
            _by_store[store] = found
    return found


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
    paragraphs = _quoted_paragraphs(store)
    person = question.speaker.name if question.speaker is not None else None
    boost: dict[str, float] = {}
    if question.intent in ("opinion", "open"):
        boost = dict.fromkeys(paragraphs.last_speaker, config.quote_boost)
        if person is not None:  # a paragraph whose last quote is theirs
            for key in paragraphs.by_speaker.get(person, frozenset()):
                if paragraphs.last_speaker[key] == person:
                    boost[key] = config.speaker_boost
    elif person is not None:
        boost = dict.fromkeys(paragraphs.by_speaker.get(person, frozenset()), config.speaker_boost)
    if question.intent == "fact":
        boost.update(dict.fromkeys(paragraphs.narrative, config.fact_boost))
    for key in question.context:  # a short follow-up: what the previous answer cited
        boost[key] = boost.get(key, 0.0) + config.follow_up_boost
    return text, boost
