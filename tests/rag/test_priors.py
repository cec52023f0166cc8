"""Retrieval boosts: which paragraphs a question prefers, computed from the snapshot."""

from __future__ import annotations

import dataclasses

from rag import QuoteBot
from rag.priors import retrieval_plan


def _expected(bot: QuoteBot, intent: str, person: str | None) -> dict[str, float]:
    """The boosts by their definition, quote by quote (the last quote of a paragraph wins)."""
    config, store = bot.config, bot.store
    boost: dict[str, float] = {}
    quoted: set[str] = set()
    for q in store.quotes:
        if q.speaker is None or q.repeats is not None:
            continue
        key = f"{q.doc_id}#{q.paragraph}"
        quoted.add(key)
        if intent in ("opinion", "open"):
            boost[key] = config.quote_boost
        if q.speaker == person:
            boost[key] = config.speaker_boost
    if intent == "fact":
        for doc in store.documents.values():
            for p in doc.paragraphs:
                key = f"{doc.doc_id}#{p.number}"
                if p.kind == "body" and key not in quoted:
                    boost[key] = config.fact_boost
    return boost


def test_boosts_follow_the_question_kind_and_person(hash_bot: QuoteBot) -> None:
    speaker = max(hash_bot.speakers(), key=lambda s: s.quote_count)
    base = hash_bot.understand(f"What did {speaker.name} say about the border?")
    assert base.speaker is not None
    for intent in ("opinion", "open", "fact", "speaker"):
        for person in (None, base.speaker):
            question = dataclasses.replace(base, intent=intent, speaker=person, context=frozenset())
            _, boost = retrieval_plan(question, hash_bot.store, hash_bot.config)
            expected = _expected(hash_bot, intent, person.name if person else None)
            assert boost == expected, (intent, person)
            assert boost or (intent == "speaker" and person is None)
