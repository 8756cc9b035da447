"""`python3 run.py handout NOTEBOOK|all OUT`: HTML that works with no network, and a PDF.

Unit tests check the widget replacement and the arguments; the browser tests write the
handout of the EM notebook (equations, the kernel-free player, the scrubber widget), open the
HTML in Chromium with every request that is not a local file aborted, and check that every
equation was typeset by the MathJax copied next to it, that the player steps, and that the
PDF has pages with the notebook's text.
"""

from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest
from browser_support import launch_chromium, require_chromium

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course import handout  # noqa: E402
from course.notebook_files import read_notebook  # noqa: E402

EM = ROOT / "notebooks" / "04_em_iris.ipynb"


# ----------------------------------------------------------------------------- unit
def test_widget_outputs_become_their_sentence_and_the_source_is_untouched():
    source = read_notebook(EM)
    before = copy.deepcopy(source)
    widget_texts = ["".join(out["data"].get("text/plain", ""))
                    for cell in source["cells"] for out in cell.get("outputs", [])
                    if handout.WIDGET_MIME in out.get("data", {})]
    assert widget_texts, "notebook 04 has no stored widget output to replace"
    result = handout.without_widgets(source)
    assert source == before
    assert "widgets" not in result["metadata"]
    dumped = json.dumps(result)
    assert handout.WIDGET_MIME not in dumped
    sentences = re.findall(r'<div class=\\"gmm-handout-widget\\">', dumped)
    assert len(sentences) == len(widget_texts)


def test_widget_sentence_escapes_and_never_is_empty():
    assert "&lt;b&gt;" in handout.widget_sentence("<b>")
    assert "JupyterLab" in handout.widget_sentence("  ")


def test_notebooks_for_all_a_number_or_a_path():
    assert handout.notebooks_for("all") == sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert handout.notebooks_for("04") == [EM]
    assert handout.notebooks_for(str(EM)) == [EM]
    for bad in ("", "99", "0", "README.md"):
        with pytest.raises(handout.CommandError, match="notebook"):
            handout.notebooks_for(bad)


def test_bad_arguments_are_one_line_and_exit_2(tmp_path, capsys):
    assert handout.main(["04"]) == 2
    file = tmp_path / "file"
    file.write_text("x")
    assert handout.main(["04", str(file)]) == 2
    assert handout.main(["04", str(ROOT / "notebooks")]) == 2
    assert handout.main(["nope", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 4 and all(line.startswith(("usage:", "handout:")) for line in err)
    assert not (tmp_path / "out").exists()


def test_html_loads_nothing_from_the_network(tmp_path):
    page = handout.to_html(read_notebook(EM))
    external = re.findall(r'<(?:script|link)[^>]+(?:src|href)="(https?://[^"]+)"', page)
    assert external == []
    assert f'<script src="{handout.MATHJAX_SCRIPT}">' in page
    assert page.index("window.MathJax") < page.index(handout.MATHJAX_SCRIPT)


# ----------------------------------------------------------------------------- in Chromium
@pytest.fixture(scope="module")
def em_handout(tmp_path_factory):
    require_chromium()
    out = tmp_path_factory.mktemp("handout")
    written = handout.write_handouts("04", out)
    assert [p.name for p in written] == ["04_em_iris.html", "04_em_iris.pdf"]
    return out


@pytest.fixture(scope="module")
def offline_page(em_handout):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        blocked = []

        def offline(route):
            if route.request.url.startswith(("file://", "data:")):
                route.continue_()
            else:
                blocked.append(route.request.url)
                route.abort()

        page.route("**/*", offline)
        page.goto((em_handout / "04_em_iris.html").as_uri(), wait_until="load")
        page.wait_for_function(
            "() => window.MathJax && MathJax.Hub && MathJax.Hub.queue.pending === 0"
            " && document.querySelectorAll('.MathJax_Display').length > 0", timeout=60_000)
        yield page, blocked
        browser.close()


@pytest.mark.browser
def test_every_equation_is_typeset_offline(offline_page):
    page, blocked = offline_page
    assert blocked == [], f"the handout asked the network for {blocked}"
    counts = page.evaluate("""() => ({
        display: document.querySelectorAll('.MathJax_Display').length,
        inline: document.querySelectorAll('.MathJax').length,
        errors: document.querySelectorAll('.MathJax_Error, merror').length})""")
    source = EM.read_text(encoding="utf-8")
    assert counts["display"] >= source.count("$$") // 4, counts  # JSON-escaped $$...$$ pairs
    assert counts["errors"] == 0, counts
    text = page.inner_text("#main, body")
    assert "$$" not in text and "\\tag{" not in text and "\\mathbf" not in text


@pytest.mark.browser
def test_the_player_steps_and_the_widget_is_a_sentence(offline_page):
    page, _ = offline_page
    player = page.locator(".gmm-player").first
    assert player.get_attribute("data-ready") == "1", "the player's script did not run"
    frame = player.locator(".gmm-player-frame")
    first = frame.get_attribute("src")
    player.locator(".gmm-player-next").click()
    assert player.locator(".gmm-player-slider").input_value() == "1"
    assert frame.get_attribute("src") != first
    sentences = page.locator(".gmm-handout-widget")
    assert sentences.count() >= 1
    assert "kernel" in sentences.first.inner_text()
    assert "Error displaying widget" not in page.inner_text("body")


@pytest.mark.browser
def test_the_pdf_has_the_notebooks_pages_and_text(em_handout):
    from pypdf import PdfReader

    pdf = em_handout / "04_em_iris.pdf"
    assert pdf.read_bytes().startswith(b"%PDF")
    reader = PdfReader(pdf)
    assert len(reader.pages) >= 5
    text = " ".join(page.extract_text() for page in reader.pages)
    notebook = read_notebook(EM)
    title = "".join(notebook["cells"][0]["source"]).splitlines()[0].lstrip("# ").strip()
    assert title.split()[-1] in text
    assert "$$" not in text, "raw LaTeX in the PDF"
    assert "Error displaying widget" not in text


def test_inline_math_is_joined_onto_one_line_and_display_math_is_kept():
    joined = handout.inline_math_on_one_line("a $x\n+ y$ b\n$$\\frac{1}{2}\n+ c$$ \\$5 and $z$")
    assert joined == "a $x + y$ b\n$$\\frac{1}{2}\n+ c$$ \\$5 and $z$"


def test_links_between_notebooks_point_to_the_handouts():
    index = handout.without_widgets(read_notebook(ROOT / "notebooks" / "00_index.ipynb"))
    text = "".join("".join(cell["source"]) for cell in index["cells"]
                   if cell["cell_type"] == "markdown")
    assert "](04_em_iris.html)" in text and ".ipynb)" not in text
    assert handout.NOTEBOOK_LINK.sub(r"](\1.html\2)", "[a](04_em_iris.ipynb#x)") == (
        "[a](04_em_iris.html#x)")
