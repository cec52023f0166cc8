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
    keys_of: dict[str, tuple[str, ...]] = {}  # each distinct word's keys, worked out once

    def keys(word: str) -> tuple[str, ...]:
        found = keys_of.get(word)
        if found is None:
            kin = family(word)
            found = keys_of[word] = (
                (term_key(word), kin) if kin.startswith("#") else (term_key(word),)
            )
        return found

    counts: Counter[str] = Counter()
    total = 0
    for text in paragraphs:
        total += 1
        counts.update({k for w in set(words(text)) for k in keys(w)})
    floor = COMMON_SHARE * max(1, total)
    return frozenset(w for w, found in keys_of.items() if max(counts[k] for k in found) >= floor)
