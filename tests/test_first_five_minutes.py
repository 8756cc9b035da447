"""The README's first command, `python3 run.py lab`, as a student meets it on a fresh clone.

run.py first installs (that part is what .ci/run exercises; repeating it here would reinstall
the environment the tests run in), then starts JupyterLab with the command line run.py builds.
This test starts that same command line, headless, on a free loopback port with a token and
throwaway Jupyter config/data/runtime folders, and checks that the server answers, lists the
index notebook, and points the browser at it; with Chromium, that the index really opens.
"""

from __future__ import annotations

import importlib.util
import json
import re
import secrets
import subprocess
import urllib.parse
from pathlib import Path

import pytest
from browser_support import (
    free_port,
    http_get,
    jupyter_environment,
    launch_chromium,
    require_chromium,
    root_args,
    stop_process_tree,
    wait_for_server,
)

ROOT = Path(__file__).resolve().parent.parent
INDEX_NAME = "00_index.ipynb"

pytestmark = pytest.mark.slow


def load_run_py():
    """run.py as a module (its main() only runs under __main__)."""
    spec = importlib.util.spec_from_file_location("gmm_teach_run", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def lab_command(run, extra: list[str]) -> list[str]:
    """The argv run.py's `lab` command runs, with `extra` as the arguments after `lab`."""
    if hasattr(run, "lab_command"):
        return run.lab_command(extra)
    # run.py builds it inline in main(): [PYTHON, "-m", "jupyterlab", INDEX, *rest].
    return [str(run.PYTHON), "-m", "jupyterlab", run.INDEX, *extra]


@pytest.fixture(scope="module")
def first_lab(tmp_path_factory):
    run = load_run_py()
    if not (run.ROOT / run.INDEX).is_file():
        pytest.skip(f"{run.INDEX} does not exist yet (the lead writes it)")
    assert run.PYTHON.is_file(), f"{run.PYTHON} is missing: run `python3 run.py test` once"
    tmp = tmp_path_factory.mktemp("first-lab")
    port, token = free_port(), secrets.token_hex(16)
    env = jupyter_environment(tmp)  # as run.py: os.environ with PYTHONHASHSEED=0
    command = lab_command(run, [
        "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0", f"--IdentityProvider.token={token}",
        f"--LabApp.workspaces_dir={tmp / 'workspaces'}", *root_args()])
    log_path = tmp / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(command, cwd=run.ROOT, env=env, stdin=subprocess.DEVNULL,
                                   stdout=log, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_for_server(base_url, token, process, timeout=90)
        yield {"base_url": base_url, "token": token, "process": process, "run": run,
               "runtime": Path(env["JUPYTER_RUNTIME_DIR"]), "log": log_path}
    finally:
        survivors = stop_process_tree(process)
        assert process.poll() is not None, "the server did not stop"
        assert not survivors, f"processes left after stopping the server: {survivors}"


def open_url(first_lab) -> str:
    """The URL JupyterLab would open in the browser for the file on its command line."""
    files = sorted(first_lab["runtime"].glob("jpserver-file-to-run-*-open.html"))
    assert files, ("JupyterLab wrote no browser-open file for the notebook on its command "
                   "line; it would open on the launcher, not on the index")
    match = re.search(r'http-equiv="refresh"\s+content="\d+;url=([^"]+)"', files[0].read_text())
    assert match, f"no redirect in {files[0]}"
    return match.group(1).replace("&amp;", "&")


def test_the_server_answers_and_lists_the_index(first_lab):
    status, _ = http_get(f"{first_lab['base_url']}/api/status", first_lab["token"])
    assert status == 200
    status, _ = http_get(f"{first_lab['base_url']}/api/status")
    assert status == 403, "the server answers without the token"
    url = urllib.parse.urlsplit(open_url(first_lab))
    assert url.netloc == f"127.0.0.1:{urllib.parse.urlsplit(first_lab['base_url']).port}"
    path = urllib.parse.unquote(url.path)
    assert path.startswith("/lab/tree/") and path.endswith("/" + INDEX_NAME), (
        f"JupyterLab would open {path}, not the index notebook in JupyterLab")
    notebook_path = path.removeprefix("/lab/tree/")
    folder = notebook_path.rpartition("/")[0]
    status, body = http_get(f"{first_lab['base_url']}/api/contents/{folder}",
                            first_lab["token"])
    assert status == 200, f"/api/contents/{folder} answered {status}"
    listing = json.loads(body)
    names = [entry["name"] for entry in listing["content"]]
    assert INDEX_NAME in names, f"{INDEX_NAME} is not listed in /{folder}: {sorted(names)}"
    notebooks = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert set(notebooks) <= set(names), "the file browser does not show every notebook"


@pytest.mark.browser
def test_the_index_opens_in_jupyterlab(first_lab):
    chromium = require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(open_url(first_lab))
            tab = page.locator(".lm-DockPanel-tabBar .lm-TabBar-tab.lm-mod-current")
            tab.filter(has_text=INDEX_NAME).wait_for(timeout=60_000)
            title = page.locator(".jp-NotebookPanel:visible .jp-MarkdownOutput h1").first
            title.wait_for(timeout=30_000)
            assert title.text_content().startswith("00"), title.text_content()
        finally:
            browser.close()
