"""Score quote extraction and attribution against brat-annotated news (PolNeAR layout).

A folder holds ``text/NAME.txt`` and ``attributions/NAME_ANNOTATOR.ann`` (or both side by
side). Over direct quotes (gold Content opening with a quotation mark):

- recall: gold quotes at least half covered by extracted quotes of the same article;
- precision: extracted direct and partial quotes with a speaker that overlap some gold
  Content span by at least half of their own length;
- speaker accuracy: among found gold quotes whose Source names someone, the share whose
  extracted speaker shares a name word with that Source;
- attributed recall: among all gold quotes whose Source names someone, found with the
  right speaker.

Over reported speech (gold Content without quotation marks, "He said the changes were an
improvement"):

- reported attributed recall: among those whose Source names someone, the share at least
  half covered by extracted quotes, the one covering most given the right speaker;
- indirect precision: extracted indirect quotes with a speaker that overlap some gold
  Content span by at least half of their own length. PolNeAR leaves some reported speech
  unannotated ("Trump this week also said he would consider naming Sen. Mike Lee ..."), so
  this figure understates.
"""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from index.types import Extraction, Quote, Speaker

OPENING_MARKS = "\"“‘'«„"
_NOT_NAMES = frozenset(
    re.findall(
        r"\w+",
        "i he she they we you it his her their its our my your him them us me the a an this "
        "that these those one some another",
    )
)
_WORD = re.compile(r"[\w’'.-]+")


@dataclass(frozen=True)
class GoldQuote:
    pieces: tuple[tuple[int, int], ...]
    text: str
    source: str | None

    @property
    def length(self) -> int:
        return sum(e - s for s, e in self.pieces)


@dataclass(frozen=True)
class Miss:
    article: str
    shape: str  # "not found", "no speaker", "wrong speaker", "spurious"
    quote: str
    gold_source: str | None
    extracted_speaker: str | None


@dataclass
class AttributionScore:
    articles: int = 0
    gold: int = 0
    found: int = 0
    extracted: int = 0
    extracted_correct: int = 0
    named_found: int = 0
    named_found_right: int = 0
    named_gold: int = 0
    # reported speech (a Content without quotation marks) whose Source names someone
    reported_gold: int = 0
    reported_found_right: int = 0
    indirect_extracted: int = 0
    indirect_extracted_correct: int = 0
    seconds: float = 0.0
    misses: list[Miss] = field(default_factory=list)
    # the directory check: speakers per kind, and those that are neither person nor body
    speaker_kinds: Counter[str] = field(default_factory=Counter)
    odd_speakers: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 0.0

    @property
    def precision(self) -> float:
        return self.extracted_correct / self.extracted if self.extracted else 0.0

    @property
    def speaker_accuracy(self) -> float:
        return self.named_found_right / self.named_found if self.named_found else 0.0

    @property
    def attributed_recall(self) -> float:
        return self.named_found_right / self.named_gold if self.named_gold else 0.0

    @property
    def reported_recall(self) -> float:
        return self.reported_found_right / self.reported_gold if self.reported_gold else 0.0

    @property
    def indirect_precision(self) -> float:
        if not self.indirect_extracted:
            return 0.0
        return self.indirect_extracted_correct / self.indirect_extracted

    def figures(self) -> dict[str, float]:
        return {
            "recall": round(self.recall, 3),
            "precision": round(self.precision, 3),
            "speaker_accuracy": round(self.speaker_accuracy, 3),
            "attributed_recall": round(self.attributed_recall, 3),
            "articles": self.articles,
            "gold_quotes": self.gold,
            "reported_attributed_recall": round(self.reported_recall, 3),
            "indirect_precision": round(self.indirect_precision, 3),
            "gold_reported": self.reported_gold,
            "articles_per_second": round(self.articles / self.seconds, 2) if self.seconds else 0.0,
            **{f"speakers_{kind}": n for kind, n in sorted(self.speaker_kinds.items())},
            "speakers_not_person_or_org": len(self.odd_speakers),
        }

    def add(self, other: AttributionScore) -> None:
        """Add another article's counts and misses to these."""
        for f in dataclasses.fields(self):
            if f.name == "misses":
                self.misses.extend(other.misses)
            elif f.name != "seconds":
                setattr(self, f.name, getattr(self, f.name) + getattr(other, f.name))

    def misses_by_shape(self) -> Counter[str]:
        return Counter(m.shape for m in self.misses)


