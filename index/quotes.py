"""Extract quotes and facts from a document and attribute every quote to its speaker.

Attribution is decided here, at indexing time, from the text around each quote:
the source after the quote ("...," said X / X told Y), before it (X said: "..."),
"according to X" in the sentence, pronouns and descriptions resolved to earlier
speakers, and the speaker chain across paragraphs (a quote-only paragraph continues
the previous quote's speaker; captions, headings and pull quotes do not break it).
"""

from __future__ import annotations

import hashlib
import itertools
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from index.given_names import given_name_gender
from index.letters import NO_LETTERS, find_letters
from index.lexicon import ORGANISATION_HEADS, REPORTING_VERBS
from index.marks import QuoteSpan, find_spans
from index.names import (
    DATELINE,
    Mention,
    MentionKind,
    is_party_tag,
    is_title_phrase,
    longest_suffix_mention,
    of_gender,
    one_person,
    opens_title,
    parse_mention,
    split_appositive,
    strip_age,
    without_possessive,
)
from index.nlp import analyse_each, entities_of, joined, parse
from index.paragraphs import _ngrams, _words
from index.parse_cues import (
    ParsedSource,
    colon_name,
    colon_source,
    find_source,
    governing_source,
    introducer,
    named_entities,
)
from index.sentences import is_abbreviation, sentence_spans
from index.source_places import placed_source
from index.speakers import Entity, Registry, to_speakers
from index.types import Extraction, Fact, Paragraph, Quote, QuoteKind

_CUE = re.compile(rf"\b(?:according to|pointed out|points out|went on|{REPORTING_VERBS})\b", re.I)


def _is_cue(text: str, match: re.Match[str]) -> bool:
    """A reporting verb in lower case, or capitalised only where a sentence starts
    ("According to X"); "the United States" holds no cue."""
    word = match.group()
    if word.islower():
        return True
    before = text[: match.start()].rstrip(" “‘\"'")
    return word[0].isupper() and word[1:].islower() and (not before or before[-1] in ".!?:\n")


def _cue_search(text: str) -> re.Match[str] | None:
    return next((m for m in _CUE.finditer(text) if _is_cue(text, m)), None)


_INVERTIBLE = re.compile(
    r"^(?:according to|said|says|added|adds|noted|notes|observed|observes|asserted|argued|"
    r"wrote|writes|explained|explains|insisted|warned|continued|stressed|remarked|replied|"
    r"asked|recalled|concluded|acknowledged|admitted|countered|cautioned|reckons|agreed|"
    r"declared|responded|went on|pointed out|complained|quipped|lamented|tweeted|stated)$",
    re.I,
)
_INDIRECT = re.compile(
    r"\b(believes|believed|agrees|agreed|argues|argued|said|says|thinks|thought|warned|warns|"
    r"noted|notes|added|stressed|insisted|insists|maintains|contends|suggested|suggests|"
    r"predicted|predicts|acknowledged|explained|claimed|claims|told|feels|"
    r"expects|estimated|reckons|concluded|cautioned|emphasised|emphasized|stated)\b"
    r"(?:\s+[\w’'-]+){0,4}?\s+that\s",
    re.I,
)
_ACCORDING = re.compile(r"\baccording to\s+", re.I)
SCARE_MAX_WORDS = 4
_INTRODUCED = re.compile(
    r"^(?P<desc>(?:[A-Z][\w’'-]*(?:’s|'s)\s+)?(?:[a-z-]+\s+){0,3}(?P<head>[a-z]+)),\s+"
    r"(?P<name>[A-Z][^,]{1,60}),\s"
)
_STOP = re.compile(r"[.;!?](?:\s|$)")


def _first_sentence(text: str) -> str:
    """``text`` up to its first sentence end; a stop after an abbreviated title or an
    initial ("Sen. Tom Carper", "Lindsey O. Graham") does not end it."""
    for stop in _STOP.finditer(text):
        if stop.group()[0] != "." or not is_abbreviation(text, stop.start()):
            return text[: stop.start()]
    return text


# "Name: “...”", also after a round-up's lead-in ("Pollsters agree - Carl Bialik: “...”")
_NAMED_LEAD = re.compile(r"^(?:[^:“”\"]{0,120}\s[-–—]\s)?(?P<name>[^:;“”\"‘’'!?—–]{2,80}):\s*$")
# a signature: a dash and a name, on the line after a quote paragraph ("- Bernie Sanders."),
# or alone after its closing mark ("“...” ― Karen Bobadilla.")
_SIGNED_BY = r"^\s*(?:[-–—―]|--)\s*(?P<name>[A-Z][^,.;:!?“”\"]{1,60}?)\s*"
_SIGNATURE = re.compile(_SIGNED_BY + r"(?:[.,]|$)")
_SIGN_OFF = re.compile(_SIGNED_BY + r"[.,]?\s*$")
# Words that open a lead-in phrase before a sentence's subject ("As a summer associate at
# ..., Loretta E. Lynch said"; "After the debate on Monday night, Sen. X told ...").
_LEAD_OPENERS = frozenset(
    {"as", "after", "before", "during", "when", "while", "since", "although", "though",
     "despite", "unlike", "like", "under", "over", "in", "at", "on", "for", "with", "from"}
)  # fmt: skip
_TITLE_FUNCTION_WORDS = frozenset({"a", "an", "the", "and", "or", "of", "in", "on", "to", "for"})
# before a programme's title: 'told "Fox and Friends"', "with Sirius XM's "Breitbart ...""
_NAMES_A_WORK = re.compile(
    r"\b(?:told|to|on|in|at|for|with|from|of)(?:\s+(?:[A-Z][\w.&-]*\s+)*[A-Z][\w.&-]*(?:’s|'s))?\s*$"
)
_SPEAKS = re.compile(rf"\s+(?:{REPORTING_VERBS})\b")  # a named subject's reporting verb
_ROLE_HEADS = frozenset({"spokesman", "spokeswoman", "spokesperson", "leader", "chief", "head"})
_PREPOSITIONS = {"of", "to", "for", "with", "by", "from", "in", "on", "at", "against", "about"}
CUE_REACH_WORDS = 6
NOT_NAME_LABELS = frozenset(
    {"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"}
)
_CLAUSE_OPENERS = frozenset(
    {"that", "he", "she", "they", "it", "we", "i", "you", "the", "a", "an", "his", "her", "its"}
)
# what opens a clause after a cue, where an inverted cue's subject would stand
_CLAUSE_AFTER_CUE = re.compile(
    r"\s*(?:that|if|whether|how|what|why|when|where|to|it|there|this|these|those)\b", re.I
)
# the verbs that follow a clause's subject: "said the candidate could ..." is no inverted cue
_AUXILIARIES = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "will", "would", "could", "can",
     "should", "may", "might", "must", "did", "does", "do"}
)  # fmt: skip
# a byline after a quoted headline in a round-up ("“...,” by Times' Jo Lee: “...”")
_BYLINE_AFTER = re.compile(r"^,?\s+by\s+(?:the\s+)?[A-Z]")
GOVERNED_MIN_WORDS = 3  # fewer words quoted beside no cue are mostly a term, not a quote
SHORT_QUOTE_CUE_GAP = 1  # a short quote is words said only right beside its cue


