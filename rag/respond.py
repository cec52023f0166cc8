"""Steps 4 and 5 of the answer path: compose an answer from ranked candidates, verified.

Every statement is verbatim source text (a quote with its speaker named, or a source
sentence) with its citation; statements that fail verification are dropped, and an
answer with none left abstains. The answer is given when the best candidate's fitted
probability reaches the model's threshold; that probability is ``Answer.confidence``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from index.lexicon import HONORIFICS
from index.names import honorific_gender
from index.sentences import sentence_around
from index.types import Fact, Quote, Speaker
from rag.candidates import Candidate, Corpus
from rag.compose import display_name, quote_citation, render, speaker_lead
from rag.generators import Generator
from rag.rank import Model, Ranked
from rag.types import Answer, Citation
from rag.verify import Statement, unsupported_words, verified, violations

NOT_FOUND = "The indexed articles don't answer this."
NOT_ENGLISH = "I can only answer questions in English."
PER_PERSON_IN_LIST = 2  # a list names each person with up to this many quotes on the topic
PER_SPEAKER = 2  # quotes of one speaker in an answer that is not about them
# A quote that opens by pointing back ("This context creates ...") says little alone.
_POINTS_BACK = re.compile(
    r"^\W*(?:this|that|these|those|such|it|they|but|however|yet|and|so)\b", re.I
)


_SENTENCE_END = re.compile(r"[.!?][”’\"']?\s")
_OPENING = "“‘\"'"
_CLOSING = "”’\"'"


@dataclass(frozen=True)
class Composer:
    """What composing needs besides the ranked candidates."""

    corpus: Corpus
    find_speaker: Callable[[str], Speaker | None]
    model: Model
    generator: Generator | None = None  # optional rephrasing, used only when it verifies
    names: frozenset[str] = field(default=frozenset())  # words of speakers' names and titles

    def statement(self, candidate: Candidate, attributed: bool = False) -> Statement:
        """The candidate as a line of the answer; ``attributed`` shows a quote in its
        sentence, which names who said it (the evidence for "who said ...")."""
        s = candidate.statement
        if isinstance(s, Fact):
            return fact_statement(s)
        return quote_statement(self.corpus, self.find_speaker, s, attributed)


def fact_statement(fact: Fact) -> Statement:
    """A source sentence as a line of an answer, led by its source when the sentence does
    not name it (a reader's letter, signed below it: "**Toni LeAnn Williams**: ...")."""
    lead = f"**{fact.source}**: " if fact.source and fact.source not in fact.text else ""
    citation = Citation(fact.doc_id, fact.paragraph, fact.start, fact.end, fact.text)
    return Statement(lead, fact.text, citation)


def quote_statement(
    corpus: Corpus,
    find_speaker: Callable[[str], Speaker | None],
    quote: Quote,
    attributed: bool = False,
) -> Statement:
    """A quote as a line of an answer, its speaker named in front; ``attributed`` shows it
    in its sentence, which names who said it."""
    if quote.speaker is None:  # who said it is not known: the sentence shows what is
        return _sentence(corpus, quote, "")
    speaker = find_speaker(quote.speaker)
    lead = speaker_lead(speaker, quote.speaker)
    surname = surname_of(speaker, quote.speaker)
    if surname is not None:
        full = corpus.full_name(quote.doc_id, surname, honorific_gender_of(speaker))
        if full != surname:
            lead = lead.replace(f"**{display_name(speaker, quote.speaker)}**", f"**{full}**", 1)
    if quote.kind == "direct" and not attributed:
        run = said_together(corpus, quote)
        if run is not None:
            return Statement(lead, run.text, run)
        if not _is_fragment(corpus.documents[quote.doc_id].text, quote):
            return Statement(lead, quote.text, quote_citation(quote), quoted=True)
    return _sentence(corpus, quote, lead, continued=not attributed)


def _sentence(corpus: Corpus, quote: Quote, lead: str, continued: bool = False) -> Statement:
    """A partial or indirect quote is shown in its sentence; ``continued``, with the same
    speaker's quotes that run on from it (Teachers are “looking to see ...,” García said.
    “That’s got to scare an educator.”)."""
    document = corpus.documents[quote.doc_id]
    paragraph = document.paragraph(quote.paragraph)
    start, end = sentence_around(
        paragraph.text, quote.start - paragraph.start, quote.end - paragraph.start
    )
    start, end = paragraph.start + start, paragraph.start + end
    run = said_together(corpus, quote) if continued and quote.speaker else None
    if run is not None and start <= run.start and run.end > end:
        end = run.end
    text = document.text[start:end]
    shown = re.match(r"\*\*(.+?)\*\*", lead)
    if shown is not None and shown.group(1) in text:
        lead = ""  # the sentence names them itself, as fully as the lead would
    citation = Citation(quote.doc_id, quote.paragraph, start, end, text, quote.speaker)
    return Statement(lead, text, citation)


def surname_of(speaker: Speaker | None, name: str) -> str | None:
    """The surname a speaker is quoted under, which the article may write in full
    elsewhere: a one-word name ("Trump"), or a longer one that only ever follows an
    honorific ("Mr. Guajardo Villarreal"); None for a name that is already full."""
    if " " not in name.strip():
        return name
    if speaker is None or speaker.name != name:
        return None
    before = [a[: -len(name) - 1] for a in speaker.aliases if a.endswith(" " + name)]
    return name if before and all(b.lower() in HONORIFICS for b in before) else None


def honorific_gender_of(speaker: Speaker | None) -> str | None:
    """The gender the honorifics the articles give a speaker agree on ("Mr. Obama": "m"),
    else None."""
    if speaker is None:
        return None
    said = {honorific_gender(a.split()[0]) for a in speaker.aliases if " " in a} - {None}
    return said.pop() if len(said) == 1 else None


def _is_fragment(text: str, quote: Quote) -> bool:
    """Whether the quote is words inside a sentence that goes on after it (Bush said
    “local forces” must lead the way): no stop or comma of its own, and the sentence
    continues in lower case right after the closing mark. Shown alone it would misstate
    what was said, so it is shown in its sentence."""
    if quote.text.rstrip()[-1:] in {".", ",", "!", "?", ";", ":", "…"}:
        return False
    after = text[quote.end : quote.end + 3]
    return re.match(r"[”’\"']? [a-z]", after) is not None


def said_together(corpus: Corpus, quote: Quote) -> Citation | None:
    """The quote with the same speaker's quotes beside it in its paragraph, as the
    article runs them (“A,” she said, and “B.”): verbatim from the first opening mark to
    the last closing one. Quotes run together when only their cue stands between them
    (“A,” she said. “B.”: a cue word of theirs, and no sentence that ends before the next
    opening mark); None when the quote stands alone."""
    document = corpus.documents[quote.doc_id]
    text = document.text
    around = [q for q in corpus.quotes_of(quote.doc_id) if q.paragraph == quote.paragraph]
    around.sort(key=lambda q: q.start)
    at = next((i for i, q in enumerate(around) if q.quote_id == quote.quote_id), None)
    if at is None:
        return None

    def joined(a: Quote, b: Quote) -> bool:
        gap = text[a.end : b.start]
        ends = list(_SENTENCE_END.finditer(gap))
        cues = {c.lower() for c in (a.cue, b.cue) if c}
        return (
            a.speaker == b.speaker
            and a.kind != "indirect"
            and b.kind != "indirect"
            and a.end <= b.start
            and any(w in cues for w in re.findall(r"[\w’']+", gap.lower()))
            and (not ends or (len(ends) == 1 and not gap[ends[0].end() :].strip(_OPENING)))
        )

    first = last = at
    while first > 0 and joined(around[first - 1], around[first]):
        first -= 1
    while last + 1 < len(around) and joined(around[last], around[last + 1]):
        last += 1
    if first == last:
        return None
    paragraph = document.paragraph(quote.paragraph)
    start, end = around[first].start, around[last].end
    if start > paragraph.start and text[start - 1] in _OPENING:
        start -= 1
    if text[end : end + 1] in {",", "."} and text[end + 1 : end + 2] in set(_CLOSING):
        end += 1  # the comma the article sets inside the closing mark
    if end < paragraph.end and text[end] in _CLOSING:
        end += 1
    return Citation(quote.doc_id, quote.paragraph, start, end, text[start:end], quote.speaker)


def antecedent(corpus: Corpus, quote: Quote) -> Quote | None:
    """The same speaker's quote just before one that opens by pointing back at it."""
    if not _POINTS_BACK.match(quote.text):
        return None
    earlier = [
        x
        for x in corpus.quotes_of(quote.doc_id)
        if x.speaker == quote.speaker
        and x.end <= quote.start
        and quote.paragraph - x.paragraph <= 1
    ]
    return max(earlier, key=lambda x: x.end) if earlier else None


def _with_antecedents(corpus: Corpus, chosen: list[Candidate]) -> list[Candidate]:
    out: list[Candidate] = []
    keys = {c.key for c in chosen}
    for c in chosen:
        before = antecedent(corpus, c.statement) if isinstance(c.statement, Quote) else None
        if before is not None and (before.doc_id, before.start, before.end) not in keys:
            out.append(replace(c, statement=before))
            keys.add((before.doc_id, before.start, before.end))
        out.append(c)
    return out


def _with_lists(corpus: Corpus, lines: list[Statement]) -> list[Statement]:
    """Each source sentence that ends its paragraph announcing a list ("Clinton has the
    following tasks ahead of her tonight:") followed by the paragraph that holds the list.
    Not a quote's line: what follows it may be anyone's words, shown under no name."""
    out: list[Statement] = []
    for line in lines:
        out.append(line)
        c = line.citation
        if c.speaker is not None or line.lead or not c.text.rstrip().endswith(":"):
            continue
        document = corpus.documents[c.doc_id]
        if document.text[c.end : document.paragraph(c.paragraph).end].strip():
            continue  # the paragraph goes on after the colon
        if c.paragraph + 1 > len(document.paragraphs):
            continue
        listed = document.paragraph(c.paragraph + 1)
        citation = Citation(c.doc_id, listed.number, listed.start, listed.end, listed.text)
        out.append(Statement("", listed.text, citation))
    return out


def _generated(
    composer: Composer, question: str, statements: list[Statement], citations: list[Citation]
) -> str | None:
    """The optional generator's answer, only if it passes verification."""
    if composer.generator is None or len(citations) != len(statements):
        return None
    text = composer.generator.generate(question, statements)
    if not text or not re.search(r"\[\d+\]", text):
        return None
    candidate = Answer(question, text, citations, False)
    if violations(composer.corpus, candidate) or unsupported_words(candidate, composer.names):
        return None
    return text


def _about(candidate: Candidate, person: Speaker, names: frozenset[str]) -> bool:
    """The statement is the person's (``names``: every name they are quoted under), or
    names them."""
    if candidate.speaker in names:
        return True
    return any(form in candidate.statement.text for form in (person.name, *person.aliases))


def abstain(
    question: str, message: str, kind: str, confidence: float = 0.0, speaker: str | None = None
) -> Answer:
    """A refusal; ``speaker``, the quoted person it was about, is who a follow-up's "he"
    or "she" means ("Is Graham quoted on X?" refused, then "Does he think Y?")."""
    return Answer(question, message, [], True, intent=kind, speaker=speaker, confidence=confidence)


def _chosen(ranked: Ranked, cap: int, person: frozenset[str], floor: float) -> list[Candidate]:
    """The best candidate and the next ones close to it, at most ``PER_SPEAKER`` quotes of
    anyone but the person asked about (``person``: the names they are quoted under)."""
    items = ranked.items
    if person:  # about a person: their own words first
        own = [(c, p) for c, p in items if c.speaker in person]
        items = tuple(own + [(c, p) for c, p in items if c.speaker not in person])
    best = items[0][1]
    chosen: list[Candidate] = []
    per_speaker: dict[str | None, int] = {}
    for candidate, probability in items:
        if len(chosen) >= cap:
            break
        if chosen and probability < best * floor:
            continue
        speaker = candidate.speaker
        if (
            speaker is not None
            and speaker not in person
            and per_speaker.get(speaker, 0) >= PER_SPEAKER
        ):
            continue
        per_speaker[speaker] = per_speaker.get(speaker, 0) + 1
        chosen.append(candidate)
    return chosen


def _with_companion(
    ranked: Ranked, chosen: list[Candidate], person: frozenset[str], cap: int
) -> list[Candidate]:
    """The person's best statement with its companion: news gives someone's words as a
    paraphrase and a quote side by side ("He said the changes were an improvement." /
    "“The basic contradiction ...,” Frelick said."), so the same speaker's best-ranked
    other statement in the paragraph before, the same or the one after joins it, in the
    article's order, in place of the answer's last other statement when the answer is full."""
    best = next((c for c in chosen if c.speaker in person), None)
    if best is None:
        return chosen
    s = best.statement
    taken = {c.key for c in chosen}
    companion = next(
        (
            c
            for c, _ in ranked.items
            if c.speaker == best.speaker
            and c.key not in taken
            and c.statement.doc_id == s.doc_id
            and abs(c.statement.paragraph - s.paragraph) <= 1
            and (c.statement.end <= s.start or c.statement.start >= s.end)
        ),
        None,
    )
    if companion is None:
        return chosen
    out = list(chosen)
    if len(out) >= cap:
        drop = next((c for c in reversed(out) if c is not best), None)
        if drop is None or drop.speaker in person:
            return chosen  # full of the person's own words already
        out.remove(drop)
    at = out.index(best)
    out.insert(at if companion.statement.start < s.start else at + 1, companion)
    return out


def compose(ranked: Ranked, composer: Composer, limit: int) -> Answer:
    """The answer for ``ranked`` candidates (or an abstention)."""
    a = ranked.candidates.analysis
    question, kind = a.text, a.kind
    if not a.english:
        return abstain(question, NOT_ENGLISH, kind)
    if a.kind == "speaker" and a.person is None and a.unknown_person:
        return abstain(question, f"{a.unknown_person} is not quoted in the indexed articles.", kind)
    person_asked = a.person if kind == "speaker" else None
    asked = person_asked.name if person_asked is not None else None
    missing = ranked.candidates.missing_names
    if missing:  # a name no article writes: nothing indexed can answer
        message = f"The indexed articles don't mention {', '.join(missing)}."
        return abstain(question, message, kind, speaker=asked)
    if len(a.content_words) >= 2 and ranked.candidates.unknown_words >= 1.0:
        # no word of the question is in any article ("How do I bake sourdough bread?")
        return abstain(question, NOT_FOUND, kind, ranked.confidence, asked)
    confidence = ranked.confidence
    off_topic = (
        f"{display_name(person_asked, person_asked.name)} is quoted in the indexed articles, "
        "but not on that."
        if person_asked is not None
        else NOT_FOUND
    )
    if person_asked is not None and not a.lemmas:  # "What did X say?": all is on topic
        own = [c for c, _ in ranked.items if c.speaker in a.person_names]
        own.sort(key=lambda c: (c.statement.doc_id, c.statement.start))
        if not own:  # all of it given already ("What else did she say?")
            name = display_name(person_asked, person_asked.name)
            message = f"{name} has nothing more quoted in the indexed articles."
            return abstain(question, message, kind, speaker=asked)
        return _answer(ranked, composer, own[:limit], person_asked.name, 1.0)
    if not ranked.items or confidence < composer.model.threshold:
        return abstain(question, off_topic, kind, confidence, asked)
    if kind == "people":
        return _people(ranked, composer, confidence)
    person = a.person.name if a.person is not None else None
    cap = min(limit, composer.model.cap_for(kind))  # limit: the user's, else the config's
    # only a question about the person's words puts their quotes first; in a question of
    # fact about them ("What share of the vote did X win?") the person is the topic
    speaker_first = a.person_names if person_asked is not None else frozenset()
    chosen = _chosen(ranked, cap, speaker_first, composer.model.floor_for(kind))
    if speaker_first:
        chosen = _with_companion(ranked, chosen, speaker_first, cap)
    if person_asked is not None and not any(
        _about(c, person_asked, a.person_names) for c in chosen
    ):
        return abstain(question, off_topic, kind, confidence, asked)
    return _answer(ranked, composer, chosen, person, confidence)


def _answer(
    ranked: Ranked,
    composer: Composer,
    chosen: list[Candidate],
    person: str | None,
    confidence: float,
) -> Answer:
    """The chosen statements, verified and rendered with their citations."""
    a = ranked.candidates.analysis
    question, kind = a.text, a.kind
    chosen = _with_antecedents(composer.corpus, chosen)
    attributed = kind == "who_said"
    lines = [composer.statement(c, attributed) for c in chosen]
    lines = _with_lists(composer.corpus, lines)
    statements = verified(composer.corpus, _distinct(lines))
    if not statements:
        return abstain(question, NOT_FOUND, kind, confidence)
    text, citations = render("", statements)
    text = _generated(composer, question, statements, citations) or text
    quotes = [c.statement for c in chosen if isinstance(c.statement, Quote)]
    speakers = {q.speaker for q in quotes}
    speaker = person or (quotes[0].speaker if len(speakers) == 1 and quotes else None)
    return Answer(
        question, text, citations, False, quotes, [], kind, speaker, confidence=confidence
    )


def _people(ranked: Ranked, composer: Composer, confidence: float) -> Answer:
    """Who was quoted about the topic: each person whose best quote reaches the list
    threshold, with up to ``PER_PERSON_IN_LIST`` of their quotes that reach it."""
    names: dict[str, str] = {}  # speaker -> the name they are listed under
    theirs: dict[str, list[Candidate]] = {}  # by that name: two speakers it joins are one
    for candidate, probability in ranked.items:
        speaker = candidate.speaker
        if speaker and probability >= composer.model.list_threshold:
            if speaker not in names:
                names[speaker] = _listed_name(composer, speaker, candidate)
            theirs.setdefault(names[speaker], []).append(candidate)
    lines: list[Statement] = []
    quotes: list[Quote] = []
    people = 0
    for name, candidates in theirs.items():
        lead = f"**{name}**: "
        mine: list[Statement] = []
        for candidate in candidates:  # best first
            said = composer.statement(candidate)
            line = Statement(lead, said.body, said.citation, said.quoted)
            if _repeats(line, mine) or not verified(composer.corpus, [line]):
                continue
            mine.append(line)
            if isinstance(candidate.statement, Quote):
                quotes.append(candidate.statement)
            if len(mine) == PER_PERSON_IN_LIST:
                break
        lines += mine
        people += bool(mine)
    a = ranked.candidates.analysis
    if not lines:
        return abstain(a.text, NOT_FOUND, a.kind, confidence)
    intro = f"Quoted on this: {people} {'person' if people == 1 else 'people'}."
    text, citations = render(intro, lines, bullets=True)
    return Answer(a.text, text, citations, False, quotes, [], a.kind, confidence=confidence)


def _listed_name(composer: Composer, speaker: str, first: Candidate) -> str:
    """A listed person's name, a one-word name completed from the article of their best
    quote ("Clinton" there may be "Hillary Clinton", listed once)."""
    known = composer.find_speaker(speaker)
    name = display_name(known, speaker)
    surname = surname_of(known, speaker)
    if surname is None:
        return name
    full = composer.corpus.full_name(first.statement.doc_id, surname, honorific_gender_of(known))
    return name if full == surname else full


def _repeats(line: Statement, given: list[Statement]) -> bool:
    """Whether the line's source text is all inside one already given (two quotes of a
    sentence shown whole are one line; a line that adds words is not a repeat)."""
    c = line.citation
    return any(
        o.citation.doc_id == c.doc_id and o.citation.start <= c.start and c.end <= o.citation.end
        for o in given
    )


def _distinct(statements: list[Statement]) -> list[Statement]:
    """Statements whose source text does not repeat one already given."""
    out: list[Statement] = []
    for s in statements:
        c = s.citation
        if any(
            o.citation.doc_id == c.doc_id and o.citation.start < c.end and c.start < o.citation.end
            for o in out
        ):
            continue
        out.append(s)
    return out
