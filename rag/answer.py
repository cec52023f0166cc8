"""Compose grounded answers: quote-first for people and opinions, source sentences for facts,
and an honest abstention when the indexed sources do not answer."""

from __future__ import annotations

import math
import re
from collections import Counter
from typing import TYPE_CHECKING

import numpy as np

from index.types import Quote, Speaker
from rag.compose import display_name, quote_citation, render, speaker_lead
from rag.conversation import resolve
from rag.question import Question, understand
from rag.retrieval import Scored
from rag.text import STOPWORDS, content_words, words
from rag.types import Answer, Citation
from rag.verify import Statement, verified

if TYPE_CHECKING:
    from rag.bot import QuoteBot

NOT_FOUND = "The indexed articles don't answer this."
_CAPITALISED = re.compile(r"(?<![\w’'])([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")
_QUESTION_WORDS = {
    "what",
    "who",
    "why",
    "how",
    "when",
    "where",
    "which",
    "did",
    "does",
    "is",
    "are",
    "was",
    "were",
    "will",
    "would",
    "could",
    "should",
    "can",
    "do",
    "and",
    "tell",
    "has",
    "have",
    "give",
    "list",
    "name",
    "according",
}


def _stem(word: str) -> str:
    return word[:5] if len(word) > 5 else word


