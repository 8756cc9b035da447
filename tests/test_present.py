"""`python3 run.py present NOTEBOOK`: the notebook without its code, in Voila, in Chromium.

A Voila server (the command line course.present builds, on a free loopback port, throwaway
Jupyter folders) serves notebook 01; Chromium loads the page with every request that does not
go to the server aborted (no network in a lecture hall), and the test checks: no code is shown,
the prose, rendered equations, figures and sliders are, the figures are drawn in the presenter
style, and a focused slider moves with the arrow keys. Without Chromium: skipped (CI: fails).
"""

from __future__ import annotations

import base64
import io
import statistics
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_support import (
    free_port,
    http_get,
    jupyter_environment,
    launch_chromium,
    require_chromium,
    stop_process_tree,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course import present  # noqa: E402

NOTEBOOK = ROOT / "notebooks" / "01_gaussian_1d.ipynb"


def stored_figure_widths(path: Path) -> list[int]:
    """Pixel widths of the PNG figures stored in the notebook (drawn in the default style)."""
    import nbformat
    from PIL import Image

    nb = nbformat.read(path, as_version=4)
    return [Image.open(io.BytesIO(base64.b64decode(out["data"]["image/png"]))).size[0]
            for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
            if "image/png" in out.get("data", {})]


# ----------------------------------------------------------------------------- the command
def test_resolve_notebook_by_path_or_number():
    assert present.resolve_notebook("01") == NOTEBOOK
    assert present.resolve_notebook(str(NOTEBOOK)) == NOTEBOOK
    for bad in ("", "99", "0", "README.md"):
        with pytest.raises(present.CommandError, match="notebook"):
            present.resolve_notebook(bad)


def test_voila_command_strips_code_and_hides_tracebacks():
    command = present.voila_command(NOTEBOOK, dark=False, rest=["--no-browser"])
    assert command[:3] == [sys.executable, "-m", "voila"]
    assert "--strip_sources=True" in command and "--theme=light" in command
    assert "--VoilaConfiguration.show_tracebacks=False" in command
    assert "--theme=dark" in present.voila_command(NOTEBOOK, dark=True)


def test_present_environment_switches_presenter_style_on():
    env = present.present_environment(False, {"MPLBACKEND": "Agg", "PATH": "/bin"})
    assert env["GMM_TEACH_PRESENTER"] == "1" and "MPLBACKEND" not in env
    assert "GMM_TEACH_STYLE" not in env
    assert present.present_environment(True, {})["GMM_TEACH_STYLE"] == "dark"


def test_a_bad_notebook_name_is_one_line_and_exit_2(capsys):
    assert present.main(["no-such-notebook"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("present:") and err.count("\n") == 1
    assert present.main([]) == 2


# ----------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def voila_page(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    tmp = tmp_path_factory.mktemp("present")
    port = free_port()
    env = {**jupyter_environment(tmp), **present.present_environment(False)}
    for name in ("CONFIG", "DATA", "RUNTIME"):
        env[f"JUPYTER_{name}_DIR"] = jupyter_environment(tmp)[f"JUPYTER_{name}_DIR"]
    command = present.voila_command(NOTEBOOK, dark=False, rest=[
        "--no-browser", f"--port={port}", "--Voila.ip=127.0.0.1", "--Voila.port_retries=0"])
    log_path = tmp / "voila.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=NOTEBOOK.parent, env=env,
                                   stdin=subprocess.DEVNULL, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while http_get(f"{base}/voila/static/", timeout=2.0)[0] == 0:
            assert process.poll() is None, log_path.read_text(errors="replace")
            assert time.monotonic() < deadline, "Voila did not answer within 60 s"
            time.sleep(0.3)
        with sync_playwright() as playwright:
            browser = launch_chromium(playwright, chromium)
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            blocked = []

            def route(r):
                if r.request.url.startswith(base):
                    r.continue_()
                else:
                    blocked.append(r.request.url)
                    r.abort()

            page.route("**/*", route)
            page.goto(f"{base}/", wait_until="load", timeout=120_000)
            page.wait_for_selector(".widget-slider", timeout=120_000)
            page.wait_for_function(
                "() => !document.querySelector('#loading, .voila-spinner') || "
                "getComputedStyle(document.querySelector('#loading, .voila-spinner')).display"
                " == 'none'", timeout=120_000)
            yield page, blocked
            browser.close()
    finally:
        stop_process_tree(process)


@pytest.mark.browser
def test_present_view_shows_no_code(voila_page):
    page, _ = voila_page
    visible_code = page.evaluate("""() => [...document.querySelectorAll(
        '.jp-CodeCell .jp-InputArea, .jp-CodeMirrorEditor, .cm-editor, .jp-InputPrompt')]
        .filter(e => e.offsetParent !== null).length""")
    assert visible_code == 0
    assert "use_default_style" not in page.inner_text("body")
    assert "import gmm_teach" not in page.inner_text("body")


@pytest.mark.browser
def test_present_view_shows_prose_equations_figures_and_widgets(voila_page):
    page, _ = voila_page
    assert page.locator("h1").count() >= 1
    page.wait_for_function("() => document.querySelectorAll('mjx-container').length > 0",
                           timeout=60_000)
    body = page.inner_text("body")
    assert "$$" not in body and "\\frac" not in body, "equations left as raw LaTeX"
    assert page.locator(".jp-OutputArea-output img").count() >= 1
    assert page.locator(".widget-slider").count() >= 1


@pytest.mark.browser
def test_present_view_figures_are_in_the_presenter_style(voila_page):
    page, _ = voila_page
    widths = page.evaluate("""() => [...document.querySelectorAll('.jp-OutputArea-output img')]
        .map(img => img.naturalWidth)""")
    stored = stored_figure_widths(NOTEBOOK)
    # presenter figures are 10 in at 110 dpi where the default style's are 6.4 in at 100 dpi
    assert statistics.median(widths) > 1.25 * statistics.median(stored), (
        f"figure widths {widths} against the stored default-style {stored}: presenter style "
        "is not on")


@pytest.mark.browser
def test_a_focused_slider_moves_with_the_arrow_keys(voila_page):
    page, _ = voila_page
    handle = page.locator(".widget-slider .noUi-handle, .widget-slider [role=slider]").first
    readout = page.locator(".widget-slider .widget-readout").first
    before = readout.inner_text()
    handle.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(b) => document.querySelector('.widget-slider .widget-readout')"
                           ".innerText != b", arg=before, timeout=10_000)
    assert readout.inner_text() != before


@pytest.mark.browser
def test_present_view_needs_no_network(voila_page):
    page, blocked = voila_page
    # icons (font-awesome) may be asked for from a CDN; nothing the lecture needs is.
    needed = [url for url in blocked if "fontawesome" not in url]
    assert not needed, f"the present view asked the network for {needed}"
