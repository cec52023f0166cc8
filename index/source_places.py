"""A place named as a quote's source when it only qualifies the person who spoke.

News sets a place beside the person who spoke ("said Sen. Tom Udall of New Mexico", "said
Virginia delegate Beau Correll", "a woman in Worcester, Massachusetts, told him"). When a
cue's source comes out as such a place, the person it qualifies is the speaker, or nobody
the text names. A place standing as the subject itself ("Russia insisted ...", "After the
call, China said ...") stays the source, as the text gives it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from index.names import Mention, parse_mention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
PERSON_REACH = 6  # tokens between a qualifying place and the person it qualifies
# a word right before a place that makes it part of another noun phrase
_QUALIFYING_WORDS = frozenset({"in", "of", "from", "at", "(", "-", "–"})


def _inside(position: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(start <= position < end for start, end in ranges)


def _place_entity(doc: Any, name: str, near: int, quoted: Sequence[tuple[int, int]]) -> Any | None:
    """The place entity of ``doc`` spelled ``name`` (or ending with it: "Mexico" of "New
    Mexico") nearest the character ``near``, outside the ``quoted`` character ranges."""
    places = [
        e
        for e in doc.ents
        if e.label_ in PLACE_LABELS
        and (e.text == name or e.text.endswith(f" {name}"))
        and not _inside(e.start_char, quoted)
    ]
    if not places:
        return None
    return min(places, key=lambda e: abs(e.start_char - near))


def _qualifies(doc: Any, place: Any) -> bool:
    """The place stands inside someone's description rather than as the subject: after
    "in/of/from/at", a possessive or inside a party tag "(R-OH)", after a town and a comma
    ("Worcester, Massachusetts"), or before a noun ("Virginia delegate", "Colorado state
    director")."""
    before = doc[place.start - 1] if place.start > 0 else None
    after = doc[place.end] if place.end < len(doc) else None
    if before is not None:
        if before.lower_ in _QUALIFYING_WORDS or before.tag_ == "POS":
            return True
        town = doc[place.start - 2] if place.start > 1 else None
        if before.text == "," and town is not None and town.ent_type_ in PLACE_LABELS:
            return True
    return after is not None and after.pos_ in {"NOUN", "PROPN"} and after.ent_type_ != "GPE"


def _person_beside(doc: Any, place: Any) -> Any | None:
    """The person entity nearest a qualifying place, within ``PERSON_REACH`` tokens and
    in its sentence (the whole text when it has no sentence boundaries)."""
    if doc.has_annotation("SENT_START"):
        low, high = place.sent.start, place.sent.end
    else:
        low, high = 0, len(doc)
    people = [
        e
        for e in doc.ents
        if e.label_ == "PERSON"
        and low <= e.start < high
        and (0 <= place.start - e.end <= PERSON_REACH or 0 <= e.start - place.end <= PERSON_REACH)
    ]
    if not people:
        return None
    return min(people, key=lambda e: min(abs(place.start - e.end), abs(e.start - place.end)))


def placed_source(
    doc: Any, mention: Mention, near: int, quoted: Sequence[tuple[int, int]] = ()
) -> Mention | None:
    """``mention`` itself unless it names a place of ``doc`` (the one nearest character
    ``near`` outside the ``quoted`` ranges) that only qualifies someone: then the person
    it qualifies, with the title the source gave before the name, or None when it
    qualifies no one named."""
    if mention.kind not in {"person", "group"} or doc is None or not len(doc):
        return mention
    place = _place_entity(doc, mention.name, near, quoted)
    if place is None or not _qualifies(doc, place):
        return mention
    person = _person_beside(doc, place)
    if person is None:
        return None
    at = mention.text.find(person.text)  # "Sen. Tom Udall of New Mexico": keep "Sen."
    found = parse_mention(mention.text[: at + len(person.text)]) if at >= 0 else None
    if found is None or found.kind != "person":
        found = parse_mention(person.text)
    return found if found is not None and found.kind == "person" else None
