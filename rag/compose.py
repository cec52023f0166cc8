"""Render verified statements as answer text with citation markers [n]."""

from __future__ import annotations

from index.types import Quote, Speaker
from rag.types import Citation
from rag.verify import Statement


def display_name(speaker: Speaker | None, name: str | None) -> str:
    """The fullest form of a name with its honorific, e.g. "Dr Ali Vaez"."""
    if speaker is None:
        return name or "An unnamed source"
    honorific = [a for a in speaker.aliases if a.endswith(" " + speaker.name)]
    return max(honorific, key=len) if honorific else speaker.name


def speaker_lead(speaker: Speaker | None, name: str | None) -> str:
    label = f"**{display_name(speaker, name)}**"
    if speaker is not None and speaker.title:
        label += f", {speaker.title}"
    return label + ": "


def quote_citation(quote: Quote) -> Citation:
    return Citation(
        quote.doc_id, quote.paragraph, quote.start, quote.end, quote.text, quote.speaker
    )


def render(
    intro: str, statements: list[Statement], bullets: bool = False
) -> tuple[str, list[Citation]]:
    """Answer text and its citations; marker [n] refers to citations[n-1]."""
    lines = [intro] if intro else []
    citations: list[Citation] = []
    previous_lead = ""
    for statement in statements:
        lead = "" if statement.lead and statement.lead == previous_lead else statement.lead
        previous_lead = statement.lead  # the same speaker again: named once
        if statement.citation in citations:
            number = citations.index(statement.citation) + 1
        else:
            citations.append(statement.citation)
            number = len(citations)
        body = f"“{statement.body}”" if statement.quoted else statement.body
        line = f"{lead}{body} [{number}]"
        lines.append(f"- {line}" if bullets else line)
    return ("\n\n" if not bullets else "\n").join(lines), citations