def name_words(source: str | None) -> set[str]:
    """Capitalised words of a source that name someone (no pronoun, article, possessive)."""
    if not source:
        return set()
    words = set()
    for raw in _WORD.findall(source):
        if not raw[:1].isupper() or raw.endswith(("’s", "'s", "s’", "s'")):
            continue
        word = raw.strip(".").lower()
        if word and word not in _NOT_NAMES and len(word) > 1:
            words.add(word)
    return words


def _speaker_words(speaker: str | None) -> set[str]:
    if not speaker:
        return set()
    return {w.strip(".").lower().removesuffix("’s").removesuffix("'s") for w in speaker.split()}


# quotation marks that are not also apostrophes ("wasn't", "Trump’s")
_QUOTATION_MARKS = '"“”«»„‘'


def _read_ann(
    text: str,
) -> tuple[dict[str, tuple[str, tuple[tuple[int, int], ...], str]], list[dict[str, str]]]:
    """The spans (label, pieces, text by id) and the events of one brat ``.ann`` file."""
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]] = {}
    events: list[dict[str, str]] = []
    for line in text.splitlines():
        parts = line.split("\t")
        if line.startswith("T") and len(parts) >= 3:
            label, _, offsets = parts[1].partition(" ")
            pieces = tuple(
                (int(a), int(b))
                for a, b in (piece.split() for piece in offsets.split(";") if piece.strip())
            )
            spans[parts[0]] = (label, pieces, parts[2])
        elif line.startswith("E") and len(parts) >= 2:
            events.append(dict(arg.split(":", 1) for arg in parts[1].split() if ":" in arg))
    return spans, events


def parse_ann(text: str) -> tuple[list[GoldQuote], list[tuple[int, int]]]:
    """Direct quotes of one brat ``.ann`` file (each with its Source text if any), and
    the pieces of every Content span (direct, partial or indirect)."""
    spans, events = _read_ann(text)
    contents = [
        piece for label, pieces, _ in spans.values() if label == "Content" for piece in pieces
    ]
    direct = _attributions(spans, events, lambda content: content.lstrip()[:1] in OPENING_MARKS)
    return direct, contents


def parse_reported(text: str) -> list[GoldQuote]:
    """Reported speech of one brat ``.ann`` file: attributions whose Content holds no
    quotation mark ("He said the changes were an improvement")."""
    spans, events = _read_ann(text)
    return _attributions(
        spans, events, lambda content: not any(m in content for m in _QUOTATION_MARKS)
    )


def _attributions(
    spans: dict[str, tuple[str, tuple[tuple[int, int], ...], str]],
    events: list[dict[str, str]],
    wanted: Callable[[str], bool],
) -> list[GoldQuote]:
    out = []
    for event in events:
        content = spans.get(event.get("Content", ""))
        if content is None or not wanted(content[2]):
            continue
        source = spans.get(event.get("Source", ""))
        out.append(GoldQuote(content[1], content[2], source[2] if source else None))
    return out


def _covered(pieces: Iterable[tuple[int, int]], spans: list[tuple[int, int]]) -> int:
    total = 0
    for s, e in pieces:
        marks = bytearray(e - s)
        for qs, qe in spans:
            lo, hi = max(s, qs), min(e, qe)
            if lo < hi:
                marks[lo - s : hi - s] = b"\1" * (hi - lo)
        total += sum(marks)
    return total


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def article_pairs(folder: Path) -> list[tuple[Path, Path]]:
    """(text, annotation) pairs: ``text/`` + ``attributions/`` or files side by side."""
    text_dir = folder / "text" if (folder / "text").is_dir() else folder
    ann_dir = folder / "attributions" if (folder / "attributions").is_dir() else folder
    pairs = []
    for text_path in sorted(text_dir.glob("*.txt")):
        anns = sorted(ann_dir.glob(f"{text_path.stem}*.ann"))
        if anns:
            pairs.append((text_path, anns[0]))
    return pairs


