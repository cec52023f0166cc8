"""Answers about people: what a named or described person said, who is quoted, who
wrote the article and who said given words."""

from __future__ import annotations

import re
from dataclasses import replace

from index.types import Quote, Speaker
from rag.compose import display_name, quote_citation, render
from rag.evidence import term_key
from rag.general import GeneralAnswers
from rag.places import place_key
from rag.question import Question, asks_wording
from rag.statements import Exclude
from rag.text import content_words, words
from rag.types import Answer, Citation
from rag.verify import Statement, verified


def _possessors(text: str) -> set[str]:
    """Countries named as possessors ("Pakistan's foreign minister" -> {"pakistan"})."""
    found = (place_key(m) for m in re.findall(r"(\w+)['’]s\b", text))
    return {key for key in found if key}


def _says(text: str, terms: list[str]) -> bool:
    """Whether ``text`` uses one of ``terms`` as written (plurals aside): the words of a
    quotation, not just words that share a stem ("responsibility", "response")."""
    written = {w.removesuffix("s") for w in words(text)}
    return any(t.removesuffix("s") in written for t in terms)


class PeopleAnswers(GeneralAnswers):
    """Person-centred questions; anything else falls back to the general answers."""

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
        anywhere = similarity.highest()
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
