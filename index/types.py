"""Frozen dataclasses that cross layer boundaries.

Every text unit carries its document id, 1-based paragraph number and character
offsets into the document's canonical text: ``document.text[start:end] == unit.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Literal

ParagraphKind = Literal["title", "heading", "body", "caption", "pull_quote", "boilerplate"]
QuoteKind = Literal["direct", "partial", "indirect"]
UnitKind = Literal["paragraph", "quote", "fact"]


@dataclass(frozen=True)
class Paragraph:
    """A non-empty block between blank lines, numbered from 1 in document order."""

    number: int
    start: int
    end: int
    text: str
    kind: ParagraphKind


@dataclass(frozen=True)
class Document:
    """A source document: canonical text plus metadata and its paragraphs."""

    doc_id: str
    text: str
    title: str
    source: str
    paragraphs: tuple[Paragraph, ...]
    author: str | None = None
    date: str | None = None
    # when it was indexed (seconds since the epoch), as the store recorded it
    added_at: float | None = field(default=None, compare=False)
    # the publication that ran it ("The New Arab"), from a byline or the uploader
    outlet: str | None = None

    def paragraph(self, number: int) -> Paragraph:
        """Return paragraph ``number`` (1-based)."""
        if not 1 <= number <= len(self.paragraphs):
            raise IndexError(f"paragraph {number} is out of range 1..{len(self.paragraphs)}")
        return self.paragraphs[number - 1]


@dataclass(frozen=True)
class Quote:
    """Words attributed to a speaker, decided at indexing time.

    ``repeats`` holds the id of the original quote when this one is a pull quote
    (a standalone repetition); such quotes are not counted twice.
    """

    quote_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    speaker: str | None
    speaker_title: str | None
    cue: str | None
    kind: QuoteKind
    repeats: str | None = None

    def attributed(self, document: Document | None = None) -> str:
        """The quote in house style, ready to paste into a draft:
        ``“...,” said NAME, TITLE (ARTICLE TITLE, OUTLET, DATE)``.

        The article part comes from ``document`` when given, else from the fields of an
        :class:`ArticleQuote` (what ``QuoteBot.find_quotes`` returns); parts not known are
        left out. Stored quotes do not carry article metadata (their fields are the
        database columns), hence the optional argument."""
        article: tuple[str | None, str | None, str | None]
        if document is not None:
            article = (document.title, document.outlet, document.date)
        else:
            article = self._article()
        return attribution(self.text, self._name(), self.speaker_title, *article)

    def _article(self) -> tuple[str | None, str | None, str | None]:
        return None, None, None

    def _name(self) -> str | None:
        return self.speaker


@dataclass(frozen=True)
class ArticleQuote(Quote):
    """A quote with the title, outlet and date of its article (filled by the bot)."""

    article_title: str | None = None
    outlet: str | None = None
    date: str | None = None
    speaker_label: str | None = None  # the name as written with its honorific ("Dr Ali Vaez")

    def _article(self) -> tuple[str | None, str | None, str | None]:
        return self.article_title, self.outlet, self.date

    def _name(self) -> str | None:
        return self.speaker_label or self.speaker

    def stored(self) -> Quote:
        """The plain stored quote (without the article fields)."""
        return Quote(*(getattr(self, f.name) for f in fields(Quote)))


_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def display_date(date: str | None) -> str | None:
    """``2024-01-23`` -> ``23 January 2024`` (``2024-01`` -> ``January 2024``); other
    strings as given."""
    if not date:
        return None
    parts = date.strip()[:10].split("-")
    try:
        numbers = [int(p) for p in parts]
    except ValueError:
        return date
    if len(numbers) == 3 and 1 <= numbers[1] <= 12:
        return f"{numbers[2]} {_MONTHS[numbers[1] - 1]} {numbers[0]}"
    if len(numbers) == 2 and 1 <= numbers[1] <= 12:
        return f"{_MONTHS[numbers[1] - 1]} {numbers[0]}"
    return date


def attribution(
    text: str,
    speaker: str | None,
    speaker_title: str | None,
    article_title: str | None = None,
    outlet: str | None = None,
    date: str | None = None,
) -> str:
    """``“Words,” said NAME, TITLE (ARTICLE, OUTLET, DATE)``: the closing stop of the
    quote becomes a comma, as a quote before ``said`` takes one."""
    words = text.strip().strip('“”"').strip()
    if words.endswith((".", ",")) and not words.endswith("..."):
        words = words[:-1]
    closing = "" if words.endswith(("?", "!", "…", "...")) else ","
    line = f"“{words}{closing}”"
    if speaker:
        line += f" said {speaker}"
        if speaker_title:  # "the director of X" reads "director of X" after a name
            title = speaker_title.strip()
            line += f", {title[4:] if title.startswith('the ') else title}"
    source = [p.strip() for p in (article_title, outlet, display_date(date)) if p and p.strip()]
    if source:
        line += f" ({', '.join(source)})"
    return line + "."


@dataclass(frozen=True)
class Speaker:
    """One person or body that is quoted, merged across documents by name."""

    name: str
    title: str | None
    aliases: tuple[str, ...]
    quote_count: int
    is_person: bool = True

    @property
    def kind(self) -> str:
        """ "person", or "organisation" for a body or group (a ministry, a campaign,
        "members of the UN Security Council")."""
        return "person" if self.is_person else "organisation"


@dataclass(frozen=True)
class Fact:
    """A body sentence outside quotes, with the source the text gives for it."""

    fact_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    source: str | None = None


@dataclass(frozen=True)
class Chunk:
    """A token-bounded slice of one paragraph, the unit embedded for paragraph search."""

    chunk_id: str
    doc_id: str
    paragraph: int
    start: int
    end: int
    text: str
    paragraphs: tuple[int, ...] = field(default=())


@dataclass(frozen=True)
class Extraction:
    """Everything attribution yields for one document."""

    quotes: tuple[Quote, ...]
    facts: tuple[Fact, ...]
    speakers: tuple[Speaker, ...]
