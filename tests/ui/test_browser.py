"""The live UI in headless Chromium: ask, click a marker, follow up, upload, stay safe."""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from eval.bench_ui import upload_article

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
    # a who-said question answers with the one passage, so the follow-up has more of his to
    # bring whatever the fitted floor lets a "what did X say about Y" answer list
    answer = ask(page, "Who said that neither side has an interest in further escalation?")
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


def test_upload_a_web_page(page: Page, screenshots: Path, tmp_path: Path) -> None:
    html = Path(__file__).resolve().parents[1] / "data" / "html" / "harbour-strike.html"
    status = upload(page, html, ok=True)
    assert "Dockworkers walk out at Port Elland" in status
    page.get_by_role("tab", name="Articles", exact=True).click()
    row = page.locator("#qb-articles tr", has_text="Dockworkers walk out at Port Elland")
    expect(row).to_contain_text("harbour-strike.html")
    expect(row).to_contain_text("2025-03-14")
    shot(page, screenshots, "12a-web-page-listed")
    answer = ask(page, "What did Tomas Reyes say about wages?")
    expect(answer).to_contain_text("We have asked for a fair wage for two years")
    assert "Cookie settings" not in page.locator("body").inner_text()


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


# -- articles added elsewhere, removal, uploads that take a while ------------------------------
FERRY = (
    "Ferry fares rise on the island route\n\n"
    "Fares on the island route will rise by a fifth from next month.\n\n"
    "“Fuel costs left us no choice,” said Ana Ruiz, a director at Island Ferries.\n"
)


def choose(page: Page, dropdown: str, option: str) -> None:
    page.locator(f"{dropdown} input").click()
    page.get_by_role("option", name=option).click()


