"""Question understanding without a language model: intent, person and topic."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from index.lexicon import REPORTING_VERBS
from index.types import Speaker
from rag.name_index import name_index
from rag.text import content_words, words

Intent = Literal["author", "people", "identity", "who_said", "speaker", "opinion", "fact", "open"]

# who wrote the article itself; "Who wrote that the debate changed few minds?" asks who
# said something, and "the author's father" is someone else
_WRITING = "article|piece|story|column|op-ed|report|analysis|editorial|essay|post"
_AUTHOR = re.compile(
    r"\bwho(?:'s| is| was) (?:the )?(?:author|writer)s?\b|"
    rf"\bwho (?:wrote|authored) (?:(?:this|the|that|an?) )?(?:{_WRITING})s?\b|"
    r"\bwho (?:wrote|authored) (?:this|that|it)\W*$|"
    rf"\b(?:author|writer)s? of (?:this|the) (?:{_WRITING})\b|"
    rf"\b(?:{_WRITING}|this|it) (?:was )?written by\b|\bwritten by whom\b",
    re.I,
)
_PEOPLE = re.compile(
    r"\b(?:which|what|list (?:the|all)?|name the)\s*(?:experts?|analysts?|people|speakers|"
    r"sources|scholars|officials|voices|specialists)\b|\bwho (?:is|are|was|were|gets?|got) "
    r"(?:quoted|interviewed|cited)\b|\bwho (?:speaks|spoke|comments?|commented)\b|"
    r"\bhow many (?:experts|people|analysts|speakers) (?:are |were )?(?:quoted|interviewed|"
    r"cited)\b",
    re.I,
)
_SOURCE = (  # "which <source>" asks for one person
    "expert|analyst|person|official|scholar|academic|researcher|commentator|observer|"
    "specialist|source|one"
)
_WHICH_PERSON_DID = re.compile(  # "Which expert pointed to ...?": one person, a claim
    rf"^\s*which (?:{_SOURCE})\s+(?!is\b|was\b|are\b|were\b|does\b|did\b|do\b|has\b)"
    r"[a-z]+(?:ed|s)?\b(.*)$",
    re.I,
)
_IDENTITY = re.compile(r"^\s*(?:who|what) (?:is|was) (.+?)\??\s*$", re.I)
_WHO_SAID = re.compile(
    rf"^\s*(?:who|which (?:{_SOURCE})s?)\s+"
    rf"(?:{REPORTING_VERBS}|spoke of|talked about|referred|found|criticised|criticized|"
    r"praised|blamed)\b(.*)$",
    re.I,
)
_SAYING = re.compile(
    r"\b(?:say|said|says|think|thinks|thought|believe|believes|view|views|opinion|describe|"
    r"described|characteri[sz]e|characteri[sz]ed|argue|argued|argues|explain|explained|tell|"
    r"told|according|comment|commented|react|reacted|warn|warned|claim|claimed|see|sees|"
    r"expect|expects|make of|assess|assessed|call|called|quote|quoted|words|interpret|"
    r"interprets|interpreted|regard|regards|predict|predicts|predicted|respond|responded|"
    r"feel|feels|analy[sz]e|analy[sz]es|analy[sz]ed|argue|reckon|reckons|suggest|suggested|"
    r"insist|insisted|stress|stressed|criticise|criticised|criticize|criticized|praise|"
    r"praised|blame|blamed|add|added|note|noted|observe|observed|agree|agreed|mean|meant)\b",
    re.I,
)
_OPINION = re.compile(
    r"^\s*(?:why|how (?!many|much|long|old|far))|\b(?:think|thinks|view|views|opinion|expect|"
    r"expects|impact|effect|effects|consequence|consequences|mean|means|reason|reasons|likely|"
    r"future|will|would|could|should|might|assess|assessment|analysis|argue|believe|explain|"
    r"react|reaction|significance|motive|motives|goal|hope)\b",
    re.I,
)
_COUNT = re.compile(r"^\s*how (?:many|much)\b", re.I)
_FACTUAL = re.compile(
    r"^\s*(?:when|where|how (?:many|much|long|old|far)|which|who|whom|whose|"
    r"what (?:date|day|year|time|month|happened|is|was|were|are)|did|do|does|has|have|had)\b",
    re.I,
)
_PERSON_NOUNS = {
    "expert",
    "analyst",
    "scholar",
    "researcher",
    "academic",
    "director",
    "head",
    "fellow",
    "member",
    "official",
    "minister",
    "professor",
    "specialist",
    "commentator",
    "person",
    "woman",
    "man",
    "spokesman",
    "spokeswoman",
    "economist",
    "adviser",
    "advisor",
    "chief",
    "diplomat",
    "one",
}
_GENERIC_TITLE_WORDS = {
    "the",
    "of",
    "at",
    "in",
    "and",
    "for",
    "a",
    "an",
    "director",
    "head",
    "member",
    "fellow",
    "associate",
    "senior",
    "national",
    "research",
    "centre",
    "center",
    "institute",
    "programme",
    "program",
    "project",
    "international",
    "studies",
    "policy",
}


@dataclass(frozen=True)
class Question:
    text: str
    intent: Intent
    speaker: Speaker | None
    topic: str  # the question without the person's name
    target: str = ""  # for who_said: the words someone said
    described: bool = False  # the person was matched by title words, not named
    context: frozenset[str] = frozenset()  # "doc_id#paragraph" a follow-up leans on


def asks_what_was_said(question: str) -> bool:
    """Whether the question asks what someone said, thought or argued."""
    return bool(_SAYING.search(question))


def _mentions(question: str, speaker: Speaker) -> str | None:
    """The name form of ``speaker`` that occurs in ``question``, longest first."""
    forms = sorted({speaker.name, *speaker.aliases}, key=len, reverse=True)
    for form in forms:
        if len(form) < 3:
            continue
        if re.search(rf"(?<![\w]){re.escape(form)}(?![\w])", question, re.I):
            return form
    return None


def _plain_words(text: str) -> set[str]:
    return {w for word in words(text) for w in re.split(r"[\W_]+", word) if w}


@lru_cache(maxsize=65536)
def _title_words(title: str) -> frozenset[str]:
    # "analyst" or "expert" names no one in particular: distinctive title words do
    return frozenset(_plain_words(title) - _GENERIC_TITLE_WORDS - _PERSON_NOUNS)


def _by_description(
    question: str, speakers: list[Speaker], common: frozenset[str] = frozenset()
) -> Speaker | None:
    """The one speaker whose distinctive title words the question shares more of than any
    other speaker's ("the University of Lahore expert")."""
    qwords = _plain_words(question)
    if not qwords & _PERSON_NOUNS:
        return None
    overlap: dict[str, int] = {}  # by name: one title a name (the last one listed)
    for s in speakers:
        overlap[s.name] = len((qwords & _title_words(s.title or "")) - common)
    best = max(overlap.values(), default=0)
    leaders = [name for name, n in overlap.items() if n == best]
    if best == 0 or len(leaders) > 1:
        return None
    return next(s for s in speakers if s.name == leaders[0])