class Answerer:
    """Answers questions for one loaded index (rebuilt when the index changes)."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self.store = bot.store
        self.config = bot.config
        self.retriever = bot.retriever
        self.speakers = bot.speakers()
        self.quotes = [q for q in bot.store.quotes if q.repeats is None]
        paragraphs = [u.text for u in bot.store.units if u.kind == "paragraph"]
        df: Counter[str] = Counter()
        for text in paragraphs:
            df.update({_stem(w) for w in words(text)})
        self._df = df
        self._n = max(1, len(paragraphs))

    # -- public ----------------------------------------------------------------------
    def ask(self, question: str, history: list[Answer], max_quotes: int | None) -> Answer:
        resolved = resolve(self.bot, question, history)
        q = understand(resolved.question, self.speakers)
        limit = max_quotes or self.config.answer_max_quotes
        handlers = {
            "author": self._author,
            "people": self._people,
            "identity": self._identity,
            "who_said": self._who_said,
            "speaker": self._speaker,
        }
        if q.intent in handlers:
            answer = handlers[q.intent](q, limit, resolved.exclude)
        else:
            answer = self._general(q, limit, resolved.exclude)
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

    # -- shared helpers --------------------------------------------------------------
    def _idf(self, word: str) -> float:
        return math.log((self._n + 1) / (self._df.get(_stem(word), 0) + 0.5))

    def _coverage(self, terms: list[str], text: str) -> float:
        """Share of the question's known terms (idf-weighted) found in ``text``."""
        known = [t for t in terms if self._df.get(_stem(t))]
        if not known:
            return 0.0
        have = {_stem(w) for w in words(text)}
        total = sum(self._idf(t) for t in known)
        return sum(self._idf(t) for t in known if _stem(t) in have) / total

    def _unknown_entities(self, text: str) -> list[str]:
        """Capitalised names in the question that occur nowhere in the index."""
        missing = []
        aliases = {a.lower() for s in self.speakers for a in (s.name, *s.aliases)}
        for match in _CAPITALISED.finditer(text):
            phrase = match.group(1)
            tokens = [t for t in phrase.split() if t.lower() not in _QUESTION_WORDS]
            if not tokens or " ".join(tokens).lower() in aliases:
                continue
            absent = [
                t
                for t in tokens
                if t.lower().strip("’'s") not in STOPWORDS
                and not self.store.vocabulary_has(re.sub(r"[’']s$", "", t))
            ]
            if absent:
                missing.append(" ".join(tokens))
        return missing

    def _speaker(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        speaker = q.speaker
        assert speaker is not None
        own = [
            x
            for x in self.quotes
            if x.speaker == speaker.name and (x.doc_id, x.start) not in exclude
        ]
        terms = content_words(q.topic)
        name = display_name(speaker, speaker.name)
        missing = self._unknown_entities(q.topic)
        if not own:
            return self._abstain(
                q, f"{name} has nothing more quoted in the indexed articles.", speaker.name
            )
        if missing or (terms and not self._speaker_on_topic(q.topic, terms, own)):
            return self._abstain(
                q, f"{name} is quoted in the indexed articles, but not on that.", speaker.name
            )
        ranked = self._rank_quotes(q.topic, own) if terms else own
        return self._quote_answer(q, ranked[:limit], speaker.name)

    def _speaker_on_topic(self, topic: str, terms: list[str], own: list[Quote]) -> bool:
        context = " ".join(self._sentence_of(x) for x in own)
        if self._coverage(terms, context) >= 0.5:
            return True
        best = max(self._similarity(topic, [x.text for x in own]), default=0.0)
        return best >= 0.5

    def _similarity(self, query: str, texts: list[str]) -> list[float]:
        if not texts:
            return []
        vectors = self.bot.embedder.embed([query, *texts])
        return [float(v) for v in vectors[1:] @ vectors[0]]

    def _rank_quotes(self, topic: str, quotes: list[Quote]) -> list[Quote]:
        sims = self._similarity(topic, [self._sentence_of(x) for x in quotes])
        terms = content_words(topic)
        scores = [
            s + 0.5 * self._coverage(terms, self._sentence_of(x))
            for s, x in zip(sims, quotes, strict=True)
        ]
        order = np.argsort(-np.asarray(scores), kind="stable")
        return [quotes[i] for i in order]

    def _sentence_of(self, quote: Quote) -> str:
        """The quote with the sentence around it (for partial and indirect quotes)."""
        start, end = self._sentence_bounds(quote)
        return self.bot.document(quote.doc_id).text[start:end]

    def _sentence_bounds(self, quote: Quote) -> tuple[int, int]:
        doc = self.bot.document(quote.doc_id)
        paragraph = doc.paragraph(quote.paragraph)
        if quote.kind == "direct":
            return quote.start, quote.end
        text = paragraph.text
        rel_start, rel_end = quote.start - paragraph.start, quote.end - paragraph.start
        left = max(text.rfind(". ", 0, rel_start), text.rfind("? ", 0, rel_start))
        right = text.find(". ", rel_end)
        s = paragraph.start + (left + 2 if left >= 0 else 0)
        e = paragraph.start + (right + 1 if right >= 0 else len(text))
        return s, e

    def _quote_statement(self, quote: Quote) -> Statement:
        speaker = self.bot.find_speaker(quote.speaker) if quote.speaker else None
        lead = speaker_lead(speaker, quote.speaker)
        doc = self.bot.document(quote.doc_id)
        if quote.kind == "direct":
            return Statement(lead, quote.text, quote_citation(quote), quoted=True)
        start, end = self._sentence_bounds(quote)
        citation = Citation(
            quote.doc_id, quote.paragraph, start, end, doc.text[start:end], quote.speaker
        )
        return Statement(lead, citation.text, citation)

    def _quote_answer(self, q: Question, quotes: list[Quote], speaker: str | None) -> Answer:
        statements = verified(self.bot, [self._quote_statement(x) for x in quotes])
        if not statements:
            return self._abstain(q, NOT_FOUND, speaker)
        text, citations = render("", statements)
        return Answer(q.text, text, citations, False, quotes, [], q.intent, speaker)

    def _abstain(self, q: Question, message: str, speaker: str | None = None) -> Answer:
        related = (
            [
                Citation(h.doc_id, h.paragraph, h.start, h.end, h.text)
                for h in self.retriever.paragraphs(q.text, 2)
            ]
            if self.store.size
            else []
        )
        return Answer(q.text, message, [], True, [], related, q.intent, speaker)

    # -- intents ---------------------------------------------------------------------
    def _author(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        statements = []
        for doc in self.bot.documents():
            if not doc.author:
                continue
            for p in reversed(doc.paragraphs):
                if doc.author in p.text and p.kind in {"body", "boilerplate"}:
                    citation = Citation(doc.doc_id, p.number, p.start, p.end, p.text, doc.author)
                    statements.append(
                        Statement(
                            f"The article was written by **{doc.author}**. ", p.text, citation
                        )
                    )
                    break
        statements = verified(self.bot, statements)
        if not statements:
            return self._abstain(q, "The indexed articles don't say who wrote them.")
        text, citations = render("", statements)
        return Answer(q.text, text, citations, False)

    def _first_mention(self, speaker: Speaker) -> Citation | None:
        """Where the text introduces the speaker's title (or first quotes them)."""
        for doc in self.bot.documents():
            if speaker.title:
                at = doc.text.find(speaker.title)
                if at >= 0:
                    p = next(p for p in doc.paragraphs if p.start <= at < p.end)
                    return Citation(
                        doc.doc_id,
                        p.number,
                        at,
                        at + len(speaker.title),
                        speaker.title,
                        speaker.name,
                    )
        first = next((x for x in self.quotes if x.speaker == speaker.name), None)
        return quote_citation(first) if first else None

    def _people(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        statements = []
        people = [
            s
            for s in self.speakers
            if s.is_person and " " in s.name.strip() and not s.name[0].islower()
        ]
        order = {x.speaker: i for i, x in reversed(list(enumerate(self.quotes)))}
        for s in sorted(people, key=lambda s: order.get(s.name, 0)):
            citation = self._first_mention(s)
            if citation is None:
                continue
            lead = f"**{display_name(s, s.name)}**" + (", " if s.title else ": ")
            body = s.title if s.title else citation.text
            statements.append(Statement(lead, body, citation, quoted=not s.title))
        statements = verified(self.bot, statements)
        if not statements:
            return self._abstain(q, "No one is quoted in the indexed articles.")
        intro = f"The indexed articles quote {len(statements)} people:"
        text, citations = render(intro, statements, bullets=True)
        return Answer(q.text, text, citations, False)

    def _identity(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        speaker = q.speaker
        assert speaker is not None
        citation = self._first_mention(speaker)
        if citation is None or not speaker.title:
            return self._speaker(q, limit, exclude)
        statement = Statement(
            f"**{display_name(speaker, speaker.name)}** is ", speaker.title, citation
        )
        statements = verified(self.bot, [statement])
        first = next((x for x in self.quotes if x.speaker == speaker.name), None)
        if first is not None:
            statements += verified(self.bot, [self._quote_statement(first)])
        text, citations = render("", statements)
        return Answer(
            q.text, text, citations, False, [first] if first else [], [], q.intent, speaker.name
        )

    def _who_said(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        terms = content_words(q.target)
        if self._unknown_entities(q.target) or not terms:
            return self._abstain(q, NOT_FOUND)
        scored = sorted(
            ((self._coverage(terms, self._sentence_of(x)), i) for i, x in enumerate(self.quotes)),
            reverse=True,
        )
        best = [self.quotes[i] for cov, i in scored if cov >= 0.6 and cov >= scored[0][0] - 0.05]
        if not best:
            units = self.retriever.units(q.target, kinds=("quote",))
            if not units or units[0].dense < 0.55:
                return self._abstain(q, NOT_FOUND)
            best = [x for x in self.quotes if x.quote_id == units[0].unit.unit_id]
        best = [x for x in best if x.speaker][:limit]
        if not best:
            return self._abstain(
                q, "The words are quoted, but the text does not say who said them."
            )
        return self._quote_answer(q, best, best[0].speaker)

    def _answerable(self, q: Question, top: Scored | None) -> bool:
        if top is None:
            return False
        terms = content_words(q.text)
        coverage = self._coverage(terms, top.unit.text)
        return (
            (top.dense >= self.config.min_dense_score and coverage >= 0.34)
            or top.dense >= 0.55
            or coverage >= 0.6
        )

    def _general(self, q: Question, limit: int, exclude: frozenset[tuple[str, int]]) -> Answer:
        missing = self._unknown_entities(q.text)
        if missing:
            return self._abstain(q, f"The indexed articles don't mention {', '.join(missing)}.")
        kinds = ("quote",) if q.intent == "opinion" else ("fact", "quote")
        ranked = [
            s
            for s in self.retriever.units(q.text, kinds=kinds)
            if (s.unit.doc_id, s.unit.start) not in exclude
        ]
        if not ranked and q.intent == "opinion":
            ranked = [
                s
                for s in self.retriever.units(q.text, kinds=("fact",))
                if (s.unit.doc_id, s.unit.start) not in exclude
            ]
        top = max(ranked[:3], key=lambda s: s.dense, default=None)
        if not self._answerable(q, top):
            return self._abstain(q, NOT_FOUND)
        quotes_by_id = {x.quote_id: x for x in self.quotes}
        picked: list[Scored] = []
        per_speaker: Counter[str] = Counter()
        cap = limit if q.intent == "opinion" else self.config.answer_max_facts
        for s in ranked[: cap * 3]:
            if len(picked) >= cap:
                break
            if s.unit.kind == "quote":
                speaker = s.unit.speaker or ""
                if per_speaker[speaker] >= 2:
                    continue
                per_speaker[speaker] += 1
            picked.append(s)
        statements: list[Statement] = []
        used: list[Quote] = []
        for s in picked:
            quote = quotes_by_id.get(s.unit.unit_id)
            if quote is not None:
                statements.append(self._quote_statement(quote))
                used.append(quote)
            else:
                u = s.unit
                statements.append(
                    Statement("", u.text, Citation(u.doc_id, u.paragraph, u.start, u.end, u.text))
                )
        statements = verified(self.bot, statements)
        if not statements:
            return self._abstain(q, NOT_FOUND)
        text, citations = render("", statements)
        who = used[0].speaker if used and len({x.speaker for x in used}) == 1 else None
        return Answer(q.text, text, citations, False, used, [], q.intent, who)
