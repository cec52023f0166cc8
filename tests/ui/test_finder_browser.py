"""The Quote finder, copy with attribution, CSV export, a scoped chat and the Experts view
in headless Chromium, over two articles (the bundled one with its outlet given on upload,
and a wire story). Screenshots of the finder and the experts view go to docs/screenshots/."""

from __future__ import annotations

import csv
import io
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from index.config import Config, bundled_article
from rag import QuoteBot
from tests.ui.conftest import free_port

CHROMIUM = Path("/usr/bin/chromium")
DOCS_SCREENSHOTS = Path(__file__).parents[2] / "docs" / "screenshots"
AP = Path(__file__).parents[1] / "data" / "articles" / "ap-bus-driver-assault.txt"
IRAN_TITLE = "Where is the Iran-Pakistan relationship heading?"
AP_TITLE = "Union demands better protection for Ohio bus drivers"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (python)")
expect = sync_api.expect
Page = sync_api.Page
TIMEOUT = 30_000
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


@pytest.fixture(scope="module")
def two_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, QuoteBot, str, str]]:
    from ui.app import build_app

    bot = QuoteBot.create(tmp_path_factory.mktemp("finder-ui") / "idx", Config(embedder="hashing"))
    iran = bot.add(bundled_article(), metadata={"outlet": "The New Arab"})
    ap = bot.add(AP)
    demo = build_app(bot)
    port = free_port()
    demo.launch(prevent_thread_lock=True, server_name="127.0.0.1", server_port=port, quiet=True)
    url = f"http://127.0.0.1:{port}/"
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
    try:
        yield url, bot, iran, ap
    finally:
        demo.close()
        bot.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, two_app) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(
        viewport={"width": 1400, "height": 1000},
        permissions=["clipboard-read", "clipboard-write"],
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(two_app[0], wait_until="load")
    expect(page.locator("#qb-send")).to_be_visible()
    yield page
    context.close()


def choose(page: Page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option).first.click()


def find(page: Page, topic: str, speaker: str | None = None) -> None:
    page.get_by_role("tab", name="Quote finder", exact=True).click()
    page.locator("#qb-find-topic textarea").fill(topic)
    if speaker:
        choose(page, "#qb-find-speaker", speaker)
    page.locator("#qb-find").click()
    expect(page.locator("#qb-finder tr.qb-find-row").first).to_be_visible()


def test_finder_topic_with_speaker_filter_opens_the_passage(page: Page, two_app) -> None:  # type: ignore[no-untyped-def]
    _, bot, iran, _ = two_app
    find(page, "Pakistan Iran tensions")
    rows = page.locator("#qb-finder tr.qb-find-row")
    expected = bot.find_quotes(about="Pakistan Iran tensions")
    expect(rows).to_have_count(len(expected))
    find(page, "escalation", "Ali Vaez")
    vaez = bot.find_quotes(about="escalation", speaker="Ali Vaez")
    expect(rows).to_have_count(len(vaez))
    for i in range(len(vaez)):
        expect(rows.nth(i).locator(".qb-speaker")).to_have_text("Dr Ali Vaez")
    first = rows.first
    expect(first).to_contain_text(IRAN_TITLE)
    expect(first).to_contain_text("The New Arab")
    expect(first).to_contain_text("23 January 2024")
    expect(first.locator("td.qb-fq")).to_contain_text(vaez[0].text[:40])
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "finder.png"), full_page=True)
    first.locator("a.qb-goto").click()
    focus = page.locator("#qb-article .qb-focus")
    expect(focus).to_be_visible()
    expect(focus).to_contain_text(f"¶{vaez[0].paragraph}")
    expect(focus.locator("mark")).to_have_text(vaez[0].text)
    assert vaez[0].doc_id == iran


def test_copy_a_quote_with_its_attribution(page: Page, two_app) -> None:  # type: ignore[no-untyped-def]
    _, bot, _, _ = two_app
    find(page, "step back from the brink", "Ali Vaez")
    top = bot.find_quotes(about="step back from the brink", speaker="Ali Vaez")[0]
    button = page.locator("#qb-finder tr.qb-find-row").first.locator("button.qb-copy")
    button.click()
    expect(button).to_have_text("Copied")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == top.attributed()
    assert copied.startswith("“Neither side has an interest in further escalation.")
    assert copied.endswith(
        "said Dr Ali Vaez, director of the Iran Project at the International Crisis Group "
        f"({IRAN_TITLE}, The New Arab, 23 January 2024)."
    )


