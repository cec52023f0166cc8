"""Who is who within a document: people and bodies, their aliases, titles and genders.

Later mentions ("Dr Vaez", "Vaez", "she") resolve to the entity introduced earlier;
attribution uses the entities, and the final canonical names are read at the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from index.given_names import given_name_gender
from index.lexicon import NAME_PARTICLES, ORGANISATION_HEADS, TITLE_ROLE_NOUNS
from index.names import Mention, is_party_tag, plausible_title
from index.types import Speaker

# description heads that name a document, not someone who speaks ("the statement said")
_DOCUMENT_HEADS = frozenset({"statement", "report", "study"})


@dataclass
class Entity:
    """A speaker as known so far in one document (mutable while the document is read)."""

    name: str
    is_person: bool
    title: str | None = None
    gender: str | None = None  # from how it is named, else from a pronoun it answered to
    named_gender: str | None = None  # from how it is named only ("Mr.", a given name)
    aliases: set[str] = field(default_factory=set)
    title_is_tentative: bool = False  # from a narrative sentence, not an attribution
    anonymous: bool = False  # "a senior official": never the antecedent of a pronoun

    @property
    def surname(self) -> str:
        return self.name.split()[-1]


class Registry:
    """Entities of one document, in the order they last spoke."""

    def __init__(self) -> None:
        self.entities: list[Entity] = []
        self._recent: list[Entity] = []

    def resolve(
        self, mention: Mention, title: str | None = None, tentative: bool = False
    ) -> Entity | None:
        """The entity a mention refers to, creating it for a new name."""
        if mention.kind == "pronoun":
            return self._by_pronoun(mention.gender)
        if mention.kind == "description":
            # "the Texas senator" no known speaker answers to: an unnamed source, described
            found = self._by_description(mention.name)
            if found is None and mention.name not in _DOCUMENT_HEADS:
                found = self._unnamed(
                    _described(mention.text), is_person=mention.name not in ORGANISATION_HEADS
                )
            return found
        if mention.kind == "anonymous":
            return self._unnamed(mention.name, is_person=True)
        found = self._find(mention)
        if found is None:
            entity = Entity(name=mention.name, is_person=mention.kind == "person")
            self.entities.append(entity)
        else:
            entity = found
        if (
            found is not None
            and len(mention.name.split()) > len(entity.name.split())
            and entity.is_person
        ):
            entity.aliases.add(entity.name)
            entity.name = mention.name
        entity.aliases.add(mention.name)
        if mention.honorific:
            entity.aliases.add(f"{mention.honorific} {mention.name}")
            entity.aliases.add(f"{mention.honorific} {mention.surname}")
        if mention.kind == "person" and mention.name != mention.surname:
            entity.aliases.add(mention.surname)
        entity.gender = entity.gender or mention.gender
        if mention.kind == "person":
            entity.named_gender = entity.named_gender or _named_gender(mention)
        new_title = title or mention.title
        if title and is_party_tag(title):  # "Sen." + "R-Wis." -> "Sen. (R-Wis.)"
            tag = title.strip(" ,()")
            new_title = f"{mention.title} ({tag})" if mention.title else tag
        if new_title and not plausible_title(new_title):
            new_title = None
        if new_title and (not entity.title or (entity.title_is_tentative and not tentative)):
            entity.title = new_title
            entity.title_is_tentative = tentative
        return entity

    def spoke(self, entity: Entity, pronoun_gender: str | None = None) -> None:
        """Record that ``entity`` was just attributed words."""
        if pronoun_gender in {"m", "f"} and entity.gender is None and entity.is_person:
            entity.gender = pronoun_gender
        if entity in self._recent:
            self._recent.remove(entity)
        self._recent.append(entity)

    def recency(self) -> tuple[Entity, ...]:
        """Who was named or spoke last, oldest first (``restore`` puts it back)."""
        return tuple(self._recent)

    def restore(self, recency: tuple[Entity, ...]) -> None:
        self._recent = list(recency)

    def mentioned(self, entity: Entity) -> None:
        """Record that ``entity`` was just named as a sentence subject."""
        if entity in self._recent:
            self._recent.remove(entity)
        self._recent.append(entity)

    def find(self, mention: Mention) -> Entity | None:
        """The known entity a named mention refers to, if any."""
        return self._find(mention)

    def _find(self, mention: Mention) -> Entity | None:
        name = mention.name.lower()
        for entity in self.entities:
            if entity.name.lower() == name:
                return entity
        known = [
            e
            for e in self.entities
            if name in {a.lower() for a in e.aliases} and _named_alike(e, mention)
        ]
        if len(known) > 1:  # "Smith" when John and Jane Smith are both known: the nearest
            recent = [e for e in reversed(self._recent) if e in known]
            return recent[0] if recent else known[-1]
        if known:
            return known[0]
        if mention.kind != "person":
            return None
        surname = mention.surname.lower()
        matches = [
            e
            for e in self.entities
            if e.is_person
            and not e.anonymous
            and _named_alike(e, mention)
            and (
                e.surname.lower() == surname or mention.name.lower().endswith(" " + e.name.lower())
            )
            # two full names that differ are two people (Jane Smith is not John Smith)
            and not (
                _is_full_name(mention.name, e.name)
                and _is_full_name(e.name, mention.name)
                and not _same_person(e, mention.name)
            )
        ]
        if len(matches) <= 1:
            return matches[0] if matches else None
        # a bare surname is the nearest preceding full name that carries it
        recent = [e for e in reversed(self._recent) if e in matches]
        return recent[0] if recent else matches[-1]

    def _by_pronoun(self, gender: str | None) -> Entity | None:
        for entity in reversed(self._recent):
            if gender == "p":
                if not entity.is_person:
                    return entity
                continue
            if entity.is_person and not entity.anonymous and entity.gender in {None, gender}:
                return entity
        if gender == "p" and self._recent:
            return self._recent[-1]
        return None

    def _by_description(self, head: str) -> Entity | None:
        """ "the minister" -> the last person whose title or name says minister; "the
        company", "the union" -> the last organisation of that kind, or an organisation
        whose name does not say its kind when that reading is the only one."""
        if head in ORGANISATION_HEADS:
            bodies = [e for e in reversed(self._recent) if not e.is_person and not e.anonymous]
            for entity in bodies:
                if head in f"{entity.title or ''} {entity.name}".lower():
                    return entity
            untyped = [e for e in bodies if not set(e.name.lower().split()) & ORGANISATION_HEADS]
            if len(untyped) == 1:
                return untyped[0]
            return self._named_in_title(head)
        for entity in reversed(self._recent):
            if entity.is_person and not entity.anonymous and head in _role_words(entity):
                return entity
        return None

    def _named_in_title(self, head: str) -> Entity | None:
        """ "the association" after "chief executive of the Association of Private
        Landlords": the body a recent speaker's title names with that head word, made a
        speaker of its own."""
        capital = head[:1].upper() + head[1:]
        pattern = re.compile(
            rf"((?:[A-Z][\w&.’'-]*\s+)*{capital}"
            rf"(?:\s+(?:of|for)\s+(?:the\s+)?[A-Z][\w&.’'-]*(?:\s+[A-Z][\w&.’'-]*)*)?)"
        )
        for entity in reversed(self._recent):
            found = pattern.search(entity.title or "") if entity.is_person else None
            if found is not None:
                name = found.group(1)
                return self.resolve(Mention("group", name, name, gender="p"))
        return None

    def _unnamed(self, name: str, is_person: bool) -> Entity:
        """The unnamed source called ``name`` in this document, created on first use."""
        for entity in self.entities:
            if entity.anonymous and entity.name == name:
                return entity
        entity = Entity(name=name, is_person=is_person, anonymous=True)
        self.entities.append(entity)
        return entity


def _role_words(entity: Entity) -> str:
    """The words of an entity's title and name, abbreviations spelled out ("Sen." also
    reads "senator"), in lower case."""
    words = f"{entity.title or ''} {entity.name}".lower().split()
    return " ".join([*words, *(TITLE_ROLE_NOUNS[w] for w in words if w in TITLE_ROLE_NOUNS)])


def _described(text: str) -> str:
    """A description as a source's name: "The Texas senator" -> "the Texas senator"."""
    first, _, rest = text.partition(" ")
    return f"{first.lower()} {rest}" if first in {"The", "This", "That"} else text


