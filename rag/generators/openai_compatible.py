"""A generator behind an OpenAI-compatible chat endpoint (Ollama, llama.cpp server, vLLM)."""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request

from rag.verify import Statement

SYSTEM_PROMPT = (
    "You answer questions about news articles using ONLY the numbered sources given. "
    "Quote the sources' words exactly, inside curly quotation marks “like this”, name who "
    "said them, and put the source number in square brackets after each claim, e.g. [1]. "
    "Never add facts or words in quotation marks that are not in the sources. Be brief."
)


class OpenAICompatibleGenerator:
    """POSTs to ``{base_url}/chat/completions``; any failure returns None (extractive answer)."""

    def __init__(self, base_url: str, model: str, timeout_s: float = 20.0) -> None:
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.timeout_s = timeout_s

    def _prompt(self, question: str, statements: list[Statement]) -> str:
        sources = []
        for n, s in enumerate(statements, start=1):
            who = f" ({s.citation.speaker})" if s.citation.speaker else ""
            sources.append(f"[{n}]{who} {s.citation.text}")
        return "Sources:\n" + "\n".join(sources) + f"\n\nQuestion: {question}"

    def generate(self, question: str, statements: list[Statement]) -> str | None:
        body = json.dumps(
            {
                "model": self.model,
                "temperature": 0,
                "messages": [
                    {"role": "system", "content": SYSTEM_PROMPT},
                    {"role": "user", "content": self._prompt(question, statements)},
                ],
            }
        ).encode()
        headers = {"Content-Type": "application/json"}
        if key := os.environ.get("QUOTEBOT_GENERATOR_API_KEY"):
            headers["Authorization"] = f"Bearer {key}"
        request = urllib.request.Request(f"{self.base_url}/chat/completions", body, headers)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as response:
                data = json.loads(response.read())
            content = data["choices"][0]["message"]["content"]
        except (
            urllib.error.URLError,
            TimeoutError,
            OSError,
            ValueError,
            KeyError,
            IndexError,
            TypeError,
        ):
            return None
        return content.strip() if isinstance(content, str) and content.strip() else None
