"""The landscape explorer (gmm_teach.landscape) where students meet it: JupyterLab in headless
Chromium at 1280 x 720, presenter style.

A throwaway notebook makes the explorer; the test checks that it renders as a widget with its
picture, that arrow keys on the variance slider step it and change the picture and the
caption (the numbers of the new variance), and measures key press -> new <img> in the page
(browser_support.key_latencies): once pressing as fast as pictures come, once at a
presenter's pace (a pause after each picture, so the explorer's prefetch can draw the next
one in advance). The medians are printed, not asserted: timings on a shared machine are
noisy; every press must bring a new picture within 5 s.

Run with `pytest -m browser -s tests/test_browser_landscape.py` to see the timings; a
screenshot of the explorer goes to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import statistics
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import nbformat
import pytest
from browser_support import key_latencies, launch_chromium, require_chromium, running_lab
from playwright.sync_api import sync_playwright
from test_browser import IMAGE_DIGEST_JS, KERNEL_STATUS_JS, LAB_SETTINGS, RUN_FINISHED_JS

pytestmark = pytest.mark.browser

PROJECTOR = {"width": 1280, "height": 720}
EXPLORER = ".gmm-explorer"
CELLS = [
    ("code", "import gmm_teach as gt\nfrom gmm_teach import landscape\n"
             "gt.use_presenter_style()"),
    ("markdown", "## The landscape"),
    ("code", "explorer = landscape.landscape_explorer()\nexplorer"),
    ("markdown", "## The end"),
]
PRESSES = 12
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"


def write_notebook(directory) -> str:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) if kind == "code"
                      else nbformat.v4.new_markdown_cell(source) for kind, source in CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    nbformat.write(notebook, directory / "landscape.ipynb")
    return "landscape.ipynb"


@pytest.fixture(scope="module")
def landscape_page(tmp_path_factory):
    chromium = require_chromium()
    tmp = tmp_path_factory.mktemp("landscape")
    root = tmp / "root"
    root.mkdir()
    name = write_notebook(root)
    with running_lab(root, tmp, user_settings=LAB_SETTINGS) as lab, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        context = browser.new_context(viewport=PROJECTOR)
        page = context.new_page()
        page.goto(f"{lab.base_url}/lab/workspaces/t{uuid.uuid4().hex[:10]}/tree/{quote(name)}"
                  f"?reset&token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-CodeCell", timeout=60_000)
        page.wait_for_function(f"() => ({KERNEL_STATUS_JS})() === 'Idle'", timeout=60_000)
        page.click(".lm-MenuBar-itemLabel:text-is('Run')")
        page.click(".lm-Menu-itemLabel:text-is('Run All Cells')")
        page.wait_for_function(RUN_FINISHED_JS, timeout=120_000)
        page.wait_for_selector(f"{EXPLORER} img", timeout=30_000)
        yield page
        context.close()
        browser.close()


def test_the_explorer_renders(landscape_page):
    page = landscape_page
    errors = page.eval_on_selector_all(
        '.jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]',
        "outs => outs.map(o => o.textContent)")
    assert errors == []
    explorer = page.locator(EXPLORER).first
    explorer.scroll_into_view_if_needed()
    width = page.evaluate("e => e.querySelector('img').naturalWidth", explorer.element_handle())
    assert width > 0, "the picture did not load"
    caption = explorer.locator(".gmm-caption").text_content()
    assert "maxima l = " in caption and "saddle l = " in caption and "spike at μ₁ = 1.4" in caption
    assert explorer.locator(".widget-slider").count() == 1
    box = explorer.bounding_box()
    main = page.locator("#jp-main-dock-panel").bounding_box()
    assert box["height"] <= PROJECTOR["height"] - main["y"] - 24 and box["width"] <= 1280
    ARTIFACTS.mkdir(exist_ok=True)
    explorer.screenshot(path=str(ARTIFACTS / "landscape-explorer.png"))


def test_keys_move_the_variance_slider_and_change_the_picture(landscape_page):
    page = landscape_page
    explorer = page.locator(EXPLORER).first
    explorer.scroll_into_view_if_needed()
    handle = explorer.locator(".noUi-handle").first
    caption = explorer.locator(".gmm-caption")
    digest = f"{EXPLORER} img"
    before = (page.evaluate(IMAGE_DIGEST_JS, digest), caption.text_content())
    assert handle.get_attribute("aria-valuenow") in ("0", "0.0", "0.00")
    handle.focus()
    page.keyboard.press("ArrowLeft")                    # log10(s_1 / s_2): 0 -> -0.5
    page.wait_for_function("([c, t]) => c.textContent !== t",
                           arg=[caption.element_handle(), before[1]], timeout=10_000)
    after = (page.evaluate(IMAGE_DIGEST_JS, digest), caption.text_content())
    assert after[0] != before[0], "the caption changed but the picture did not"
    assert "σ₁² = 0.145 cm²" in after[1] and "saddle" not in after[1]
    assert float(handle.get_attribute("aria-valuenow")) == -0.5


def test_key_press_to_new_picture_latency(landscape_page):
    page = landscape_page
    explorer = page.locator(EXPLORER).first
    explorer.scroll_into_view_if_needed()
    handle = explorer.locator(".noUi-handle").first
    results = {}
    for label, pause in (("as fast as pictures come", 0.0), ("presenter's pace", 400.0)):
        # ArrowRight first: at the slider's top (0) key_latencies turns round to ArrowLeft
        latencies = key_latencies(page, explorer, handle, PRESSES, pause_ms=pause)
        assert all(latency < float("inf") for latency in latencies), (
            f"{label}: a key press brought no new picture within 5 s: {latencies}")
        results[label] = latencies
        time.sleep(0.5)
    print("\nlandscape explorer, key press -> new picture (median of "
          f"{PRESSES} presses, machine shared): " + "; ".join(
              f"{label} {statistics.median(values):.0f} ms (max {max(values):.0f} ms)"
              for label, values in results.items()))
