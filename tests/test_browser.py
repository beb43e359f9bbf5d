"""The gallery and the live preview in a real headless Chromium (Debian's chromium + chromium-driver)."""

from __future__ import annotations

import re
import shutil
import tempfile
import threading
import time
from pathlib import Path

import pytest
import requests

from quotecards.cards import RenderOptions, render_posts
from quotecards.preview import Preview, make_server
from quotecards.sources.fetch import FetchOptions

ROOT = Path(__file__).resolve().parent.parent
DRIVER = shutil.which("chromedriver")
pytestmark = pytest.mark.system("chromium", "chromium-driver")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1280,1600", f"--user-data-dir={tempfile.mkdtemp()}"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    yield driver
    driver.quit()


def wait_for(condition, timeout: float = 20.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError("timed out")


def severe(driver) -> list[str]:  # type: ignore[no-untyped-def]
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] == "SEVERE"]


# -- the gallery ----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    posts = [ROOT / "samples/posts" / n for n in ("launch-day.md", "seed-post.md", "world-cairo-water.md",
                                                  "council-budget.md")]
    render_posts(posts, RenderOptions(out_dir=out, platforms=("og", "instagram"), fetch=FetchOptions(roots=(ROOT,))))
    return out / "index.html"


def test_gallery_loads_every_card_without_errors(browser, gallery):
    page = gallery.read_text()
    assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from the internet
    browser.get(gallery.as_uri())
    images = wait_for(lambda: browser.execute_script(
        "const imgs = [...document.images]; return imgs.every(i => i.complete) ? imgs.map(i => i.naturalWidth) : null"))
    assert len(images) == 8 and all(width in (1200, 1080) for width in images)
    assert severe(browser) == []
    alts = browser.execute_script("return [...document.images].map(i => i.alt)")
    # council-budget has no quote: its headline card says its title, the others quote.
    assert sorted(alt.startswith("Quote: ") for alt in alts) == [False, False] + [True] * 6
    assert sum(alt.startswith("council passes a budget with no new taxes") for alt in alts) == 2  # as written
    flags = browser.execute_script("return [...document.querySelectorAll('.flag')].map(f => f.textContent)")
    assert "fallback image" in flags  # the seed's image is unreachable


def test_gallery_filters_by_platform_and_by_warnings(browser, gallery):
    from selenium.webdriver.support.ui import Select

    browser.get(gallery.as_uri())
    Select(browser.find_element("id", "platform")).select_by_value("instagram")
    shown = browser.execute_script(
        "return [...document.querySelectorAll('figure:not([hidden])')].map(f => f.dataset.platform)")
    assert shown == ["instagram"] * 4
    browser.find_element("id", "warned").click()
    warned = browser.execute_script(
        "return [...document.querySelectorAll('figure:not([hidden])')].map(f => +f.dataset.warnings)")
    assert warned and all(n > 0 for n in warned) and len(warned) < 4
    assert browser.find_element("id", "shown").text == f"{len(warned)} shown"


def test_gallery_fits_a_phone_screen(browser, gallery):
    browser.set_window_size(390, 844)
    try:
        browser.get(gallery.as_uri())
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= 390
    finally:
        browser.set_window_size(1280, 1600)


# -- the live preview -------------------------------------------------------------------------------