@dataclass(frozen=True)
class Attribution:
    mention: Mention
    appositive: str | None
    cue: str
    cue_end_in_left: int | None = None  # where the cue ends in the left context


@dataclass
class _Found:
    span: QuoteSpan
    paragraph: Paragraph
    entity: Entity | None
    cue: str | None
    kind: QuoteKind


# a transcript line's label: one to three capitalised words and a colon ("PENCE: ",
# "KATE BOLDUAN: "), then the words said
_LABEL = r"(?P<label>[A-Z][A-Z’'.-]+(?: [A-Z][A-Z’'.-]+){0,2}):\s+"
_TRANSCRIPT_LABEL = re.compile(_LABEL + r"(?=\S)")


# a short line the paragraph splitter took for a heading may be a transcript line that ends
# a sentence: "KATE BOLDUAN: Why not debate?"
_SAID_LINE = re.compile("^" + _LABEL + r"[A-Z][^:]*[a-z][^:]*[.?!]$")
_FOLLOW_ON = re.compile(r"Follow\b[^.]*\bon (?:Twitter|Facebook|Instagram)\b", re.I)
_STAGE_DIRECTION = re.compile(r"\s*\([^()]*\)[.\s]*")  # "(CROSSTALK.)", "(APPLAUSE)"


def _id(*parts: object) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()[:16]


def _word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def _forward_mention(after: str) -> tuple[Mention, str | None] | None:
    text = _first_sentence(after.strip())
    head, appositive = split_appositive(text)
    words = head.split()
    for size in range(min(len(words), 8), 0, -1):
        mention = parse_mention(" ".join(words[:size]))
        if mention is not None:
            if size < len(words) and words[size].lower() in _AUXILIARIES:
                return None  # "... said the candidate could win": a clause, not its source
            return mention, appositive if size == len(words) else None
    return None


_TRAILING_PARTY_TAG = re.compile(r"\s*(\([RDI]-[A-Z][A-Za-z.]*(?: [A-Z][a-z]+)?\)),?$")


def _subject_before(segment: str, anchored: bool) -> tuple[Mention, str | None] | None:
    """The speaker phrase (and appositive) that ends ``segment``, right before a cue."""
    seg = segment.rstrip()
    bracketed = _TRAILING_PARTY_TAG.search(seg)
    if bracketed is not None:  # "Gov. John Kasich (R-OH), said": the tag is his title
        found = _mention_ending(seg[: bracketed.start()], anchored)
        if found is not None:
            return found, bracketed.group(1)
    # "X, the director of Y, said"; right after a quote also an appositive the writer
    # left open ("Nate Silver, the polling guru who founded fivethirtyeight.com tweeted")
    body = seg[:-1] if seg.endswith(",") else seg if anchored else None
    if body is not None:
        for match in re.finditer(r", ", body):
            head, appositive = body[: match.start()], strip_age(body[match.end() :].strip())
            if re.fullmatch(r"\d{1,3}", appositive):  # "Ramos, 58, told ..."
                aged = _mention_ending(head, anchored)
                if aged is not None:
                    return aged, None
            if is_party_tag(appositive):  # "Sen. Ron Johnson, R-Wis., said"
                tagged = _mention_ending(head, anchored)
                if tagged is not None:
                    return tagged, appositive
            if not opens_title(appositive):
                continue
            if len(appositive.split()) > 40:
                continue
            relative = re.match(r"(?:who|which|whose)\b", appositive) is not None
            if not relative and not is_title_phrase(appositive):
                continue
            found = _mention_ending(head, anchored)
            if found is not None:  # "X, who asked not to be named, said": X, no title
                return found, None if relative else appositive
    found = _mention_ending(seg, anchored)
    return (found, None) if found is not None else None


def _mention_ending(text: str, anchored: bool) -> Mention | None:
    if anchored:
        return parse_mention(text)
    found = longest_suffix_mention(text)
    if found is None:
        return None
    mention, start = found
    prefix_words = text[:start].split()
    if prefix_words and prefix_words[-1].lower() in _PREPOSITIONS:
        return None  # the phrase is the object of a preposition, not a subject
    return mention


def attribute_right(right: str) -> Attribution | None:
    """Attribution standing after a closing mark: ``, X said`` / ``, said X, a ...``."""
    text = right.lstrip(" ,;:—–-")
    cue = _cue_search(text)
    if cue is None:
        return None
    before = text[: cue.start()]
    if text[cue.end() :].lstrip().startswith(":"):
        return None  # "“...” Mr. Zahed said: “...”": the cue introduces the next quote
    if not before.strip():
        if cue.group().lower().endswith("ing"):
            return None  # "“...,” adding ...": no verb a source can follow
        if _CLAUSE_AFTER_CUE.match(text[cue.end() :]):
            return None  # "the advertisement “...” suggests that Phoenix ...": no source
        found = _forward_mention(text[cue.end() :])
        return Attribution(found[0], found[1], cue.group().lower()) if found else None
    subject = _subject_before(before, anchored=True)
    return Attribution(subject[0], subject[1], cue.group().lower()) if subject else None


def attribute_left(left: str) -> Attribution | None:
    """Attribution standing before an opening mark: ``X said:`` / ``X believes that``."""
    cues = [m for m in _CUE.finditer(left) if _is_cue(left, m)]
    for cue in reversed(cues):
        if cue.group().lower() == "according to":
            found = _forward_mention(left[cue.end() :])
            if found:
                return Attribution(found[0], found[1], "according to", len(left))
            continue
        if cue.group().endswith("ing"):
            continue  # "X veered close to ..., saying, “...”": the subject is the clause's
        if _later_clause_introduces(left[cue.end() :]):
            return None  # "When Trump suggested ..., Rubio fired back: “...”": parse it
        subject = _subject_before(left[: cue.start()], anchored=False)
        if subject:
            return Attribution(subject[0], subject[1], cue.group().lower(), cue.end())
    return None


