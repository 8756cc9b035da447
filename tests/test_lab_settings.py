"""The suite's JupyterLab settings (jupyter-settings/), as `run.py lab` and binder/ load them.

* overrides.json: the news prompt is off ("fetchNews": "false") and no update check is made;
* workspace.json: the first screen has both side bars collapsed (the notebook gets the
  projector's width);
* custom.css: after JupyterLab restarts, a notebook saved with live widgets shows a sentence
  saying what to run where each widget was, not "Error displaying widget: model not found".

The browser test starts JupyterLab the way run.py does (app settings folder, custom CSS from
the Jupyter config folder) on a trusted copy of notebook 01 whose widget outputs name models
that no saved widget state holds, which is the state after "run, save, restart JupyterLab"
(JupyterLab does not save widget state by default, and the state nbclient stored names the
models of an earlier run). Untrusted notebooks show the outputs' text/plain instead, which
gmm_teach's widgets fill with a sentence of their own.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest
from browser_support import (
    http_get,
    jupyter_environment,
    launch_chromium,
    require_chromium,
    running_lab,
)

ROOT = Path(__file__).resolve().parent.parent
SETTINGS = ROOT / "jupyter-settings"
NOTEBOOK = "01_gaussian_1d.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def load_run_py():
    spec = importlib.util.spec_from_file_location("gmm_teach_run_settings", ROOT / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_custom_css_and_workspace_are_where_jupyterlab_reads_them(tmp_path, monkeypatch):
    from jupyterlab_server.workspaces_handler import WORKSPACE_EXTENSION, slugify

    run = load_run_py()
    monkeypatch.setattr(run, "LAB_CONFIG", tmp_path / "config")
    monkeypatch.setattr(run, "LAB_WORKSPACES", tmp_path / "config" / "lab" / "workspaces")
    env = run.lab_environment({"JUPYTER_CONFIG_DIR": str(tmp_path / "mine")})
    assert env["JUPYTER_CONFIG_DIR"] == str(tmp_path / "config")
    assert (tmp_path / "config" / "custom" / "custom.css").read_bytes() == (
        SETTINGS / "custom.css").read_bytes()
    assert env["JUPYTERLAB_SETTINGS_DIR"] == str(tmp_path / "mine" / "lab" / "user-settings")
    assert run.default_workspace_name() == slugify("default") + WORKSPACE_EXTENSION
    workspace = run.LAB_WORKSPACES / run.default_workspace_name()
    assert json.loads(workspace.read_text()) == json.loads(
        (SETTINGS / "workspace.json").read_text())
    workspace.write_text("{}")  # a layout the instructor saved is kept
    run.lab_environment({})
    assert workspace.read_text() == "{}"
    command = run.lab_command([])
    assert "--LabApp.custom_css=True" in command
    assert f"--LabApp.workspaces_dir={run.LAB_WORKSPACES}" in command


def test_binder_installs_the_same_settings():
    script = (ROOT / "binder" / "postBuild").read_text()
    assert "jupyter-settings/overrides.json" in script
    assert "jupyter-settings/custom.css" in script and "custom_css" in script
    assert "jupyter-settings/workspace.json" in script and "default_workspace_name" in script


@pytest.fixture(scope="module")
def restarted_lab(tmp_path_factory):
    from playwright.sync_api import sync_playwright

    chromium = require_chromium()
    tmp = tmp_path_factory.mktemp("settings")
    root = tmp / "root"
    root.mkdir()
    notebook = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text(encoding="utf-8"))
    notebook["metadata"].pop("widgets", None)  # no saved state holds the outputs' models
    (root / NOTEBOOK).write_text(json.dumps(notebook), encoding="utf-8")
    env = jupyter_environment(tmp)  # the folders running_lab uses: trust it there, as a save does
    subprocess.run([sys.executable, "-m", "jupyter", "trust", str(root / NOTEBOOK)], env=env,
                   check=True, capture_output=True)
    custom = Path(env["JUPYTER_CONFIG_DIR"]) / "custom"
    custom.mkdir(parents=True)
    (custom / "custom.css").write_bytes((SETTINGS / "custom.css").read_bytes())
    workspaces = tmp / "workspaces"  # running_lab's --LabApp.workspaces_dir
    workspaces.mkdir()
    (workspaces / load_run_py().default_workspace_name()).write_bytes(
        (SETTINGS / "workspace.json").read_bytes())
    args = [f"--LabApp.app_settings_dir={SETTINGS}", "--LabApp.custom_css=True"]
    every_cell = {"@jupyterlab/notebook-extension:tracker": {"windowingMode": "none"}}
    with running_lab(root, tmp, extra_args=args, user_settings=every_cell) as lab, \
            sync_playwright() as playwright:
        browser = launch_chromium(playwright, chromium)
        page = browser.new_page(viewport={"width": 1024, "height": 768})
        page.route("**/*", lambda route: route.continue_()
                   if route.request.url.startswith(lab.base_url) else route.abort())
        page.goto(f"{lab.base_url}/lab/tree/{NOTEBOOK}?token={lab.token}")
        page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=90_000)
        yield lab, page
        browser.close()


@pytest.mark.browser
def test_the_news_prompt_is_switched_off(restarted_lab):
    lab, page = restarted_lab
    status, body = http_get(
        f"{lab.base_url}/lab/api/settings/@jupyterlab/apputils-extension:notification",
        lab.token)
    assert status == 200
    defaults = json.loads(body)["schema"]["properties"]  # overrides.json sets the defaults
    assert defaults["fetchNews"]["default"] == "false"
    assert defaults["checkForUpdates"]["default"] is False
    page.wait_for_timeout(3000)
    toasts = page.locator(".jp-toast-message, .Toastify__toast").all_inner_texts()
    assert not [text for text in toasts if "news" in text.lower()], toasts


@pytest.mark.browser
def test_the_first_screen_gives_the_notebook_the_width(restarted_lab):
    _, page = restarted_lab
    left, notebook = page.evaluate("""() => [
        document.querySelector('#jp-left-stack').getBoundingClientRect().width,
        document.querySelector('.jp-NotebookPanel').getBoundingClientRect().width]""")
    assert left == 0, "the left side bar is open"
    assert notebook > 0.9 * 1024 - 60, f"the notebook is {notebook} px wide on a 1024 px screen"


@pytest.mark.browser
def test_a_widget_after_a_restart_says_what_to_run(restarted_lab):
    _, page = restarted_lab
    stored = json.loads((ROOT / "notebooks" / NOTEBOOK).read_text())
    widgets = sum(WIDGET_MIME in out.get("data", {}) for cell in stored["cells"]
                  for out in cell.get("outputs", []))
    assert widgets >= 1, f"{NOTEBOOK} has no stored widget output"
    page.wait_for_function(
        "(n) => [...document.querySelectorAll('.jp-OutputArea-output.jupyter-widgets')]"
        ".filter(e => e.textContent.includes('model not found')).length >= n",
        arg=widgets, timeout=90_000)
    shown = page.evaluate("""() => [...document.querySelectorAll(
            '.jp-OutputArea-output.jupyter-widgets')]
        .filter(e => e.textContent.includes('model not found'))
        .map(e => ({before: getComputedStyle(e, '::before').content,
                    fontSize: getComputedStyle(e).fontSize,
                    color: getComputedStyle(e).color,
                    height: e.getBoundingClientRect().height}))""")
    assert len(shown) == widgets
    for node in shown:
        assert "Run this cell" in node["before"], node
        assert node["fontSize"] == "0px" and node["color"] == "rgba(0, 0, 0, 0)", node
        assert node["height"] > 20, node  # the sentence takes room; the error text does not
