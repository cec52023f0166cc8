"""Answers to analysis and factual questions: the leading paragraphs, what kind of answer
the question wants, and abstention when the evidence does not give it."""

from __future__ import annotations

import re
from collections import Counter

from index.lexicon import MONTHS
from index.types import Fact, Quote
from rag.evidence import term_key
from rag.places import place_key
from rag.priors import retrieval_plan
from rag.question import (
    Question,
    answer_type,
    asks_wording,
    counted_thing,
    focus_terms,
    saying_subject,
)
from rag.statements import NOT_FOUND, Composer, Exclude, Unit, unit_id
from rag.text import content_words, family, words
from rag.types import Answer, Hit

_FUNCTION_PHRASES = re.compile(
    r"\b(?:in terms of|in the face of|a number of|in charge of|in spite of|on behalf of|"
    r"in place of|by way of|in the wake of|in light of|at the hands of)\b",
    re.I,
)
_TIME_ANCHOR = re.compile(rf"{'|'.join(MONTHS)}|(?:19|20)\d\d")


class GeneralAnswers(Composer):
    """Opinion, fact and open questions."""

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
            best = max((similarity.get(unit_id(u), 0.0) for u in units), default=0.0)
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
        keys = self.evidence.keys(_FUNCTION_PHRASES.sub(" ", text))
        return all(family(t) in keys or term_key(t) in keys for t in focus)

    def _general(self, q: Question, limit: int, exclude: Exclude) -> Answer:
        """Analysis, fact and open questions: abstain on names or bodies the articles
        lack, retrieve, check the evidence supports the question and holds the kind of
        answer it wants, then choose the units."""
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
        candidates = self._candidates(q, hits, exclude)
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
        cap = self.config.answer_max_facts if q.intent == "fact" else limit
        chosen = self._choose(q, hits, sorted(candidates, key=lambda pair: -pair[0]), cap)
        if not chosen:
            return self._abstain(q, NOT_FOUND)
        chosen.sort(key=lambda u: (u.doc_id, u.start))  # read in the article's order
        return self._answer(q, chosen)

    def _candidates(
        self, q: Question, hits: list[Hit], exclude: Exclude
    ) -> list[tuple[float, Unit]]:
        """Units of the paragraphs close to the best, scored by their paragraph, their
        relevance to the question and whether they are the kind it asks for (quotes for
        analysis, source sentences for facts)."""
        want: type[Quote] | type[Fact] = Fact if q.intent == "fact" else Quote
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
        return candidates

    def _choose(
        self, q: Question, hits: list[Hit], candidates: list[tuple[float, Unit]], cap: int
    ) -> list[Unit]:
        """Up to ``cap`` units, best first: the best-ranked paragraph leads whatever the
        others score, a fact's paragraph gives its next sentence before other paragraphs,
        no more than two quotes of one speaker, and for analysis a second expert when one
        speaks to the point too. ``candidates`` are sorted best first."""
        if not candidates:
            return []
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
            same = [c for c in ordered[1:] if (c[1].doc_id, c[1].paragraph) == top]
            ordered = [lead, *same[:1], *(c for c in ordered[1:] if c not in same[:1])]
        floor = candidates[0][0] - self.config.answer_margin
        chosen: list[Unit] = []
        per_speaker: Counter[str | None] = Counter()
        for score, unit in ordered:
            if unit is not ordered[0][1] and score < floor:
                continue
            if len(chosen) >= cap:
                break
            speaker = unit.speaker if isinstance(unit, Quote) else None
            if speaker is not None and per_speaker[speaker] >= 2:
                continue
            per_speaker[speaker] += 1
            chosen.append(unit)
        if q.intent == "opinion" and len(chosen) < cap:
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
        return chosen
