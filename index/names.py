"""Parse the noun phrase that names a speaker: a person, a group, a pronoun or a description.

Decisions come from the shape of the phrase (capitalisation, honorifics, title words,
appositives), never from lists of particular people.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from index.given_names import given_name_gender
from index.lexicon import (
    FEMALE_HONORIFICS,
    GROUP_HEADS,
    HONORIFICS,
    MALE_HONORIFICS,
    NAME_PARTICLES,
    NOT_NAMES,
    ORG_WORDS,
    ORGANISATION_HEADS,
    PRONOUNS,
    ROLE_NOUNS,
    TITLE_MODIFIERS,
    TITLE_WORDS,
)

MentionKind = Literal["person", "group", "pronoun", "description", "anonymous"]

_TOKEN = re.compile(r"[^\s]+")
_TITLE_CASE_WORD = re.compile(r"^(?:[A-Z][\w’'-]*|[A-Z]\.(?:[A-Z]\.)+)$")  # "Air", "U.S."
_FUNCTION_WORDS = {"the", "a", "an", "that", "this", "of", "and", "or", "for", "in", "to"}
# "WASHINGTON — ", "PARIS (Reuters) — " opening a story's first sentence
DATELINE = re.compile(
    r"^[A-Z]{2}[A-Z.'’ -]{0,40}(?:,\s+[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
    r"(?:\s+\([A-Z][A-Za-z&. ]{1,30}\))?\s+[—–-]+\s+"
)
# "the senator", "the Texas senator", "the presumptive Republican presidential nominee": a
# role noun in lower case (a capitalised head is a name: "the Senate Intelligence Committee")
# after up to four modifiers that are no function word
_DESCRIPTION = re.compile(
    r"^(?:[Tt]he|[Tt]his|[Tt]hat)\s+"
    r"(?:(?!(?:who|which|that|of|to|for|and|or|in|on|at|with|by|from)\s)[\w.’'&-]+\s+){0,4}"
    rf"({ROLE_NOUNS}|{'|'.join(sorted(ORGANISATION_HEADS))})$"
)
_NOT_IN_WHOSE = (
    "is|are|was|were|has|have|had|will|would|could|can|told|said|says|in|on|at|during|after|"
    "before|with|monday|tuesday|wednesday|thursday|friday|saturday|sunday|today|yesterday"
)
_ANONYMOUS = re.compile(
    rf"^(?:a|an|one|two|three|several|some)\s+(?:[\w-]+\s+){{0,4}}?({ROLE_NOUNS}|sources|officials|"
    r"diplomats|people|person)"
    r"(?:\s+(?:who|familiar|close|with|in|from|at|speaking|on)\b.*"
    # "to Trump", "for committee Democrats": whose adviser, up to five words with no verb,
    # preposition or day, not ending on a function word
    rf"|\s+(?:to|for|of)(?:\s+(?!(?:{_NOT_IN_WHOSE})\b)(?-i:(?![a-z]{{3,}}(?:ing|ed)\b))"
    r"[\w.’'&-]+){1,5}(?<!\sthe)(?<!\sa)(?<!\san)(?<!\sof)(?<!\sand))?$",
    re.I,
)
_GROUP = re.compile(rf"^(?:{GROUP_HEADS})\s+(?:of|at|from|for)\s+(?:the\s+)?(.+)$", re.I)
_ADJ_GROUP = re.compile(
    r"^(?:(?:the|some|many|senior|top)\s+)?((?:[A-Z][\w’'-]*\s+){1,3})"
    r"(officials|authorities|lawmakers|diplomats|leaders|sources|officers|prosecutors|police)$"
)
_POSSESSIVE = re.compile(r"^[A-Z][\w.-]*(?:’s|'s|’|')$")


@dataclass(frozen=True)
class Mention:
    """A parsed speaker phrase; ``name`` has no honorific or title words."""

    kind: MentionKind
    text: str
    name: str
    honorific: str | None = None
    title: str | None = None
    gender: str | None = None  # "m", "f", "p" (plural) or None

    @property
    def surname(self) -> str:
        parts = self.name.split()
        return parts[-1] if parts else self.name


_OWNER_SUFFIX = re.compile(r"(?:’s|'s|’|')$")


def without_possessive(name: str) -> str:
    """A name as the entity recogniser may return it with its possessive ending
    ("Donald Trump’s" -> "Donald Trump")."""
    return _OWNER_SUFFIX.sub("", name)


def one_person(full_names: Mapping[str, int], gender: str | None = None) -> str | None:
    """The full name a surname stands for, given the article's full names with that
    surname and how often each is written: the form written most often ("Donald J. Trump"
    and "Donald Trump" are one person) when they name one person, None when they name
    two ("Bill Clinton", "Hillary Clinton") or none. A name opening with a function word is
    not a person ("Beyond Trump’s reach"); the ``gender`` the surname's speaker was referred
    to by ("she said") tells two people apart whose given names have different genders."""
    names = {n: c for n, c in full_names.items() if not _opens_with_function_word(n)}
    if len(_people_named(names)) > 1:
        names = of_gender(names, gender)
    if len(_people_named(names)) != 1:
        return None
    return max(sorted(names, key=len), key=names.__getitem__)


def of_gender(full_names: Mapping[str, int], gender: str | None) -> dict[str, int]:
    """The full names whose given name does not say the other gender than ``gender`` ("m"
    or "f": "Mr. Obama" is not Michelle Obama); all of them for any other ``gender``."""
    if gender not in {"m", "f"}:
        return dict(full_names)
    return {n: c for n, c in full_names.items() if given_name_gender(n) in {None, gender}}


def without_titles(words: list[str]) -> list[str]:
    """The words of a name without the titles and honorifics it opens with ("President
    Barack Obama" -> Barack Obama); the last word is always kept."""
    while len(words) > 1 and (
        words[0].lower() in HONORIFICS or words[0].lower().rstrip(".") in TITLE_WORDS
    ):
        words = words[1:]
    return words


def honorific_gender(word: str) -> str | None:
    """ "f" for "Mrs."/"Ms.", "m" for "Mr.", else None."""
    word = word.lower()
    return "f" if word in FEMALE_HONORIFICS else "m" if word in MALE_HONORIFICS else None


def bare_surname(name: str) -> str | None:
    """The surname a speaker name is when it is a surname alone, or after an honorific or a
    title ("Obama", "Mr. Obama", "President Obama"); None for a name with given names."""
    words = without_titles(name.split())
    return words[0] if len(words) == 1 else None


def names_of_one_person(name: str, names: Iterable[str]) -> frozenset[str]:
    """The names among ``names`` (speaker names of several articles) that stand for the
    person called ``name``: the full names with their surname when those name one person
    ("Donald J. Trump", "Donald Trump"), and then the surname alone or after an honorific
    or title ("Trump", "Mr. Trump": articles that never write the full name), unless the
    honorific says another gender than the given name. Two people by that surname
    ("Bill Clinton", "Hillary Clinton") leave ``name`` alone."""
    surname = bare_surname(name) or name.split()[-1]
    same = {n for n in names if n.split()[-1] == surname} | {name}
    bare = {n for n in same if bare_surname(n) == surname}
    full = same - bare
    if len(_people_named(full)) != 1:
        return frozenset({name})
    gender = given_name_gender(next(iter(full)))
    found = {
        *full,
        *(n for n in bare if gender is None or honorific_gender(n.split()[0]) in {None, gender}),
    }
    return frozenset(found) if name in found else frozenset({name})  # "Mrs. Smith", John Smith


def _people_named(names: Iterable[str]) -> set[tuple[str, str]]:
    return {(name.split()[0], name.split()[-1]) for name in names}


def _opens_with_function_word(name: str) -> bool:
    """ "Beyond Trump": a capitalised function word the recogniser took for a given name
    (a word that is also a given name, "Will Smith", is a name)."""
    from spacy.lang.en.stop_words import STOP_WORDS  # spaCy is loaded where names are read

    return name.split()[0].lower() in STOP_WORDS and given_name_gender(name) is None


def _is_name_token(token: str) -> bool:
    bare = token.strip(".,;:")
    if not bare or bare.lower() in NOT_NAMES or bare.lower() in HONORIFICS:
        return False
    if bare.lower() in NAME_PARTICLES or re.match(r"^(?:al|el)-[A-Z]", bare):
        return True
    return bool(re.match(r"^[A-Z][\w’'.-]*$", bare)) and not bare.isdigit()


def parse_mention(phrase: str) -> Mention | None:
    """Parse a whole phrase as a speaker; None when it is not one (precision first)."""
    text = DATELINE.sub("", phrase.strip(" ,;:—–-\n\t"))  # "WASHINGTON — Sen. Bernie Sanders"
    text = re.sub(
        r"^(?:however|but|and|meanwhile|still|yet|instead|also|which|who|that|even|only|"
        r"does|did|do|now|then)\b,?\s+",
        "",
        text,
        flags=re.I,
    )
    if not text or len(text.split()) > 12 or is_party_tag(text):
        return None
    lower = text.lower()
    if lower in PRONOUNS:
        return Mention("pronoun", text, lower, gender=PRONOUNS[lower])
    if _DESCRIPTION.match(text):
        return Mention("description", text, _DESCRIPTION.match(text).group(1).lower())  # type: ignore[union-attr]
    group = _GROUP.match(text)
    if group and _capitalised_run(group.group(1)):
        return Mention("group", text, text, gender="p")
    if _ADJ_GROUP.match(text):
        return Mention("group", text, re.sub(r"^the\s+", "", text, flags=re.I), gender="p")
    if (_ANONYMOUS.match(text) and not text[0].isupper()) or (
        _ANONYMOUS.match(text) and lower.startswith(("a ", "an "))
    ):
        anon = re.split(r",?\s+(?:who|which|speaking)\b", text, maxsplit=1)[0]
        return Mention("anonymous", text, anon)
    return _parse_named(text)


def _long_title(words: list[str]) -> bool:
    """Words that may open a title of five or six words ("Retired U.S. Air Force Gen."):
    each capitalised, none a function word ("The Myth That The President" is a headline)."""
    return all(_TITLE_CASE_WORD.match(w) and w.lower() not in _FUNCTION_WORDS for w in words)


def _capitalised_run(text: str) -> bool:
    tokens = text.split()
    return (
        bool(tokens)
        and all(_is_name_token(t) or t.lower() in {"of", "and", "for", "the"} for t in tokens)
        and any(t[:1].isupper() for t in tokens)
    )


def _is_title_word(token: str) -> bool:
    """ "Sen.", "chairman", "then-Gov." (a title held before)."""
    return token.lower().strip(".").removeprefix("then-") in TITLE_WORDS


_ROLE_NOUN_SET = frozenset(ROLE_NOUNS.split("|"))
_AGENT_NOUN = re.compile(r"^[a-z][a-z-]{2,}(?:er|or|ist|ian)$")


def _is_role_word(token: str, guessed: bool) -> bool:
    """A lower-case noun naming what someone does, before their name ("Band member Flea",
    "Blaze co-host Stu Burguiere"): a role noun, or, when ``guessed`` (a full name
    follows), an agent noun by its ending ("screenwriter Cole Haddon")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    word = token.strip(".,")
    if not word.islower() or word in STOP_WORDS:
        return False
    if word.split("-")[-1] in _ROLE_NOUN_SET:  # "co-host"
        return True
    return guessed and _AGENT_NOUN.match(word) is not None


def _is_title_modifier(token: str) -> bool:
    return token.lower().strip(".").removeprefix("then-") in TITLE_MODIFIERS


_GENERATION = re.compile(r"^(?:Jr|Sr|II|III|IV)\.?,?$")


def _parse_named(text: str) -> Mention | None:
    tokens = _TOKEN.findall(text)
    title_tokens: list[str] = []
    # the owner of the speaker's title ("CNN's Dana Bash", "Iowa State University's ...")
    owner = next((i for i in range(len(tokens) - 2, -1, -1) if _POSSESSIVE.match(tokens[i])), -1)
    if owner >= 0 and all(
        t[:1].isupper() or t.lower() in {"of", "and", "for", "the"} for t in tokens[:owner]
    ):
        title_tokens += tokens[: owner + 1]
        tokens = tokens[owner + 1 :]
    lead = 0
    while lead < len(tokens) - 1 and _is_title_word(tokens[lead]):
        lead += 1
    while lead and _is_title_modifier(tokens[lead - 1]):
        lead -= 1  # "New" of "New Hampshire Republican" modifies no title
    title_tokens += tokens[:lead]
    tokens = tokens[lead:]
    # a title that starts with other words ("Police Chief Dan Ortiz", "state Sen. Maria
    # Lopez"): split after its last title word when only a name follows
    for j in range(len(tokens) - 2, -1, -1):
        rest = tokens[j + 1 :]
        if (
            (
                (_is_title_word(tokens[j]) and not _is_title_modifier(tokens[j]))
                or _is_role_word(tokens[j], guessed=len(rest) > 1)
            )
            and 1 <= len(rest) <= 4
            and all(_is_name_token(t) for t in rest)
            and not _GENERATION.match(rest[0])  # "Martin Luther King Jr." is one name
            and not any(t.lower().strip(".") in ORG_WORDS for t in rest)  # "New York Times"
            and (j < 4 or (j < 6 and _long_title(tokens[:j])))
        ):
            title_tokens += tokens[: j + 1]
            tokens = rest
            break
    if tokens and _POSSESSIVE.match(tokens[-1]):
        return None  # "Clinton's" owns the speaker's title; it is not the speaker
    lead_the = bool(tokens) and tokens[0].lower() == "the"
    if lead_the:
        tokens = tokens[1:]
    honorific = None
    if tokens and tokens[0].lower() in HONORIFICS and len(tokens) > 1:
        honorific = tokens.pop(0)
    if not tokens or len(tokens) > 7:
        return None
    if any(t.lower().strip(".") in ORG_WORDS for t in tokens) and honorific is None:
        if _is_name_token(tokens[0]) and all(
            _is_name_token(t) or t.isdigit() or t.lower() in {"of", "and", "for", "the", "on"}
            for t in tokens
        ):
            return Mention("group", text, " ".join(tokens), gender="p")
        return None
    if lead_the or not all(_is_name_token(t) for t in tokens):
        return None
    # a dateline ("BRANDON FALLS, Ohio"); dotted initials ("G.K.") are a name's
    if any(len(t) > 3 and t.isupper() and "." not in t for t in tokens):
        return None
    if len(tokens) == 1 and tokens[0].endswith(".") and _is_title_word(tokens[0]):
        return None  # "Rep." alone names nobody
    if len(tokens) == 1 and title_tokens and not honorific and tokens[0].lower() in TITLE_WORDS:
        return None
    gender = None
    if honorific:
        gender = honorific_gender(honorific)
    if gender is None:  # "Michelle Obama": "she" may be her, "he" may not
        gender = given_name_gender(" ".join(tokens))
    title = " ".join(title_tokens) or None
    return Mention(
        "person", text, " ".join(tokens), honorific=honorific, title=title, gender=gender
    )


def longest_suffix_mention(words_before: str, max_words: int = 10) -> tuple[Mention, int] | None:
    """The longest phrase ending ``words_before`` that parses as a speaker.

    Returns the mention and the offset where the phrase starts in ``words_before``.
    """
    tokens = list(re.finditer(r"\S+", words_before))
    best: tuple[Mention, int] | None = None
    for size in range(1, min(max_words, len(tokens)) + 1):
        first = tokens[len(tokens) - size]
        if first.group().endswith((",", ";", ":", ")")) and size > 1:
            break
        mention = parse_mention(words_before[first.start() :])
        if (mention is not None and mention.kind != "description") or (
            mention is not None and size <= 4
        ):
            best = (mention, first.start()) if mention else best
    return best


_CLAUSE_AFTER_TITLE = re.compile(
    r",\s+(?:as|while|when|after|before|adding|saying|noting|in|on|at|during|because|"
    r"although|though|but|and|who|which|where|speaking|told|said)\b"
)
_AGE = re.compile(r"^\d{1,3},\s+")
# A US party-and-state tag set off by commas or brackets: "R-Wis.", "D-N.Y.", "(I-Vt.)",
# "R-Texas", "D-New York". It tells who someone is; it never names them.
_PARTY_TAG = re.compile(r"\(?[RDI]-[A-Z][A-Za-z.]*(?: [A-Z][a-z]+)?\)?")


def is_party_tag(text: str) -> bool:
    """Whether ``text`` is a party-and-state tag such as "R-Wis." or "(D-N.Y.)"."""
    return _PARTY_TAG.fullmatch(text.strip(" ,")) is not None


_NOT_TITLE_START = {
    "who",
    "which",
    "whose",
    "speaking",
    "when",
    "while",
    "after",
    "before",
    "as",
    "if",
    "though",
    "although",
    "because",
    "since",
    "in",
    "on",
    "at",
}


def plausible_title(title: str) -> bool:
    """Whether a phrase can stand as a speaker's title: not one function word or adverb
    ("however", "herself", "meanwhile", "accordingly", from "X, however, said") and not a
    torn piece of a party label ("(D", "I-")."""
    from spacy.lang.en.stop_words import STOP_WORDS

    text = title.strip()
    if not text or text.count("(") != text.count(")") or text[0] in "-–—" or text[-1] in "-–—":
        return False
    words = text.split()
    if len(words) == 1:
        low = words[0].lower().strip(".,")
        if low in STOP_WORDS or (words[0].islower() and low.endswith("ly")):
            return False
    return True


def strip_age(appositive: str) -> str:
    """ "54, a nurse from Leeds" -> "a nurse from Leeds" (news gives ages as appositives)."""
    return _AGE.sub("", appositive, count=1)


def is_title_phrase(text: str) -> bool:
    """Whether an appositive reads as a title ("the director of X"), not a clause."""
    first = text.split()[0] if text.split() else ""
    low = first.lower()
    return not (low in _NOT_TITLE_START or (first.islower() and low.endswith(("ed", "ing"))))


def split_appositive(segment: str) -> tuple[str, str | None]:
    """Split ``"Dr Jane Smith, the director of X, Y and Z"`` into name and appositive."""
    text = segment.strip(" ,")
    if ", " not in text:
        return text, None
    head, rest = text.split(", ", 1)
    rest = strip_age(rest.strip(" ,"))
    rest = _CLAUSE_AFTER_TITLE.split(rest, maxsplit=1)[0]  # "..., as she pulled on ..."
    if not rest or len(rest.split()) > 40:
        return text, None
    if is_party_tag(rest):  # "Sen. Ron Johnson, R-Wis.": the tag is his title
        return head, rest
    if opens_title(rest) and is_title_phrase(rest):
        return head, rest
    return text, None


# "President Obama's former chief of staff", "Twitter's chief executive"
_OWNED_TITLE = re.compile(r"^(?:[A-Z][\w.’'-]*\s+){0,3}[A-Z][\w.’'-]*(?:’s|'s|’|')\s+[a-z]")
# "Democrat of Tennessee", "President of CNN Worldwide" (not a list: "X of Y and Z")
_TITLE_OF = re.compile(r"^[A-Z][a-z]+ of (?:the )?[A-Z](?!.*\sand\s)")


def opens_title(appositive: str) -> bool:
    """Whether an appositive after a name starts the way a title does: in lower case or
    with an article ("the director of X"), or capitalised where a possessive owns the
    title or a single word heads an "of" phrase ("Mr. Obama's chief of staff", "Democrat
    of Tennessee"); a capitalised name there is more likely a list ("Smith, Jones said")."""
    if not appositive:
        return False
    if appositive[0].islower() or appositive.split()[0] in {"The", "A", "An"}:
        return True
    return bool(_OWNED_TITLE.match(appositive) or _TITLE_OF.match(appositive))