def _named_over_pronoun(right: Attribution | None, left: str) -> Attribution | None:
    """The cue after the quote, unless it is a pronoun's and a named source's cue stands
    right before the quote in the same sentence ("Feinstein said "...," she said."): the
    pronoun is that source, when its gender allows."""
    if right is None or right.mention.kind != "pronoun":
        return right
    named = attribute_left(left)
    if (
        named is None
        or named.mention.kind not in {"person", "group"}
        or named.cue_end_in_left is None
        or left[named.cue_end_in_left :].strip(" ,:")
    ):
        return right
    said_by = right.mention.gender  # "he"/"she" cannot be a group or the other gender
    if said_by in {"m", "f"} and (
        named.mention.kind == "group" or named.mention.gender not in {None, said_by}
    ):
        return right
    return named


_SUBJECT_PRONOUNS = frozenset({"he", "she", "they", "we", "i"})


def _later_clause_introduces(after_cue: str) -> bool:
    """Whether a colon right before the quote ends a later clause than the cue's: the
    quote is introduced by that clause's own subject and verb ("..., to which O'Malley
    interjected: “...”"), which the parse reads."""
    tail = after_cue.rstrip()
    if not tail.endswith(":") or not ("," in tail or ";" in tail):
        return False
    clause = re.split(r"[,;]", tail)[-1].split()  # "Rubio fired back:", not "in part:"
    return any(w[:1].isupper() or w.lower() in _SUBJECT_PRONOUNS for w in clause)


def attribute_according(sentence_outside_quotes: str) -> Attribution | None:
    match = _ACCORDING.search(sentence_outside_quotes)
    if match is None:
        return None
    found = _forward_mention(sentence_outside_quotes[match.end() :])
    return Attribution(found[0], found[1], "according to") if found else None


_ENTITY_KINDS: dict[str, MentionKind] = {"PERSON": "person", "ORG": "group", "NORP": "group"}


def attribution_from_parse(found: ParsedSource) -> Attribution | None:
    """The parse's source as an attribution, when the phrase names someone."""
    if not found.phrase.strip():
        return None
    mention = parse_mention(found.phrase)
    if found.indefinite and (mention is None or mention.kind != "anonymous"):
        mention = Mention("anonymous", found.phrase, found.phrase)
    if mention is None and found.entity in _ENTITY_KINDS:
        kind = _ENTITY_KINDS[found.entity]
        mention = Mention(kind, found.phrase, found.phrase, gender="p" if kind == "group" else None)
    if mention is None:
        return None
    return Attribution(mention, found.appositive, found.cue)


def attribute_named_lead(left: str) -> Attribution | None:
    """A name and a colon before the quote, nothing else: a headline ("Reid: ‘...’"), a
    round-up ("Chris Cillizza, The Washington Post: “...”") or a transcript."""
    match = _NAMED_LEAD.match(left)
    if match is None:
        return None
    lead = match.group("name")
    dots = [match.start("name") + i for i, c in enumerate(lead) if c == "."]
    if not all(is_abbreviation(left, dot) for dot in dots):
        return None  # a full stop in it ends a sentence: no bare name ("Jeffrey M. Jones")
    name, _, affiliation = lead.partition(", ")
    cue = ":"
    verb, _, rest = name.partition(" ")
    if rest and _INVERTIBLE.match(verb):  # "Added Stone:", "Said Mr. Lee:"
        name, cue = rest, verb.lower()
    mention = parse_mention(name) or _first_of_two(name)
    if mention is None or mention.kind not in {"person", "group"}:
        return None
    return Attribution(mention, strip_age(affiliation).strip() or None, cue)


def _first_of_two(names: str) -> Mention | None:
    """ "Mark Blumenthal and Jon Cohen": the first of two people named in full, as for
    "X and Y wrote"."""
    first, joined_by, second = names.partition(" and ")
    mentions = [parse_mention(first), parse_mention(second)] if joined_by else []
    if mentions and all(
        m is not None and m.kind == "person" and (len(m.name.split()) > 1 or m.honorific)
        for m in mentions
    ):  # two full names: "Israel and Hamas:" or "Pros and Cons:" names no one
        return mentions[0]
    return None


def _whole_entity(doc: object, name: str) -> str | None:
    """The longer organisation or place name that ``name`` is only a piece of, when the
    recogniser finds ``name`` only inside it and never as a person."""
    wholes: Counter[str] = Counter()
    for entity in doc.ents:  # type: ignore[attr-defined]
        text = re.sub(r"^[Tt]he\s+", "", entity.text)
        if f" {name} " not in f" {text} " or ", " in text:
            continue  # nor a run the recogniser joined over a comma ("Lehigh, Bruce Turry")
        if entity.label_ == "PERSON" or text == name:
            return None  # the name stands on its own somewhere
        if entity.label_ in {"ORG", "GPE", "FAC"}:
            wholes[text] += 1
    return wholes.most_common(1)[0][0] if wholes else None


def _mask_quotes(text: str, spans: list[QuoteSpan]) -> str:
    chars = list(text)
    for span in spans:
        stop = span.close_at + 1 if span.close_at is not None else len(text)
        for i in range(span.open_at, stop):
            chars[i] = " "
    return "".join(chars)


def _is_title_case(text: str) -> bool:
    words = [w for w in re.findall(r"[A-Za-z][\w’'-]*", text) if len(w) > 3]
    return len(words) >= 2 and all(w[0].isupper() for w in words)


def _is_work_title(text: str) -> bool:
    """A name in title case of up to eight words ("Fox and Friends", "Meet the Press")."""
    words = re.findall(r"[A-Za-z][\w’'-]*", text)
    content = [w for w in words if w.lower() not in _TITLE_FUNCTION_WORDS]
    if "!" in text or "?" in text:  # 'chants of "Marco! Marco!"'
        return False
    return 0 < len(words) <= 8 and bool(content) and all(w[0].isupper() for w in content)


