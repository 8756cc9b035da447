"""Helpers for the tests that drive a real browser or a real JupyterLab server.

Playwright cannot download its own browsers here, so every browser test launches the
system's Chromium (Debian's ``chromium`` package; ``.ci/run`` installs it). Servers are
started from ``sys.executable``'s environment, on 127.0.0.1 only, with a random token and
throwaway Jupyter config/data/runtime directories, and are stopped with their kernels.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

CHROMIUM_CANDIDATES = ("chromium", "chromium-browser", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def find_chromium() -> str | None:
    """Path of the system's Chromium, or None when there is none."""
    for candidate in CHROMIUM_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def require_chromium() -> str:
    """Chromium's path; skip the calling test when there is none, but fail under CI=true."""
    path = find_chromium()
    if path is None:
        reason = "no Chromium found (looked for: " + ", ".join(CHROMIUM_CANDIDATES) + ")"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true but {reason}; .ci/run installs Debian's chromium")
        pytest.skip(reason)
    return path


def launch_chromium(playwright, executable_path: str):
    """Headless Chromium with the flags that work in containers and make no network calls."""
    return playwright.chromium.launch(
        executable_path=executable_path, headless=True, args=CHROMIUM_ARGS
    )


def root_args() -> list[str]:
    """["--ServerApp.allow_root=True"] when running as root (containers, CI), else []."""
    return ["--ServerApp.allow_root=True"] if hasattr(os, "geteuid") and os.geteuid() == 0 else []


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def jupyter_environment(tmp_dir: Path) -> dict[str, str]:
    """os.environ with Jupyter's per-user config, data and runtime directories under tmp_dir.

    The environment's own share/jupyter (sys.prefix, where the ipywidgets lab extension and
    the python3 kernel spec live) is searched before JUPYTER_DATA_DIR, so both are still found.
    """
    env = dict(os.environ, PYTHONHASHSEED="0")
    env.pop("MPLBACKEND", None)
    for name in ("config", "data", "runtime"):
        directory = tmp_dir / f"jupyter-{name}"
        directory.mkdir(parents=True, exist_ok=True)
        env[f"JUPYTER_{name.upper()}_DIR"] = str(directory)
    return env


def http_get(url: str, token: str | None = None, timeout: float = 5.0) -> tuple[int, bytes]:
    """(status, body) of a GET request; status 0 when nothing answers."""
    request = urllib.request.Request(url)
    if token:
        request.add_header("Authorization", f"token {token}")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return 0, b""