def test_export_csv_matches_the_api(page: Page, two_app) -> None:  # type: ignore[no-untyped-def]
    _, bot, _, _ = two_app
    find(page, "attack")
    with page.expect_download() as info:
        page.locator("#qb-export-csv").click()
    download = info.value
    assert download.suggested_filename == "quotes.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    rows = list(csv.DictReader(io.StringIO(text)))
    api = bot.find_quotes(about="attack")
    assert [(r["speaker"], r["quote"], r["article"]) for r in rows] == [
        (q.speaker or "", q.text, q.article_title) for q in api
    ]
    assert [(int(r["paragraph"]), int(r["start"]), int(r["end"])) for r in rows] == [
        (q.paragraph, q.start, q.end) for q in api
    ]


def test_chat_scoped_to_one_of_two_articles(page: Page, two_app) -> None:  # type: ignore[no-untyped-def]
    _, bot, iran, ap = two_app
    question = "What did the union say about the assaults?"
    assert {c.doc_id for c in bot.ask(question).citations} == {ap}  # unscoped: the AP story
    choose(page, "#qb-scope", IRAN_TITLE)
    page.locator("#qb-question textarea").fill(question)
    page.locator("#qb-send").click()
    answer = page.locator("#qb-chat .qb-answer").last
    expect(answer).to_be_visible()
    scoped = bot.ask(question, doc_ids=[iran])
    sources = page.locator("#qb-sources")
    expect(sources).to_contain_text(question)
    expect(sources).not_to_contain_text(AP_TITLE)
    if scoped.abstained:
        expect(answer).to_contain_text("Not in the sources")
    # the other article only: sources name it with its outlet
    page.locator("#qb-scope .token-remove, #qb-scope [aria-label='Remove']").first.click()
    choose(page, "#qb-scope", AP_TITLE)
    page.locator("#qb-question textarea").fill(question)
    page.locator("#qb-send").click()
    expect(page.locator("#qb-sources .qb-current .qb-source").first).to_contain_text(AP_TITLE)
    expect(page.locator("#qb-sources .qb-current")).not_to_contain_text(IRAN_TITLE)
    expect(page.locator("#qb-sources .qb-current")).to_contain_text("Associated Press")


def test_experts_grouped_and_searchable(page: Page, two_app) -> None:  # type: ignore[no-untyped-def]
    _, bot, _, _ = two_app
    page.get_by_role("tab", name="Experts", exact=True).click()
    experts = page.locator("#qb-experts")
    people = [s for s in bot.speakers() if s.is_person]
    groups = [s for s in bot.speakers() if not s.is_person]
    expect(experts.locator(".qb-expert-group").first).to_contain_text(f"People ({len(people)})")
    if groups:
        expect(experts).to_contain_text(f"Organisations ({len(groups)})")
    vaez = experts.locator("section.qb-expert", has_text="Dr Ali Vaez")
    expect(vaez.locator(".qb-article-label").first).to_contain_text("23 January 2024")
    DOCS_SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(DOCS_SCREENSHOTS / "experts.png"), full_page=False)
    page.locator("#qb-expert-search textarea").fill("vaez")
    expect(experts.locator("section.qb-expert")).to_have_count(1)
    expect(experts.locator("section.qb-expert")).to_contain_text("Dr Ali Vaez")


def test_upload_corrects_title_outlet_and_date(page: Page, two_app, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, bot, _, _ = two_app
    article = tmp_path / "ferry.txt"
    article.write_text(
        "ferry draft 3\n\nFares on the island route will rise in May, the operator said.\n\n"
        "“Nobody wants to pay more,” said Ana Ruiz, a commuter from Brennmoor.\n",
        encoding="utf-8",
    )
    page.get_by_role("tab", name="Add an article", exact=True).click()
    page.locator("#qb-meta-title textarea").fill("Ferry fares rise on the island route")
    page.locator("#qb-meta-outlet textarea").fill("The Island Post")
    page.locator("#qb-meta-date textarea").fill("2024-05-02")
    page.locator("#qb-meta-date textarea").blur()
    page.wait_for_timeout(300)  # the corrections reach the server before the upload starts
    page.locator("#qb-upload input[type=file]").set_input_files(str(article))
    status = page.locator("#qb-upload-status .qb-status-ok")
    expect(status).to_contain_text("Ferry fares rise on the island route", timeout=TIMEOUT)
    [doc] = [d for d in bot.documents() if d.source.endswith("ferry.txt")]
    assert (doc.title, doc.outlet, doc.date) == (
        "Ferry fares rise on the island route",
        "The Island Post",
        "2024-05-02",
    )
    find(page, "pay more fares", "Ana Ruiz")
    row = page.locator("#qb-finder tr.qb-find-row").first
    expect(row).to_contain_text("The Island Post")
    expect(row).to_contain_text("2 May 2024")
    bot.remove(doc.doc_id)