def test_article_added_by_another_process_then_removed_in_the_ui(
    page: Page, screenshots: Path, tmp_path: Path, live_app
) -> None:  # type: ignore[no-untyped-def]
    page.get_by_role("tab", name="Articles", exact=True).click()
    table = page.locator("#qb-articles table")
    expect(table).to_contain_text("Where is the Iran-Pakistan relationship heading?")
    expect(table).not_to_contain_text("Ferry fares")
    article = tmp_path / "ferry.txt"
    article.write_text(FERRY, encoding="utf-8")
    # another process indexes an article while the server runs
    done = subprocess.run(
        [sys.executable, "-m", "ui.cli", "index", str(article), "--index", str(live_app.index_dir)],
        capture_output=True,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    # no restart, no reload: the tabs pick it up when they are opened
    page.get_by_role("tab", name="Experts", exact=True).click()
    expect(page.locator("#qb-experts table")).to_contain_text("Ana Ruiz")
    page.get_by_role("tab", name="Articles", exact=True).click()
    row = table.locator("tr", has_text="Ferry fares rise on the island route")
    expect(row).to_contain_text("ferry.txt")
    expect(row.locator(".qb-count").last).to_have_text("1")
    shot(page, screenshots, "16-article-from-cli")
    page.get_by_role("tab", name="Article", exact=True).click()
    choose(page, "#qb-doc-select", "Ferry fares rise on the island route")
    expect(page.locator("#qb-article .qb-article-title")).to_have_text(
        "Ferry fares rise on the island route"
    )
    answer = ask(page, "What did Ana Ruiz say about fuel?")
    expect(answer).to_contain_text("Fuel costs left us no choice")

    # removal asks first; Cancel keeps the article
    page.get_by_role("tab", name="Articles", exact=True).click()
    choose(page, "#qb-remove-select", "Ferry fares rise on the island route")
    page.locator("#qb-remove").click()
    confirm = page.locator("#qb-remove-confirm")
    expect(confirm).to_be_visible()
    expect(confirm).to_contain_text("Remove “Ferry fares rise on the island route”")
    shot(page, screenshots, "17-remove-confirm")
    page.locator("#qb-remove-cancel").click()
    expect(confirm).to_be_hidden()
    expect(page.locator("#qb-remove-status")).to_contain_text("Nothing removed")
    expect(row).to_have_count(1)
    page.locator("#qb-remove").click()
    page.locator("#qb-remove-yes").click()
    expect(page.locator("#qb-remove-status .qb-status-ok")).to_contain_text("Removed “Ferry fares")
    expect(row).to_have_count(0)
    expect(confirm).to_be_hidden()
    assert "Ferry fares" not in {d.title[:11] for d in live_app.bot.documents()}
    page.get_by_role("tab", name="Experts", exact=True).click()
    expect(page.locator("#qb-experts table")).to_contain_text("Dr Ali Vaez")
    expect(page.locator("#qb-experts table")).not_to_contain_text("Ana Ruiz")
    answer = ask(page, "What did Ana Ruiz say about fuel?")
    expect(answer).not_to_contain_text("Fuel costs left us no choice")
    shot(page, screenshots, "18-removed")


# Records, in the page, the order in which things happen: each upload stage shown, each
# answer added to the chat, and the upload's success message.
RECORDER = """
() => {
  window.__qbEvents = [];
  let answers = document.querySelectorAll('#qb-chat .qb-answer').length;
  let stage = null;
  let uploaded = false;
  const look = () => {
    const bar = document.querySelector('#qb-upload-status .progress-level-inner')
      || document.querySelector('.progress-level-inner');
    const text = bar ? bar.innerText.split(' - ')[0].trim() : null;
    if (text && text !== stage) { stage = text; window.__qbEvents.push('stage:' + text); }
    const n = document.querySelectorAll('#qb-chat .qb-answer').length;
    if (n > answers) { answers = n; window.__qbEvents.push('answer'); }
    if (!uploaded && document.querySelector('#qb-upload-status .qb-status-ok')) {
      uploaded = true; window.__qbEvents.push('uploaded');
    }
  };
  new MutationObserver(look).observe(document.body,
    {subtree: true, childList: true, characterData: true, attributes: true});
}
"""


def test_upload_shows_its_stages_and_chat_answers_meanwhile(
    page: Page, screenshots: Path, tmp_path: Path, live_app
) -> None:  # type: ignore[no-untyped-def]
    article = tmp_path / "glaciers.txt"
    article.write_text(upload_article(1000), encoding="utf-8")  # about 180 KB: several seconds
    page.evaluate(RECORDER)
    page.get_by_role("tab", name="Add an article", exact=True).click()
    page.locator("#qb-upload input[type=file]").set_input_files(str(article))
    page.wait_for_function(
        "() => window.__qbEvents.some(e => e.startsWith('stage:Attribution'))", timeout=60_000
    )
    shot(page, screenshots, "19-upload-progress")
    # ask while the article is being indexed
    page.get_by_role("tab", name="Chat", exact=True).click()
    page.locator("#qb-question textarea").fill("What did Ali Vaez say about escalation?")
    page.locator("#qb-send").click()
    page.wait_for_function("() => window.__qbEvents.includes('uploaded')", timeout=180_000)
    events: list[str] = page.evaluate("window.__qbEvents")
    stages = [
        e.removeprefix("stage:").split(":")[0].split(" ")[0]
        for e in events
        if e.startswith("stage:")
    ]
    # Gradio samples progress, so a quick stage may not be shown; those shown come in order
    order = ["Reading", "Attribution", "Embedding", "Writing"]
    shown = [order.index(s) for s in dict.fromkeys(stages) if s in order]
    assert shown == sorted(shown) and len(shown) >= 2, events
    assert "answer" in events and events.index("answer") < events.index("uploaded"), events
    expect(page.locator("#qb-chat .qb-answer").last).to_contain_text("Vaez")
    page.get_by_role("tab", name="Add an article", exact=True).click()
    expect(page.locator("#qb-upload-status .qb-status-ok")).to_contain_text("Indexed glaciers.txt")
    shot(page, screenshots, "20-upload-done")
    for doc in live_app.bot.documents():  # keep the shared index small for other tests
        if doc.title.startswith("Glaciers retreat"):
            live_app.bot.remove(doc.doc_id)


def test_a_question_too_long_is_explained_in_the_chat(page: Page, screenshots: Path) -> None:
    page.locator("#qb-question textarea").fill("Why? " * 500)
    page.locator("#qb-send").click()
    error = page.locator("#qb-chat .qb-status-error")
    expect(error).to_contain_text("over the limit of 2000")
    assert "Traceback" not in page.locator("body").inner_text()
    shot(page, screenshots, "21-question-too-long")
    answer = ask(page, "What did Ali Vaez say about escalation?")  # the chat goes on
    expect(answer).to_contain_text("Vaez")
    expect(error).to_have_count(0)