Extractor = Callable[[str, str], list[Quote]]
BATCH_ARTICLES = 16  # articles extracted together (spaCy batches them with nlp.pipe)

# entity labels that name neither a person nor a body that can speak
_NOT_SPEAKER_LABELS = frozenset(
    {"GPE", "LOC", "DATE", "TIME", "WORK_OF_ART", "EVENT", "PRODUCT", "LAW", "LANGUAGE",
     "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY"}
)  # fmt: skip


def extract_texts(texts: list[tuple[str, str]]) -> list[Extraction]:
    """What indexing stores for each ``(text, source)``, extracted as one batch."""
    from index.pipeline import make_document
    from index.quotes import extract_many

    documents = [make_document(text, source) for text, source in texts]
    return extract_many([(d.doc_id, d.text, d.paragraphs) for d in documents])


def speaker_check(text: str, speakers: Iterable[Speaker]) -> tuple[Counter[str], list[str]]:
    """Speakers of one article counted by kind, and those that are neither a person nor
    an organisation: the entity recogniser, run on the article, labels the name (or a
    longer name holding it) only as a place, date, work and so on, or not at all while
    the name is a single word the article also writes in lower case."""
    from index.nlp import entities_of

    doc = entities_of(text)
    kinds: Counter[str] = Counter()
    odd: list[str] = []
    lower = set(re.findall(r"\b[a-z][a-z’'-]*\b", text))
    for speaker in speakers:
        kinds[speaker.kind] += 1
        names = {speaker.name, *speaker.aliases}
        labels = Counter(
            e.label_
            for e in doc.ents
            for name in names
            if f" {name} " in f" {re.sub(r'^[Tt]he ', '', e.text)} "
        )
        if not speaker.name[:1].isupper():
            continue  # "a senior official": an unnamed source, described
        if labels and not (set(labels) - _NOT_SPEAKER_LABELS):
            odd.append(f"{speaker.name} ({labels.most_common(1)[0][0]})")
        elif not labels and " " not in speaker.name and speaker.name.lower() in lower:
            odd.append(f"{speaker.name} (no entity; a common word)")
    return kinds, odd


def score_article(
    name: str,
    gold: list[GoldQuote],
    contents: list[tuple[int, int]],
    quotes: list[Quote],
    reported: Sequence[GoldQuote] = (),
) -> AttributionScore:
    score = AttributionScore(articles=1, gold=len(gold))
    mine = [q for q in quotes if q.repeats is None]
    spans = [(q.start, q.end) for q in mine]
    for q in mine:
        if not q.speaker:
            continue
        correct = any(2 * _overlap((q.start, q.end), p) >= q.end - q.start for p in contents)
        if q.kind == "indirect":  # reported speech: its own figure, not the quotes'
            score.indirect_extracted += 1
            score.indirect_extracted_correct += correct
            continue
        score.extracted += 1
        if correct:
            score.extracted_correct += 1
        else:
            score.misses.append(Miss(name, "spurious", q.text[:160], None, q.speaker))
    for g in gold:
        found = 2 * _covered(g.pieces, spans) >= g.length
        score.found += found
        wanted = name_words(g.source)
        if not wanted:
            if not found:
                score.misses.append(Miss(name, "not found", g.text[:160], g.source, None))
            continue
        score.named_gold += 1
        if not found:
            score.misses.append(Miss(name, "not found", g.text[:160], g.source, None))
            continue
        score.named_found += 1
        best = max(mine, key=lambda q: sum(_overlap((q.start, q.end), p) for p in g.pieces))
        if wanted & _speaker_words(best.speaker):
            score.named_found_right += 1
        else:
            shape = "no speaker" if not best.speaker else "wrong speaker"
            score.misses.append(Miss(name, shape, g.text[:160], g.source, best.speaker))
    for g in reported:
        wanted = name_words(g.source)
        if not wanted:
            continue
        score.reported_gold += 1
        if 2 * _covered(g.pieces, spans) < g.length:
            continue
        best = max(mine, key=lambda q: sum(_overlap((q.start, q.end), p) for p in g.pieces))
        score.reported_found_right += bool(wanted & _speaker_words(best.speaker))
    return score


