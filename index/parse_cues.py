"""Find a quote's source with spaCy's dependency parse.

The cue is a verb of saying outside the quotation marks, in the quote's sentence (its
lemma in ``CUE_LEMMAS``: said, told, tweeted, implored, replied ...), or "according to";
the source is the cue's subject (climbing from "adding" to "said", and to the object of
"quoted X as saying"). The result is the source phrase as written, its appositive (the
title) and the cue, for the caller's speaker registry to resolve.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any

from index.lexicon import CUE_LEMMAS
from index.names import parse_mention

_SUBJECTS = frozenset({"nsubj", "nsubjpass"})
_CLIMB = frozenset(
    {"conj", "advcl", "xcomp", "ccomp", "parataxis", "pcomp", "prep", "dep", "acomp"}
)
_NAME_DEPS = frozenset({"compound", "flat", "nmod"})
_SPEAKING_PRONOUNS = frozenset({"he", "she", "they"})
_DESCRIBING_PREPOSITIONS = frozenset({"for", "of", "to", "at", "with", "from"})
_INDEFINITE = frozenset({"a", "an", "one", "another"})
CUE_REACH_TOKENS = 12  # how far from the quote a cue may stand in its sentence
NEXT_SENTENCE_CUE_GAP = 3  # words before a cue that opens the sentence after a quote


@dataclass(frozen=True)
class ParsedSource:
    """A source phrase found by the parse, with its title and the cue that named it."""

    phrase: str
    appositive: str | None
    cue: str
    entity: str  # the entity recogniser's label for it ("PERSON", "ORG", ...) or ""
    # "a South Carolina Democrat", "one Trump confidant": someone the text does not name
    indefinite: bool = False


def _cue_tokens(doc: Any, lo: int, hi: int, masked: list[tuple[int, int]]) -> list[Any]:
    def outside(token: Any) -> bool:
        return lo <= token.idx < hi and not any(a <= token.idx < b for a, b in masked)

    return [
        t
        for t in doc
        if outside(t)
        and (
            (t.pos_ in {"VERB", "AUX"} and t.lemma_.lower() in CUE_LEMMAS)
            or (t.lower_ == "according" and any(c.lower_ == "to" for c in t.children))
        )
    ]


POSITIONAL_CUE_GAP = 3  # words between a closing mark and a verb that is a cue by place


def _positional_cue(doc: Any, close_at: int, hi: int, masked: list[tuple[int, int]]) -> list[Any]:
    """A verb outside the cue lemmas that is a cue by where it stands: right after a quote
    that closes on a comma, ? or ! (the words wait for their source), with a named or
    pronoun subject and no object ("“...?” Beck questioned.", "“...,” reacted Trump.")."""
    text = doc.text
    if close_at < 1 or text[close_at - 1] not in ",?!":
        return []
    words = 0
    for token in doc:
        if token.idx <= close_at or token.idx >= hi or _inside(token, masked):
            continue
        if token.pos_ == "VERB":
            if words == 0 and _inverted_named(token, masked):
                return [token]  # "“...,” opined Cleveland's Plain Dealer."
            named = _named_subject(token)
            return [token] if named and not _has_object(token, masked) else []
        if token.is_alpha:
            words += 1
            if words > POSITIONAL_CUE_GAP:
                return []
        elif token.text in {".", ";", ":"}:
            return []
    return []


def _positional_cue_before(doc: Any, open_at: int, masked: list[tuple[int, int]]) -> list[Any]:
    """A verb outside the cue lemmas right before a quote, with only a comma between ("Hillary
    Clinton cracked, “...”"), a named or pronoun subject and no object of its own."""
    left = doc.text[:open_at].rstrip()
    if not left.endswith(","):
        return []
    verb = next((t for t in doc if t.idx + len(t.text) == len(left) - 1), None)
    if verb is None or verb.pos_ != "VERB" or _inside(verb, masked):
        return []
    return [verb] if _named_subject(verb) and not _has_object(verb, masked) else []


def _inverted_named(verb: Any, masked: list[tuple[int, int]]) -> bool:
    """A verb right after the quote with no subject, whose object the parser took is a name
    or a description with a name beside it: the source standing after its verb."""
    if any(c.dep_ in _SUBJECTS for c in verb.children):
        return False
    obj = _inverted_subject(verb, masked)
    if obj is None:
        return False
    if obj.pos_ == "PROPN":
        return True
    appos = _appositive(obj)
    return appos is not None and appos.pos_ == "PROPN"


def _named_subject(verb: Any) -> bool:
    """The verb's subject names someone: a name, a speaking pronoun, a name tagged a common
    noun ("Hannity pressed") or a definite description ("the Republican nominee riffed")."""
    subject = next((c for c in verb.children if c.dep_ in _SUBJECTS), None)
    if subject is None:
        return False
    if subject.pos_ == "PROPN" or subject.lower_ in _SPEAKING_PRONOUNS:
        return True
    return subject.pos_ == "NOUN" and (
        subject.text[:1].isupper()
        or any(c.dep_ == "det" and c.lower_ == "the" for c in subject.lefts)
    )


def _has_object(verb: Any, masked: list[tuple[int, int]]) -> bool:
    """An object of the verb's own; the quote hung on the verb as its clause ("“...,” Toomey
    fumed") is the words said, not an object."""
    return any(
        c.dep_ in {"dobj", "ccomp", "xcomp"} and not _inside(c, masked) for c in verb.children
    )


def _inside(token: Any, masked: list[tuple[int, int]]) -> bool:
    return any(a <= token.idx < b for a, b in masked)


def _subject(cue: Any, masked: list[tuple[int, int]] | None = None) -> Any | None:
    if cue.lower_ == "according":
        to = next((c for c in cue.children if c.lower_ == "to"), None)
        return next((c for c in to.children if c.dep_ == "pobj"), None) if to else None
    token = cue
    for _ in range(4):
        # a word of the quote the parser made a second subject ("“Thanks, ...,” said
        # master of ceremonies X") is not the source
        subject = next(
            (
                c
                for c in token.children
                if c.dep_ in _SUBJECTS and not (masked and _inside(c, masked))
            ),
            None,
        )
        if subject is not None:
            return subject
        if token.head.lemma_.lower() == "quote":  # "the website quoted X as saying"
            obj = next((c for c in token.head.children if c.dep_ == "dobj"), None)
            if obj is not None:
                return obj
        hung_inside = masked is not None and _inside(token.head, masked)
        # the cue itself in another relation only as a participle ("writing", not "so called")
        hung_participle = hung_inside and token.i == cue.i and cue.tag_ == "VBG"
        if (token.dep_ not in _CLIMB and not hung_participle) or token.head.i == token.i:
            return None
        if masked and hung_inside:
            # "X seemed ready ..., telling the crowd, “...”" (or "X shared the news, writing
            # “...”", the cue made the quote's subject): the parser hung the cue on a verb
            # inside the quote; the clause it belongs to is the sentence's main one
            root = cue.sent.root
            if root.i == token.i or _inside(root, masked):
                return None
            return next((c for c in root.children if c.dep_ in _SUBJECTS), None)
        token = token.head
    return None


def _name_run(head: Any) -> tuple[int, int]:
    """Token range of a proper name: the head and the compounds right before it."""
    start = head.i
    for child in reversed(list(head.lefts)):
        hyphen = child.text == "-" and not child.whitespace_  # "Al-Tabchi"
        joined = child.dep_ in _NAME_DEPS or child.pos_ == "PROPN" or child.text == "." or hyphen
        if child.i == start - 1 and joined:
            start = child.i
        else:
            break
    return start, head.i + 1


def _appositive(head: Any) -> Any | None:
    for child in head.rights:
        if child.dep_ == "appos" and not child.like_num:
            return child
    if head.pos_ == "NOUN":
        # "his best friend at Lehigh, Bruce Turry": the parser hangs the person's name on
        # the last noun of the description (not "a spokesman for the firm, Acme Corp.")
        for prep in head.rights:
            if prep.dep_ != "prep" or prep.lower_ not in _DESCRIBING_PREPOSITIONS:
                continue
            for obj in prep.children:
                named = next((c for c in obj.rights if c.dep_ == "appos"), None)
                if named is not None and named.pos_ == "PROPN" and _names_a_person(named):
                    return named
    return None


def _names_a_person(head: Any) -> bool:
    start, end = _name_run(head)
    mention = parse_mention(_text(head.doc, start, end))
    return mention is not None and mention.kind == "person"


def _text(doc: Any, start: int, end: int) -> str:
    return str(doc[start:end].text).strip(" ,")


def source_of(subject: Any) -> ParsedSource | None:
    """The source phrase a subject token stands for, with its title and entity label (the
    cue left empty for the caller), or None when it names no one."""
    doc = subject.doc
    if subject.pos_ == "PRON":
        word = subject.lower_
        return ParsedSource(subject.text, None, "", "") if word in _SPEAKING_PRONOUNS else None
    appos = _appositive(subject)
    if (
        _is_indefinite(subject)
        and (subject.pos_ != "PROPN" or subject.ent_type_ == "NORP")
        and (appos is None or appos.pos_ != "PROPN")
    ):
        # "a New Hampshire Republican", "one P&G Amiens employee": no name, a description
        # (but "an angry Hollande" is Hollande)
        return ParsedSource(_described_phrase(subject), None, "", "", indefinite=True)
    if subject.pos_ != "PROPN" and appos is not None and appos.pos_ == "PROPN":
        # "Clinton's communications director, Jennifer Palmieri": the name is the source
        start, end = _name_run(appos)
        title_end = subject.i + 1  # "master of ceremonies Asab Al-Tabchi": the whole title
        for child in subject.rights:
            if child.i < start and child.dep_ == "prep":
                title_end = max(title_end, child.right_edge.i + 1)
        described = _text(doc, subject.left_edge.i, min(title_end, start))
        return ParsedSource(_text(doc, start, end), described, "", appos.ent_type_)
    if subject.pos_ == "PROPN":
        start, end = _name_run(subject)
        title: str | None = None
        entity = next((e for e in doc.ents if e.start <= subject.i < e.end), None)
        if entity is not None and start < entity.start and entity.label_ == "PERSON":
            title = _text(doc, start, entity.start)  # "Band member Flea": the name is Flea
            start = entity.start
        if appos is not None:
            title = _text(doc, appos.left_edge.i, appos.right_edge.i + 1)
        return ParsedSource(_text(doc, start, end), title, "", subject.ent_type_)
    return ParsedSource(_described_phrase(subject), None, "", "")


def _is_indefinite(subject: Any) -> bool:
    return any(c.dep_ in {"det", "nummod"} and c.lower_ in _INDEFINITE for c in subject.lefts)


def _described_phrase(subject: Any) -> str:
    """The subject with its modifiers and the prepositions that say whose it is ("a
    spokeswoman for the House Armed Services Committee"), without a clause after it."""
    end = subject.i + 1
    for child in subject.rights:
        # not a phrase holding a quotation mark ("a booming voice at the end of ''Hail,
        # Caesar!''"): that is the quote, not who said it
        if (
            child.dep_ == "prep"
            and child.lower_ in _DESCRIBING_PREPOSITIONS
            and not any(t.is_quote for t in child.subtree)
        ):
            end = max(end, child.right_edge.i + 1)
    return _text(subject.doc, subject.left_edge.i, end)


def _gap_words(doc: Any, cue: Any, open_at: int, close_at: int | None) -> int:
    """Words standing between the cue and the quote."""
    if cue.idx >= (close_at if close_at is not None else open_at):
        lo, hi = close_at if close_at is not None else open_at, cue.idx
    else:
        lo, hi = cue.idx + len(cue.text), open_at
    return sum(1 for t in doc if lo <= t.idx < hi and t.is_alpha)


def _introduces_next(cue: Any, next_sentence_at: int | None) -> bool:
    """A cue after the quote that belongs to what follows, not to the quote: one followed
    by a colon ("Mr. Zahed said: “...”"), or one opening the next sentence with its own
    clause ("“...” Ohio Gov. John Kasich said he would have ...")."""
    following = cue.doc[cue.i + 1] if cue.i + 1 < len(cue.doc) else None
    if following is not None and following.text == ":":
        return True
    if next_sentence_at is None or cue.idx < next_sentence_at:
        return False
    return any(c.dep_ == "ccomp" and c.i > cue.i for c in cue.children)


def find_source(
    doc: Any,
    open_at: int,
    close_at: int | None,
    lo: int,
    hi: int,
    masked: list[tuple[int, int]],
    max_gap: int = CUE_REACH_TOKENS * 4,
    next_sentence_at: int | None = None,
) -> Iterator[ParsedSource]:
    """Candidate sources for the quote at ``open_at..close_at`` of ``doc``'s text, nearest
    cue first: cues after the quote (up to ``hi``), then before it (from ``lo``), at most
    ``max_gap`` words away; a cue in the sentence after the quote's (from
    ``next_sentence_at``) must open it ("“...?” Sanders asked.")."""
    after = [] if close_at is None else _cue_tokens(doc, close_at + 1, hi, masked)
    if not after and close_at is not None:
        after = _positional_cue(doc, close_at, hi, masked)
    before = _cue_tokens(doc, lo, open_at, masked)
    if not before:
        before = _positional_cue_before(doc, open_at, masked)
    after.sort(key=lambda t: t.idx)
    before.sort(key=lambda t: -t.idx)
    order = [*after[:2], *before[:2]]
    if (
        after
        and before
        and _gap_words(doc, after[0], open_at, close_at) > NEXT_SENTENCE_CUE_GAP
        and _gap_words(doc, before[0], open_at, close_at) <= NEXT_SENTENCE_CUE_GAP
    ):
        # the cue right before the quote over one far after it ("..., saying at one point,
        # “...” But Mr. Trump, again, did not respond")
        order = [*before[:2], *after[:2]]
    for cue in order:
        if cue in after and (
            _introduces_next(cue, next_sentence_at) or ":" in doc.text[close_at : cue.idx]
        ):
            continue  # "“...”: A mosque feels the spotlight": a headline, not its source
        gap = _gap_words(doc, cue, open_at, close_at)
        if gap > max_gap or (
            next_sentence_at is not None
            and cue.idx >= next_sentence_at
            and gap > NEXT_SENTENCE_CUE_GAP
        ):
            continue
        subject = _subject(cue, masked)
        if subject is None and close_at is not None and cue.idx > close_at:
            subject = _inverted_subject(cue, masked) if gap == 0 else _named_before(cue, close_at)
        if subject is None or _inside(subject, masked):
            continue
        found = source_of(subject)
        if found is not None:
            yield replace(found, cue=cue.lemma_.lower())


def _inverted_subject(cue: Any, masked: list[tuple[int, int]]) -> Any | None:
    """The subject of a cue that follows its quote and comes before it ("“...,” added a
    South Carolina Democrat"), which the parser often takes for the cue's object."""
    return next(
        (c for c in cue.rights if c.dep_ == "dobj" and not _inside(c, masked)),
        None,
    )


def _named_before(cue: Any, close_at: int) -> Any | None:
    """The name standing alone between a quote and its cue ("“...,” Trump barked and
    ..."), when the parser gave the cue no subject: the name's last word."""
    between = [t for t in cue.doc[: cue.i] if t.idx > close_at and not t.is_punct]
    if between and all(t.pos_ == "PROPN" for t in between):
        return between[-1]
    return None


def introducer(doc: Any) -> ParsedSource | None:
    """The source of a paragraph that ends in a colon and introduces the next one's quote
    ("Cruz continued:", "President Clinton released the following statement:")."""
    colons = [t for t in doc if t.text == ":"]
    return colon_source(doc, colons[-1].idx, []) if colons else None


def colon_source(doc: Any, colon_at: int, masked: list[tuple[int, int]]) -> ParsedSource | None:
    """The source of a quote introduced by a colon in its own sentence ("McConnell delivered
    a blunt message to Trump: “...”"): the subject of the clause the colon ends."""
    token = next((t for t in doc if t.idx == colon_at), None)
    if token is None:
        return None
    head = token.head
    while head.dep_ not in {"ROOT"} and head.head.i != head.i and head.pos_ not in {"VERB", "AUX"}:
        head = head.head
    if head.pos_ in {"VERB", "AUX"} and not _inside(head, masked):
        found = _clause_source(head, masked)
        if found is not None:
            return found
    if token.i == 0:
        return None
    # the colon hangs on a verb of a clause inside ("X has apologized for what happened:
    # “...”") or on the quote itself: the verbs above the word before it, outside the
    # quote, are tried from the nearest
    for verb in [token.doc[token.i - 1], *token.doc[token.i - 1].ancestors]:
        if _inside(verb, masked) or verb.i > token.i:
            break
        if verb.pos_ in {"VERB", "AUX"}:
            found = _clause_source(verb, masked)
            if found is not None:
                return found
    return None


_GOVERNING_DEPS = frozenset(
    {"dobj", "pobj", "prep", "attr", "oprd", "appos", "conj", "ccomp", "npadvmod", "xcomp"}
)


def governing_source(
    doc: Any, open_at: int, close_at: int, masked: list[tuple[int, int]]
) -> ParsedSource | None:
    """The person whose words a few quoted words inside the writer's sentence are, when no
    cue stands beside them: the named subject of the verb the quote is the object of ("Trump
    called Ford's plans “an absolute disgrace”", "Mrs. Clinton introduced him as “a fighter
    for families”")."""
    inside = [t for t in doc if open_at < t.idx < close_at]
    head = next((t for t in inside if not (open_at < t.head.idx < close_at)), None)
    if head is None:
        return None
    token = head
    for _ in range(4):
        if token.dep_ not in _GOVERNING_DEPS or token.head.i == token.i:
            return None
        token = token.head
        if token.pos_ == "VERB" and not _inside(token, masked):
            break
    else:
        return None
    if token.pos_ != "VERB":
        return None
    subject = _subject(token, masked)
    if subject is None or subject.pos_ != "PROPN" or subject.ent_type_ != "PERSON":
        return None
    found = source_of(subject)
    return replace(found, cue=token.lemma_.lower()) if found is not None else None


def colon_name(doc: Any, colon_at: int) -> ParsedSource | None:
    """A person the recogniser names right before the colon that introduces a quote, for when
    the clause names no source ("The surge doesn't surprise pollster Dana Shore: “...”",
    "More from Jones: “...”")."""
    token = next((t for t in doc if t.idx == colon_at), None)
    if token is None:
        return None
    entity = next((e for e in doc.ents if e.end == token.i and e.label_ == "PERSON"), None)
    found = source_of(entity.root) if entity is not None else None
    return replace(found, cue=":") if found is not None else None


def _clause_source(verb: Any, masked: list[tuple[int, int]]) -> ParsedSource | None:
    subject = _subject(verb)
    if subject is None or _inside(subject, masked):
        return None
    found = source_of(subject)
    return replace(found, cue=verb.lemma_.lower()) if found is not None else None


SPEAKER_LABELS = {"PERSON": True, "ORG": False, "NORP": False, "GPE": False, "FAC": False}


def named_entities(doc: Any) -> dict[str, bool]:
    """Each word of a PERSON/ORG/NORP/GPE entity of ``doc``, lower-cased, with whether the
    entity is a person (a word used both ways counts as a person)."""
    words: dict[str, bool] = {}
    for entity in doc.ents:
        if entity.label_ not in SPEAKER_LABELS:
            continue
        for token in entity:
            if token.is_alpha and token.text[:1].isupper():
                key = token.lower_
                words[key] = words.get(key, False) or SPEAKER_LABELS[entity.label_]
    return words
