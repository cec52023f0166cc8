"""A live quotebot UI (hashing embedder, bundled article) on a free 127.0.0.1 port."""

from __future__ import annotations

import os

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import socket
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from index.config import Config, bundled_article
from rag import QuoteBot

SCREENSHOTS = Path(__file__).parent / "screenshots"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveApp:
    url: str
    bot: QuoteBot
    index_dir: Path


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveApp]:
    """The app over a fresh hashing-embedder index, served in a background thread."""
    from ui.app import build_app

    index_dir = tmp_path_factory.mktemp("ui") / "idx"
    bot = QuoteBot.create(index_dir, Config(embedder="hashing"))
    bot.add(bundled_article())
    demo = build_app(bot)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    with urllib.request.urlopen(url, timeout=30) as response:  # the server is up
        assert response.status == 200
    try:
        yield LiveApp(url, bot, index_dir)
    finally:
        demo.close()
        bot.close()


@pytest.fixture(scope="session")
def app_url(live_app: LiveApp) -> str:
    return live_app.url


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
