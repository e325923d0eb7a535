"""The Vietnamese pages in a real browser: headless Chromium (Debian's) driven by Playwright.

`sohoa serve --demo-login` runs over a SOHOA_HOME holding three generated papers
really ingested by `sohoa ingest` (one owner each), and the browser logs in through
the demo forms as a person would. Screenshots land in artifacts/screenshots/.

Playwright cannot download its own browsers here, so it drives /usr/bin/chromium
(scripts/setup.sh installs Debian's `chromium`); without it these tests skip.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from search.folding import fold
from tests.helpers import run_sohoa, serving_sohoa, tesseract_has

pytestmark = [pytest.mark.browser, pytest.mark.tesseract]

PROJECT = Path(__file__).resolve().parents[1]
SCREENSHOTS = PROJECT / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
NEW_DOSSIER = "H56.14-240823-0001"
PHONE_DOSSIER = "H56.14-240823-0002"
PROCEDURE = "1.001612"
COMPONENT = "Tờ khai đã nộp trước đây (bản số hóa)"
WAIT_MS = 15_000


@dataclass(frozen=True)
class Paper:
    file: str
    owner_id: str
    full_name: str
    dossier_code: str
    pages: int


@dataclass(frozen=True)
class Site:
    base: str
    papers: list[Paper]


@pytest.fixture(scope="module")
def chromium_path() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        pytest.skip(f"{CHROMIUM} not found: the browser tests need Debian's chromium package (scripts/setup.sh "
                    "installs it; Playwright's own browser downloads are not used)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[test]')")
    if not tesseract_has("vie", "osd", "eng"):
        pytest.skip("tesseract with vie+osd+eng is not installed: the papers shown are ingested with OCR "
                    "(scripts/setup.sh)")
    return CHROMIUM


@pytest.fixture(scope="module")
def site(chromium_path, tmp_path_factory) -> Iterator[Site]:
    """Three clean generated papers (owners differ) ingested once, served on a free port of 127.0.0.1."""
    from samples.batch import generate_batch

    batch_dir = tmp_path_factory.mktemp("browser-batch")
    batch = generate_batch(batch_dir, documents=3, seed=5, level="clean")
    home = tmp_path_factory.mktemp("browser-home")
    run_sohoa(home, "ingest", *(str(batch_dir / doc.file) for doc in batch.documents),
              "--manifest", str(batch.manifest_path))
    papers = [Paper(doc.file, doc.owner_id, doc.full_name, doc.dossier_code, len(doc.pages))
              for doc in batch.documents]
    assert len({paper.owner_id for paper in papers}) == len(papers)

    with serving_sohoa(home, "--demo-login") as base:
        yield Site(base, papers)


@pytest.fixture(scope="module")
def browser(chromium_path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


def new_page(browser: Any, site: Site, *, phone: bool = False) -> Any:
    options: dict[str, Any] = {"base_url": site.base, "locale": "vi-VN", "timezone_id": "Asia/Ho_Chi_Minh"}
    if phone:
        options.update(viewport=PHONE, screen=PHONE, device_scale_factor=2, is_mobile=True, has_touch=True)
    else:
        options.update(viewport=DESKTOP)
    context = browser.new_context(**options)
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems: list[str] = []  # the browser's own /favicon.ico request is not the pages' (there is none: 404)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    page.on("requestfailed", lambda request: problems.append(f"failed: {request.url} {request.failure}"))
    page.on("response", lambda response: problems.append(f"{response.status}: {response.url}")
            if response.status >= 400 and not response.url.endswith("/favicon.ico") else None)
    page.problems = problems  # every test checks that nothing the pages load fails
    return page


def shot(page: Any, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login_as_officer(page: Any, name: str = "Nguyễn Thị Cán Bộ") -> None:
    page.goto("/login")
    form = page.locator("form", has=page.locator("#officer_name"))
    form.locator("#officer_name").fill(name)
    with page.expect_navigation():
        form.get_by_role("button", name="Vào với tư cách cán bộ").click()


def login_as_citizen(page: Any, personal_number: str) -> None:
    page.goto("/login")
    form = page.locator("form", has=page.locator("#personal_number"))
    form.locator("#personal_number").fill(personal_number)
    with page.expect_navigation():
        form.get_by_role("button", name="Vào với tư cách công dân").click()


def images_loaded(page: Any, selector: str) -> list[int]:
    """Natural widths of the matching images, after scrolling each into view (they load lazily)."""
    images = page.locator(selector)
    for number in range(images.count()):
        image = images.nth(number)
        image.scroll_into_view_if_needed()
        image.evaluate("img => img.complete && img.naturalWidth > 0 ? 0 : new Promise((ok, fail) => {"
                       " img.addEventListener('load', ok); img.addEventListener('error', fail); })")
    return images.evaluate_all("imgs => imgs.map(img => img.naturalWidth)")


def horizontal_overflow(page: Any) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth")


def test_officer_finds_a_paper_without_diacritics_and_opens_it(browser, site):
    paper = max(site.papers, key=lambda item: item.pages)  # the one with most pages: thumbnails to check
    query = fold(paper.full_name).lower()
    assert query != paper.full_name.lower()  # the name has diacritics, the query has none
    page = new_page(browser, site)
    login_as_officer(page)
    assert page.url.endswith("/search")
    assert "cán bộ" in page.locator("header .who").inner_text()

    box = page.get_by_role("searchbox", name="Từ khóa")
    box.fill(query)
    with page.expect_navigation():
        box.press("Enter")
    hit = page.locator("li.hit", has=page.locator("a.title", has_text=paper.file))
    assert hit.count() == 1, page.locator("section.results").inner_text()
    marks = [fold(text).lower() for text in hit.locator(".snippet mark").all_inner_texts()]
    assert marks and set(marks) <= set(query.split()), marks  # the matched words, with their diacritics
    assert hit.locator(".snippet mark").first.evaluate("m => getComputedStyle(m).backgroundColor") != (
        "rgba(0, 0, 0, 0)")
    assert page.locator("aside.facets").get_by_text("Tờ khai, đơn").count() >= 1
    shot(page, "officer-search")

    with page.expect_navigation():
        hit.locator("a.title").click()
    assert re.search(r"/records/[0-9a-f]{64}$", page.url)
    facts = page.locator("dl.facts").inner_text()
    assert paper.owner_id in facts and paper.dossier_code in facts
    widths = images_loaded(page, ".pages img")
    assert len(widths) == paper.pages and all(150 < width < 800 for width in widths), widths
    assert page.locator(".pages figcaption").first.inner_text().startswith("Trang 1")
    fields = page.locator("table.fields tbody tr")
    assert fields.count() >= 3
    names = page.locator("table.fields tbody th").all_inner_texts()
    assert "Họ và tên" in names, names
    assert page.get_by_role("link", name="Lịch sử truy cập").count() == 1
    shot(page, "officer-record")
    assert page.problems == []
    page.context.close()


def test_citizen_sees_only_own_papers_and_reuses_one(browser, site):
    mine, other = site.papers[0], site.papers[1]
    page = new_page(browser, site)
    login_as_citizen(page, mine.owner_id)
    assert page.url.endswith("/papers")
    assert page.get_by_role("heading", name="Giấy tờ của tôi").is_visible()
    listing = page.locator("ul.papers")
    assert mine.file in listing.inner_text()
    assert other.file not in page.content() and other.owner_id not in page.content()
    assert listing.locator("li.paper").count() == 1
    shot(page, "citizen-papers")

    with page.expect_navigation():
        listing.locator("li.paper", has_text=mine.file).get_by_role("link", name="Dùng lại cho hồ sơ mới").click()
    page.get_by_label("Mã hồ sơ mới").fill(NEW_DOSSIER)
    page.get_by_label("Mã thủ tục hành chính").fill(PROCEDURE)
    page.get_by_label("Tên thành phần hồ sơ").fill(COMPONENT)
    shot(page, "citizen-reuse-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Tái sử dụng từ kho").click()
    notice = page.get_by_role("status")
    assert NEW_DOSSIER in notice.inner_text() and "tái sử dụng từ kho" in notice.inner_text()
    facts = page.locator("dl.facts").inner_text()
    assert COMPONENT in facts and PROCEDURE in facts
    shot(page, "citizen-reuse-done")

    with page.expect_navigation():
        page.get_by_role("link", name="Xem hồ sơ").click()
    assert NEW_DOSSIER in page.locator("main").inner_text() and COMPONENT in page.locator("main").inner_text()
    shot(page, "citizen-dossier")

    # The same login cookie reaches the API: another citizen's papers stay out of reach there too.
    asked = page.evaluate("""async ([owner, name]) => [
        (await fetch('/api/search?owner_id=' + owner)).status,
        (await (await fetch('/api/search?q=' + encodeURIComponent(name))).json()).total]""",
                          [other.owner_id, fold(other.full_name)])
    assert asked == [403, 0]
    assert page.problems == [f"403: {site.base}/api/search?owner_id={other.owner_id}"], page.problems
    page.context.close()


def test_citizen_pages_fit_a_phone(browser, site):
    mine = site.papers[2]
    page = new_page(browser, site, phone=True)
    page.goto("/login")
    assert horizontal_overflow(page) <= PHONE["width"]
    shot(page, "phone-login")
    login_as_citizen(page, mine.owner_id)
    assert page.url.endswith("/papers")
    assert horizontal_overflow(page) <= PHONE["width"], "the papers page scrolls sideways on a phone"
    shot(page, "phone-papers")

    with page.expect_navigation():
        page.locator("li.paper a.title").first.click()
    images_loaded(page, ".pages img")
    assert horizontal_overflow(page) <= PHONE["width"], "the record page scrolls sideways on a phone"
    shot(page, "phone-record")

    with page.expect_navigation():
        page.get_by_role("link", name="Dùng lại cho hồ sơ mới").click()
    assert horizontal_overflow(page) <= PHONE["width"], "the reuse form scrolls sideways on a phone"
    button = page.get_by_role("button", name="Tái sử dụng từ kho").bounding_box()
    assert button and button["x"] >= 0 and button["x"] + button["width"] <= PHONE["width"]
    assert button["height"] >= 40  # a thumb-sized target
    shot(page, "phone-reuse-form")

    page.get_by_label("Mã hồ sơ mới").fill(PHONE_DOSSIER)
    page.get_by_label("Mã thủ tục hành chính").fill(PROCEDURE)
    page.get_by_label("Tên thành phần hồ sơ").fill(COMPONENT)
    with page.expect_navigation():
        page.get_by_role("button", name="Tái sử dụng từ kho").tap()
    assert PHONE_DOSSIER in page.get_by_role("status").inner_text()
    assert horizontal_overflow(page) <= PHONE["width"], "the confirmation scrolls sideways on a phone"
    with page.expect_navigation():
        page.get_by_role("link", name="Xem hồ sơ").tap()
    assert COMPONENT in page.locator("main").inner_text()
    assert horizontal_overflow(page) <= PHONE["width"], "the dossier page scrolls sideways on a phone"
    shot(page, "phone-dossier")
    assert page.problems == []
    page.context.close()
