"""The building blocks of an answer: statements from units (quotes and facts), their
verified rendering, relevance to a question and abstention."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from index.sentences import sentence_around
from index.types import Fact, Quote
from rag.compose import quote_citation, render, speaker_lead
from rag.evidence import Evidence
from rag.generators import make_generator
from rag.question import Question
from rag.text import content_words
from rag.types import Answer, Citation
from rag.verify import Statement, unsupported_words, verified, violations

if TYPE_CHECKING:
    from rag.bot import QuoteBot


NOT_FOUND = "The indexed articles don't answer this."
Exclude = frozenset[tuple[str, int]]
Unit = Quote | Fact
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|such|it|they|but|however|yet|and|so)\b", re.I
)


def unit_id(unit: Unit) -> str:
    """The id a unit's indexed views share (its quote or fact id)."""
    return unit.quote_id if isinstance(unit, Quote) else unit.fact_id


def _distinct(statements: list[Statement]) -> list[Statement]:
    """One statement per cited span: two phrases quoted in one sentence show it once."""
    seen: set[tuple[str, int, int]] = set()
    out = []
    for statement in statements:
        c = statement.citation
        if (c.doc_id, c.start, c.end) not in seen:
            seen.add((c.doc_id, c.start, c.end))
            out.append(statement)
    return out


def _is_phrase(unit: Unit) -> bool:
    return isinstance(unit, Quote) and unit.kind == "partial"


