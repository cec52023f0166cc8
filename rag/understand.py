"""Step 1 of the answer path: what a question asks, read with spaCy's parser and entities.

``analyse`` returns an ``Analysis``: the kind of answer wanted, the person asked about
(the subject of the question or the object of a verb of saying, matched to the speaker
directory by full name before surname; never a possessive modifier), the entity labels
an answer should carry (from the question's wh-phrase), and the question's content
lemmas. Nothing here reads the index beyond the speaker directory.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Literal, NamedTuple

from index.names import names_of_one_person
from index.nlp import load_nlp
from index.types import Speaker
from rag.name_index import name_index
from rag.question import (
    asks_what_was_said,
    asks_wording,
    core,
    find_person,
    understand,
)

Kind = Literal["author", "people", "identity", "who_said", "speaker", "opinion", "fact", "open"]

# The entity labels that answer each kind of wh-phrase (spaCy's OntoNotes labels).
_WHEN = frozenset({"DATE", "TIME"})
_COUNT = frozenset({"CARDINAL", "QUANTITY", "MONEY", "PERCENT"})
_PLACE = frozenset({"GPE", "LOC", "NORP", "FAC"})
_AGENT = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_PLACE_NOUNS = frozenset({"country", "countries", "city", "state", "states", "nation", "place"})
_GROUP_NOUNS = frozenset(
    {"organisation", "organization", "group", "party", "company", "agency", "body", "network"}
)
_SAYING_LEMMAS = frozenset(
    {
        "say", "think", "describe", "tell", "call", "argue", "warn", "claim", "believe",
        "react", "respond", "reply", "comment", "characterize", "characterise", "view",
        "explain", "suggest", "predict", "write", "tweet", "insist", "add", "accuse",
        "criticize", "criticise", "praise", "blame", "feel", "admit", "announce", "deny",
    }
)  # fmt: skip
# Nouns naming what someone said or thought: "Flynn's reaction", "Clarke's view".
_SAYING_NOUNS = frozenset(
    {
        "reaction", "response", "view", "opinion", "take", "position", "stance", "comment",
        "remark", "answer", "reply", "assessment", "argument", "explanation", "warning",
        "criticism", "description", "prediction", "word", "message", "verdict", "thought",
        "claim", "statement", "defense", "defence", "advice", "reasoning", "concern",
        "complaint", "account", "characterization", "point", "critique", "case", "retort",
        "plea", "promise", "pledge", "suggestion", "proposal", "prescription", "forecast",
    }
)  # fmt: skip
_QUOTING_LEMMAS = frozenset({"quote", "interview", "cite", "voice", "weigh", "speak", "express"})
# Function words of the languages users most often write in besides English: a
# question made mostly of these is not English (the parser and embedder are English).
_FOREIGN = {
    "de": {"der", "die", "das", "und", "ist", "nicht", "was", "wie", "warum", "über", "hat",
           "sagte", "sagt", "wer", "dem", "den", "ein", "eine", "zu", "mit", "sich", "auf"},
    "fr": {"le", "la", "les", "et", "est", "que", "qui", "pourquoi", "comment", "sur", "des",
           "du", "une", "un", "dit", "pas", "il", "elle", "au", "quel", "quelle", "ce"},
    "es": {"el", "la", "los", "las", "y", "es", "que", "qué", "quién", "cómo", "por", "dijo",
           "del", "una", "un", "sobre", "cuánto", "cuántos", "cuándo", "dónde", "se", "su"},
    "it": {"il", "la", "che", "chi", "è", "e", "perché", "come", "del", "della", "una", "ha",
           "detto", "sul", "sulla", "gli", "quanto", "quando", "dove"},
    "pt": {"o", "a", "os", "as", "e", "é", "que", "quem", "como", "por", "disse", "do", "da",
           "uma", "um", "sobre", "quanto", "quando", "onde", "não"},
}  # fmt: skip
_ENGLISH = {
    "the", "a", "an", "and", "is", "are", "was", "were", "what", "who", "why", "how", "when",
    "where", "which", "did", "does", "do", "say", "said", "of", "to", "in", "on", "about",
    "for", "with", "has", "have", "that", "this", "it", "he", "she", "they", "by", "from",
}  # fmt: skip
_NOT_NAMES = frozenset({"CARDINAL", "ORDINAL", "DATE", "TIME", "PERCENT", "MONEY", "QUANTITY"})
_QUOTED = re.compile(r"[\"“‘']([^\"“”‘’']{4,})[\"”’']")
_TOKEN = re.compile(r"[^\W\d_]+", re.U)


@dataclass(frozen=True)
class Analysis:
    """What a question asks, for retrieval, ranking and composition."""

    text: str
    kind: Kind
    person: Speaker | None = None  # the person (or organisation) asked about, if quoted
    person_named: str = ""  # the person's name as the question writes it ("" if described)
    # the speaker names that stand for the person across the articles ("Barack Obama",
    # and "Obama" where an article never writes the full name); empty without a person
    person_names: frozenset[str] = frozenset()
    unknown_person: str = ""  # a person the question names whom no article quotes
    answer_labels: frozenset[str] = frozenset()  # entity labels a fact answer should carry
    # the attribute a "What is the N of X?" question asks the value of ("population")
    attribute: str = ""
    lemmas: frozenset[str] = frozenset()  # content lemmas (without the person's name)
    entities: tuple[str, ...] = ()  # named things the question mentions (not the person)
    content_words: tuple[str, ...] = ()  # content words as written (not the person's name)
    target: str = ""  # who_said: the words someone said
    quoted: tuple[str, ...] = ()  # words the question puts in quotation marks
    topic: str = ""  # the question without the person asked about and the verb of saying
    wording: bool = False  # asks how something was described: short partial quotes answer
    english: bool = True
    context: frozenset[str] = field(default=frozenset())  # "doc_id#paragraph" of a follow-up


def is_english(text: str) -> bool:
    """False when the question's function words are mostly another language's."""
    tokens = [t.lower() for t in _TOKEN.findall(text)]
    if len(tokens) < 3:
        return True
    english = sum(t in _ENGLISH for t in tokens)
    foreign = max(sum(t in words for t in tokens) for words in _FOREIGN.values())
    return not (foreign >= 2 and foreign > english)


def answer_labels(doc: Any) -> frozenset[str]:
    """The entity labels an answer to ``doc``'s wh-phrase carries (empty: any)."""
    tokens = [t for t in doc if not t.is_punct]
    if not tokens:
        return frozenset()
    lowered = [t.lower_ for t in tokens]
    first = lowered[0]
    second = lowered[1] if len(lowered) > 1 else ""
    if first == "when" or (
        first in {"what", "which"} and second in {"date", "day", "year", "month", "time"}
    ):
        return _WHEN
    if first == "how" and second in {"many", "much"}:
        return _COUNT
    if first == "how" and second in {"long", "old"}:
        return _WHEN | _COUNT
    if first == "where" or (first in {"which", "what"} and second in _PLACE_NOUNS):
        return _PLACE
    if first in {"which", "what"} and second in _GROUP_NOUNS:
        return frozenset({"ORG", "NORP"})
    return frozenset()


