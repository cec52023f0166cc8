"""How well the indexed text supports a question: lexical coverage, unknown names and
semantic similarity of stored units, computed without re-embedding the sources."""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping

import numpy as np

from index.lexicon import MONTHS, WEEKDAYS
from index.store_protocol import Store
from index.types import Speaker
from rag.places import place_forms, place_key
from rag.retrieval import Retriever
from rag.text import STOPWORDS, family, words

_CAPITALISED = re.compile(r"(?<![\w’'-])([A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+)*)")
_QUESTION_WORDS = {
    "what", "who", "why", "how", "when", "where", "which", "did", "does", "is", "are", "was",
    "were", "will", "would", "could", "should", "can", "do", "and", "tell", "has", "have",
    "give", "list", "name", "according", "dr", "mr", "ms", "mrs", "prof",
}  # fmt: skip


_CALENDAR = {
    "christmas",
    "easter",
    "ramadan",
    "eid",
    "nowruz",
    "diwali",
    "hanukkah",
    "thanksgiving",
    "new",
    "year",
    "year's",
    *WEEKDAYS,
    *MONTHS,
}  # fmt: skip  (dates, however written, are not names of things the articles lack)


_REGIONAL = {
    "eurasian",
    "asian",
    "european",
    "african",
    "arab",
    "western",
    "eastern",
    "northern",
    "southern",
    "muslim",
    "islamic",
    "christian",
    "jewish",
    "sunni",
    "shia",
    "shiite",
    "latin",
    "nordic",
    "baltic",
    "balkan",
    "caucasian",
    "pacific",
    "atlantic",
    "global",
}  # fmt: skip  (broad adjectives, not names of something the articles lack)


def _sentence_word(text: str, match: re.Match[str]) -> bool:
    """A single capitalised word opening the question and followed by a lower-case word
    ("Explain why", "Summarise how"): capitalised by position, not a name."""
    before = text[: match.start()].rstrip(" \"'“‘")
    opening = not before or before[-1] in ".?!:"  # the question's or a sentence's first word
    single = " " not in match.group(1)
    possessive = bool(re.search(r"[’']s$", match.group(1)))
    return opening and single and not possessive


def stem(word: str) -> str:
    """A crude stem: enough to match "escalate"/"escalation", "reputation"/"repute",
    "de-escalation"/"deescalated"."""
    word = word.replace("-", "")
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        word = word[:-1]
    return word[:5]


def term_key(word: str) -> str:
    """What a word is matched by: its country for place words ("Tehran", "Iranian" and
    "Iran" match), its crude stem otherwise."""
    return place_key(word) or stem(word)


_DEFINED = re.compile(r"((?:[A-Z][\w’'-]*\s+(?:of\s+|and\s+|for\s+|the\s+)?){2,7})\(([A-Z]{2,6})\)")


def acronyms(texts: Iterable[str]) -> dict[str, str]:
    """Acronyms defined in ``texts`` as "Full Name (FN)", whose capitals spell them."""
    found: dict[str, str] = {}
    for text in texts:
        for match in _DEFINED.finditer(text):
            long, short = match.group(1).split(), match.group(2)
            if short.lower() in STOPWORDS:  # "IS" and "US" read as words
                continue
            capitals = [w for w in long if w[0].isupper()]
            for start in range(len(capitals)):
                if "".join(w[0] for w in capitals[start:]) == short:
                    first = long.index(capitals[start])
                    found.setdefault(short.lower(), " ".join(long[first:]))
                    break
    return found


class _ViewGroups:
    """The indexed views of each unit (a quote is indexed as itself and in its sentence),
    grouped once so that a unit's best score is one vectorised maximum per question."""

    def __init__(self, unit_ids: list[str]) -> None:
        codes: dict[str, int] = {}
        for unit_id in unit_ids:
            codes.setdefault(unit_id, len(codes))
        self.ids = codes
        view_codes = np.fromiter((codes[u] for u in unit_ids), dtype=np.int64, count=len(unit_ids))
        self._order = np.argsort(view_codes, kind="stable")
        self._starts = np.flatnonzero(np.r_[True, np.diff(view_codes[self._order]) != 0])

    def best(self, scores: np.ndarray) -> UnitScores:
        return UnitScores(self.ids, np.maximum.reduceat(scores[self._order], self._starts))


class UnitScores(Mapping[str, float]):
    """Unit id -> its best view's score, read from one array (no dict per question)."""

    def __init__(self, ids: dict[str, int], best: np.ndarray) -> None:
        self._ids = ids
        self._best = best

    def __getitem__(self, unit_id: str) -> float:
        return float(self._best[self._ids[unit_id]])

    def __iter__(self) -> Iterator[str]:
        return iter(self._ids)

    def __len__(self) -> int:
        return len(self._ids)

    def highest(self) -> float:
        """The best score of any unit (0.0 for none)."""
        return float(self._best.max()) if len(self._best) else 0.0