def wait_for_server(
    base_url: str, token: str, process: subprocess.Popen, timeout: float = 60.0
) -> dict:
    """Poll base_url/api/status until it answers 200; returns its JSON."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with code {process.returncode} while starting")
        status, body = http_get(f"{base_url}/api/status", token, timeout=2.0)
        if status == 200:
            return json.loads(body)
        time.sleep(0.25)
    raise TimeoutError(f"{base_url}/api/status did not answer within {timeout:.0f} s")


def stop_process_tree(process: subprocess.Popen, sig: int = signal.SIGTERM,
                      timeout: float = 20.0) -> list[psutil.Process]:
    """Send sig to process's group, wait, kill what is left; returns the survivors (orphans).

    Kernels run in their own sessions, so the descendants are collected before stopping.
    """
    try:
        tree = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
    except psutil.NoSuchProcess:
        tree = []
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        pass
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        pass
    _, alive = psutil.wait_procs(tree, timeout=timeout)
    for survivor in alive:
        try:
            survivor.kill()
        except psutil.NoSuchProcess:
            pass
    if process.poll() is None:
        process.kill()
        process.wait(timeout=10)
    return alive


@dataclass
class LabServer:
    """A running JupyterLab server started by running_lab()."""

    base_url: str
    token: str
    root_dir: Path
    process: subprocess.Popen
    log_path: Path

    def api(self, path: str, method: str = "GET") -> object:
        """JSON answer of the REST API at /api/<path>."""
        request = urllib.request.Request(f"{self.base_url}/api/{path}", method=method)
        request.add_header("Authorization", f"token {self.token}")
        with urllib.request.urlopen(request, timeout=10) as response:
            body = response.read()
        return json.loads(body) if body else None

    def shutdown_kernels(self) -> None:
        """Shut down every running kernel (DELETE /api/kernels/<id>)."""
        for kernel in self.api("kernels"):
            self.api(f"kernels/{kernel['id']}", method="DELETE")

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")


def write_user_settings(config_dir: Path, settings: dict[str, dict]) -> None:
    """Write JupyterLab user settings {"@jupyterlab/x-extension:plugin": {...}} in config_dir."""
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.split(":")
        path = config_dir / "lab" / "user-settings" / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values, indent=2))


@contextmanager
def running_lab(root_dir: Path, tmp_dir: Path, extra_args: Sequence[str] = (),
                user_settings: dict[str, dict] | None = None) -> Iterator[LabServer]:
    """Start `python -m jupyterlab` on root_dir and stop it (and its kernels) afterwards.

    user_settings go to the throwaway JUPYTER_CONFIG_DIR (see write_user_settings).
    """
    port, token = free_port(), secrets.token_hex(16)
    env = jupyter_environment(tmp_dir)
    write_user_settings(Path(env["JUPYTER_CONFIG_DIR"]), user_settings or {})
    workspaces = tmp_dir / "workspaces"
    workspaces.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser",
        "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={root_dir}",
        f"--LabApp.workspaces_dir={workspaces}", *root_args(), *extra_args,
    ]
    log_path = tmp_dir / "jupyterlab.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )
    server = LabServer(f"http://127.0.0.1:{port}", token, root_dir, process, log_path)
    try:
        wait_for_server(server.base_url, token, process)
        yield server
    finally:
        if process.poll() is None:
            try:
                server.shutdown_kernels()
            except (urllib.error.URLError, OSError):
                pass
        stop_process_tree(process)


# ----------------------------------------------------------------------------- live widgets
#: A small notebook with every live view of gmm_teach in presenter style, between headings
#: (where JupyterLab's arrow-key shortcuts would collapse a section or jump to the next).
LIVE_CELLS = [
    ("code", "import gmm_teach as gt\nfrom gmm_teach import explorers, landscape, scrubber\n"
             "gt.use_presenter_style()\nX, _ = gt.load_iris_sepal()\n"
             "trace = gt.run_em(X, gt.initial_params(X, 3, random_state=0))"),
    ("markdown", "## The scrubber"),
    ("code", "scrubber.EMScrubber(trace)"),
    ("markdown", "## The player"),
    ("code", "scrubber.show_em_player(trace)"),
    ("markdown", "## The scrubber with the lower bound"),
    ("code", "scrubber.EMScrubber(trace, panels=('data', 'bound'))"),
    ("markdown", "## The explorers"),
    ("code", "explorers.gaussian_1d_explorer()"),
    ("code", "explorers.gaussian_2d_explorer()"),
    ("code", "explorers.responsibility_probe(X, trace.final, labels=('sepal length', "
             "'sepal width'), unit='cm')"),
    ("markdown", "## The landscape"),
    ("code", "landscape.landscape_explorer()"),
    ("markdown", "## The end"),
]

#: CSS selector of each live widget's outer box, in LIVE_CELLS' order, with the slider
#: (a noUiSlider handle) that the benchmark presses keys on.
LIVE_WIDGETS = {
    "04 scrubber": (".gmm-scrubber >> nth=0", ".gmm-scrubber-slider .noUi-handle"),
    "05 scrubber, bound panel": (".gmm-scrubber >> nth=1", ".gmm-scrubber-slider .noUi-handle"),
    "01 explorer, mu": (".gmm-explorer >> nth=0", ".widget-slider >> nth=0"),
    "01 explorer, sigma^2": (".gmm-explorer >> nth=0", ".widget-slider >> nth=1"),
    "02 explorer, sigma_1": (".gmm-explorer >> nth=1", ".widget-slider >> nth=0"),
    "02 explorer, rho": (".gmm-explorer >> nth=1", ".widget-slider >> nth=2"),
    "03 probe, x1": (".gmm-explorer >> nth=2", ".widget-slider >> nth=0"),
    "05 landscape, variance": (".gmm-explorer >> nth=3", ".widget-slider >> nth=0"),
}


def write_live_notebook(directory: Path, name: str = "live.ipynb") -> Path:
    """LIVE_CELLS as a notebook in directory; returns its path."""
    import nbformat

    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) if kind == "code"
                      else nbformat.v4.new_markdown_cell(source) for kind, source in LIVE_CELLS]
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    path = directory / name
    nbformat.write(notebook, path)
    return path


#: Install on a widget's outer box: key-press times (capturing listener) and the times its
#: <img> src changes, and a helper that awaits the next src change.
INSTALL_TIMING_JS = """root => {
  const img = root.querySelector('img');
  const probe = {keys: [], frames: []};
  root.__gmmTiming = probe;
  root.addEventListener('keydown', e => probe.keys.push(performance.now()), true);
  new MutationObserver(records => {
    for (const r of records) {
      if (r.attributeName === 'src') { probe.frames.push(performance.now()); }
    }
  }).observe(img, {attributes: true, attributeFilter: ['src']});
}"""


def key_latencies(page, root, handle, presses: int, key: str = "ArrowRight",
                  back: str = "ArrowLeft", timeout_ms: float = 5000,
                  pause_ms: float = 0.0) -> list[float]:
    """Milliseconds from each key press on the focused slider handle to the widget's new
    picture (<img> src changed); reverses direction at the slider's end. pause_ms: the
    wait after each new picture before the next press (a presenter's pace). A press with
    no new picture within timeout_ms counts as infinitely late."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    root.evaluate(INSTALL_TIMING_JS)
    handle.focus()
    latencies = []
    direction = key
    for _ in range(presses):
        value, low, high = (float(handle.get_attribute(name)) for name in
                            ("aria-valuenow", "aria-valuemin", "aria-valuemax"))
        if (direction == key and value >= high) or (direction == back and value <= low):
            direction = back if direction == key else key  # at the end: turn round
        n_frames = root.evaluate("r => r.__gmmTiming.frames.length")
        n_keys = root.evaluate("r => r.__gmmTiming.keys.length")
        page.keyboard.press(direction)
        try:
            page.wait_for_function("([r, n]) => r.__gmmTiming.frames.length > n",
                                   arg=[root.element_handle(), n_frames], timeout=timeout_ms)
        except PlaywrightTimeout:
            latencies.append(float("inf"))
            continue
        pressed, shown = root.evaluate(
            "(r, [k, f]) => [r.__gmmTiming.keys[k], r.__gmmTiming.frames[f]]",
            [n_keys, n_frames])
        latencies.append(shown - pressed)
        time.sleep(pause_ms / 1000)
    return latencies


def drag_lag(page, root, handle, seconds: float = 1.0, steps: int = 40) -> float:
    """Drag the slider handle to the right end of its track and back to the middle over
    `seconds`; return the milliseconds from the pointer's last move to the last new picture
    (that of the final value; 0 when it was already shown)."""
    root.evaluate(INSTALL_TIMING_JS)
    handle.scroll_into_view_if_needed()
    box = handle.bounding_box()
    track = handle.locator("xpath=ancestor::*[contains(@class,'noUi-target')][1]")
    track_box = track.bounding_box()
    y = box["y"] + box["height"] / 2
    start = box["x"] + box["width"] / 2
    right = track_box["x"] + track_box["width"] - 2
    middle = track_box["x"] + track_box["width"] / 2
    page.mouse.move(start, y)
    page.mouse.down()
    for i in range(1, steps + 1):
        where = i / steps
        x = (start + (right - start) * 2 * where if where <= 0.5
             else right + (middle - right) * (2 * where - 1))
        page.mouse.move(x, y)
        time.sleep(seconds / steps)
    stopped = page.evaluate("() => performance.now()")
    page.mouse.up()
    time.sleep(1.5)  # a picture later than this is not keeping up at all
    later = [t for t in root.evaluate("r => r.__gmmTiming.frames") if t >= stopped]
    return (max(later) - stopped) if later else 0.0