def asked_attribute(doc: Any) -> str:
    """The lemma of the attribute a "What is the N of X?" question (or "What is X's N?")
    asks the value of: "population", "name", "view"; "" for other questions."""
    tokens = [t for t in doc if not t.is_punct]
    if len(tokens) < 4 or tokens[0].lower_ not in {"what", "which"} or tokens[1].lemma_ != "be":
        return ""
    for t in tokens[1].children:
        if (
            t.dep_ in {"nsubj", "attr"}
            and t.pos_ == "NOUN"
            and t.i > tokens[1].i
            and any(c.dep_ in {"prep", "poss"} for c in t.children)
        ):
            return str(t.lemma_.lower())
    return ""


def _content_lemmas(doc: Any, skip: set[int]) -> frozenset[str]:
    return frozenset(
        t.lemma_.lower()
        for t in doc
        if t.i not in skip
        and not (t.is_stop or t.is_punct)
        and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV"}
        and t.lemma_.lower() not in _SAYING_LEMMAS
        and len(t.text) > 1
    )


def _mention_role(doc: Any, start: int, end: int) -> int:
    """How surely a name at tokens [start, end) is the person asked about: 3 the owner of
    a noun of saying ("Flynn's reaction"), 2 the subject (or agent, or the object of a verb
    of saying, or "according to" them), 1 elsewhere (the owner of words that are only the
    topic: "What did Biden say about Trump's claim?"), 0 another possessive modifier or a
    modifier of another noun ("Hillary Clinton's policy", "a Clinton aide")."""
    span = doc[start:end]
    root = span.root
    if root.dep_ == "poss" and root.head.lemma_.lower() in _SAYING_NOUNS:
        if not _names_the_words(root.head):
            return 1  # their words are the topic ("What did Biden say about Trump's claim?")
        return 3  # whose words the question asks for ("Flynn's reaction to ...")
    if root.dep_ == "poss" or (root.dep_ == "compound" and root.head.i >= end):
        return 0
    if root.dep_ in {"nsubj", "nsubjpass"} and (
        root.head.dep_ == "ROOT" or root.head.lemma_ in _SAYING_LEMMAS
    ):
        return 2  # the subject of the question, or of its verb of saying
    if root.dep_ == "pobj" and (
        root.head.lower_ in {"by", "from", "according"}
        or (root.head.lower_ == "to" and root.head.head.lower_ == "according")
    ):
        return 2
    if root.dep_ in {"dobj", "attr"} and root.head.lemma_ in _SAYING_LEMMAS:
        return 2
    return 1