def _named_alike(entity: Entity, mention: Mention) -> bool:
    """Whether how the entity and the mention are named allows one person: "Mr. Okafor"
    is not Dolores Okafor. Genders learnt from pronouns do not count (a pronoun can be
    resolved wrongly; a name or an honorific cannot)."""
    return not {"m", "f"} <= {entity.named_gender, _named_gender(mention)}


def _named_gender(mention: Mention) -> str | None:
    """The gender an honorific ("Mr.") or a given name ("Dolores") gives a person."""
    return mention.gender if mention.honorific else given_name_gender(mention.name)


def _is_full_name(name: str, other: str) -> bool:
    """A first name and a surname, beside ``other`` name: two words opening with a particle
    are a surname with its particle when ``other`` ends with them ("De Blasio" beside "Bill
    de Blasio"), else a full name ("Al Gore" beside "Tipper Gore")."""
    words = name.split()
    if len(words) < 2:
        return False
    return words[0].lower() not in NAME_PARTICLES or not other.lower().endswith(" " + name.lower())


def _same_person(entity: Entity, name: str) -> bool:
    """Whether a full name is the entity's (its name, an alias, or the name with a middle
    initial or first name left out)."""
    wanted = name.lower()
    names = {entity.name.lower(), *(a.lower() for a in entity.aliases)}
    if wanted in names:
        return True
    first, last = wanted.split()[0], wanted.split()[-1]
    return any(n.split()[0] == first and n.split()[-1] == last for n in names if " " in n)


def to_speakers(entities: list[Entity], counts: dict[str, int]) -> list[Speaker]:
    """Speaker records for the entities that have at least one quote."""
    speakers = []
    for entity in entities:
        if counts.get(entity.name, 0) == 0:
            continue
        aliases = tuple(sorted({a for a in entity.aliases if a != entity.name}))
        speakers.append(
            Speaker(entity.name, entity.title, aliases, counts[entity.name], entity.is_person)
        )
    return speakers


def merge_speakers(speakers: list[Speaker]) -> list[Speaker]:
    """Merge speaker records from several documents by canonical name."""
    merged: dict[str, Speaker] = {}
    for s in speakers:
        key = s.name.lower()
        if key not in merged:
            merged[key] = s
            continue
        old = merged[key]
        merged[key] = Speaker(
            old.name,
            old.title or s.title,
            tuple(sorted(set(old.aliases) | set(s.aliases))),
            old.quote_count + s.quote_count,
            old.is_person and s.is_person,
        )
    return sorted(merged.values(), key=lambda s: (-s.quote_count, s.name))
