"""The optional OpenAI-compatible generator: used only when its output passes verification."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from index.config import Config, bundled_article
from rag import QuoteBot
from rag.verify import violations

QUESTION = "What did Ali Vaez say about escalation?"


class _Endpoint(BaseHTTPRequestHandler):
    reply = ""
    requests: ClassVar[list[dict]] = []  # type: ignore[type-arg]

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).requests.append(body)
        payload = json.dumps({"choices": [{"message": {"content": type(self).reply}}]})
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(payload.encode())

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    server = HTTPServer(("127.0.0.1", 0), _Endpoint)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Endpoint.requests = []
    yield f"http://127.0.0.1:{server.server_port}/v1"
    server.shutdown()


def _bot(tmp_path: Path, url: str) -> QuoteBot:
    config = Config(  # the real embedder: the answer ranker is fitted on it
        generator="openai", generator_url=url, generator_model="test-model"
    )
    bot = QuoteBot.create(tmp_path / "idx", config)
    bot.add(bundled_article())
    return bot


@pytest.mark.model
def test_verified_generation_is_used(tmp_path: Path, endpoint: str) -> None:
    _Endpoint.reply = "Dr Ali Vaez said “Neither side has an interest in further escalation” [1]."
    bot = _bot(tmp_path, endpoint)
    answer = bot.ask(QUESTION)
    assert answer.text == _Endpoint.reply
    assert violations(bot, answer) == []
    prompt = _Endpoint.requests[-1]["messages"][-1]["content"]
    assert "Neither side has an interest in further escalation" in prompt


@pytest.mark.parametrize(
    "reply",
    [
        "Dr Ali Vaez said “Iran will win the war” [1].",  # an invented quotation
        "Dr Ali Vaez said escalation is inevitable and Iran will attack India [1].",  # new claim
        "Dr Ali Vaez said “Neither side has an interest in further escalation” [7].",  # bad marker
        "Neither side wants escalation.",  # no citation at all
    ],
)
@pytest.mark.model
def test_unverifiable_generation_falls_back_to_extractive(
    tmp_path: Path, endpoint: str, reply: str
) -> None:
    _Endpoint.reply = reply
    bot = _bot(tmp_path, endpoint)
    answer = bot.ask(QUESTION)
    assert answer.text != reply
    assert "Neither side has an interest in further escalation" in answer.text
    assert violations(bot, answer) == []


@pytest.mark.model
def test_unreachable_endpoint_falls_back(tmp_path: Path) -> None:
    bot = _bot(tmp_path, "http://127.0.0.1:9/v1")
    answer = bot.ask(QUESTION)
    assert answer.citations and violations(bot, answer) == []
