"""Answers read from the speaker directory and the articles' metadata, not ranked from
retrieval: who wrote the articles, who someone is, and everyone quoted.

Each takes the question's ``Analysis`` and a ``Directory`` (what one index snapshot, or
the articles a chat is scoped to, holds) and returns an ``Answer`` of verified statements.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.types import Document, Quote, Speaker
from rag.candidates import Corpus
from rag.compose import display_name, quote_citation, render
from rag.respond import abstain, quote_statement
from rag.types import Answer, Citation
from rag.understand import Analysis
from rag.verify import Statement, verified


@dataclass(frozen=True)
class Directory:
    """The people and articles metadata answers draw on."""

    corpus: Corpus
    speakers: list[Speaker]
    quotes: list[Quote]  # first occurrences, in the articles' order
    documents: list[Document]  # the articles in scope, in the order they were added
    find_speaker: Callable[[str], Speaker | None]


def first_mention(directory: Directory, speaker: Speaker) -> Citation | None:
    """Where the articles introduce the speaker's title, else the speaker's first quote."""
    if speaker.title:
        for doc in directory.documents:
            at = doc.text.find(speaker.title)
            if at >= 0:
                p = next(p for p in doc.paragraphs if p.start <= at < p.end)
                end = at + len(speaker.title)
                return Citation(doc.doc_id, p.number, at, end, speaker.title, speaker.name)
    first = next((x for x in directory.quotes if x.speaker == speaker.name), None)
    return quote_citation(first) if first else None


def author(directory: Directory, analysis: Analysis) -> Answer:
    """Who wrote the articles, cited to the byline or sign-off that names them."""
    statements = []
    for doc in directory.documents:
        for p in reversed(doc.paragraphs):
            if doc.author and doc.author in p.text and p.kind in {"body", "boilerplate"}:
                citation = Citation(doc.doc_id, p.number, p.start, p.end, p.text, doc.author)
                lead = f"The article was written by **{doc.author}**. "
                statements.append(Statement(lead, p.text, citation))
                break
    statements = verified(directory.corpus, statements)
    if not statements:
        return abstain(analysis.text, "The indexed articles don't say who wrote them.", "author")
    text, citations = render("", statements)
    return Answer(analysis.text, text, citations, False)


def identity(directory: Directory, analysis: Analysis) -> Answer | None:
    """Who the person asked about is: their title where the articles give it, and their
    first quote; None when the articles give no title (their words answer instead)."""
    speaker = analysis.person
    citation = first_mention(directory, speaker) if speaker is not None else None
    if speaker is None or citation is None or not speaker.title:
        return None
    lead = f"**{display_name(speaker, speaker.name)}** is "
    statements = verified(directory.corpus, [Statement(lead, speaker.title, citation)])
    first = next((x for x in directory.quotes if x.speaker == speaker.name), None)
    if first is not None:
        said = quote_statement(directory.corpus, directory.find_speaker, first)
        statements += verified(directory.corpus, [said])
    text, citations = render("", statements)
    quotes = [first] if first else []
    return Answer(analysis.text, text, citations, False, quotes, [], "identity", speaker.name)


def everyone(directory: Directory, analysis: Analysis) -> Answer:
    """Everyone quoted (people with a full name), in the order they are first quoted,
    each with their title or, without one, their first quote."""
    people = [
        s
        for s in directory.speakers
        if s.is_person and " " in s.name.strip() and not s.name[0].islower()
    ]
    order = {x.speaker: i for i, x in reversed(list(enumerate(directory.quotes)))}
    statements = []
    for s in sorted(people, key=lambda s: order.get(s.name, 0)):
        citation = first_mention(directory, s)
        if citation is not None:
            lead = f"**{display_name(s, s.name)}**" + (", " if s.title else ": ")
            body = s.title if s.title else citation.text
            statements.append(Statement(lead, body, citation, quoted=not s.title))
    statements = verified(directory.corpus, statements)
    if not statements:
        return abstain(analysis.text, "No one is quoted in the indexed articles.", "people")
    intro = f"The indexed articles quote {len(statements)} people:"
    text, citations = render(intro, statements, bullets=True)
    return Answer(analysis.text, text, citations, False)
