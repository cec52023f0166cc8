"""Which words the indexed paragraphs share: a word on a fifth of them or more (the
story's countries, its main actors) tells no passage apart, so it does not pick out a
person by the words of their title ("Which Pakistani official ...")."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from rag.places import place_key
from rag.text import family, words

COMMON_SHARE = 0.2  # a word on this share of the paragraphs or more is common


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


def common_words(paragraphs: Iterable[str]) -> frozenset[str]:
    """The words of ``paragraphs`` found, by match key or word family ("died", "lives"),
    on at least ``COMMON_SHARE`` of them."""
    texts = list(paragraphs)
    counts: Counter[str] = Counter()
    for text in texts:
        tokens = words(text)
        counts.update({term_key(w) for w in tokens})
        counts.update({f for w in tokens if (f := family(w)).startswith("#")})
    floor = COMMON_SHARE * max(1, len(texts))

    def count(word: str) -> int:
        kin = family(word)
        own = counts.get(term_key(word), 0)
        return max(own, counts.get(kin, 0)) if kin.startswith("#") else own

    vocabulary = {w for text in texts for w in words(text)}
    return frozenset(w for w in vocabulary if count(w) >= floor)