def _names_the_words(noun: Any) -> bool:
    """Whether a noun of saying stands for the words the question asks for: the subject
    or complement of its main verb ("What was Flynn's reaction ...?") or its source after
    "in", "by", "from" or "according to" ("in Graham's view"), rather than its topic
    ("about Trump's claim", "How did Graham describe Trump's position?", a clause of its
    own: "Does he think Trump's position costs him votes?")."""
    if noun.dep_ == "ROOT" or (
        noun.dep_ in {"nsubj", "nsubjpass", "attr"} and noun.head.dep_ == "ROOT"
    ):
        return True
    if noun.dep_ != "pobj":
        return False
    preposition = noun.head
    if preposition.lower_ == "to" and preposition.head.lower_ == "according":
        return True
    # on the verb ("in Graham's view, what would it take"), not a noun ("rules in Trump's plan")
    return preposition.lower_ in {"in", "by", "from"} and preposition.head.pos_ in {"VERB", "AUX"}


def _owns_words(doc: Any) -> bool:
    """Whether the question asks for someone's words by a noun of saying they own
    ("Flynn's reaction to ...", "her view of ...")."""
    return any(
        t.dep_ == "poss" and t.head.lemma_.lower() in _SAYING_NOUNS and _names_the_words(t.head)
        for t in doc
    )


def _which_speaker(doc: Any, determiners: set[str]) -> Any:
    """The noun of a which-phrase ("Which Democratic lawmakers", "Which Florida activist")
    that is the subject of a verb of quoting or saying, if any. The which-word is read by
    position: the small parser often hangs it elsewhere."""
    for t in doc:
        if t.lower_ not in determiners or t.tag_ not in {"WDT", "WP"}:
            continue
        at = t.i + 1
        while at < len(doc) and doc[at].dep_ in {"amod", "compound", "nmod"}:
            at += 1
        noun = doc[at] if at < len(doc) else None
        if (
            noun is not None
            and noun.dep_ in {"nsubj", "nsubjpass"}
            and noun.head.lemma_.lower() in _QUOTING_LEMMAS | _SAYING_LEMMAS
        ):
            return noun
    return None


def asks_for_people(doc: Any) -> bool:
    """A plural which-phrase as the subject of a verb of quoting or saying ("Which
    lawmakers were quoted ...?", "Which Republicans criticized ...?"), or "Who was quoted
    ...?", asks for a list of people."""
    if any(
        t.lower_ == "who" and t.dep_ in {"nsubj", "nsubjpass"} and t.head.lemma_ in _QUOTING_LEMMAS
        for t in doc
    ):
        return True
    noun = _which_speaker(doc, {"which", "what"})
    return noun is not None and noun.tag_ in {"NNS", "NNPS"}