def score_folder(
    folder: Path,
    extractor: Extractor | None = None,
    limit: int | None = None,
    check_speakers: bool = True,
) -> AttributionScore:
    """Run the extraction (``extractor`` for each text, else indexing's own, batched) over
    every annotated article in ``folder`` and add up the figures; the directory check
    (speakers per kind) runs outside the timing."""
    total = AttributionScore()
    pairs = article_pairs(folder)[:limit]
    for first in range(0, len(pairs), BATCH_ARTICLES):
        batch = pairs[first : first + BATCH_ARTICLES]
        texts = [(t.read_text(encoding="utf-8"), str(t)) for t, _ in batch]
        started = time.perf_counter()
        extractions: list[Extraction] | None = None
        if extractor is None:
            extractions = extract_texts(texts)
            quotes = [list(e.quotes) for e in extractions]
        else:
            quotes = [extractor(text, source) for text, source in texts]
        total.seconds += time.perf_counter() - started
        for index, (text_path, ann_path) in enumerate(batch):
            ann = ann_path.read_text(encoding="utf-8")
            gold, contents = parse_ann(ann)
            one = score_article(text_path.stem, gold, contents, quotes[index], parse_reported(ann))
            if extractions is not None and check_speakers:
                kinds, odd = speaker_check(texts[index][0], extractions[index].speakers)
                one.speaker_kinds = kinds
                one.odd_speakers = [f"{text_path.stem}: {name}" for name in odd]
            total.add(one)
    return total


THRESHOLDS = Path(__file__).parent / "attribution_thresholds.json"


def gate(score: AttributionScore, path: Path = THRESHOLDS) -> list[str]:
    """Figures below the checked-in minimums, as readable lines."""
    minimums = json.loads(path.read_text(encoding="utf-8"))
    figures = score.figures()
    return [
        f"attribution {key} = {figures[key]:.3f}, below the minimum {low}"
        for key, low in minimums.items()
        if figures[key] < low
    ]


def markdown(score: AttributionScore, folder: Path, misses: int = 40) -> str:
    """The four figures, misses counted by shape, and the first misses of each shape."""
    figures = score.figures()
    lines = [
        f"# Attribution on {folder}",
        "",
        "| figure | value |",
        "| --- | --- |",
        *(f"| {key} | {value} |" for key, value in figures.items()),
        "",
        "## Misses by shape",
        "",
        *(f"- {shape}: {count}" for shape, count in score.misses_by_shape().most_common()),
    ]
    if score.odd_speakers:
        lines += ["", "## Speakers that are neither a person nor an organisation", ""]
        lines += [f"- {name}" for name in score.odd_speakers]
    for shape, _ in score.misses_by_shape().most_common():
        lines += ["", f"### {shape}", ""]
        for miss in [m for m in score.misses if m.shape == shape][:misses]:
            lines.append(
                f"- {miss.article}: “{miss.quote[:100]}” gold source: {miss.gold_source!r}; "
                f"extracted speaker: {miss.extracted_speaker!r}"
            )
    return "\n".join(lines) + "\n"


def write(score: AttributionScore, folder: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    data = {
        "folder": str(folder),
        "figures": score.figures(),
        "misses_by_shape": dict(score.misses_by_shape()),
        "odd_speakers": score.odd_speakers,
        "misses": [dataclasses.asdict(m) for m in score.misses],
    }
    (out / "attribution.json").write_text(json.dumps(data, indent=2, ensure_ascii=False))
    (out / "attribution.md").write_text(markdown(score, folder), encoding="utf-8")
