"""The live UI in headless Chromium: ask, click a marker, follow up, upload, stay safe."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists(), reason="needs /usr/bin/chromium (apt-get install -y chromium)"
    ),
]

sync_api = pytest.importorskip("playwright.sync_api", reason="needs playwright (python)")
expect = sync_api.expect
Page = sync_api.Page

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT = 30_000

OKAFOR = (
    "Lagos braces for a trade squeeze\n\n"
    "Importers in Lagos are preparing for higher costs as new levies take effect.\n\n"
    "“Tariffs will rise,” said Dr Mina Okafor, an economist at the Lagos Institute.\n\n"
    "Port operators expect a slow quarter.\n"
)
HOSTILE = (
    "Hostile <b>markup</b> test <script>window.__pwned=1</script>\n\n"
    "<script>window.__pwned=1</script> was pasted into this draft.\n\n"
    '<img src=x onerror="window.__pwned=1"> was pasted here too.\n\n'
    '“Never trust <img src=x onerror="window.__pwned=1"> input,” said Dr Ada Lovelace, '
    "a security researcher at the Example Lab.\n"
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, app_url: str) -> Iterator[Page]:  # type: ignore[no-untyped-def]
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(TIMEOUT)
    page.goto(app_url, wait_until="load")
    expect(page.locator("#qb-send")).to_be_visible()
    yield page
    context.close()


# -- helpers ---------------------------------------------------------------------------
def shot(page: Page, screenshots: Path, name: str) -> None:
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)


def ask(page: Page, question: str):  # type: ignore[no-untyped-def]
    """Ask in the Chat tab; return the locator of the new answer."""
    page.get_by_role("tab", name="Chat", exact=True).click()
    answers = page.locator("#qb-chat .qb-answer")
    before = answers.count()
    page.locator("#qb-question textarea").fill(question)
    page.locator("#qb-send").click()
    expect(answers).to_have_count(before + 1, timeout=TIMEOUT)
    expect(page.locator("#qb-chat .qb-question").last).to_have_text(question)
    return answers.nth(before)


def upload(page: Page, path: Path, *, ok: bool) -> str:
    """Upload a file in the "Add an article" tab; return the status text."""
    page.get_by_role("tab", name="Add an article", exact=True).click()
    page.locator("#qb-upload input[type=file]").set_input_files(str(path))
    status = page.locator("#qb-upload-status .qb-status")
    expect(status).to_contain_text(path.name, timeout=TIMEOUT)
    expect(page.locator(f"#qb-upload-status .qb-status-{'ok' if ok else 'error'}")).to_be_visible()
    return status.inner_text()


# -- tests -----------------------------------------------------------------------------
def test_ask_click_marker_and_follow_up(page: Page, screenshots: Path) -> None:
    shot(page, screenshots, "01-start")
    answer = ask(page, "What did Ali Vaez say about escalation?")
    expect(answer).to_contain_text("Vaez")
    marker = answer.locator("a.qb-cite").first
    expect(marker).to_have_text("[1]")
    assert "Neither side has an interest" in (marker.get_attribute("title") or "")
    # every citation of the answer is listed in the Sources panel
    n_markers = len(set(answer.locator("a.qb-cite").all_inner_texts()))
    expect(page.locator("#qb-sources .qb-current .qb-source")).to_have_count(n_markers)
    expect(page.locator("#qb-sources .qb-current .qb-source").first).to_contain_text("¶48")
    shot(page, screenshots, "02-answer")

    marker.click()
    active = page.locator("#qb-sources .qb-source.qb-active")
    expect(active).to_have_count(1)
    mark = active.locator("mark")
    expect(mark).to_be_visible()
    expect(mark).to_contain_text("Neither side has an interest")
    expect(active).to_contain_text("¶48")
    expect(active).to_contain_text("Where is the Iran-Pakistan relationship heading?")
    shot(page, screenshots, "03-marker-clicked")

    # the cited passage lands in the Article view, highlighted
    active.locator("a.qb-goto").click()
    focus = page.locator("#qb-article .qb-focus")
    expect(focus).to_be_visible()
    expect(focus).to_contain_text("¶48")
    expect(focus.locator("mark")).to_contain_text("Neither side has an interest")
    shot(page, screenshots, "04-citation-in-article")

    follow = ask(page, "What else did he say?")
    expect(follow).to_contain_text("Vaez")
    expect(follow.locator("a.qb-cite").first).to_be_visible()
    assert follow.inner_text() != answer.inner_text()
    sources = page.locator("#qb-sources .qb-current .qb-source mark")
    assert sources.count() >= 1
    assert "Neither side has an interest" not in sources.first.inner_text()
    # a marker of the earlier answer still opens its passage (folded under Earlier answers)
    answer.locator("a.qb-cite").first.click()
    expect(page.locator("#qb-sources .qb-source.qb-active mark")).to_contain_text(
        "Neither side has an interest"
    )
    shot(page, screenshots, "05-follow-up")


def test_abstention_and_examples(page: Page, screenshots: Path) -> None:
    answer = ask(page, "What is the capital of France?")
    expect(answer).to_contain_text("Not in the sources")
    assert "qb-abstained" in (answer.get_attribute("class") or "")
    expect(answer.locator("a.qb-cite")).to_have_count(0)
    expect(page.locator("#qb-sources .qb-current")).to_contain_text("Not in the sources")
    shot(page, screenshots, "06-abstention")

    answers = page.locator("#qb-chat .qb-answer")
    before = answers.count()
    page.get_by_role("button", name="Which experts are quoted?").click()
    expect(answers).to_have_count(before + 1)
    expect(answers.last).to_contain_text("Dr Ali Vaez")
    expect(answers.last).to_contain_text("Dr Rabia Akhtar")
    shot(page, screenshots, "07-example-question")


def test_experts_tab_links_to_article(page: Page, screenshots: Path) -> None:
    page.get_by_role("tab", name="Experts", exact=True).click()
    experts = page.locator("#qb-experts")
    expect(experts.locator("table")).to_contain_text("Dr Ali Vaez")
    expect(experts.locator("table")).to_contain_text("International Crisis Group")
    vaez = experts.locator("section.qb-expert", has_text="Dr Ali Vaez")
    expect(vaez.locator("a.qb-goto").first).to_have_text(re.compile(r"¶\d+"))
    shot(page, screenshots, "08-experts")
    # filter by speaker
    page.locator("#qb-speaker-filter input").click()
    page.get_by_role("option", name="Umer Karim", exact=True).click()
    expect(experts.locator("section.qb-expert")).to_have_count(1)
    expect(experts.locator("section.qb-expert")).to_contain_text("Dr Umer Karim")
    page.locator("#qb-speaker-filter input").click()
    page.get_by_role("option", name="All speakers", exact=True).click()
    expect(experts.locator("section.qb-expert", has_text="Dr Ali Vaez")).to_have_count(1)
    link = vaez.locator("a.qb-goto").first
    paragraph = link.inner_text().lstrip("¶")
    link.click()
    focus = page.locator("#qb-article .qb-focus")
    expect(focus).to_be_visible()
    expect(focus).to_contain_text(f"¶{paragraph}")
    expect(focus.locator("mark")).to_be_visible()
    shot(page, screenshots, "09-expert-quote-in-article")


def test_upload_then_ask(page: Page, screenshots: Path, tmp_path: Path) -> None:
    article = tmp_path / "okafor-tariffs.txt"
    article.write_text(OKAFOR, encoding="utf-8")
    status = upload(page, article, ok=True)
    assert "Indexed" in status or "already indexed" in status
    shot(page, screenshots, "10-upload-ok")
    answer = ask(page, "What did Mina Okafor say?")
    expect(answer).to_contain_text("Okafor")
    expect(answer).to_contain_text("Tariffs will rise")
    answer.locator("a.qb-cite").first.click()
    active = page.locator("#qb-sources .qb-source.qb-active")
    expect(active.locator("mark")).to_have_text("Tariffs will rise")
    expect(active).to_contain_text("Lagos braces for a trade squeeze")
    shot(page, screenshots, "11-ask-uploaded")


def test_hostile_article_is_inert(page: Page, screenshots: Path, tmp_path: Path) -> None:
    article = tmp_path / "hostile-markup.txt"
    article.write_text(HOSTILE, encoding="utf-8")
    upload(page, article, ok=True)
    page.get_by_role("tab", name="Article", exact=True).click()
    view = page.locator("#qb-article")
    expect(view).to_contain_text("<script>window.__pwned=1</script> was pasted into this draft.")
    expect(view).to_contain_text('<img src=x onerror="window.__pwned=1"> was pasted here too.')
    expect(view.locator(".qb-article-title")).to_have_text(
        "Hostile <b>markup</b> test <script>window.__pwned=1</script>"
    )
    assert view.locator("img, script, b").count() == 0
    shot(page, screenshots, "12-hostile-article")

    answer = ask(page, "What did Ada Lovelace say?")
    expect(answer).to_contain_text("Lovelace")
    expect(answer).to_contain_text('Never trust <img src=x onerror="window.__pwned=1"> input')
    answer.locator("a.qb-cite").first.click()
    expect(page.locator("#qb-sources .qb-source.qb-active mark")).to_have_text(
        'Never trust <img src=x onerror="window.__pwned=1"> input'
    )
    assert page.locator("#qb-chat img[src=x], #qb-sources img, #qb-sources script").count() == 0
    page.wait_for_timeout(300)  # give any injected handler the chance to run
    assert page.evaluate("window.__pwned") is None
    shot(page, screenshots, "13-hostile-answer")


def test_bad_uploads_show_errors_and_keep_index(
    page: Page, screenshots: Path, tmp_path: Path, live_app
) -> None:  # type: ignore[no-untyped-def]
    before = sorted(d.doc_id for d in live_app.bot.documents())
    manifest = (live_app.index_dir / "manifest.json").read_bytes()
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n")
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Café “Olé” said Dr José Núñez, an analyst.\n".encode("cp1252"))
    empty = tmp_path / "empty.md"
    empty.write_bytes(b"")
    big = tmp_path / "too-big.txt"
    big.write_bytes(b"word " * 450_000)  # 2.25 MB, over the 2 MB default

    expected = {binary: "binary", pdf: ".txt or .md", latin1: "UTF-8", empty: "empty", big: "limit"}
    for path, words in expected.items():
        status = upload(page, path, ok=False)
        assert words in status, status
        assert "Traceback" not in status and str(tmp_path) not in status
        shot(page, screenshots, f"14-bad-upload-{path.stem}")
    assert "Traceback" not in page.locator("body").inner_text()
    assert sorted(d.doc_id for d in live_app.bot.documents()) == before
    assert (live_app.index_dir / "manifest.json").read_bytes() == manifest

    answer = ask(page, "What did Ali Vaez say about escalation?")
    expect(answer).to_contain_text("Vaez")
    expect(answer.locator("a.qb-cite").first).to_be_visible()
    shot(page, screenshots, "15-ask-after-errors")
