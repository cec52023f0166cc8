"""The HTTP API the UI exposes, called the way the README shows (Gradio's call/EVENT_ID)."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest


def call(app_url: str, endpoint: str, *data: Any) -> tuple[str, Any]:
    """POST /gradio_api/call/ENDPOINT, then read GET .../EVENT_ID: (event, data)."""
    request = urllib.request.Request(
        f"{app_url}gradio_api/call/{endpoint}",
        data=json.dumps({"data": list(data)}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        event_id = json.load(response)["event_id"]
    with urllib.request.urlopen(
        f"{app_url}gradio_api/call/{endpoint}/{event_id}", timeout=60
    ) as response:
        stream = response.read().decode()
    event = [line[7:] for line in stream.splitlines() if line.startswith("event: ")][-1]
    payload = [line[6:] for line in stream.splitlines() if line.startswith("data: ")][-1]
    return event, json.loads(payload)


def test_answer_endpoint_gives_json_with_citations(app_url: str) -> None:
    event, data = call(app_url, "answer", "What did Ali Vaez say about escalation?")
    assert event == "complete"
    [answer] = data
    assert not answer["abstained"] and "Vaez" in answer["answer"]
    cite = answer["citations"][0]
    assert cite["paragraph"] == 48 and cite["speaker"] == "Ali Vaez"
    assert cite["text"].startswith("Neither side has an interest in further escalation")
    assert cite["end"] - cite["start"] == len(cite["text"])


def test_answer_endpoint_reports_bad_input_as_an_error_event(app_url: str) -> None:
    event, data = call(app_url, "answer", "Why? " * 500)
    assert event == "error"
    assert "over the limit of 2000" in data["error"] and "Traceback" not in data["error"]


def test_ask_endpoint_gives_the_chat_and_sources(app_url: str) -> None:
    event, data = call(app_url, "ask", "What did Ali Vaez say about escalation?")
    assert event == "complete"
    chat, _, sources, box = data
    reply = chat[-1]["content"]
    text = reply[0]["text"] if isinstance(reply, list) else reply
    assert 'class="qb-answer"' in text and "Vaez" in text
    assert "Neither side has an interest" in sources and box == ""


@pytest.mark.parametrize("endpoint", ["answer", "ask"])
def test_endpoints_are_listed(app_url: str, endpoint: str) -> None:
    with urllib.request.urlopen(f"{app_url}gradio_api/info", timeout=30) as response:
        info = json.load(response)
    assert f"/{endpoint}" in info["named_endpoints"]
    assert "/upload" not in info["named_endpoints"]  # callable, but not advertised
