"""Multi-turn conversations: follow-ups resolved against the previous answer."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from index.nlp import load_nlp
from rag.question import asks_what_was_said, find_person
from rag.types import Answer
from rag.understand import names_whose_words

if TYPE_CHECKING:
    from rag.bot import QuoteBot

_PRONOUN = re.compile(
    r"\b(she|he|her|him|his|they|them|(?:the )?same (?:analyst|expert|person|scholar|"
    r"academic|researcher|speaker|source|official|one)|(?:this|that) (?:analyst|expert|"
    r"scholar|academic|researcher|speaker))\b",
    re.I,
)
_ELSE = re.compile(r"\b(else|more|other|another|too|also|again)\b", re.I)
_AND_PERSON = re.compile(r"^\s*(?:and|what about|how about|and what about)\s+(.+?)\s*\??\s*$", re.I)


@dataclass(frozen=True)
class Resolved:
    question: str
    exclude: frozenset[tuple[str, int]] = frozenset()  # (doc_id, start) already cited
    context: frozenset[str] = frozenset()  # "doc_id#paragraph" the previous answer cited


def resolve(bot: QuoteBot, question: str, history: list[Answer]) -> Resolved:
    """Rewrite a follow-up ("What else did she say?", "and Karim?") as a full question."""
    if not history:
        return Resolved(question)
    previous = history[-1]
    cited = frozenset(
        {(c.doc_id, c.start) for c in previous.citations}
        | {(q.doc_id, q.start) for q in previous.quotes}
    )
    short = _AND_PERSON.match(question)
    if short and _names_only(short.group(1)):
        person = find_person(short.group(1), bot.speakers())
        if person is not None:
            name = person[0].name
            if previous.speaker:
                old = bot.find_speaker(previous.speaker)
                forms = sorted({old.name, *old.aliases}, key=len, reverse=True) if old else []
                for form in forms:
                    if re.search(re.escape(form), previous.question, re.I):
                        return Resolved(
                            re.sub(re.escape(form), name, previous.question, flags=re.I)
                        )
            return Resolved(f"What did {name} say about {previous.question.rstrip('?')}?")
    pronoun = _PRONOUN.search(question)
    if (
        previous.speaker
        and pronoun
        # a person named only as the topic leaves the pronoun to the previous speaker
        and not names_whose_words(question, bot.speakers())
        # "they" and "them" may be the strikes ("how many died in them?"); a person only
        # when the question asks what was said or thought
        and (pronoun.group(1).lower() not in {"they", "them"} or asks_what_was_said(question))
    ):
        rewritten = _PRONOUN.sub(previous.speaker, question, count=1)
        exclude = cited if _ELSE.search(question) else frozenset()
        return Resolved(rewritten, exclude)
    if _ELSE.search(question) and len(question.split()) <= 5 and previous.speaker:
        return Resolved(f"What did {previous.speaker} say?", cited)
    if _elliptical(question) and not previous.abstained:
        # "How many people died?" after "When did Iran strike Pakistan?": that strike
        return Resolved(
            question, context=frozenset(f"{c.doc_id}#{c.paragraph}" for c in previous.citations)
        )
    return Resolved(question)


def _names_only(rest: str) -> bool:
    """Whether the words after "and" / "what about" only name someone ("and Karim?",
    "what about the Lahore expert?"), not a question of their own ("And how did Christie
    react?", "And does he think Trump could change course?")."""
    return not any(t.pos_ in {"VERB", "AUX"} for t in load_nlp()(rest))


_BACK = re.compile(r"\b(?:it|them|that|this|those|these|there|then)\b", re.I)


def _elliptical(question: str) -> bool:
    """A short question that names nothing, or points back ("died in them?"), so leans
    on the previous turn for its subject."""
    tokens = question.split()
    names = any(t[:1].isupper() for t in tokens[1:])
    return not names and (len(tokens) <= 5 or (len(tokens) <= 9 and bool(_BACK.search(question))))


@dataclass
class Conversation:
    """A chat session: each question is answered in the light of the previous turns."""

    bot: QuoteBot
    history: list[Answer] = field(default_factory=list)

    def ask(self, question: str) -> Answer:
        answer = self.bot.ask(question, history=self.history)
        self.history.append(answer)
        return answer
