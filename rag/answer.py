"""Compose grounded answers: quote-first for people and opinions, source sentences for facts,
and an honest abstention when the indexed sources do not answer."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import TYPE_CHECKING

from index.sentences import sentence_around
from index.types import Fact, Quote, Speaker
from rag.compose import display_name, quote_citation, render, speaker_lead
from rag.conversation import resolve
from rag.evidence import Evidence, term_key
from rag.generators import make_generator
from rag.places import place_key
from rag.priors import retrieval_plan
from rag.question import (
    Question,
    answer_type,
    asks_wording,
    counted_thing,
    focus_terms,
    saying_subject,
    understand,
)
from rag.text import content_words, family, words
from rag.types import Answer, Citation, Hit
from rag.verify import Statement, unsupported_words, verified, violations

if TYPE_CHECKING:
    from rag.bot import QuoteBot

NOT_FOUND = "The indexed articles don't answer this."
_FUNCTION_PHRASES = re.compile(
    r"\b(?:in terms of|in the face of|a number of|in charge of|in spite of|on behalf of|"
    r"in place of|by way of|in the wake of|in light of|at the hands of)\b",
    re.I,
)
Exclude = frozenset[tuple[str, int]]
Unit = Quote | Fact


_TIME_ANCHOR = re.compile(
    r"january|february|march|april|may|june|july|august|september|october|november|"
    r"december|(?:19|20)\d\d"
)
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|such|it|they|but|however|yet|and|so)\b", re.I
)


def _possessors(text: str) -> set[str]:
    """Countries named as possessors ("Pakistan's foreign minister" -> {"pakistan"})."""
    found = (place_key(m) for m in re.findall(r"(\w+)['’]s\b", text))
    return {key for key in found if key}


def _says(text: str, terms: list[str]) -> bool:
    """Whether ``text`` uses one of ``terms`` as written (plurals aside): the words of a
    quotation, not just words that share a stem ("responsibility", "response")."""
    written = {w.removesuffix("s") for w in words(text)}
    return any(t.removesuffix("s") in written for t in terms)


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


class Answerer:
    """Answers questions for one loaded index (rebuilt when the index changes)."""

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

    # -- building blocks -------------------------------------------------------------
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
            own = similarity.get(u.quote_id if isinstance(u, Quote) else u.fact_id, 0.0)
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

    # -- people ----------------------------------------------------------------------
    def _speaker(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        speaker = q.speaker
        assert speaker is not None
        name = display_name(speaker, speaker.name)
        own = [
            x
            for x in self.quotes
            if x.speaker == speaker.name and (x.doc_id, x.start) not in exclude
        ]
        if not own:
            return self._abstain(
                q, f"{name} has nothing more quoted in the indexed articles.", speaker.name
            )
        asked, titled = _possessors(q.text), _possessors(speaker.title or "")
        if q.described and asked and titled and not asked & titled:
            # "Pakistan's foreign minister" is not "Iran's Foreign Minister"
            return self._abstain(q, "No one quoted in the indexed articles fits that description.")
        terms = content_words(q.topic)
        if not terms:
            return self._answer(q, list(own[:limit]), speaker.name)
        if not any(self.evidence.is_specific(t) for t in terms):
            # only the story's own words ("the attack", "the strikes"): all they said is on it
            ranked = self._relevance(q.topic, list(own), asks_wording(q.text))
            return self._answer(q, [u for _, u in ranked[:limit]], speaker.name)
        if self.evidence.unknown_entities(q.topic) or not self._on_topic(q.topic, terms, own):
            if q.described:  # matching by title words is a guess: answer the question as asked
                return self._general(replace(q, intent="open", speaker=None), limit, exclude)
            return self._abstain(
                q, f"{name} is quoted in the indexed articles, but not on that.", speaker.name
            )
        ranked = self._relevance(q.topic, list(own), asks_wording(q.text))
        top = ranked[0][0]
        chosen = [u for s, u in ranked if s >= top - self.config.answer_margin][:limit]
        return self._answer(q, chosen, speaker.name)

    def _on_topic(self, topic: str, terms: list[str], own: list[Quote]) -> bool:
        """Whether the person's quotes speak to the topic.

        Names in the topic must appear in their quotes. Then either the topic's specific
        words (not those on every page) are in their quotes, or their closest quote is
        about as close to the topic as the closest passage anywhere in the articles: when
        some other passage is much closer, the topic is covered, but not by this person.
        """
        context = " ".join(self._context(x) for x in own)
        have = {term_key(part) for w in words(context) for part in (w, *w.split("-"))}
        names = [n for n in self.evidence.names(topic) if term_key(n) not in have]
        if names:
            return False
        specific = [t for t in terms if self.evidence.is_specific(t)]
        if specific and self.evidence.coverage(specific, context) >= 0.34:
            return True
        similarity = self.evidence.unit_similarity(topic)
        mine = max(similarity.get(x.quote_id, 0.0) for x in own)
        anywhere = max(similarity.values(), default=0.0)
        return mine >= self.config.min_dense_score and anywhere - mine <= self.config.topic_gap

    def _first_mention(self, speaker: Speaker) -> Citation | None:
        """Where the text introduces the speaker's title (or first quotes them)."""
        if speaker.title:
            for doc in self.bot.documents():
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

    def _people(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        people = [
            s
            for s in self.speakers
            if s.is_person and " " in s.name.strip() and not s.name[0].islower()
        ]
        order = {x.speaker: i for i, x in reversed(list(enumerate(self.quotes)))}
        statements = []
        for s in sorted(people, key=lambda s: order.get(s.name, 0)):
            citation = self._first_mention(s)
            if citation is not None:
                lead = f"**{display_name(s, s.name)}**" + (", " if s.title else ": ")
                body = s.title if s.title else citation.text
                statements.append(Statement(lead, body, citation, quoted=not s.title))
        statements = verified(self.bot, statements)
        if not statements:
            return self._abstain(q, "No one is quoted in the indexed articles.")
        intro = f"The indexed articles quote {len(statements)} people:"
        text, citations = render(intro, statements, bullets=True)
        return Answer(q.text, text, citations, False)

    def _identity(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        speaker = q.speaker
        assert speaker is not None
        citation = self._first_mention(speaker)
        if citation is None or not speaker.title:
            return self._speaker(q, limit, exclude)
        statements = verified(
            self.bot,
            [Statement(f"**{display_name(speaker, speaker.name)}** is ", speaker.title, citation)],
        )
        first = next((x for x in self.quotes if x.speaker == speaker.name), None)
        if first is not None:
            statements += verified(self.bot, [self._statement(first)])
        text, citations = render("", statements)
        return Answer(
            q.text, text, citations, False, [first] if first else [], [], q.intent, speaker.name
        )

    def _author(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        statements = []
        for doc in self.bot.documents():
            for p in reversed(doc.paragraphs):
                if doc.author and doc.author in p.text and p.kind in {"body", "boilerplate"}:
                    citation = Citation(doc.doc_id, p.number, p.start, p.end, p.text, doc.author)
                    lead = f"The article was written by **{doc.author}**. "
                    statements.append(Statement(lead, p.text, citation))
                    break
        statements = verified(self.bot, statements)
        if not statements:
            return self._abstain(q, "The indexed articles don't say who wrote them.")
        text, citations = render("", statements)
        return Answer(q.text, text, citations, False)

    def _who_said(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        terms = content_words(q.target)
        if not terms:
            return self._general(q, limit, exclude)
        scored = sorted(
            (
                (self.evidence.coverage(terms, self._context(x)), i)
                for i, x in enumerate(self.quotes)
            ),
            reverse=True,
        )
        best = [
            self.quotes[i]
            for cov, i in scored
            if cov >= 0.6
            and cov >= scored[0][0] - 0.05
            and _says(self._context(self.quotes[i]), terms)
        ]
        if not best:  # not a quotation: maybe a fact ("Who claimed responsibility?")
            return self._general(replace(q, intent="open"), limit, exclude)
        best = [x for x in best if x.speaker][:limit]
        if not best:
            return self._abstain(
                q, "The words are quoted, but the text does not say who said them."
            )
        return self._answer(q, list(best), best[0].speaker)

    # -- opinions and facts ----------------------------------------------------------
    def _answerable(self, q: Question, hits: list[Hit]) -> bool:
        """Whether one of the leading paragraphs supports the question: a unit in it is
        close in meaning, or is fairly close and shares the question's words. Words found
        nowhere in the index count as missing, so "Who won the football match?" is not
        supported by a paragraph that happens to share "last"."""
        similarity = self.evidence.unit_similarity(q.text)
        terms = content_words(q.text)
        for hit in hits[:3]:
            if hit.score < hits[0].score - self.config.answer_reach:
                break
            coverage = self.evidence.coverage(terms, hit.text, strict=True)
            units = self._by_paragraph.get((hit.doc_id, hit.paragraph), [])
            best = max(
                [
                    similarity.get(u.quote_id if isinstance(u, Quote) else u.fact_id, 0.0)
                    for u in units
                ]
                or [0.0]
            )
            if best >= self.config.sure_similarity or (
                coverage > 0 and best + 0.5 * coverage >= self.config.support_floor
            ):
                return True
        return False

    def _anchored_first(self, question: str, hits: list[Hit]) -> list[Hit]:
        """Hits naming the month or year the question names ("last December") first,
        among those close to the best."""
        anchors = {w for w in words(question) if _TIME_ANCHOR.fullmatch(w)}
        if not anchors:
            return hits
        near = [h for h in hits if h.score >= hits[0].score - self.config.answer_reach]
        dated = [h for h in near if anchors <= set(words(h.text))]
        return dated + [h for h in hits if h not in dated]

    def _mentioned(self, subject: str) -> bool:
        """Whether the articles write of the kind of thing ``subject`` is: its head word
        ("authorities" in "Iranian authorities" is; "ministry" in "Russia's foreign
        ministry" is not)."""
        terms = [t for t in content_words(subject) if not place_key(t)]
        return not terms or self.bot.store.vocabulary_has(terms[-1])

    def _holds(self, text: str, focus: list[str]) -> bool:
        """Whether ``text`` mentions every focus term: by word family ("died", "lives"),
        or by place or stem ("Iranians", "Iranian"), leaving out the content words of fixed
        function phrases ("in terms of" says nothing about terms)."""
        text = _FUNCTION_PHRASES.sub(" ", text)
        families = {family(w) for w in words(text)}
        keys = self.evidence.keys(text)
        return all(family(t) in families or term_key(t) in keys for t in focus)

    def _general(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        missing = self.evidence.unknown_entities(q.text)
        if missing:
            return self._abstain(q, f"The indexed articles don't mention {', '.join(missing)}.")
        subject = saying_subject(q.text)
        if subject and not self._mentioned(subject):  # no speaker, and never written of
            return self._abstain(q, f"The indexed articles don't quote {subject}.")
        text, boost = retrieval_plan(q, self.bot.store, self.config)
        expected = answer_type(q.text)
        depth = (
            self.config.typed_paragraphs  # only a date, a number or a country will do
            if expected is not None
            else self.config.opinion_paragraphs
            if q.intent == "opinion"
            else self.config.paragraphs
        )
        hits = self.retriever.paragraphs(text, depth, boost=boost)
        if not self._answerable(q, hits):
            return self._abstain(q, NOT_FOUND)
        hits = self._anchored_first(q.text, hits)
        focus = focus_terms(q.text)
        if focus:  # the attribute asked for must be in the evidence: prefer the hits with it
            near = [h for h in hits if h.score >= hits[0].score - self.config.focus_reach]
            hits = [h for h in near if self._holds(h.text, focus)]
            if not hits:
                return self._abstain(q, f"The indexed articles don't say ({', '.join(focus)}).")
        want: type[Quote] | type[Fact] = Fact if q.intent == "fact" else Quote
        cap = self.config.answer_max_facts if q.intent == "fact" else limit
        candidates: list[tuple[float, Unit]] = []
        for hit in hits:
            if hit.score < hits[0].score - self.config.answer_reach:
                break
            units = [
                u
                for u in self._by_paragraph.get((hit.doc_id, hit.paragraph), [])
                if (u.doc_id, u.start) not in exclude
            ]
            for relevance, unit in self._relevance(q.text, units, asks_wording(q.text)):
                bonus = 0.0
                narrative = isinstance(unit, Fact) or unit.kind != "direct"
                if isinstance(unit, want) or (want is Fact and narrative):
                    bonus = self.config.kind_bonus * (3 if q.intent == "opinion" else 1)
                candidates.append((hit.score + relevance + bonus, unit))
        if expected is not None:  # a when / how-many question is answered by a date / number
            typed = [c for c in candidates if expected(self._context(c[1]))]
            thing = counted_thing(q.text)
            if not typed and thing and self.bot.store.vocabulary_has(thing):
                # "how many missiles": the articles name missiles but never count them
                return self._abstain(q, "The indexed articles don't give that number.")
            candidates = typed or candidates
        if focus:  # and by the sentences that hold the attribute asked for
            holding = [c for c in candidates if self._holds(self._context(c[1]), focus)]
            candidates = holding or candidates
        candidates.sort(key=lambda pair: -pair[0])
        # the best-ranked paragraph leads: its best unit comes first whatever the others score
        top = next(
            (
                (h.doc_id, h.paragraph)
                for h in hits
                if any((u.doc_id, u.paragraph) == (h.doc_id, h.paragraph) for _, u in candidates)
            ),
            (hits[0].doc_id, hits[0].paragraph),
        )
        lead = next((c for c in candidates if (c[1].doc_id, c[1].paragraph) == top), None)
        ordered = [lead, *(c for c in candidates if c is not lead)] if lead else candidates
        if q.intent == "fact" and lead is not None:
            # a fact is told by its paragraph: its next sentence before other paragraphs'
            same = [c for c in ordered[1:] if (c[1].doc_id, c[1].paragraph) == top]
            ordered = [lead, *same[:1], *(c for c in ordered[1:] if c not in same[:1])]
        chosen: list[Unit] = []
        per_speaker: Counter[str | None] = Counter()
        for score, unit in ordered:
            if unit is not ordered[0][1] and score < candidates[0][0] - self.config.answer_margin:
                continue
            if len(chosen) >= cap:
                break
            speaker = unit.speaker if isinstance(unit, Quote) else None
            if speaker is not None and per_speaker[speaker] >= 2:
                continue
            per_speaker[speaker] += 1
            chosen.append(unit)
        if q.intent == "opinion" and len(chosen) < cap:
            # analysis: a second expert side by side when one speaks to the point too
            second = next(
                (
                    u
                    for score, u in candidates
                    if isinstance(u, Quote)
                    and u.speaker
                    and u.speaker not in per_speaker
                    and score >= candidates[0][0] - 2 * self.config.answer_margin
                ),
                None,
            )
            if second is not None:
                chosen.append(second)
        if not chosen:
            return self._abstain(q, NOT_FOUND)
        chosen.sort(key=lambda u: (u.doc_id, u.start))  # read in the article's order
        return self._answer(q, chosen)
