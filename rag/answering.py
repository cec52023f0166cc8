"""The answer path as a line of steps, for one index snapshot:

    resolve (follow-ups) -> analyse -> gather -> rank -> compose (+ verify)

Each step is its own module taking and returning a dataclass; this module only wires
them. Questions about the articles themselves (who wrote them, who someone is, everyone
quoted) are answered from the index's metadata by ``rag.answer.Answerer``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from index.nlp import load_nlp
from index.types import Speaker
from rag.candidates import Corpus, gather
from rag.conversation import Resolved
from rag.generators import Generator
from rag.rank import Model, load_model, rank, weights_for
from rag.respond import Composer, compose
from rag.retrieval import Retriever
from rag.types import Answer
from rag.understand import Analysis, analyse

METADATA_KINDS = ("author", "identity")


@dataclass
class AnswerPath:
    """The steps over one snapshot: its corpus, retriever and speaker directory."""

    corpus: Corpus
    retriever: Retriever
    speakers: list[Speaker]
    find_speaker: Callable[[str], Speaker | None]
    common: frozenset[str] = frozenset()
    model: Model | None = None
    generator: Generator | None = None

    def analyse(self, resolved: Resolved) -> Analysis:
        return analyse(resolved.question, self.speakers, self.common, resolved.context)

    def prepare(self) -> None:
        """Do now what the first question would otherwise wait for: load the parser and
        the ranker, and build the corpus tables candidates are gathered from."""
        load_nlp()
        self.ranker()
        self.corpus.prepare()

    def ranker(self) -> Model:
        """The fitted model: the one given, else the weights for the index's embedder."""
        return self.model or load_model(weights_for(self.retriever.config.embedder))

    def answer(self, analysis: Analysis, resolved: Resolved, limit: int) -> Answer:
        model = self.ranker()
        candidates = gather(analysis, self.retriever, self.corpus, resolved.exclude)
        ranked = rank(candidates, model)
        names = frozenset(
            w for s in self.speakers for a in (s.name, *s.aliases, s.title or "") for w in a.split()
        )
        composer = Composer(self.corpus, self.find_speaker, model, self.generator, names)
        return compose(ranked, composer, limit)


def lists_everyone(analysis: Analysis) -> bool:
    """A list question with no topic ("Which experts are quoted?"): everyone quoted."""
    return analysis.kind == "people" and not (analysis.lemmas - _LIST_WORDS)


_LIST_WORDS = frozenset(
    {
        "expert", "analyst", "people", "person", "speaker", "source", "scholar", "official",
        "voice", "specialist", "quote", "interview", "cite", "article", "list", "name",
        "story", "piece", "report", "comment", "speak",
    }
)  # fmt: skip
