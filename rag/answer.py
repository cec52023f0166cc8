"""Compose grounded answers: the fitted answer path (``rag.answering``) for questions
about what the articles say, the speaker directory and metadata for who wrote them, who
someone is and everyone quoted."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property

from rag.answering import METADATA_KINDS, AnswerPath, lists_everyone
from rag.candidates import Corpus
from rag.conversation import resolve
from rag.people import PeopleAnswers
from rag.question import understand
from rag.types import Answer


class Answerer(PeopleAnswers):
    """Answers questions for one loaded index (rebuilt when the index changes)."""

    @cached_property
    def path(self) -> AnswerPath:
        return AnswerPath(
            Corpus(self.bot.store),
            self.retriever,
            self.speakers,
            self.bot.find_speaker,
            self.evidence.common,
            generator=self.generator,
        )

    def ask(self, question: str, history: list[Answer], max_quotes: int | None) -> Answer:
        resolved = resolve(self.bot, question, history)
        limit = max_quotes or self.config.answer_max_quotes
        analysis = self.path.analyse(resolved)
        if analysis.english and (analysis.kind in METADATA_KINDS or lists_everyone(analysis)):
            q = understand(resolved.question, self.speakers, self.evidence.common)
            q = replace(q, context=resolved.context)
            handler = {"author": self._author, "identity": self._identity}.get(
                q.intent, self._people
            )
            answer = handler(q, limit, resolved.exclude)
        else:
            answer = self.path.answer(analysis, resolved, limit)
        return replace(answer, question=question, intent=analysis.kind)
