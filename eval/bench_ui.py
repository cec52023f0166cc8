"""``quotebot bench --ui``: start ``quotebot serve`` in a subprocess and time it as a user
would meet it: until the page loads, until the first answer, answer round trips when idle,
and answer round trips while an article is being uploaded and indexed by the same server.

The server runs on a copy of the index, so the upload leaves the real one untouched."""

from __future__ import annotations

import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

from eval.dataset import load_questions
from eval.metrics import percentile

STARTUP_TIMEOUT_S = 180
UPLOAD_PARAGRAPHS = 200  # about 36 KB: indexing it takes several seconds with the real model


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


def upload_article(paragraphs: int = UPLOAD_PARAGRAPHS) -> str:
    """A long generated article with a quote every third paragraph."""
    parts = ["Glaciers retreat across the northern ranges"]
    for i in range(paragraphs):
        parts.append(
            f"Survey team {i} measured the ice at station {i} in the valley, where the melt "
            "season began early and the rivers ran high for weeks."
        )
        if i % 3 == 0:
            parts.append(
                f"“The ice at station {i} is thinning faster than any model predicted,” said "
                "Dr Lena Varga, a glaciologist at the Northern Institute."
            )
    return "\n\n".join(parts) + "\n"


def _latency(values: list[float]) -> dict[str, float]:
    return {"p50": statistics.median(values), "p95": percentile(values, 95)}


def run(index: Path | None, questions: int = 20) -> dict[str, Any]:
    from gradio_client import Client, handle_file

    from index.config import default_index_dir
    from rag import QuoteBot

    source = index if index is not None else default_index_dir()
    QuoteBot.open(index).close()  # the default index is built on first use
    work = Path(tempfile.mkdtemp(prefix="quotebot-bench-ui-"))
    shutil.copytree(source, work / "index", ignore=shutil.ignore_patterns("*.lock"))
    article = work / "glaciers.txt"
    article.write_text(upload_article(), encoding="utf-8")
    upload_bytes = article.stat().st_size
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    command = [sys.executable, "-m", "ui.cli", "--index", str(work / "index")]
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
        idle = []
        for text in texts[1:]:
            t = time.perf_counter()
            client.predict(text, api_name="/ask")
            idle.append((time.perf_counter() - t) * 1000)
        # the same questions, over and over, while the server indexes an upload
        uploader = Client(url, verbose=False)
        t_upload = time.perf_counter()
        job = uploader.submit(handle_file(str(article)), "", "", "", api_name="/upload")
        busy: list[float] = []
        while not job.done():
            t = time.perf_counter()
            client.predict(texts[1 + len(busy) % (len(texts) - 1)], api_name="/ask")
            if not job.done():  # an answer that straddles the end is not "during"
                busy.append((time.perf_counter() - t) * 1000)
        status = str(job.result()[0])
        upload_s = time.perf_counter() - t_upload
        if "qb-status-ok" not in status:
            raise RuntimeError(f"the bench upload failed: {status}")
    finally:
        process.terminate()
        process.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)
    return {
        "page_ready_s": page_s,
        "first_answer_s": first_answer_s,
        "answer_round_trip_ms": _latency(idle),
        "questions": len(idle),
        "answer_during_upload_ms": _latency(busy) if busy else None,
        "answers_during_upload": len(busy),
        "upload_s": upload_s,
        "upload_bytes": upload_bytes,
    }


def format_table(r: dict[str, Any]) -> str:
    rt = r["answer_round_trip_ms"]
    lines = [
        f"{'quotebot serve: page ready':40} {r['page_ready_s']:8.2f} s",
        f"{'quotebot serve: first answer':40} {r['first_answer_s']:8.2f} s",
        f"{'answer round trip, idle, p50 / p95':40} {rt['p50']:8.1f} / {rt['p95']:.1f} ms",
    ]
    busy = r.get("answer_during_upload_ms")
    if busy:
        lines.append(
            f"{'answer round trip, during upload':40} {busy['p50']:8.1f} / {busy['p95']:.1f} ms"
            f"  ({r['answers_during_upload']} answers while a {r['upload_s']:.1f} s upload ran)"
        )
    lines.append(
        f"({r['questions']} idle questions through the UI's /ask endpoint with gradio_client)"
    )
    return "\n".join(lines)
