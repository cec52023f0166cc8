"""Small text helpers shared by retrieval and question understanding."""

from __future__ import annotations

import re

STOPWORDS = frozenset(
    [
        "a",
        "about",
        "above",
        "after",
        "again",
        "against",
        "all",
        "am",
        "an",
        "and",
        "any",
        "are",
        "aren't",
        "as",
        "at",
        "be",
        "because",
        "been",
        "before",
        "being",
        "below",
        "between",
        "both",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "doing",
        "down",
        "during",
        "each",
        "few",
        "for",
        "from",
        "further",
        "had",
        "has",
        "have",
        "having",
        "he",
        "her",
        "here",
        "hers",
        "herself",
        "him",
        "himself",
        "his",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "itself",
        "just",
        "me",
        "more",
        "most",
        "my",
        "myself",
        "no",
        "nor",
        "not",
        "now",
        "of",
        "off",
        "on",
        "once",
        "only",
        "or",
        "other",
        "our",
        "ours",
        "out",
        "over",
        "own",
        "same",
        "she",
        "should",
        "so",
        "some",
        "such",
        "than",
        "that",
        "the",
        "their",
        "theirs",
        "them",
        "themselves",
        "then",
        "there",
        "these",
        "they",
        "this",
        "those",
        "through",
        "to",
        "too",
        "under",
        "until",
        "up",
        "very",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "while",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "yours",
        "yourself",
        "yourselves",
        "also",
        "did",
        "does",
        "say",
        "said",
        "says",
        "think",
        "thinks",
        # words that ask for a view rather than name a topic
        "view",
        "views",
        "opinion",
        "opinions",
        "thoughts",
        "stance",
        "perspective",
        "assessment",
        "verdict",
        "reckon",
        "reckons",
        "believe",
        "believes",
        "feel",
        "feels",
        "argue",
        "argues",
        "argued",
        "explain",
        "describe",
        "describes",
        "described",
        "characterise",
        "characterised",
        "characterize",
        "characterized",
        "summarise",
        "summarize",
        "please",
        "tell",
        "told",
        "according",
        "article",
        "text",
        "quote",
        "quoted",
        "mention",
        "mentioned",
        "anything",
        "something",
        "happen",
        "happened",
        "did",
        "whats",
        "what's",
        "s",
        "t",
        "about",
        "regarding",
        "else",
    ]
)
_WORD = re.compile(r"[\w’'-]+")


def words(text: str) -> list[str]:
    """Lower-cased words with straight apostrophes and possessives removed."""
    return [w for w in map(_plain_word, _WORD.findall(text.lower().replace("’", "'"))) if w]


def word_set(text: str) -> set[str]:
    """The distinct ``words`` of ``text`` (each token normalised once, however often it
    occurs)."""
    raw = set(_WORD.findall(text.lower().replace("’", "'")))
    return {w for w in map(_plain_word, raw) if w}


def _plain_word(word: str) -> str:
    return (word[:-2] if word.endswith("'s") else word).strip("'-")


def content_words(text: str) -> list[str]:
    """Words of ``text`` that carry meaning (no stopwords), in order, without repeats."""
    seen: list[str] = []
    for w in words(text):
        if w not in STOPWORDS and len(w) > 1 and w not in seen:
            seen.append(w)
    return seen


# Word families that news text uses interchangeably for the same fact.
_FAMILIES = [
    "die died dies dying dead death deaths killed kill kills killing lives life lost toll "
    "fatalities casualties perish perished perishes",
    "injure injured injuries injury wounded wounding wound",
    "lead leads led leader leaders leadership head heads headed chief",
    "found founded founder founding establish established formed created",
    "cost costs price value worth worth",
]
_FAMILY_OF = {w: i for i, line in enumerate(_FAMILIES) for w in line.split()}


def family(word: str) -> str:
    """A word's family key ("killed" and "deaths" share one); the word itself otherwise."""
    index = _FAMILY_OF.get(word.lower())
    return f"#{index}" if index is not None else word.lower()