class Composer:
    """What every kind of answer is built from, for one loaded index."""

    def __init__(self, bot: QuoteBot) -> None:
        self.bot = bot
        self.config = bot.config
        self.retriever = bot.retriever
        self.speakers = bot.speakers()
        self.quotes = [q for q in bot.store.quotes if q.repeats is None]
        self.evidence = Evidence(bot.store, bot.retriever, self.speakers)
        self.generator = make_generator(bot.config)
        self._by_paragraph: dict[tuple[str, int], list[Unit]] = {}
        self._chunks: dict[tuple[str, int], list[str]] = {}
        for chunk in bot.store.units:
            if chunk.kind == "paragraph":
                self._chunks.setdefault((chunk.doc_id, chunk.paragraph), []).append(chunk.unit_id)
        units: list[Unit] = [*self.quotes, *bot.store.facts]
        for unit in units:
            self._by_paragraph.setdefault((unit.doc_id, unit.paragraph), []).append(unit)

    def _sentence_bounds(self, quote: Quote) -> tuple[int, int]:
        """The quote itself when direct; the sentence around it when partial or indirect."""
        if quote.kind == "direct":
            return quote.start, quote.end
        paragraph = self.bot.document(quote.doc_id).paragraph(quote.paragraph)
        start, end = sentence_around(
            paragraph.text, quote.start - paragraph.start, quote.end - paragraph.start
        )
        return paragraph.start + start, paragraph.start + end

    def _attributed_bounds(self, quote: Quote) -> tuple[int, int] | None:
        """The quote through the end of the sentence where it ends, when that sentence also
        says who spoke (“...,” observed Dr Vaez.): the evidence for "who said it"."""
        paragraph = self.bot.document(quote.doc_id).paragraph(quote.paragraph)
        at = quote.end - paragraph.start
        start, end = sentence_around(paragraph.text, max(0, at - 1), at)
        start, end = min(quote.start, paragraph.start + start), paragraph.start + end
        speaker = self.bot.find_speaker(quote.speaker) if quote.speaker else None
        outside = self.bot.document(quote.doc_id).text[quote.end : end]
        forms = (speaker.name, *speaker.aliases) if speaker else ()
        return (start, end) if any(form in outside for form in forms) else None

    def _context(self, unit: Unit) -> str:
        if isinstance(unit, Quote):
            start, end = self._sentence_bounds(unit)
            return self.bot.document(unit.doc_id).text[start:end]
        return unit.text

    def _statement(self, unit: Unit, attributed: bool = False) -> Statement:
        if isinstance(unit, Fact):
            citation = Citation(unit.doc_id, unit.paragraph, unit.start, unit.end, unit.text)
            return Statement("", unit.text, citation)
        speaker = self.bot.find_speaker(unit.speaker) if unit.speaker else None
        lead = speaker_lead(speaker, unit.speaker)
        bounds = self._attributed_bounds(unit) if attributed else None
        if unit.kind == "direct" and bounds is None:
            return Statement(lead, unit.text, quote_citation(unit), quoted=True)
        start, end = bounds or self._sentence_bounds(unit)
        text = self.bot.document(unit.doc_id).text[start:end]
        if speaker is not None and speaker.name in text:
            lead = ""  # the sentence names them itself ("Dr Rabia Akhtar ... agrees that")
        return Statement(
            lead, text, Citation(unit.doc_id, unit.paragraph, start, end, text, unit.speaker)
        )

    def _antecedent(self, quote: Quote) -> Quote | None:
        """The same speaker's quote just before one that opens by pointing back at it
        (“This context creates ...”): shown alone, such a quote says nothing."""
        if not _POINTS_BACK.match(quote.text):
            return None
        earlier = [
            x
            for x in self.quotes
            if x.doc_id == quote.doc_id
            and x.speaker == quote.speaker
            and x.end <= quote.start
            and quote.paragraph - x.paragraph <= 1
        ]
        return max(earlier, key=lambda x: x.end) if earlier else None

    def _with_antecedents(self, units: list[Unit]) -> list[Unit]:
        out: list[Unit] = []
        for unit in units:
            before = self._antecedent(unit) if isinstance(unit, Quote) else None
            if before is not None and before not in units and before not in out:
                out.append(before)
            out.append(unit)
        return out

    def _answer(self, q: Question, units: list[Unit], speaker: str | None = None) -> Answer:
        units = self._with_antecedents(units)
        attributed = bool(q.target)  # "who said ...": show the words that name the speaker
        statements = verified(self.bot, _distinct([self._statement(u, attributed) for u in units]))
        if not statements:
            return self._abstain(q, NOT_FOUND, speaker)
        text, citations = render("", statements)
        text = self._generated(q.text, statements, citations) or text
        quotes = [u for u in units if isinstance(u, Quote)]
        if speaker is None and quotes and len({x.speaker for x in quotes}) == 1:
            speaker = quotes[0].speaker
        return Answer(q.text, text, citations, False, quotes, [], q.intent, speaker)

    def _generated(
        self, question: str, statements: list[Statement], citations: list[Citation]
    ) -> str | None:
        """The optional generator's answer, only if it passes verification."""
        if self.generator is None or len(citations) != len(statements):
            return None
        text = self.generator.generate(question, statements)
        if not text or not re.search(r"\[\d+\]", text):
            return None
        candidate = Answer(question, text, citations, False)
        names = frozenset(
            w for s in self.speakers for a in (s.name, *s.aliases, s.title or "") for w in a.split()
        )
        if violations(self.bot, candidate) or unsupported_words(candidate, names):
            return None
        return text

    def _abstain(self, q: Question, message: str, speaker: str | None = None) -> Answer:
        related = (
            [
                Citation(h.doc_id, h.paragraph, h.start, h.end, h.text)
                for h in self.retriever.paragraphs(q.text, 2)
            ]
            if self.bot.store.size
            else []
        )
        return Answer(q.text, message, [], True, [], related, q.intent, speaker)

    def _relevance(
        self, topic: str, units: list[Unit], wording: bool = False
    ) -> list[tuple[float, Unit]]:
        """Units scored by cosine similarity plus lexical coverage of the topic, best first.
        When the question asks for someone's words ("How did she describe ...?"), the
        short quoted phrases that carry a characterisation come first."""
        similarity = self.evidence.unit_similarity(topic)
        terms = content_words(topic)

        def closeness(u: Unit) -> float:
            own = similarity.get(unit_id(u), 0.0)
            if not isinstance(u, Quote) or u.kind == "direct":
                return own
            # a quoted phrase is shown in its sentence: its paragraph's meaning counts too
            chunks = self._chunks.get((u.doc_id, u.paragraph), [])
            return max([own, *(similarity.get(c, 0.0) for c in chunks)])

        scored = [
            (
                closeness(u)
                + 0.5 * self.evidence.coverage(terms, self._context(u))
                + (self.config.kind_bonus if wording and _is_phrase(u) else 0.0),
                u,
            )
            for u in units
        ]
        return sorted(scored, key=lambda pair: -pair[0])
