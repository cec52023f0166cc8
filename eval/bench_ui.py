"""``quotebot bench --ui``: start ``quotebot serve`` in a subprocess and time it as a user
would meet it: until the page loads, until the first answer, and answer round trips."""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.dataset import load_questions
from eval.metrics import percentile

STARTUP_TIMEOUT_S = 180


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_for_page(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"quotebot serve exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"{url} did not answer within {STARTUP_TIMEOUT_S} s")


def run(index: Path | None, questions: int = 20) -> dict[str, Any]:
    from gradio_client import Client

    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "ui.cli"]
    if index is not None:
        command += ["--index", str(index)]
    command += ["serve", "--port", str(port)]
    env = {**os.environ, "GRADIO_ANALYTICS_ENABLED": "False", "HF_HUB_OFFLINE": "1"}
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        _wait_for_page(url, process)
        page_s = time.perf_counter() - started
        client = Client(url, verbose=False)
        texts = [q.question for q in load_questions()][: questions + 1]
        client.predict(texts[0], api_name="/ask")
        first_answer_s = time.perf_counter() - started
        latencies = []
        for text in texts[1:]:
            t = time.perf_counter()
            client.predict(text, api_name="/ask")
            latencies.append((time.perf_counter() - t) * 1000)
    finally:
        process.terminate()
        process.wait(timeout=30)
    return {
        "page_ready_s": page_s,
        "first_answer_s": first_answer_s,
        "answer_round_trip_ms": {
            "p50": statistics.median(latencies),
            "p95": percentile(latencies, 95),
        },
        "questions": len(latencies),
    }


def format_table(r: dict[str, Any]) -> str:
    rt = r["answer_round_trip_ms"]
    return "\n".join(
        [
            f"{'quotebot serve: page ready':40} {r['page_ready_s']:8.2f} s",
            f"{'quotebot serve: first answer':40} {r['first_answer_s']:8.2f} s",
            f"{'answer round trip p50 / p95':40} {rt['p50']:8.1f} / {rt['p95']:.1f} ms",
            f"({r['questions']} questions through the UI's /ask endpoint with gradio_client)",
        ]
    )
