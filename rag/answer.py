"""Answer a question about one index snapshot: questions about the articles themselves
(who wrote them, who someone is, everyone quoted) from the speaker directory
(``rag.directory``), every other question by the fitted answer path (``rag.answering``)."""

from __future__ import annotations

from dataclasses import replace
from functools import cached_property
from typing import TYPE_CHECKING

from rag.answering import AnswerPath, lists_everyone
from rag.candidates import Corpus
from rag.conversation import resolve
from rag.directory import Directory, author, everyone, identity
from rag.evidence import common_words
from rag.generators import make_generator
from rag.types import Answer
from rag.understand import Analysis

if TYPE_CHECKING:
    from rag.bot import QuoteBot


class Answerer:
    """Answers questions for one loaded index (rebuilt when the index changes);
    ``scope``, when given, the documents a chat is limited to."""

    def __init__(
        self,
        bot: QuoteBot,
        scope: frozenset[str] | None = None,
        whole: Answerer | None = None,
    ) -> None:
        """``whole``: the answerer over the same snapshot unscoped, whose tables (built over
        the whole store either way) a scoped one reuses instead of building again."""
        self.bot = bot
        self.config = bot.config
        self.retriever = bot.retriever
        self.scope = scope
        self.whole = whole

    @cached_property
    def common(self) -> frozenset[str]:
        """Words on many of the paragraphs: they pick out no one by title."""
        if self.whole is not None:
            return self.whole.common
        units = self.bot.store.units
        paragraphs = {(u.doc_id, u.paragraph): u.text for u in units if u.kind == "paragraph"}
        return common_words(paragraphs.values())

    @cached_property
    def path(self) -> AnswerPath:
        return AnswerPath(
            self.whole.path.corpus if self.whole is not None else Corpus(self.bot.store),
            self.retriever,
            self.bot.speakers(),
            self.bot.find_speaker,
            self.common,
            generator=make_generator(self.config),
        )

    @cached_property
    def directory(self) -> Directory:
        def chosen(doc_id: str) -> bool:
            return self.scope is None or doc_id in self.scope

        quotes = [q for q in self.bot.store.quotes if q.repeats is None and chosen(q.doc_id)]
        quoted = {q.speaker for q in quotes}
        return Directory(
            self.path.corpus,
            [s for s in self.path.speakers if self.scope is None or s.name in quoted],
            quotes,
            [d for d in self.bot.documents() if chosen(d.doc_id)],
            self.bot.find_speaker,
        )

    def warm_up(self) -> None:
        """Prepare the answer path (parser, ranker, tables) before the first question."""
        self.path.prepare()

    def ask(self, question: str, history: list[Answer], max_quotes: int | None) -> Answer:
        resolved = resolve(self.bot, question, history)
        limit = max_quotes or self.config.answer_max_quotes
        analysis = self.path.analyse(resolved)
        kind = analysis.kind
        answer = self._from_directory(analysis) if analysis.english else None
        if answer is None and kind == "identity":  # no title given: their words say who
            analysis = replace(analysis, kind="speaker")
        if answer is None:
            answer = self.path.answer(analysis, resolved, limit)
        return replace(answer, question=question, intent=kind)

    def _from_directory(self, analysis: Analysis) -> Answer | None:
        """The answer to a question about the articles themselves, else None."""
        if analysis.kind == "author":
            return author(self.directory, analysis)
        if analysis.kind == "identity":
            return identity(self.directory, analysis)
        if lists_everyone(analysis):
            return everyone(self.directory, analysis)
        return None
