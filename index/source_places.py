"""A place named as a quote's source: the person it qualifies, or the country as a body.

News sets a place beside the person who spoke ("said Sen. Tom Udall of New Mexico", "Gov.
John Kasich (R-OH) said", "said Virginia delegate Beau Correll", "a woman in Worcester,
Massachusetts, told him"). When a cue's source comes out as the place, the person it
qualifies is the speaker, or nobody the text names; a place that is itself the subject
("Russia insisted ...") speaks as its government, an organisation.
"""

from __future__ import annotations

from typing import Any

from index.names import Mention, parse_mention

PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})
PERSON_REACH = 6  # tokens between a qualifying place and the person it qualifies
# a token right before a place that makes it qualify a noun phrase, not head one
_QUALIFYING = frozenset({"in", "of", "from", "at", ",", "(", "-", "–"})


def _place_entity(doc: Any, name: str, near: int) -> Any | None:
    """The place entity of ``doc`` spelled ``name`` (or ending with it: "Mexico" of "New
    Mexico") nearest the character ``near``."""
    places = [
        e
        for e in doc.ents
        if e.label_ in PLACE_LABELS and (e.text == name or e.text.endswith(f" {name}"))
    ]
    if not places:
        return None
    return min(places, key=lambda e: abs(e.start_char - near))


def _qualifies(doc: Any, place: Any) -> bool:
    """The place stands inside someone's description rather than as the subject: after
    "in/of/from", a comma, a possessive or inside a party tag "(R-OH)", or before a noun
    ("Virginia delegate ...", "Colorado state director")."""
    before = doc[place.start - 1] if place.start > 0 else None
    after = doc[place.end] if place.end < len(doc) else None
    if before is not None and (before.lower_ in _QUALIFYING or before.tag_ == "POS"):
        return True
    return after is not None and after.pos_ in {"NOUN", "PROPN"} and after.ent_type_ != "GPE"


def _person_beside(doc: Any, place: Any) -> Any | None:
    """The person entity nearest a qualifying place, within ``PERSON_REACH`` tokens and
    in its sentence."""
    sentence = place.sent
    people = [
        e
        for e in doc.ents
        if e.label_ == "PERSON"
        and sentence.start <= e.start < sentence.end
        and (0 <= place.start - e.end <= PERSON_REACH or 0 <= e.start - place.end <= PERSON_REACH)
    ]
    if not people:
        return None
    return min(people, key=lambda e: min(abs(place.start - e.end), abs(e.start - place.end)))


def placed_source(doc: Any, mention: Mention, near: int) -> Mention | None:
    """``mention`` itself unless it names a place in ``doc`` (near character ``near``): then
    the person the place qualifies, None when it qualifies no one named, or the place as
    an organisation when it is the subject itself."""
    if mention.kind not in {"person", "group"} or doc is None or not len(doc):
        return mention
    place = _place_entity(doc, mention.name, near)
    if place is None:
        return mention
    if not _qualifies(doc, place):
        return Mention("group", mention.text, mention.name)  # "Russia insisted": its government
    person = _person_beside(doc, place)
    if person is None:
        return None
    # with the title the source gave before the name ("Sen. Tom Udall of New Mexico")
    at = mention.text.find(person.text)
    found = parse_mention(mention.text[: at + len(person.text)]) if at >= 0 else None
    if found is None or found.kind != "person":
        found = parse_mention(person.text)
    return found if found is not None and found.kind == "person" else None
