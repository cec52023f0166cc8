"""Optional answer generators. The extractive composer (no generator) is the default;
a generator only rephrases verified statements, and its output must pass the same
verification or the extractive answer is used instead."""

from __future__ import annotations

from typing import Protocol

from index.config import Config
from rag.verify import Statement


class Generator(Protocol):
    """Writes an answer from numbered, verified statements; [n] cites statement n."""

    def generate(self, question: str, statements: list[Statement]) -> str | None: ...


def make_generator(config: Config) -> Generator | None:
    """The generator the config names, or None for the extractive composer."""
    if config.generator in ("", "extractive"):
        return None
    if config.generator == "openai":
        from rag.generators.openai_compatible import OpenAICompatibleGenerator

        return OpenAICompatibleGenerator(
            config.generator_url, config.generator_model, config.generator_timeout_s
        )
    raise ValueError(f"unknown generator {config.generator!r}: use 'extractive' or 'openai'")
