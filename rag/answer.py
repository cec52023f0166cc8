"""Compose grounded answers: quote-first for people and opinions, source sentences for facts,
and an honest abstention when the indexed sources do not answer."""

from __future__ import annotations

from dataclasses import replace

from rag.conversation import resolve
from rag.people import PeopleAnswers
from rag.question import understand
from rag.types import Answer


class Answerer(PeopleAnswers):
    """Answers questions for one loaded index (rebuilt when the index changes)."""

    def ask(self, question: str, history: list[Answer], max_quotes: int | None) -> Answer:
        resolved = resolve(self.bot, question, history)
        q = understand(resolved.question, self.speakers, self.evidence.common)
        q = replace(q, context=resolved.context)
        limit = max_quotes or self.config.answer_max_quotes
        handler = {
            "author": self._author,
            "people": self._people,
            "identity": self._identity,
            "who_said": self._who_said,
            "speaker": self._speaker,
        }.get(q.intent, self._general)
        answer = handler(q, limit, resolved.exclude)
        return Answer(
            question,
            answer.text,
            answer.citations,
            answer.abstained,
            answer.quotes,
            answer.related,
            q.intent,
            answer.speaker,
        )
