"""`python3 run.py handout NOTEBOOK|all OUT`: offline handouts, HTML and PDF.

For each notebook, from its stored (executed) outputs, without a kernel:

* OUT/<name>.html: the notebook as a page that needs no network. Equations are typeset by the
  MathJax 2 that the pinned PyPI package jupyter-server-mathjax ships, copied once to
  OUT/mathjax/ (with its STIX-Web fonts, so nothing is fetched); the kernel-free
  players keep their inline script and play; a live widget, which needs a kernel, becomes a
  framed sentence (its stored text: what it is and what to run). Scripts from a CDN are left
  out. Keep the .html files and mathjax/ together.
* OUT/<name>.pdf: the same page printed by headless Chromium (Debian's `chromium`) once
  MathJax has typeset it; skipped with a one-line note when no Chromium is found.

The source notebooks are only read. Runs in .venv's Python (nbconvert comes with the lab extra).
"""

from __future__ import annotations

import copy
import html
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

from course.notebook_files import CommandError, read_notebook

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
USAGE = "usage: python3 run.py handout NOTEBOOK|all OUT"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
MATHJAX_DIR = "mathjax"
CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")

#: The combined configuration jupyter-server-mathjax ships (TeX in, HTML-CSS out).
MATHJAX_SCRIPT = f"{MATHJAX_DIR}/MathJax.js?config=TeX-AMS-MML_HTMLorMML-full"
#: Read by MathJax.js before it starts: the STIX-Web fonts the package ships, no font lookup on
#: the reader's machine, no image fonts (not shipped), no menu.
MATHJAX_CONFIG = """<script>
window.MathJax = {
  "HTML-CSS": {availableFonts: [], preferredFont: null, webFont: null, imageFont: null},
  showMathMenu: false,
  messageStyle: "none"
};
</script>
"""
WIDGET_CSS = """<style>
.gmm-handout-widget { border: 1px dashed #888; border-radius: 4px; padding: 0.6em 0.9em;
  margin: 0.3em 0; font-style: italic; }
@media print { .jp-Cell { break-inside: avoid-page; } }
</style>
"""


def notebooks_for(name: str) -> list[Path]:
    """The notebooks `name` means: "all" (all of notebooks/), a path, or a name or number."""
    if name == "all":
        return sorted(NOTEBOOKS.glob("*.ipynb"))
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return [path.resolve()]
    matches = sorted(NOTEBOOKS.glob(f"{name}*.ipynb")) if name else []
    if len(matches) == 1:
        return matches
    known = ", ".join(p.stem for p in sorted(NOTEBOOKS.glob("*.ipynb")))
    raise CommandError(f"{name!r} is not 'all', a notebook file or the start of one name in "
                       f"notebooks/ ({known}).")


def widget_sentence(text: str) -> str:
    """The framed sentence that stands where a live widget was."""
    text = text.strip() or "A live widget: open the notebook in JupyterLab and run its cells."
    return f'<div class="gmm-handout-widget">{html.escape(text)}</div>'


NOTEBOOK_LINK = re.compile(r"\]\((\d\d_[\w-]+)\.ipynb(#[^)]*)?\)")
INLINE_MATH = re.compile(r"(?<![\\$])\$(?!\$)(.+?)(?<![\\$])\$", re.DOTALL)


def inline_math_on_one_line(markdown: str) -> str:
    """markdown with every inline $...$ on one line. JupyterLab takes the math out before it
    parses the markdown; nbconvert's parser does not, so a line inside $...$ that starts with
    "+ " or "- " would become a list item and the equation would print as raw LaTeX."""
    parts = markdown.split("$$")
    for i in range(0, len(parts), 2):  # outside display math
        parts[i] = INLINE_MATH.sub(lambda m: "$" + " ".join(m.group(1).split("\n")) + "$",
                                   parts[i])
    return "$$".join(parts)