def who_said_target(doc: Any) -> str:
    """The words asked about when one person is asked for by a which-phrase subject of a
    verb of saying ("Which Florida activist claimed the campaign was panicking?" -> "the
    campaign was panicking"); "" for any other question."""
    noun = _which_speaker(doc, {"which"})
    if noun is None or noun.tag_ not in {"NN", "NNP"}:
        return ""
    verb = noun.head
    rest = [t for t in doc[verb.i + 1 :] if not t.is_punct or t.text in {"'", "’", "-"}]
    while rest and rest[0].lower_ in {"that", "to"}:
        rest = rest[1:]
    return " ".join(t.text for t in rest)


class NamedPerson(NamedTuple):
    """A quoted person a question names: as it writes them, and how surely they are the
    one asked about (``_mention_role``: 2 or more, whose words are asked for)."""

    speaker: Speaker
    form: str
    role: int


def _directory_person(
    text: str, doc: Any, speakers: list[Speaker], common: frozenset[str]
) -> NamedPerson | None:
    """The quoted person the question is about: every speaker whose name (full name before
    surname) the question writes, best role first; else one matched by title words."""
    found: list[tuple[int, int, Speaker, str]] = []
    for speaker in name_index(speakers).candidates(text):
        forms = sorted({speaker.name, *speaker.aliases}, key=len, reverse=True)
        for form in forms:
            if len(form) < 3:
                continue
            match = re.search(rf"(?<![\w]){re.escape(form)}(?![\w’'])", text, re.I)
            if match is None:
                match = re.search(rf"(?<![\w]){re.escape(form)}(?=[’']s\b)", text, re.I)
            if match is None:
                continue
            span = doc.char_span(match.start(), match.end(), alignment_mode="expand")
            role = _mention_role(doc, span.start, span.end) if span is not None else 1
            full = len(form.split()) > 1 and form.lower() == speaker.name.lower()
            found.append((role, len(form) + (100 if full else 0), speaker, form))
            break
    if found:
        role, _, speaker, form = max(found, key=lambda f: (f[0], f[1]))
        if role > 0:  # never a possessive modifier ("Hillary Clinton's Syria policy")
            return NamedPerson(speaker, form, role)
    person = find_person(text, speakers, common)
    if person is not None and not person[1]:
        return NamedPerson(person[0], person[1], 2)  # by title ("the University of Lahore expert")
    return None


def _person_names(person: Speaker | None, speakers: list[Speaker]) -> frozenset[str]:
    if person is None:
        return frozenset()
    if not person.is_person:
        return frozenset({person.name})
    return names_of_one_person(person.name, (s.name for s in speakers if s.is_person))


def _topic(doc: Any, skip: set[int]) -> str:
    """The words that say what the question is about: no wh-word, auxiliary, name of the
    person asked about or verb of saying."""
    kept = [
        t.text
        for t in doc
        if t.i not in skip
        and not t.is_punct
        and t.tag_ not in {"WP", "WDT", "WRB", "WP$", "MD"}
        and t.pos_ not in {"AUX"}
        and t.lemma_.lower() not in _SAYING_LEMMAS
        and t.lower_ not in {"about", "on", "of"}
    ]
    return " ".join(kept) or doc.text


def _unknown_person(doc: Any, speakers: list[Speaker]) -> str:
    """A PERSON the question names as the one asked about whom no speaker matches."""
    known = name_index(speakers).known_words
    for ent in doc.ents:
        if ent.label_ != "PERSON" or _mention_role(doc, ent.start, ent.end) < 2:
            continue
        if not {w.lower().strip("’'s") for w in ent.text.split()} & known:
            return ent.text.removesuffix("’s").removesuffix("'s")
    return ""