def find_person(
    question: str, speakers: list[Speaker], common: frozenset[str] = frozenset()
) -> tuple[Speaker, str] | None:
    """The speaker a question names or describes, and the words that named them."""
    named = [
        (s, form)
        for s in name_index(speakers).candidates(question)
        if (form := _mentions(question, s))
    ]
    if named:
        return max(named, key=lambda pair: len(pair[1]))
    described = _by_description(question, speakers, common)
    if described is not None:
        return described, ""
    return None


_LEAD_IN = re.compile(r"^\s*(?:according to [^,?]+,|in (?:the|this) article,|so,|and)\s+", re.I)


def core(question: str) -> str:
    """The question without a lead-in ("According to Iranian authorities, how many ...")."""
    return _LEAD_IN.sub("", question.strip(), count=1) or question


def understand(
    question: str, speakers: list[Speaker], common: frozenset[str] = frozenset()
) -> Question:
    """Classify ``question`` and resolve the person it is about (``common``: words found
    on many pages, which do not identify anyone)."""
    text = question.strip()
    if _AUTHOR.search(text):
        return Question(text, "author", None, text)
    who_said = _WHO_SAID.match(text) or _WHICH_PERSON_DID.match(text)
    target = who_said.group(1).strip(" ?") if who_said else ""
    if who_said and len(content_words(target)) >= 2:  # "Which analyst said <words>?"
        return Question(text, "who_said", None, text, target=target)
    if _PEOPLE.search(text):
        return Question(text, "people", None, text)
    person = find_person(text, speakers, common)
    if who_said and person is None:
        return Question(text, "who_said", None, text, target=target)
    if person is not None and (
        (len(person[1].split()) > 1 and person[0].is_person)
        or _SAYING.search(text)
        or _IDENTITY.match(text)
    ):  # a named person; an organisation or a description only with a verb of saying
        speaker, form = person
        if form:
            topic = re.sub(re.escape(form), " ", text, flags=re.I)
        else:  # described by title: the title's words are not the topic
            described = _plain_words(speaker.title or "") | _PERSON_NOUNS
            topic = " ".join(w for w in re.split(r"(\W+)", text) if w.lower() not in described)
        identity = _IDENTITY.match(text)
        owned = form and re.search(rf"{re.escape(form)}[’']s\b", text, re.I)  # "X's lawyer"
        if (
            identity
            and form
            and not owned
            and len(content_words(identity.group(1))) <= len(form.split()) + 1
        ):
            return Question(text, "identity", speaker, topic)
        return Question(text, "speaker", speaker, topic, described=not form)
    asked = core(text)
    if _COUNT.match(asked):  # "How many factors ... reasons ...?" asks for a number
        return Question(text, "fact", None, text)
    if _OPINION.search(asked):
        return Question(text, "opinion", None, text)
    if _FACTUAL.match(asked):
        return Question(text, "fact", None, text)
    return Question(text, "open", None, text)  # analysis or yes/no: quotes and facts


_WORDING = re.compile(
    r"\b(?:characteri[sz](?:e|es|ed|ing)|describ(?:e|es|ed|ing)|call(?:s|ed)?|label(?:s|led|ed)?|"
    r"term(?:s|ed)?|dub(?:s|bed)?|brand(?:s|ed)?|word|words|phrase|adjectives?|verdict|"
    r"judge?ment)\b",
    re.I,
)


def asks_wording(question: str) -> bool:
    """Whether the question asks for someone's own words ("How did Vaez characterise the
    attack?"): news text gives such characterisations as short partial quotes."""
    return bool(_WORDING.search(question)) and not re.search(r"\bin terms of\b", question, re.I)
