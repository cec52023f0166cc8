"""Ten clients at once on the app's "ask" endpoint: every one answered, none mixed up."""

from __future__ import annotations

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

gradio_client = pytest.importorskip("gradio_client")

# question -> a surname that must appear in its answer
QUESTIONS = {
    "What did Ali Vaez say about escalation?": "Vaez",
    "What did Rouzbeh Parsi say?": "Parsi",
    "What did Umer Karim say?": "Karim",
    "What did Rabia Akhtar say?": "Akhtar",
    "What did Tehmina Aslam Ranjha say?": "Ranjha",
    "What did Dr Parsi say about deterrence?": "Parsi",
    "What did Karim say about Iran's reputation?": "Karim",
    "What did Hossein Amir Abdollahian say?": "Abdollahian",
    "What did Dr Vaez say?": "Vaez",
    "What did Dr Akhtar say about Iran's goodwill?": "Akhtar",
}
CLIENTS = len(QUESTIONS)


def last_answer(result: tuple) -> str:  # type: ignore[type-arg]
    """The text of the last assistant message in the /ask result (chat, sources, box)."""
    chat = result[0]
    message = [m for m in chat if m["role"] == "assistant"][-1]
    content = message["content"]
    if isinstance(content, list):
        content = " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content)


def test_ten_simultaneous_clients(app_url: str) -> None:
    barrier = threading.Barrier(CLIENTS)

    def session(question: str) -> tuple[str, str, str, float]:
        client = gradio_client.Client(app_url, verbose=False)
        barrier.wait(timeout=60)  # all ten ask at the same moment
        started = time.monotonic()
        first = last_answer(client.predict(question, api_name="/ask"))
        # the follow-up resolves against this session's own history only
        follow = last_answer(client.predict("What else did they say?", api_name="/ask"))
        return question, first, follow, time.monotonic() - started

    with ThreadPoolExecutor(max_workers=CLIENTS) as pool:
        results = list(pool.map(session, QUESTIONS, timeout=180))

    assert len(results) == CLIENTS  # none dropped
    for question, answer, follow, _ in results:
        surname = QUESTIONS[question]
        assert surname in answer, f"{question!r} got {answer[:300]!r}"
        assert 'class="qb-cite"' in answer and "qb-abstained" not in answer, answer[:300]
        others = {s for s in QUESTIONS.values() if s != surname}
        # the first statement is this person's: by its bold lead, or a sentence naming them
        first_statement = answer.split('class="qb-cite"')[0]
        lead = re.search(r"<strong>(.*?)</strong>", first_statement)
        named = lead.group(1) if lead else first_statement
        assert surname in named and not others & set(re.findall(r"\w+", named))
        assert surname in follow, f"follow-up to {question!r} got {follow[:300]!r}"