def names_whose_words(
    text: str, speakers: list[Speaker], common: frozenset[str] = frozenset()
) -> bool:
    """Whether the question names a quoted person as the one whose words it asks for (the
    subject or agent of the saying, "according to" them, the owner of a noun of saying),
    rather than pointing back to them with a pronoun ("Does he think Trump's position costs
    him votes?") or naming someone only as its topic ("What did she say about Vaez?")."""
    doc = load_nlp()(text)
    if any(
        t.lower_ in {"he", "she", "they"}
        and t.dep_ in {"nsubj", "nsubjpass"}
        and (t.head.dep_ == "ROOT" or t.head.lemma_ in _SAYING_LEMMAS)
        for t in doc
    ):
        return False
    found = _directory_person(text, doc, speakers, common)
    return found is not None and found.role >= 2


def analyse(
    text: str,
    speakers: list[Speaker],
    common: frozenset[str] = frozenset(),
    context: frozenset[str] = frozenset(),
) -> Analysis:
    """The ``Analysis`` of one (resolved) question."""
    text = text.strip()
    if not is_english(text):
        return Analysis(text, "open", english=False, context=context)
    nlp = load_nlp()
    doc = nlp(core(text))
    offset = len(text) - len(core(text)) if text.endswith(core(text)) else 0
    form_question = understand(text, speakers, common)  # kind by the question's form
    kind: Kind = form_question.intent
    target = form_question.target
    if kind not in {"author", "identity"} and asks_for_people(doc):
        kind = "people"
    elif kind not in {"author", "identity", "who_said", "people"}:
        target = who_said_target(doc)
        kind = "who_said" if target else kind
    # the person may be in the lead-in ("According to police chief Kerr Putney, what ...")
    found = _directory_person(text, nlp(text) if offset else doc, speakers, common)
    if kind == "who_said":
        found = None  # a name in "Who said ... about Clinton?" is not whose words are asked for
    person, named, role = found if found is not None else (None, "", 0)
    unknown = "" if person is not None or kind == "who_said" else _unknown_person(doc, speakers)
    # their words are asked for when they are the subject, agent or owner of the saying
    # ("What did X say", "according to X", "X's view"), not a name elsewhere in it
    about_words = (asks_what_was_said(text) or _owns_words(doc)) and role >= 2
    if kind in {"speaker", "identity"} and person is None:
        kind = "opinion" if asks_what_was_said(text) else "fact"
    elif kind == "speaker" and not about_words:
        # a question of fact about a named person ("What share of the vote did X win?")
        # asks about them, not for their words: its kind is the question's form
        kind = understand(text, [], common).intent
    if person is not None and kind in {"opinion", "fact", "open"} and about_words:
        kind = "speaker"
    skip: set[int] = set()
    if named:
        match = re.search(re.escape(named), text[offset:], re.I)
        span = doc.char_span(match.start(), match.end(), alignment_mode="expand") if match else None
        if span is not None:
            skip = set(range(span.start, span.end))
    entities = tuple(
        e.text
        for e in doc.ents
        if e.label_ not in {"CARDINAL", "ORDINAL", "DATE", "TIME"}
        and not (skip & set(range(e.start, e.end)))
    )
    return Analysis(
        text=text,
        kind=kind,
        person=person,
        person_named=named,
        person_names=_person_names(person, speakers),
        unknown_person=unknown,
        answer_labels=answer_labels(doc),
        # a person's words are asked for ("What was X's verdict on Y?"): they seldom name it
        attribute=asked_attribute(doc) if kind != "speaker" else "",
        lemmas=_content_lemmas(doc, skip),
        content_words=tuple(
            dict.fromkeys(
                t.lower_
                for t in doc
                if t.i not in skip
                and t.is_alpha
                and not t.is_stop
                and t.pos_ in {"NOUN", "PROPN", "VERB", "ADJ"}
                and t.lemma_.lower() not in _SAYING_LEMMAS
            )
        ),
        entities=entities,
        target=target,
        topic=_topic(doc, skip),
        quoted=tuple(m.strip() for m in _QUOTED.findall(text) if len(m.split()) >= 2),
        wording=asks_wording(text),
        context=context,
    )