class _Extractor:
    def __init__(
        self,
        doc_id: str,
        text: str,
        paragraphs: tuple[Paragraph, ...],
        analysed: list[Any] | None = None,
    ) -> None:
        # spaCy's analysis of each paragraph, when made beforehand (``extract_many``)
        self.analysed = analysed
        self.doc_id = doc_id
        self.text = text
        self.paragraphs = paragraphs
        self.registry = Registry()
        self.found: list[_Found] = []
        self.facts: list[Fact] = []
        self.chain: Entity | None = None
        self.chain_open = False
        self._parsed: dict[int, object] = {}
        self._previous: Paragraph | None = None  # the body paragraph before this one
        self.letters = NO_LETTERS  # the signed paragraphs of a letters page

    def _parse(self, paragraph: Paragraph) -> object:
        """spaCy's parse of one paragraph, made when first needed."""
        if paragraph.number not in self._parsed:
            piece = None
            if self.analysed is not None and 0 < paragraph.number <= len(self.analysed):
                piece = self.analysed[paragraph.number - 1]
                if piece.text != paragraph.text:
                    piece = None
            self._parsed[paragraph.number] = piece if piece is not None else parse(paragraph.text)
        return self._parsed[paragraph.number]

    def _colon_over_pronoun(
        self, paragraph: Paragraph, said: Attribution, lo: int, span: QuoteSpan
    ) -> Attribution:
        """A pronoun's cue after a quote that a named person's clause introduces with a
        colon ("Fallon fired back: “...,” he wrote"): the pronoun is that person, when
        the gender allows."""
        left = paragraph.text[lo : span.open_at].rstrip()
        if not left.endswith(":"):
            return said
        colon = colon_source(self._parse(paragraph), lo + len(left) - 1, [])
        if colon is None:
            return said
        named = attribution_from_parse(colon)
        if named is None or named.mention.kind != "person":
            return said
        known = self.registry.find(named.mention)
        if colon.entity not in {"", "PERSON"} and not (known and known.is_person):
            return said  # "Trump asserted that France had lost ...: “...,” he claimed"
        said_by, named_by = said.mention.gender, named.mention.gender
        if said_by == "p" or (said_by and named_by and said_by != named_by):
            return said  # "they" is no one person; "she" is not a man
        return Attribution(named.mention, named.appositive, said.cue)

    def _attribute_by_parse(
        self,
        paragraph: Paragraph,
        span: QuoteSpan,
        spans: list[QuoteSpan],
        lo: int,
        hi: int,
        short: bool,
        next_at: int | None,
    ) -> Attribution | None:
        masked = [(s.open_at, s.close_at + 1 if s.close_at is not None else hi) for s in spans]
        doc = self._parse(paragraph)
        gap = SHORT_QUOTE_CUE_GAP if short else CUE_REACH_WORDS * 4
        for found in find_source(doc, span.open_at, span.close_at, lo, hi, masked, gap, next_at):
            attribution = attribution_from_parse(found)
            if attribution is not None:
                return attribution
        left = paragraph.text[lo : span.open_at].rstrip()
        if left.endswith(":") and not short:
            colon_at = lo + len(left) - 1
            colon = colon_source(doc, colon_at, masked)
            attribution = attribution_from_parse(colon) if colon is not None else None
            if attribution is None:
                named = colon_name(doc, colon_at)
                attribution = attribution_from_parse(named) if named is not None else None
            return attribution
        return None

    def _governed(
        self, paragraph: Paragraph, span: QuoteSpan, spans: list[QuoteSpan]
    ) -> Attribution | None:
        """A few words quoted beside no cue, as the object of a named person's verb
        ("Clinton supports “appropriate pay raises,”"); not one or two (mostly a term) and not
        a title."""
        inner = paragraph.text[span.inner_start : span.inner_end]
        if (
            span.close_at is None
            or _word_count(inner) < GOVERNED_MIN_WORDS
            or _is_title_case(inner)
            or _is_work_title(inner)
        ):
            return None
        end = len(paragraph.text)
        masked = [(s.open_at, s.close_at + 1 if s.close_at is not None else end) for s in spans]
        doc = self._parse(paragraph)
        governing = governing_source(doc, span.open_at, span.close_at, masked)
        return attribution_from_parse(governing) if governing is not None else None

    def run(self) -> Extraction:
        self.letters = find_letters(self.paragraphs, self._parse)
        for paragraph in self.paragraphs:
            if paragraph.kind == "body":
                self._paragraph(paragraph)
            elif paragraph.kind == "title":
                self._headline(paragraph)
            elif paragraph.kind == "heading" and _SAID_LINE.search(paragraph.text):
                self._transcript_line(paragraph, [])  # "KATE BOLDUAN: Why not debate?"
        self._drop_unnamed_speakers()
        self._complete_surnames()
        quotes = [self._quote(f) for f in self.found]
        quotes.extend(self._pull_quotes(quotes))
        counts = Counter(q.speaker for q in quotes if q.speaker and q.repeats is None)
        speakers = to_speakers(self.registry.entities, counts)
        return Extraction(tuple(quotes), tuple(self.facts), tuple(speakers))

    def _quote(self, f: _Found) -> Quote:
        start = f.paragraph.start + f.span.inner_start
        end = f.paragraph.start + f.span.inner_end
        entity = f.entity
        return Quote(
            quote_id=_id(self.doc_id, start, end),
            doc_id=self.doc_id,
            paragraph=f.paragraph.number,
            start=start,
            end=end,
            text=self.text[start:end],
            speaker=entity.name if entity else None,
            speaker_title=entity.title if entity else None,
            cue=f.cue,
            kind=f.kind,
        )

    def _resolve(self, attribution: Attribution) -> Entity | None:
        entity = self.registry.resolve(attribution.mention, attribution.appositive)
        if entity is not None:
            gender = attribution.mention.gender if attribution.mention.kind == "pronoun" else None
            self.registry.spoke(entity, gender)
        return entity

    def _resolve_placed(
        self, paragraph: Paragraph, attribution: Attribution, near: int, spans: list[QuoteSpan]
    ) -> Entity | None:
        """``_resolve`` of a source that may be a place standing for the person it
        qualifies ("said Sen. Tom Udall of New Mexico"): ``index.source_places``. A source
        with an appositive ("Jordan, a nurse from Ohio") or a known person's surname the
        recogniser took for a place stays as it is."""
        given = attribution.mention
        if given.kind not in {"person", "group"} or attribution.appositive:
            return self._resolve(attribution)
        known = self.registry.find(given)
        if (
            known is not None
            and known.is_person
            and len(known.name.split()) > len(given.name.split())
        ):
            return self._resolve(attribution)
        quoted = [
            (s.open_at, s.close_at if s.close_at is not None else len(paragraph.text))
            for s in spans
        ]
        mention = placed_source(self._parse(paragraph), given, near, quoted)
        if mention is None:
            return None
        if mention is not given:
            attribution = Attribution(mention, None, attribution.cue)
        return self._resolve(attribution)

    def _paragraph(self, paragraph: Paragraph) -> None:
        text = paragraph.text
        spans = [s for s in find_spans(text) if s.inner_end > s.inner_start]
        if self._transcript_line(paragraph, spans):
            return
        sentences = sentence_spans(text, spans)
        masked = _mask_quotes(text, spans)
        attributed_sentences: set[int] = set()
        last: Entity | None = None
        last_sentence = -1
        tracked = 0
        subjects: dict[int, Entity] = {}  # sentence -> the person or group it is about
        for index, span in enumerate(spans):
            s_index = next((i for i, (a, b) in enumerate(sentences) if a <= span.open_at < b), 0)
            while tracked <= s_index and tracked < len(sentences):
                subject = self._track_subject(masked, *sentences[tracked])
                if subject is not None:
                    subjects[tracked] = subject
                tracked += 1
            s_start, s_end = sentences[s_index] if sentences else (0, len(text))
            prev_close = spans[index - 1].close_at if index else None
            left_start = s_start
            if prev_close is not None and prev_close >= s_start:
                left_start = prev_close + 1
            left = text[left_start : span.open_at]
            right = ""
            if span.close_at is not None:
                right_end = s_end if span.close_at < s_end else len(text)
                if index + 1 < len(spans):
                    right_end = min(right_end, spans[index + 1].open_at)
                right = text[span.close_at + 1 : right_end]
            inner = text[span.inner_start : span.inner_end]
            short = _word_count(inner) <= SCARE_MAX_WORDS and not re.match(r"^[A-Z].*[.!?]$", inner)
            attribution = _named_over_pronoun(attribute_right(right), left)
            if attribution is not None and attribution.mention.kind == "pronoun":
                attribution = self._colon_over_pronoun(paragraph, attribution, left_start, span)
            if attribution is None and span.close_at is not None and not right.strip():
                attribution = self._asked_then_cue(text, sentences, s_index, span, spans, index)
            if attribution is None:
                attribution = attribute_left(left)
                if attribution and short and attribution.cue_end_in_left is not None:
                    gap = left[attribution.cue_end_in_left :]
                    if _word_count(gap) > CUE_REACH_WORDS:
                        attribution = None
            if attribution is None:
                attribution = attribute_according(masked[s_start:s_end])
            after_quote = prev_close is not None and not text[prev_close + 1 : left_start].strip()
            if attribution is None and (left_start == 0 or after_quote):
                # also the next speaker after a quote ("Clinton: “...” Bush: “...”")
                attribution = attribute_named_lead(left)
            if attribution is None:
                hi = self._reach(text, sentences, s_index, span, spans, index)
                next_at = s_end if hi > s_end else None
                attribution = self._attribute_by_parse(
                    paragraph, span, spans, left_start, hi, short, next_at
                )
            if attribution is None and index == 0 and span.open_at == 0:
                attribution = self._introduced(paragraph)
            if attribution is None and index == len(spans) - 1 and span.open_at == 0:
                attribution = self._signed(paragraph, span)
            entity: Entity | None = None
            cue: str | None = None
            if attribution is not None:
                entity = self._resolve_placed(paragraph, attribution, span.open_at, spans)
                cue = attribution.cue
            elif (_cue_search(right.split(". ")[0]) or _BYLINE_AFTER.match(right)) and not (
                self.chain_open
            ):
                entity = None  # a source is named after the quote, in a form not understood
            elif (
                index == 0
                and span.open_at == 0
                and self.chain is not None
                and (self.chain_open or not short)
            ):
                entity = self.chain
            elif (
                _word_count(inner) > SCARE_MAX_WORDS
                and not (_is_title_case(inner) or _is_work_title(inner))
                and left.strip()
                and s_index in subjects
                and last_sentence != s_index
            ):
                # words quoted inside the writer's own sentence about a person ("Moore thanked
                # him for “stepping up ...”"): the person the sentence is about
                entity = subjects[s_index]
            elif last is not None and (last_sentence == s_index or not short):
                entity = last
            elif not short and not left.strip() and s_index - 1 in subjects:
                entity = subjects[s_index - 1]  # "Bystrom agreed. “Mainstream ...”"
            if entity is None and attribution is None and short:
                attribution = self._governed(paragraph, span, spans)
                if attribution is not None:
                    entity = self._resolve_placed(paragraph, attribution, span.open_at, spans)
            if entity is None and attribution is None and (short or _is_title_case(inner)):
                continue  # a scare quote or a title, not words said by someone
            if _is_work_title(inner) and _NAMES_A_WORK.search(left):
                continue  # 'told "Fox and Friends"', 'said on "Meet the Press"': a programme
            kind = self._kind(left, attribution, continued=attribution is None)
            self.found.append(_Found(span, paragraph, entity, cue, kind))
            if entity is not None:
                last, last_sentence = entity, s_index
                self.registry.spoke(entity)
            attributed_sentences.add(s_index)
            if entity is not None and span.close_at is not None:
                self._adding_that(paragraph, span.close_at, s_end, entity)
        for start, end in sentences[tracked:]:
            self._track_subject(masked, start, end)
        self._indirect_and_facts(paragraph, sentences, masked, attributed_sentences)
        if spans:
            self.chain = last
            self.chain_open = spans[-1].close_at is None
        elif self.found and self.found[-1].paragraph is paragraph:
            self.chain = self.found[-1].entity
            self.chain_open = False
        else:
            self.chain, self.chain_open = None, False
        self._previous = paragraph

    def _transcript_line(self, paragraph: Paragraph, spans: list[QuoteSpan]) -> bool:
        """A line of an interview transcript ("PENCE: Well, look, ..." or, quoted as a
        whole, "\"PENCE: Well, ...") whose capitalised label names one person of the
        article: the rest of the line is their words. A label that names no one ("UPDATE:",
        "WALLACE:" where the host's name is not written) leaves the line as it is."""
        text = paragraph.text
        opened = spans[0] if spans and spans[0].open_at == 0 else None
        at = opened.inner_start if opened is not None else 0
        if opened is not None and _STAGE_DIRECTION.fullmatch(text, at, opened.inner_end):
            # "(CROSSTALK.)" inside a quoted transcript: no one's words, the chain goes on
            self.found.append(_Found(opened, paragraph, None, None, "direct"))
            self._previous = paragraph
            return True
        if _FOLLOW_ON.match(text, at):  # the writer's sign-off, inside the marks or not
            self.chain, self.chain_open = None, False
            return False
        label = _TRANSCRIPT_LABEL.match(text, at)
        if label is None:
            return False
        entity = self._labelled(label.group("label"))
        if entity is None:
            self.chain, self.chain_open = None, False  # someone else's line ("WALLACE: ...")
            return False
        end = len(text.rstrip())
        close_at = None
        if opened is not None and opened.close_at is not None:
            if text[opened.close_at + 1 :].strip():
                return False  # a quote inside the line, not the line quoted as a whole
            close_at, end = opened.close_at, opened.inner_end
        span = QuoteSpan(0, close_at, label.end(), end)
        self.found.append(_Found(span, paragraph, entity, None, "direct"))
        self.registry.spoke(entity)
        self.chain, self.chain_open = entity, opened is not None and close_at is None
        self._previous = paragraph
        return True

    def _labelled(self, label: str) -> Entity | None:
        """The one person of the article a transcript label names ("PENCE" -> Mike Pence):
        a speaker with that surname or name, else a label that is a given name and a
        surname ("JAKE TAPPER"), else the article's one full name ending in it."""
        wanted = label.lower()
        known = [
            e
            for e in self.registry.entities
            if e.is_person
            and not e.anonymous
            and wanted in {e.name.lower(), e.name.split()[-1].lower()}
        ]
        if len({e.name for e in known}) == 1:
            return known[0]
        if known:
            return None
        written = " ".join(w[:1] + w[1:].lower() for w in label.split())
        if len(label.split()) > 1 and given_name_gender(written) is not None:
            name: str | None = written  # "JAKE TAPPER": the full name, in capitals
        else:
            name = one_person(self._full_names(written.split()[-1]))
        mention = parse_mention(name) if name is not None else None
        if mention is None or mention.kind != "person":
            return None
        if len(label.split()) > 1 and mention.name.lower() != wanted:
            return None  # "KATE BOLDUAN" must be her whole name
        return self.registry.resolve(mention)

    @staticmethod
    def _asked_then_cue(
        text: str,
        sentences: list[tuple[int, int]],
        s_index: int,
        span: QuoteSpan,
        spans: list[QuoteSpan],
        index: int,
    ) -> Attribution | None:
        """ "“...?” Trump went on, as if ...": a quote ending in ? or ! ends its sentence
        for the splitter, and the source and cue open the next one."""
        inner = text[span.inner_start : span.inner_end].rstrip("”’\"' ")
        if not inner.endswith(("?", "!")) or s_index + 1 >= len(sentences):
            return None
        end = sentences[s_index + 1][1]
        if index + 1 < len(spans):
            end = min(end, spans[index + 1].open_at)
        following = text[span.close_at + 1 if span.close_at is not None else end : end]
        attribution = attribute_right(following)
        cue = _cue_search(following.lstrip(" ,;:—–-"))
        if attribution is None or cue is None:
            return None
        after = following.lstrip(" ,;:—–-")[cue.end() :].split()
        if after and after[0].lower() in _CLAUSE_OPENERS:
            return None  # "“...?” Ms. Lee said she ...": words of her own, not the quote's
        return attribution

    @staticmethod
    def _reach(
        text: str,
        sentences: list[tuple[int, int]],
        s_index: int,
        span: QuoteSpan,
        spans: list[QuoteSpan],
        index: int,
    ) -> int:
        """Where a cue after the quote may stand: the end of its sentence, or of the next
        one when the quote ends its sentence ("“...?” Sanders replied."), before the next
        quote opens."""
        s_end = sentences[s_index][1] if sentences else len(text)
        limit = spans[index + 1].open_at if index + 1 < len(spans) else len(text)
        if (
            span.close_at is not None
            and span.close_at + 1 >= s_end
            and s_index + 1 < len(sentences)
        ):
            following = text[s_end : min(sentences[s_index + 1][1], limit)].strip()
            if not following.endswith(":"):  # not the next quote's introduction
                s_end = sentences[s_index + 1][1]
        return min(s_end, limit)

    def _headline(self, paragraph: Paragraph) -> None:
        """A headline's quotes: given to a name before a colon ("Reid: ‘Never ...’"), else
        read as a sentence's ("Hillary Clinton Speaks ‘Directly To White People’"), but
        the people it names are not the ones the first paragraph's pronouns refer to."""
        spans = [s for s in find_spans(paragraph.text) if s.inner_end > s.inner_start]
        if not spans:
            return
        attribution = attribute_named_lead(paragraph.text[: spans[0].open_at])
        if attribution is not None:  # every quote after the colon is theirs
            entity = self._resolve(attribution)
            for span in spans:  # "Ryan: ‘Anti-Semitic Images’ Have ‘No Place’ In ..."
                self.found.append(_Found(span, paragraph, entity, attribution.cue, "direct"))
            return
        recency, previous = self.registry.recency(), self._previous
        chain, chain_open, facts = self.chain, self.chain_open, len(self.facts)
        self._paragraph(paragraph)
        self.registry.restore(recency)
        self.chain, self.chain_open, self._previous = chain, chain_open, previous
        del self.facts[facts:]  # a headline is no statement of fact

    def _drop_unnamed_speakers(self) -> None:
        """Only people and organisations speak. A speaker stays when the entity recogniser
        finds its name in the article as a person or organisation, or when the name looks
        like one without it (a full name; a single capitalised word that the article never
        writes in lower case and the recogniser gives no other label). Otherwise ("Instead",
        "Look", "Asian") it is no speaker, and its quotes stay unattributed."""
        speakers = {f.entity.name: f.entity for f in self.found if f.entity is not None}
        if not speakers:
            return
        from spacy.lang.en.stop_words import STOP_WORDS

        doc: Any = joined(self.analysed) if self.analysed else entities_of(self.text)
        words = named_entities(doc)
        other = {t.lower_ for e in doc.ents if e.label_ in NOT_NAME_LABELS for t in e}
        lower_text = {w for w in re.findall(r"\b[a-z][a-z’'-]*\b", self.text)}
        proper = {t.text for t in doc if t.pos_ == "PROPN"}
        keep: set[str] = set()
        for name, entity in list(speakers.items()):
            whole = _whole_entity(doc, name)
            if whole is not None:  # "Hampshire" of "New Hampshire", "York Times"
                entity.aliases.add(name)
                entity.name, entity.is_person = whole, False
                keep.add(whole)
                continue
            parts = name.split()
            # the recogniser's words are tokens: "Lopez-Cantera" is "Lopez", "-", "Cantera"
            known = [words[w] for w in re.split(r"[\s-]+", name.lower()) if w in words]
            if known:
                entity.is_person = any(known) if entity.is_person else all(known)
                keep.add(name)
            elif entity.anonymous or len(parts) > 1:
                keep.add(name)  # "a senior official", "Ellie Marchbank", "UN Security Council"
            elif (
                parts[0] in proper
                and parts[0].lower() not in lower_text
                and parts[0].lower() not in other
                and parts[0].lower() not in STOP_WORDS
            ):
                keep.add(name)
        for f in self.found:
            if f.entity is not None and f.entity.name not in keep:
                f.entity, f.cue = None, None

    def _complete_surnames(self) -> None:
        """A person known only by a surname ("“...,” Huerta said") takes the full name the
        article gives them where the parser saw no subject ("Standing alongside activist
        Dolores Huerta, ..."): the one person of the article's PERSON entities with given
        names and that surname. Two people ("Bill Clinton", "Hillary Clinton") the pronouns
        the speaker answered to do not tell apart, or a full name another speaker of the
        article has, leave the surname as it is."""
        speaking = {id(f.entity) for f in self.found if f.entity is not None}
        names = {e.name for e in self.registry.entities}
        for entity in self.registry.entities:
            if (
                id(entity) not in speaking
                or not entity.is_person
                or entity.anonymous
                or " " in entity.name
            ):
                continue
            full = of_gender(self._full_names(entity.name), entity.named_gender)
            # two people by that surname: the pronoun the speaker answered to ("she said")
            name = one_person(full, entity.gender)
            if name is None or name in names:
                continue
            entity.aliases.add(entity.name)
            entity.name = name
            names.add(name)

    def _full_names(self, surname: str) -> Counter[str]:
        """The full names (given names and ``surname``) of the article's PERSON entities,
        with how often each is written."""
        found: Counter[str] = Counter()
        for paragraph in self.paragraphs:
            if paragraph.kind != "body" or surname not in paragraph.text:
                continue
            for ent in self._parse(paragraph).ents:  # type: ignore[attr-defined]
                # the recogniser keeps a possessive ending: "Donald Trump’s gains"
                is_person = ent.label_ == "PERSON"
                mention = parse_mention(without_possessive(ent.text)) if is_person else None
                if (
                    mention is not None
                    and mention.kind == "person"
                    and len(mention.name.split()) > 1
                    and mention.surname == surname
                ):
                    found[mention.name] += 1
        return found

    def _introduced(self, paragraph: Paragraph) -> Attribution | None:
        """A quote opening a paragraph after one that ends in a colon ("Cruz continued:")."""
        previous = self._previous
        if previous is None or previous.number != paragraph.number - 1:
            return None
        if not previous.text.rstrip().endswith(":") or find_spans(previous.text):
            return None
        named = attribute_named_lead(previous.text.strip())  # "Stated Stone:"
        if named is not None:
            return named
        found = introducer(self._parse(previous))
        return attribution_from_parse(found) if found is not None else None

    def _signed(self, paragraph: Paragraph, span: QuoteSpan) -> Attribution | None:
        """A quote paragraph signed on the next line, as round-ups and fact checks do
        ("“...”" then "- Bernie Sanders." or "—President Obama, tweeting after ..."), or
        on the same line after the closing mark ("“...” ― Karen Bobadilla.")."""
        if span.close_at is None:
            return None
        rest = paragraph.text[span.close_at + 1 :]
        if rest.strip(" .,"):
            match = _SIGN_OFF.match(rest)
        else:
            following = next((p for p in self.paragraphs if p.number == paragraph.number + 1), None)
            match = _SIGNATURE.match(following.text) if following is not None else None
        if match is None:
            return None
        mention = parse_mention(match.group("name"))
        if mention is None or mention.kind not in {"person", "group"}:
            return None
        return Attribution(mention, None, "—")

    def _adding_that(self, paragraph: Paragraph, after: int, end: int, entity: Entity) -> None:
        """ "“...,” X said, adding that CLAUSE." : the clause is X's indirect quote."""
        match = re.search(
            r",\s+(adding|saying|noting|arguing|warning|insisting)\s+that\s+",
            paragraph.text[after:end],
        )
        if match is None:
            return
        clause_start = after + match.end()
        clause_end = end
        while clause_end > clause_start and paragraph.text[clause_end - 1] in ".!? ":
            clause_end -= 1
        if _word_count(paragraph.text[clause_start:clause_end]) < 4:
            return
        span = QuoteSpan(clause_start - 1, clause_end, clause_start, clause_end)
        self.found.append(_Found(span, paragraph, entity, match.group(1), "indirect"))

    def _track_subject(self, masked: str, start: int, end: int) -> Entity | None:
        """Make the named subject of a narrative sentence the most recent person, and
        return it.

        Pronouns usually refer to the last person named as a subject ("Mr Lee was
        charged. ... he said"); objects and people inside quotes do not count.
        """
        sentence = DATELINE.sub("", masked[start:end])  # "WASHINGTON — Sen. Marco Rubio ..."
        lead = re.match(r"^(?:[A-Z][\w’']*)(?:\s+[\w’'-]+){0,4},\s+", sentence)
        opens_with_place = lead is not None and sentence.split()[0].lower() in _PREPOSITIONS
        long_lead = False  # the subject after it must be known or say something
        if lead is None and sentence[:1].isupper() and sentence.split()[0].lower() in _LEAD_OPENERS:
            # "As a summer associate at a North Carolina law firm, Loretta E. Lynch said ..."
            lead = re.match(r"^\S+(?:\s+[^\s,]+){1,14},\s+", sentence)
            opens_with_place = long_lead = lead is not None
        if lead and (opens_with_place or not parse_mention(sentence[: lead.end()].rstrip(", "))):
            sentence = sentence[lead.end() :]  # "In Columbus, state Sen. Lorena Baptiste ..."
        if not sentence[:1].isalpha():
            return None
        named = _INTRODUCED.match(sentence)  # "Harwell's union, United Transit ..., said"
        if named and named.group("head") in ORGANISATION_HEADS | _ROLE_HEADS:
            mention = parse_mention(named.group("name"))
            if mention is not None and mention.kind in {"person", "group"}:
                entity = self.registry.resolve(mention, named.group("desc"), tentative=True)
                if entity is not None:
                    self.registry.mentioned(entity)
                return entity
        words = sentence.split()
        for size in range(min(len(words), 7), 0, -1):
            phrase = " ".join(words[:size])
            if "," in phrase[:-1]:
                continue
            phrase = phrase.rstrip(",")
            mention = parse_mention(phrase)
            if mention is None or mention.kind not in {"person", "group"}:
                continue
            rest = sentence[len(phrase) :]
            appositive = None
            introduced = False  # "Ellie Marchbank, 26, a staff nurse ..., has applied"
            if rest.startswith(", ") and mention.kind == "person":
                parts = strip_age(rest[2:]).split(", ")
                introduced = len(mention.name.split()) >= 2 and len(parts) >= 2
                first = parts[0].strip()
                if (
                    first
                    and (first[0].islower() or first.split()[0] in {"The", "A", "An"})
                    and is_title_phrase(first)
                    and len(parts) >= 2
                ):
                    appositive = first
            known = self.registry.find(mention)
            speaks = len(mention.name.split()) >= 2 and _SPEAKS.match(rest) is not None
            # "Tina Houchins had a question": a given name and a surname name a person, when
            # a predicate follows and the sentence is not a headline in title case
            given_named = (
                mention.kind == "person"
                and given_name_gender(mention.name) is not None
                and bool(rest.strip(" .,;:"))
                and not _is_title_case(sentence)
            )
            if long_lead and known is None and not (speaks or mention.honorific or given_named):
                return None  # "When ... in Louisville, Ky., where she is a student"
            if known is None and not (
                mention.honorific
                or appositive
                or introduced
                or speaks
                or given_named
                or (mention.title and len(mention.name.split()) >= 2)
                or (mention.kind == "group" and size > 1)
            ):
                return None
            entity = self.registry.resolve(mention, appositive, tentative=True)
            if entity is not None:
                self.registry.mentioned(entity)
            return entity
        return None

    @staticmethod
    def _kind(left: str, attribution: Attribution | None, continued: bool) -> QuoteKind:
        stripped = left.strip(" \t,;—–-")
        if not stripped or (continued and not stripped):
            return "direct"
        if stripped.endswith(":"):
            return "direct"
        if attribution is not None and attribution.cue_end_in_left is not None:
            rest = left[attribution.cue_end_in_left :].strip()
            if rest in {"", ",", ":"} or re.fullmatch(r"[^,:]{0,40}[,:]", rest):
                return "direct"
        return "partial"

    def _indirect_and_facts(
        self,
        paragraph: Paragraph,
        sentences: list[tuple[int, int]],
        masked: str,
        attributed: set[int],
    ) -> None:
        if paragraph.number in self.letters.furniture:
            return  # a signature, the writer's town or a section heading: no statement
        signer = self.letters.signer.get(paragraph.number)
        for index, (start, end) in enumerate(sentences):
            if index in attributed:
                continue
            sentence = paragraph.text[start:end]
            if masked[start:end].strip() != sentence.strip():
                quoted = (
                    len(sentence) - len(masked[start:end].replace(" ", "")) - sentence.count(" ")
                )
                if quoted > len(sentence) / 2:
                    continue
            if self._indirect(paragraph, start, end, masked):
                continue
            source = attribute_according(masked[start:end])
            fact_start = paragraph.start + start
            self.facts.append(
                Fact(
                    fact_id=_id(self.doc_id, "fact", fact_start),
                    doc_id=self.doc_id,
                    paragraph=paragraph.number,
                    start=fact_start,
                    end=paragraph.start + end,
                    text=sentence,
                    source=source.mention.text if source else signer,
                )
            )

    def _indirect(self, paragraph: Paragraph, start: int, end: int, masked: str) -> bool:
        sentence = masked[start:end]
        if sentence != paragraph.text[start:end]:
            return False  # has quotation marks: handled as quotes
        match = _INDIRECT.search(sentence)
        if match is None or match.start() == 0:
            return False
        subject = _subject_before(sentence[: match.start()], anchored=False)
        if subject is None:
            return False
        clause_start = start + match.end()
        clause_end = end
        while clause_end > clause_start and paragraph.text[clause_end - 1] in ".!? ":
            clause_end -= 1
        if _word_count(paragraph.text[clause_start:clause_end]) < 4:
            return False
        entity = self._resolve(Attribution(subject[0], subject[1], match.group(1).split()[0]))
        if entity is None:
            return False
        span = QuoteSpan(clause_start - 1, clause_end, clause_start, clause_end)
        self.found.append(
            _Found(span, paragraph, entity, match.group(1).split()[0].lower(), "indirect")
        )
        self.chain = entity
        return True

    def _pull_quotes(self, quotes: list[Quote]) -> list[Quote]:
        pulled: list[Quote] = []
        originals = [q for q in quotes if q.kind != "indirect"]
        for paragraph in self.paragraphs:
            if paragraph.kind != "pull_quote":
                continue
            spans = find_spans(paragraph.text)
            if not spans:
                continue
            span = spans[0]
            start, end = paragraph.start + span.inner_start, paragraph.start + span.inner_end
            grams = _ngrams(_words(self.text[start:end]), 4)
            best = max(
                originals,
                key=lambda q: len(grams & _ngrams(_words(q.text), 4)),
                default=None,
            )
            if best is None or not grams & _ngrams(_words(best.text), 4):
                continue
            pulled.append(
                Quote(
                    quote_id=_id(self.doc_id, start, end),
                    doc_id=self.doc_id,
                    paragraph=paragraph.number,
                    start=start,
                    end=end,
                    text=self.text[start:end],
                    speaker=best.speaker,
                    speaker_title=best.speaker_title,
                    cue=None,
                    kind="direct",
                    repeats=best.quote_id,
                )
            )
        return pulled


def extract(doc_id: str, text: str, paragraphs: tuple[Paragraph, ...]) -> Extraction:
    """Quotes (with speakers), facts and speakers of one document."""
    return extract_many([(doc_id, text, paragraphs)])[0]


def extract_each(
    documents: Iterable[tuple[str, str, tuple[Paragraph, ...]]],
) -> Iterator[Extraction]:
    """``extract`` for each ``(doc_id, text, paragraphs)``, in order, yielded as each is
    done, with spaCy run once per text and the texts batched through ``nlp.pipe``."""
    piped, documents = itertools.tee(documents)
    analysed = analyse_each([p.text for p in paragraphs] for _, _, paragraphs in piped)
    for (doc_id, text, paragraphs), docs in zip(documents, analysed, strict=True):
        yield _Extractor(doc_id, text, paragraphs, docs).run()


def extract_many(
    documents: Sequence[tuple[str, str, tuple[Paragraph, ...]]],
) -> list[Extraction]:
    """``extract_each`` as a list."""
    return list(extract_each(documents))


__all__ = ["Extraction", "extract", "extract_each", "extract_many"]