class Evidence:
    """Support measures over one loaded store."""

    def __init__(self, store: Store, retriever: Retriever, speakers: list[Speaker]) -> None:
        self.store = store
        self.retriever = retriever
        self.speakers = speakers
        paragraphs = {(u.doc_id, u.paragraph): u.text for u in store.units if u.kind == "paragraph"}
        df: Counter[str] = Counter()
        for text in paragraphs.values():
            df.update({term_key(w) for w in words(text)})
            df.update({f for w in words(text) if (f := family(w)).startswith("#")})
        self._df = df
        self._n = max(1, len(paragraphs))
        self.common = frozenset(
            w
            for w in {w for text in paragraphs.values() for w in words(text)}
            if not self.is_specific(w)
        )  # words on many pages (the story's countries): they tell no passage apart
        self._vectors = store.view_vectors()
        self._views = _ViewGroups([u.unit_id for u in store.units])
        self._acronyms = [  # ("sco", {"shang", "coope", "organ"}): keys, computed once
            (term_key(short), frozenset(term_key(w) for w in words(long)))
            for short, long in acronyms(doc.text for doc in store.documents.values()).items()
        ]

    def keys(self, text: str) -> set[str]:
        """The match keys of ``text``'s words (stems, countries, word families); an acronym
        the articles define ("SCO") also stands for the words it abbreviates, and those
        words for it."""
        tokens = words(text)
        found = {term_key(w) for w in tokens}
        found |= {f for w in tokens if (f := family(w)).startswith("#")}
        for short_key, long_keys in self._acronyms:
            if short_key in found:
                found |= long_keys
            elif long_keys <= found:
                found.add(short_key)
        return found

    def _count(self, word: str) -> int:
        """Paragraphs holding ``word`` (or, for "die" and the like, any of its family)."""
        count = self._df.get(term_key(word), 0)
        kin = family(word)
        return max(count, self._df.get(kin, 0)) if kin.startswith("#") else count

    def idf(self, word: str) -> float:
        return math.log((self._n + 1) / (self._count(word) + 0.5))

    def is_specific(self, word: str) -> bool:
        """Rare enough to tell passages apart: in under a fifth of the paragraphs (or none)."""
        return self._count(word) < 0.2 * self._n

    def known(self, word: str) -> bool:
        return self._count(word) > 0

    def coverage(self, terms: list[str], text: str, strict: bool = False) -> float:
        """Share of the known ``terms`` (idf-weighted) that occur in ``text``; ``strict``
        counts words found nowhere in the index as missing rather than ignoring them."""
        known = terms if strict else [t for t in terms if self.known(t)]
        if not known:
            return 0.0
        have = self.keys(text)
        total = sum(self.idf(t) for t in known)
        return sum(self.idf(t) for t in known if term_key(t) in have or family(t) in have) / total

    def unit_similarity(self, query: str) -> UnitScores:
        """Cosine similarity of ``query`` to every unit (its best indexed view)."""
        if not self._views.ids:
            return UnitScores({}, np.zeros(0, dtype=np.float32))
        return self._views.best(self._vectors @ self.retriever.embed_query(query))

    def names(self, text: str) -> list[str]:
        """Capitalised words of ``text`` that name something specific (not question words,
        not words found on many pages such as the countries of the story)."""
        found = []
        for match in _CAPITALISED.finditer(text):
            for token in match.group(1).split():
                word = re.sub(r"[’']s$", "", token).lower()
                if (
                    word not in _QUESTION_WORDS
                    and word not in STOPWORDS
                    and word not in self.common
                ):
                    found.append(word)
        return found

    def _indexed(self, token: str) -> bool:
        """Whether the name ``token`` (or, for a country, any of its forms) is indexed;
        "Iran-Pakistan" is known when both countries are."""
        token = re.sub(r"[’']s$", "", token)
        parts = [p for p in token.split("-") if p] if "-" in token else [token]
        if len(parts) > 1 and all(place_forms(p) for p in parts):
            return all(self._indexed(p) for p in parts)
        forms = place_forms(token) or {token}
        return any(self.store.vocabulary_has(form) for form in forms)

    def unknown_entities(self, text: str) -> list[str]:
        """Capitalised names in ``text`` that occur nowhere in the index."""
        missing = []
        aliases = {a.lower() for s in self.speakers for a in (s.name, *s.aliases)}
        for match in _CAPITALISED.finditer(text):
            tokens = [t for t in match.group(1).split() if t.lower() not in _QUESTION_WORDS]
            if _sentence_word(text, match):  # "Explain why ...", "Apart from ..."
                continue
            tokens = [t for t in tokens if t.lower() not in _CALENDAR | _REGIONAL]
            if not tokens or " ".join(tokens).lower() in aliases:
                continue
            absent = [
                t for t in tokens
                if t.lower().strip("’'s") not in STOPWORDS and not self._indexed(t)
            ]  # fmt: skip
            if absent:
                missing.append(" ".join(re.sub(r"[’']s$", "", t) for t in tokens))
        return missing