@pytest.fixture
def preview(tmp_path):
    content = tmp_path / "content"
    content.mkdir()
    (tmp_path / "images").mkdir()
    shutil.copy(ROOT / "samples/images/coffee.jpg", tmp_path / "images" / "coffee.jpg")
    shutil.copy(ROOT / "samples/posts/roastery.md", content / "roastery.md")
    app = Preview(content, RenderOptions(out_dir=tmp_path, fetch=FetchOptions(roots=(tmp_path,))))
    server = make_server(app, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/", content / "roastery.md"
    server.shutdown()


def renders(driver) -> int:  # type: ignore[no-untyped-def]
    return int(driver.find_element("id", "card").get_attribute("data-renders") or 0)


def current_png(driver) -> bytes:  # type: ignore[no-untyped-def]
    return requests.get(driver.find_element("id", "download").get_attribute("href"), timeout=30).content


def test_typing_a_quote_re_renders_the_card(browser, preview):
    from selenium.webdriver.support.ui import Select

    url, _post = preview
    browser.get(url)
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready"))
    Select(browser.find_element("id", "post")).select_by_value("roastery.md")
    wait_for(lambda: renders(browser) >= 1)
    before = current_png(browser)
    box = browser.find_element("id", "quote")
    box.clear()
    box.send_keys("Slow is a feature.")
    wait_for(lambda: renders(browser) >= 2 and "Slow" in browser.find_element("id", "download").get_attribute("href"))
    after = current_png(browser)
    assert before[:8] == after[:8] == b"\x89PNG\r\n\x1a\n" and before != after
    assert browser.execute_script("return document.getElementById('card').naturalWidth") == 1200
    count = renders(browser)
    box.clear()  # a post without its quote gets its headline card
    box.send_keys(" ")
    wait_for(lambda: renders(browser) > count and "quote=+" in browser.find_element("id", "download").get_attribute("href"))
    info = browser.find_element("id", "info").text
    assert info.startswith("layout headline"), info
    Select(browser.find_element("id", "post")).select_by_value("")  # no post and no quote: a message, not a 500
    box.clear()
    box.send_keys(" ")
    wait_for(lambda: "type a quote" in browser.find_element("id", "message").text)
    assert severe(browser) == [] or all("400" in m for m in severe(browser))


def test_clicking_the_photo_moves_the_crop_and_save_writes_one_line(browser, preview):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    url, post = preview
    original = post.read_bytes()
    browser.get(url)
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready"))
    Select(browser.find_element("id", "post")).select_by_value("roastery.md")
    Select(browser.find_element("id", "platform")).select_by_value("story")
    wait_for(lambda: "platform=story" in (browser.find_element("id", "download").get_attribute("href") or ""))
    wait_for(lambda: browser.find_element("id", "photo").is_displayed())
    before = current_png(browser)
    photo = browser.find_element("id", "photo")
    count = renders(browser)
    ActionChains(browser).move_to_element_with_offset(photo, -photo.size["width"] // 2 + 5, 0).click().perform()
    wait_for(lambda: renders(browser) > count and "focal=0.0" in browser.find_element("id", "download").get_attribute("href"))
    assert current_png(browser) != before  # a story crop of a landscape photo moved to its left edge
    Select(browser.find_element("id", "layout")).select_by_value("split")
    browser.find_element("id", "save").click()
    try:
        wait_for(lambda: "Saved" in browser.find_element("id", "message").text)
    except AssertionError:
        raise AssertionError("message: " + browser.find_element("id", "message").text) from None
    edited = post.read_bytes()
    added = [line for line in edited.splitlines(True) if line not in original.splitlines(True)]
    assert len(added) == 1 and added[0].startswith(b'quotecard: {"layout": "split", "focal_point": [0.0')
    assert edited.replace(added[0], b"", 1) == original


def test_show_composition_draws_the_boxes_over_the_card(browser, preview):
    import json

    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.support.ui import Select

    url, _post = preview
    browser.get(url)
    wait_for(lambda: browser.execute_script("return document.body.dataset.ready"))
    severe(browser)  # the log so far: the last test's page, whose server has gone
    Select(browser.find_element("id", "post")).select_by_value("roastery.md")
    wait_for(lambda: renders(browser) >= 1 and browser.execute_script("return document.getElementById('card').complete"))
    overlay = browser.find_element("id", "overlay")
    assert not overlay.is_displayed()
    browser.find_element("id", "composition").click()
    info = json.loads(requests.get(browser.find_element("id", "download").get_attribute("href"), timeout=30)
                      .headers["X-Card-Info"])
    drawn = "return [...document.querySelectorAll('#overlay rect.' + arguments[0])].length"
    wait_for(lambda: browser.execute_script(drawn, "text") == len(info["text_boxes"]) > 0)
    assert browser.execute_script(drawn, "photo") == 1
    labels = browser.execute_script("return [...document.querySelectorAll('#overlay text.text')].map(t => t.textContent)")
    assert sorted(labels) == sorted(info["text_boxes"])
    caption = browser.execute_script("return document.querySelector('#overlay .caption').textContent")
    assert caption.startswith(f"placement {info['placement']['candidate']}, score {info['placement']['score']:g}")
    # The overlay lies on the image as the page shows it, in the card's own pixels.
    on_page = "const r = document.getElementById(arguments[0]).getBoundingClientRect(); return [r.x, r.y, r.width, r.height]"
    assert browser.execute_script(on_page, "overlay") == pytest.approx(browser.execute_script(on_page, "card"), abs=0.5)
    assert browser.execute_script("return arguments[0].getAttribute('viewBox')", overlay) == f"0 0 {info['width']} {info['height']}"
    # A focal point is a subject the text stays off: the next render's overlay shows it.
    count = renders(browser)
    photo = browser.find_element("id", "photo")
    wait_for(photo.is_displayed)
    ActionChains(browser).move_to_element(photo).click().perform()
    wait_for(lambda: renders(browser) > count and browser.execute_script(
        "return [...document.querySelectorAll('#overlay text.subject')].map(t => t.textContent)") == ["given"])
    browser.find_element("id", "composition").click()
    assert not overlay.is_displayed()
    assert [m for m in severe(browser) if "favicon.ico" not in m] == []  # the browser's own ask, refused
