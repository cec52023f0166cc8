"""Step 2 of the answer path: candidate statements for a question, from hybrid retrieval.

A candidate is one quote or one source sentence (a fact) with the retrieval evidence the
ranker weighs: its own cosine similarity and BM25 score, and the fused score and rank of
its paragraph. Candidates come from the best paragraphs, the best statements, and, for
a question about a person, every quote of that person.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

import numpy as np

from index.lexicon import HONORIFICS, TITLE_WORDS
from index.names import of_gender, one_person, without_possessive, without_titles
from index.nlp import entities_of
from index.pipeline import Unit
from index.store_protocol import Store
from index.types import Document, Fact, Quote
from rag.places import abbreviated_states
from rag.retrieval import Retriever
from rag.understand import Analysis

PARAGRAPH_DEPTH = 12  # paragraphs whose statements are candidates
STATEMENT_DEPTH = 30  # best statements taken whatever their paragraph
LIST_PARAGRAPHS = 3  # a list question takes every quote of these best paragraphs' articles
RETRIEVAL_DEPTH = 240  # indexed views fetched by each of the dense and keyword searches

Statement = Quote | Fact


@dataclass(frozen=True)
class Candidate:
    """One statement that may answer, with its retrieval scores."""

    statement: Statement
    dense: float  # cosine similarity of the question and the statement (best view)
    dense_topic: float  # cosine similarity of the question's topic and the statement
    keyword: float  # the statement's BM25 score over the best one's (0: no keyword hit)
    paragraph_score: float  # fused score of its paragraph (0: not among the best)
    paragraph_rank: int  # 1 for the best paragraph; 0 when not among them
    paragraph_text: str
    document_text: str
    in_title: bool = False  # the statement is the article's headline
    # the best fused score of the two paragraphs before its own (0: neither retrieved):
    # news names a topic in one paragraph and quotes on it in the next ones
    preceding_score: float = 0.0

    @property
    def is_quote(self) -> bool:
        return isinstance(self.statement, Quote)

    @property
    def speaker(self) -> str | None:
        return self.statement.speaker if isinstance(self.statement, Quote) else None

    @property
    def key(self) -> tuple[str, int, int]:
        s = self.statement
        return (s.doc_id, s.start, s.end)


@dataclass(frozen=True)
class Candidates:
    analysis: Analysis
    items: tuple[Candidate, ...]
    top_doc: str | None  # the document of the best paragraph
    unknown_words: float = 0.0  # share of the question's content words no article uses
    unknown_names: float = 0.0  # share of the names it mentions that no article writes
    missing_names: tuple[str, ...] = ()  # those names
    weights: tuple[tuple[str, float], ...] = ()  # the question's word keys with their IDF


_TABLES = (
    "statements",
    "by_id",
    "quotes_by_speaker",
    "_quotes_by_document",
    "_vectors",
    "spelled_acronyms",
    "abbreviated_states",
    "key_frequency",
)


class Corpus:
    """What candidate gathering needs of one index snapshot, derived once."""

    def __init__(self, store: Store) -> None:
        self.store = store

    @cached_property
    def documents(self) -> Mapping[str, Document]:
        return self.store.documents

    def prepare(self) -> None:
        """Build every table now (each is otherwise built when a question first needs it)."""
        for table in _TABLES:
            getattr(self, table)

    @cached_property
    def statements(self) -> dict[tuple[str, int], list[Statement]]:
        """The quotes (first occurrences) and facts of each paragraph, in text order."""
        found: dict[tuple[str, int], list[Statement]] = defaultdict(list)
        for q in self.store.quotes:
            if q.repeats is None:
                found[(q.doc_id, q.paragraph)].append(q)
        for f in self.store.facts:
            found[(f.doc_id, f.paragraph)].append(f)
        for items in found.values():
            items.sort(key=lambda s: s.start)
        return dict(found)

    @cached_property
    def by_id(self) -> dict[str, Statement]:
        out: dict[str, Statement] = {q.quote_id: q for q in self.store.quotes}
        out.update({f.fact_id: f for f in self.store.facts})
        return out

    @cached_property
    def quotes_by_speaker(self) -> dict[str, list[Quote]]:
        found: dict[str, list[Quote]] = defaultdict(list)
        for q in self.store.quotes:
            if q.speaker and q.repeats is None:
                found[q.speaker].append(q)
        return dict(found)

    @cached_property
    def _quotes_by_document(self) -> dict[str, list[Quote]]:
        found: dict[str, list[Quote]] = defaultdict(list)
        for q in self.store.quotes:
            if q.repeats is None:
                found[q.doc_id].append(q)
        return dict(found)

    def quotes_of(self, doc_id: str) -> list[Quote]:
        return self._quotes_by_document.get(doc_id, [])

    @cached_property
    def _vectors(self) -> tuple[np.ndarray, dict[str, list[int]]]:
        units: list[Unit] = self.store.units
        rows: dict[str, list[int]] = defaultdict(list)
        for i, u in enumerate(units):
            if u.kind in ("quote", "fact"):
                rows[u.unit_id].append(i)
        return self.store.view_vectors(), dict(rows)

    def similarity(self, query: np.ndarray, statement_ids: list[str]) -> dict[str, float]:
        """Cosine similarity of ``query`` and each statement (its best indexed view)."""
        vectors, rows = self._vectors
        wanted = [(sid, r) for sid in statement_ids for r in rows.get(sid, [])]
        if not wanted or vectors.size == 0:
            return {}
        scores = vectors[[r for _, r in wanted]] @ query.astype(np.float32)
        best: dict[str, float] = {}
        for (sid, _), score in zip(wanted, scores, strict=True):
            best[sid] = max(best.get(sid, -1.0), float(score))
        return best

    def document(self, doc_id: str) -> Document:
        return self.documents[doc_id]

    @cached_property
    def spelled_acronyms(self) -> frozenset[str]:
        """The acronyms the articles spell out without writing them: the initials of
        every stretch of a capitalised name run ("Republican National Committee" spells
        RNC and NC; "Securities and Exchange Commission", SEC)."""
        found: set[str] = set()
        for document in self.documents.values():
            for run in _NAME_RUN.finditer(document.text):
                capitals = [w[0] for w in run.group().split() if w[0].isupper()]
                for start in range(len(capitals)):
                    for end in range(start + 2, min(len(capitals), start + 6) + 1):
                        found.add("".join(capitals[start:end]))
        return frozenset(found)

    @cached_property
    def abbreviated_states(self) -> frozenset[str]:
        """The US states the articles write by their AP abbreviation ("Conn.")."""
        found: set[str] = set()
        for document in self.documents.values():
            found |= abbreviated_states(document.text)
        return frozenset(found)

    @cached_property
    def key_frequency(self) -> tuple[dict[str, int], int]:
        """In how many paragraphs each word key occurs, and the number of paragraphs."""
        from rag.features import keys

        counts: dict[str, int] = defaultdict(int)
        total = 0
        for document in self.documents.values():
            for paragraph in document.paragraphs:
                total += 1
                for k in keys(paragraph.text):
                    counts[k] += 1
        return dict(counts), max(1, total)

    def full_name(self, doc_id: str, name: str, gender: str | None = None) -> str:
        """A speaker's surname ("Trump", "Guajardo Villarreal") as the article writes the
        name in full elsewhere ("Donald Trump"), not a title ("President Trump", "Sen.
        Cruz"); the name itself when the article names no one, or two people, that way.
        ``gender`` ("m", "f"), the one an honorific gives the speaker ("Mr. Obama"), rules
        out full names whose given name says the other ("Michelle Obama")."""
        if doc_id not in self.documents:
            return name
        key = (doc_id, name, gender)
        if key not in self._full_names:
            self._full_names[key] = _full_name(self.documents[doc_id], name, gender)
        return self._full_names[key]

    @cached_property
    def _full_names(self) -> dict[tuple[str, str, str | None], str]:
        return {}

    def paragraph_text(self, doc_id: str, number: int) -> str:
        return self.documents[doc_id].paragraph(number).text


def _full_name(document: Document, surname: str, gender: str | None = None) -> str:
    """The full name the PERSON entities of ``document`` give ``surname`` when they name
    one person of the speaker's ``gender`` (only the paragraphs that write the surname after
    a possible given name are read); the surname itself when they name two ("Michelle
    Obama" beside "Barack Obama") or none."""
    # an article may write one name with either apostrophe ("O'Neill", "James O’Neill")
    written = re.escape(_straight(surname)).replace("'", "['’]")
    given = re.compile(rf"(?<![\w’'])([\w.’'-]+)\s+{written}(?![\w])")
    last = [_straight(w) for w in surname.split()]
    full: Counter[str] = Counter()
    for paragraph in document.paragraphs:
        if not any(_could_be_given_name(m.group(1)) for m in given.finditer(paragraph.text)):
            continue  # only "President Obama", "said Obama": no entity recogniser needed
        for ent in _people(paragraph.text):
            words = without_titles(without_possessive(ent).split())  # "Donald Trump’s gains"
            if len(words) > len(last) and [_straight(w) for w in words[-len(last) :]] == last:
                full[" ".join(words)] += 1
    # "Mr. Obama" is not Michelle Obama, even where she is the only Obama written in full
    return one_person(of_gender(full, gender)) or surname


def _straight(word: str) -> str:
    return word.replace("’", "'")


# a run of capitalised words, joined by the small words names keep ("Bank of America")
_NAME_RUN = re.compile(r"[A-Z][\w’'.&-]*(?:\s+(?:(?:of|and|for|the|on)\s+)*[A-Z][\w’'.&-]*)+")
_ACRONYM = re.compile(r"[A-Z]{2,6}")  # a word of capitals a name run may spell
_DOTTED = re.compile(r"(?<![\w.])(?:[A-Z]\.){2,6}")  # an acronym written with stops: "U.S."

_NAME_PARTICLES = frozenset(
    {"de", "da", "di", "del", "della", "van", "von", "la", "le", "bin", "al"}
)


def _could_be_given_name(word: str) -> bool:
    """Whether the word before a surname can be part of a full name: capitalised (or a
    particle such as "de"), and not a title ("Sen.", "President") or honorific."""
    if word.lower() in _NAME_PARTICLES:
        return True
    return (
        word[:1].isupper()
        and word.lower().rstrip(".") not in TITLE_WORDS
        and word.lower() not in HONORIFICS
    )


@lru_cache(maxsize=4096)
def _people(text: str) -> tuple[str, ...]:
    """The PERSON entities of a paragraph, in order (read once per paragraph)."""
    return tuple(e.text for e in entities_of(text).ents if e.label_ == "PERSON")


def statement_id(statement: Statement) -> str:
    return statement.quote_id if isinstance(statement, Quote) else statement.fact_id


def gather(
    analysis: Analysis, retriever: Retriever, corpus: Corpus, exclude: frozenset[tuple[str, int]]
) -> Candidates:
    """The candidate statements for ``analysis`` (``exclude``: (doc_id, start) already
    given in the previous answer)."""
    query = analysis.text
    scope = retriever.scope
    scored = retriever.units(query, depth=RETRIEVAL_DEPTH)  # one dense and one BM25 search
    weight = retriever.config.keyword_weight
    paragraphs: dict[tuple[str, int], float] = {}
    keyword: dict[str, float] = {}
    statements: list[tuple[float, str]] = []
    for hit in scored:
        unit = hit.unit
        if unit.kind == "paragraph":
            at = (unit.doc_id, unit.paragraph)
            paragraphs[at] = max(paragraphs.get(at, -1.0), hit.score)
        else:
            keyword[unit.unit_id] = (hit.score - hit.dense) / weight if weight else 0.0
            statements.append((hit.score, unit.unit_id))
    best = sorted(paragraphs.items(), key=lambda item: -item[1])[:PARAGRAPH_DEPTH]
    paragraph_of = {at: (score, rank) for rank, (at, score) in enumerate(best, 1)}
    chosen: dict[str, Statement] = {}
    for at, _ in best:
        for s in corpus.statements.get(at, []):
            chosen[statement_id(s)] = s
    for _, sid in sorted(statements, reverse=True)[:STATEMENT_DEPTH]:
        found = corpus.by_id.get(sid)
        if found is not None:
            chosen.setdefault(sid, found)
    for name in sorted(analysis.person_names):
        for q in corpus.quotes_by_speaker.get(name, []):
            if scope is None or q.doc_id in scope:
                chosen.setdefault(q.quote_id, q)
    if analysis.kind == "people":  # everyone quoted in the articles the topic is in
        for doc_id in dict.fromkeys(at[0] for at, _ in best[:LIST_PARAGRAPHS]):
            for q in corpus.quotes_of(doc_id):
                chosen.setdefault(q.quote_id, q)
    for key in analysis.context:  # a follow-up leans on the paragraphs cited before
        doc_id, number = key.rsplit("#", 1)
        for s in corpus.statements.get((doc_id, int(number)), []):
            chosen.setdefault(statement_id(s), s)
    chosen = {
        sid: s
        for sid, s in chosen.items()
        if (s.doc_id, s.start) not in exclude and (scope is None or s.doc_id in scope)
    }
    dense = corpus.similarity(retriever.embed_query(query), list(chosen))
    topic = analysis.topic or query
    on_topic = (
        dense if topic == query else corpus.similarity(retriever.embed_query(topic), list(chosen))
    )
    items = []
    for sid, s in chosen.items():
        score, rank = paragraph_of.get((s.doc_id, s.paragraph), (0.0, 0))
        items.append(
            Candidate(
                s,
                dense.get(sid, 0.0),
                on_topic.get(sid, 0.0),
                keyword.get(sid, 0.0),
                score,
                rank,
                corpus.paragraph_text(s.doc_id, s.paragraph),
                corpus.documents[s.doc_id].text,
                corpus.documents[s.doc_id].paragraph(s.paragraph).kind == "title",
                max(paragraphs.get((s.doc_id, s.paragraph - back), 0.0) for back in (1, 2)),
            )
        )
    return Candidates(
        analysis,
        tuple(items),
        best[0][0][0] if best else None,
        _unknown_share(analysis.content_words, retriever.store),
        _unknown_share(analysis.entities, retriever.store, corpus),
        _missing_names(analysis.entities, retriever.store, corpus),
        _weights(analysis, corpus),
    )


def _weights(analysis: Analysis, corpus: Corpus) -> tuple[tuple[str, float], ...]:
    from rag.features import key

    counts, total = corpus.key_frequency
    found = {key(w): math.log(1 + total / (1 + counts.get(key(w), 0))) for w in analysis.lemmas}
    return tuple(sorted(found.items()))


def _unknown_share(terms: tuple[str, ...], store: Store, corpus: Corpus | None = None) -> float:
    """The share of ``terms`` (each all of its words) that the index never uses; with
    ``corpus``, an acronym the articles only spell out ("EU": "European Union") is used."""
    if not terms:
        return 0.0
    unknown = sum(not all(w for _, w in _words_written(t, store, corpus)) for t in terms)
    return unknown / len(terms)


def _missing_names(terms: tuple[str, ...], store: Store, corpus: Corpus) -> tuple[str, ...]:
    """The names no article writes: a capitalised word of theirs is not in the index (their
    lower-case words are no part of the name: "anti-Clinton" is written where "Clinton" is)."""
    missing = []
    for term in terms:
        words = _words_written(term, store, corpus)
        named = [w for word, w in words if word[:1].isupper()] or [w for _, w in words]
        if not all(named):
            missing.append(term)
    return tuple(missing)


def _words_written(term: str, store: Store, corpus: Corpus | None) -> list[tuple[str, bool]]:
    """The words of ``term``, each with whether the index uses it ("U.S." and "Connecticut"
    count as written where the articles say "United States" and "Conn.")."""
    spelled = corpus.spelled_acronyms if corpus is not None else frozenset()

    def written(word: str) -> bool:
        if store.vocabulary_has(word.lower()):
            return True
        return _ACRONYM.fullmatch(word) is not None and word in spelled

    for dotted in _DOTTED.findall(term):  # "U.S." where the article says "United States"
        if dotted.replace(".", "") in spelled:
            term = term.replace(dotted, " ")
    for state in corpus.abbreviated_states if corpus is not None else ():
        term = term.replace(state, " ")  # "Connecticut" where the article says "Conn."
    return [(w, written(w)) for w in re.findall(r"[^\W_]+", term)]