def without_widgets(notebook: dict) -> dict:
    """A copy for the handout: every widget output is its stored sentence, no widget state
    remains, inline math stays on one line (see inline_math_on_one_line), and links to the
    suite's notebooks point to their handouts (NN_name.html, written by `handout all`)."""
    notebook = copy.deepcopy(notebook)
    notebook.get("metadata", {}).pop("widgets", None)
    for cell in notebook["cells"]:
        if cell.get("cell_type") == "markdown":
            text = cell.get("source", "")
            text = inline_math_on_one_line("".join(text) if isinstance(text, list) else text)
            cell["source"] = NOTEBOOK_LINK.sub(r"](\1.html\2)", text)  # link the handouts
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if WIDGET_MIME in data:
                text = data.get("text/plain", "")
                text = "".join(text) if isinstance(text, list) else text
                output["data"] = {"text/html": widget_sentence(text), "text/plain": text}
    return notebook


def to_html(notebook: dict) -> str:
    """The notebook as a page whose every script and style is inline or in OUT/mathjax/."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(template_name="lab", embed_images=True,
                            mathjax_url=MATHJAX_SCRIPT)
    node = nbformat.reads(json.dumps(without_widgets(notebook)), as_version=4)
    page, _ = exporter.from_notebook_node(node)
    # scripts the template takes from a CDN (require.js, the widget embedder): not offline
    page = re.sub(r'<script[^>]+src="https?://[^"]*"[^>]*>\s*</script>\s*', "", page)
    page = page.replace(f'<script src="{MATHJAX_SCRIPT}">',
                        f'{MATHJAX_CONFIG}<script src="{MATHJAX_SCRIPT}">', 1)
    return page.replace("</head>", f"{WIDGET_CSS}</head>", 1)


def copy_mathjax(out: Path) -> None:
    """MathJax 2 from jupyter-server-mathjax into out/mathjax (once)."""
    from jupyter_server_mathjax import __file__ as package_file

    source = Path(package_file).parent / "static"
    target = out / MATHJAX_DIR
    if not (target / "MathJax.js").is_file():
        shutil.copytree(source, target, dirs_exist_ok=True)


def find_chromium() -> str | None:
    """The system's Chromium (the one the browser tests use), or None."""
    return next(filter(None, map(shutil.which, CHROMIUM_CANDIDATES)), None)


def print_pdf(chromium: str, page: Path, pdf: Path) -> None:
    """page printed to pdf by headless Chromium, after MathJax has had time to typeset."""
    command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
               "--disable-dev-shm-usage", "--no-first-run", "--disable-background-networking",
               "--no-pdf-header-footer", "--virtual-time-budget=30000",
               f"--print-to-pdf={pdf}", page.resolve().as_uri()]
    done = subprocess.run(command, capture_output=True, text=True, timeout=180)
    if done.returncode != 0 or not pdf.is_file():
        raise CommandError(f"Chromium could not print {page.name}: {done.stderr.strip()[-300:]}")


def write_handouts(name: str, out: Path, pdf: bool = True) -> list[Path]:
    """Write the handouts of `name` into out; returns the files written."""
    notebooks = notebooks_for(name)
    if out.exists() and not out.is_dir():
        raise CommandError(f"{out} is a file; give a folder for the handouts.")
    if out.resolve() == NOTEBOOKS.resolve():
        raise CommandError("OUT is the notebooks folder; give another folder.")
    sources = [(path, read_notebook(path)) for path in notebooks]
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out)
    chromium = find_chromium() if pdf else None
    if pdf and chromium is None:
        print("handout: no Chromium found (apt-get install chromium): HTML only, no PDF.")
    written = []
    for path, notebook in sources:
        page = out / f"{path.stem}.html"
        page.write_text(to_html(notebook), encoding="utf-8")
        written.append(page)
        if chromium:
            print_pdf(chromium, page, out / f"{path.stem}.pdf")
            written.append(out / f"{path.stem}.pdf")
        made = ", ".join(p.name for p in written if p.stem == path.stem)
        print(f"handout: {path.name} -> {made}", flush=True)
    return written


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if arg != "--no-pdf"]
    if len(args) != 2:
        print(USAGE, file=sys.stderr)
        return 2
    try:
        write_handouts(args[0], Path(args[1]), pdf="--no-pdf" not in argv)
    except CommandError as error:
        print(f"handout: {error}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
