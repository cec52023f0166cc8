"""Which speakers a question can name, found by word lookup instead of a scan.

Matching a question against every speaker's name forms costs a regular expression per
form, so a question over an archive of thousands of speakers spent most of its time
compiling patterns. A ``NameIndex`` maps the longest word of every name form to the
speakers that carry it; a form can only occur (whole, between non-word characters) in a
text whose words include each of its words, so the exact (regular expression) test runs
on those few speakers alone.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence

from index.types import Speaker

MIN_FORM_CHARS = 3  # shorter name forms ("Li", initials) are never looked for
_WORD = re.compile(r"\w+")


def _key_word(form: str) -> str | None:
    """The form's longest word (the most telling one: "the ministry" -> "ministry")."""
    found = _WORD.findall(form.lower())
    return max(found, key=len) if found else None


class NameIndex:
    """The speakers of one directory list by the longest word of each name form."""

    def __init__(self, speakers: Sequence[Speaker]) -> None:
        self.source = speakers  # kept alive, so its id is not reused while cached
        self.speakers = tuple(speakers)
        self._by_word: dict[str, set[int]] = {}
        self._unindexed: set[int] = set()  # a form with no word characters: always tried
        for position, speaker in enumerate(speakers):
            for form in (speaker.name, *speaker.aliases):
                if len(form) < MIN_FORM_CHARS:
                    continue
                word = _key_word(form)
                if word is None:
                    self._unindexed.add(position)
                else:
                    self._by_word.setdefault(word, set()).add(position)
        self.known_words = frozenset(
            w.lower() for s in speakers for form in (s.name, *s.aliases) for w in form.split()
        )

    def candidates(self, text: str) -> list[Speaker]:
        """The speakers one of whose name forms might occur in ``text``, in list order
        (a superset of those that do; the caller tests the forms exactly)."""
        positions = set(self._unindexed)
        for word in set(_WORD.findall(text.lower())):
            positions |= self._by_word.get(word, set())
        return [self.speakers[p] for p in sorted(positions)]


_CACHE_SIZE = 8
_cache: dict[int, NameIndex] = {}
_cache_lock = threading.Lock()


def name_index(speakers: Sequence[Speaker]) -> NameIndex:
    """The index of ``speakers``, built once per list (the directory of one snapshot is
    one list object; an index keeps its list alive, so the id is not reused)."""
    key = id(speakers)
    with _cache_lock:
        found = _cache.get(key)
        if found is not None and len(found.speakers) == len(speakers):  # not grown since
            return found
    built = NameIndex(speakers)
    with _cache_lock:
        if len(_cache) >= _CACHE_SIZE:
            _cache.pop(next(iter(_cache)))
        _cache[key] = built
    return built
