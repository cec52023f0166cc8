"""What the ranker sees of a candidate: one row of numbers per candidate statement.

Every feature is a measurement (similarities, overlaps, matches of speaker and answer
type); how much each counts is fitted on question sets (``eval/fit_ranker.py``), not
chosen by hand. ``FEATURES`` names the columns; the weights file must list the same.
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np

from index.lexicon import REPORTING_VERBS
from index.nlp import load_nlp
from rag.candidates import Candidates
from rag.places import place_key
from rag.text import family, word_set, words

KINDS = ("speaker", "who_said", "people", "opinion", "fact", "open")
_BASE = (
    "dense",
    "dense_gap",
    "keyword",
    "paragraph_score",
    "paragraph_top",
    "paragraph_rr",
    "overlap",
    "overlap_paragraph",
    "entity_cover",
    "is_quote",
    "speaker_match",
    "other_speaker",
    "person_in_paragraph",
    "unknown_person",
    "type_wanted",
    "type_match",
    "top_document",
    "context",
    "named_speaker",
    "log_length",
    "wording_short",
    "unknown_words",
    "unknown_names",
    "document_cover",
    "in_title",
    "quoted_match",
    "dense_topic",
    "dense_topic_gap",
    "speaker_x_topic",
    "quote_x_overlap",
    "idf_overlap",
    "idf_overlap_paragraph",
    "speaker_match_x_topic_rank",
    "fact_x_person",
    "preceding_score",
    "preceding_gain",
    "attribute_missing",
)
FEATURES = (
    *_BASE,
    *(f"kind_{k}" for k in KINDS),
    *(f"quote_x_{k}" for k in KINDS),
    *(f"reported_x_{k}" for k in KINDS),
)
_REPORTED = re.compile(rf"\b(?:according to|{REPORTING_VERBS})\b", re.I)
TYPED_CANDIDATES = 16  # entity labels are read for this many candidates, best first


@lru_cache(maxsize=65536)
def key(word: str) -> str:
    """A word's matching key: its country, its family, else its first five letters."""
    place = place_key(word)
    if place:
        return place
    fam = family(word)
    return fam if fam.startswith("#") else word.lower()[:5]


@lru_cache(maxsize=16384)
def keys(text: str) -> frozenset[str]:
    """The matching keys of ``text``'s words (cached: paragraphs and articles recur)."""
    return frozenset(map(key, word_set(text)))


@lru_cache(maxsize=8192)
def entity_labels(text: str) -> frozenset[str]:
    """spaCy's entity labels in ``text`` (cached: a statement is read once per process)."""
    nlp = load_nlp()
    with nlp.select_pipes(enable=["tok2vec", "ner"]):
        return frozenset(e.label_ for e in nlp(text).ents)


@lru_cache(maxsize=16384)
def reports_speech(text: str) -> bool:
    """Whether a sentence reports someone's words or thoughts: a reporting verb
    ("Republicans said ...", "analysts argue ...") or "according to" (cached: the search
    over about 150 verbs costs ~25 µs a sentence, and statements recur across questions)."""
    return _REPORTED.search(text) is not None


@lru_cache(maxsize=4096)
def document_keys(text: str) -> frozenset[str]:
    return keys(text)


def _weighted(weights: dict[str, float], found: frozenset[str]) -> float:
    total = sum(weights.values())
    return sum(w for k, w in weights.items() if k in found) / total if total else 0.0


def _cover(terms: frozenset[str], found: frozenset[str]) -> float:
    return len(terms & found) / len(terms) if terms else 0.0


def _quoted_match(quoted: tuple[str, ...], text: str) -> float:
    """The share of the question's quoted words that ``text`` holds as written."""
    if not quoted:
        return 0.0
    plain = _plain(text)
    return sum(_plain(q) in plain for q in quoted) / len(quoted)


def _plain(text: str) -> str:
    return " ".join(words(text))


def _entity_cover(entities: tuple[str, ...], text: str) -> float:
    if not entities:
        return 0.0
    lowered = text.lower()
    return sum(e.lower() in lowered for e in entities) / len(entities)


def feature_rows(candidates: Candidates) -> np.ndarray:
    """One row of ``FEATURES`` per candidate, in ``candidates.items`` order."""
    a = candidates.analysis
    items = candidates.items
    if not items:
        return np.zeros((0, len(FEATURES)), dtype=np.float32)
    terms = frozenset(key(w) for w in a.lemmas)
    best_dense = max(c.dense for c in items)
    best_topic = max(c.dense_topic for c in items)
    weights = dict(candidates.weights)
    names = a.person_names  # the person asked about, by every name they are quoted under
    own = [c.dense_topic for c in items if c.speaker in names]
    best_own_topic = max(own, default=0.0)
    order = sorted(range(len(items)), key=lambda i: -(items[i].dense + items[i].paragraph_score))
    typed = set(order[:TYPED_CANDIDATES]) if a.answer_labels else set()
    person = a.person
    surname = person.name.split()[-1].lower() if person is not None else ""
    kind = a.kind if a.kind in KINDS else "open"
    rows = []
    for i, c in enumerate(items):
        quote = c.is_quote
        match = c.speaker in names
        statement_keys = keys(c.statement.text)
        overlap = _cover(terms, statement_keys)
        row = [
            c.dense,
            best_dense - c.dense,
            c.keyword,
            c.paragraph_score,
            float(c.paragraph_rank == 1),
            1.0 / c.paragraph_rank if c.paragraph_rank else 0.0,
            overlap,
            _cover(terms, keys(c.paragraph_text)),
            _entity_cover(a.entities, c.paragraph_text),
            float(quote),
            float(match),
            float(person is not None and quote and not match),
            float(bool(surname) and surname in c.paragraph_text.lower()),
            float(bool(a.unknown_person)),
            float(bool(a.answer_labels)),
            float(i in typed and bool(entity_labels(c.statement.text) & a.answer_labels)),
            float(c.statement.doc_id == candidates.top_doc),
            float(f"{c.statement.doc_id}#{c.statement.paragraph}" in a.context),
            float(bool(c.speaker)),
            math.log1p(len(c.statement.text)) / 6.0,
            float(a.wording and quote and len(c.statement.text) < 60),
            candidates.unknown_words,
            candidates.unknown_names,
            _cover(terms, keys(c.document_text)),
            float(c.in_title),
            _quoted_match(a.quoted, c.paragraph_text),
            c.dense_topic,
            best_topic - c.dense_topic,
            float(match) * c.dense_topic,
            float(quote) * overlap,
            _weighted(weights, statement_keys),
            _weighted(weights, keys(c.paragraph_text)),
            float(match) * (1.0 - (best_own_topic - c.dense_topic)) if match else 0.0,
            float(person is not None and not quote),
            c.preceding_score,
            max(0.0, c.preceding_score - c.paragraph_score),
            # "What is the population of X?" is rarely answered where "population" is absent
            float(bool(a.attribute) and key(a.attribute) not in keys(c.paragraph_text)),
        ]
        row += [float(kind == k) for k in KINDS]
        row += [float(quote and kind == k) for k in KINDS]
        reported = quote or reports_speech(c.statement.text)
        row += [float(reported and kind == k) for k in KINDS]
        rows.append(row)
    return np.asarray(rows, dtype=np.float32)
