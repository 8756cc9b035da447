#!/usr/bin/env python3
"""Set up gmm-teach on a fresh machine and run it. Needs only python3 (>= 3.11).

    python3 run.py lab     # open the notebooks in JupyterLab (on 00_index.ipynb)
    python3 run.py test    # run every test: unit tests, nbval over every notebook, browser tests

For the lecture hall (see README, "Lecture-hall kit"):

    python3 run.py lab --presenter [--dark]     # JupyterLab, figures in presenter (dark) style
    python3 run.py present NOTEBOOK [--dark]    # the notebook without its code (Voila)
    python3 run.py handout NOTEBOOK|all OUT     # offline HTML and PDF handouts in OUT

For instructors (standard library only, no set-up; see course/):

    python3 run.py student-copies SRC OUT   # the notebooks of SRC without the model answers
    python3 run.py assignments OUT          # the exercises as an nbgrader course folder

These commands first create ``.venv/`` beside this file and install gmm_teach with the
versions pinned in ``constraints.txt``: ``lab``, ``present`` and ``handout`` what the notebooks
need (extra "lab"), ``test`` the test tools too (extra "test"). They re-install only when
``pyproject.toml`` or ``constraints.txt`` change, or when ``test`` follows a lab-only install.
Extra arguments after ``test`` go to pytest (``python3 run.py test -m "not browser"``); after
``lab`` they go to ``jupyter lab``. As root (containers) ``lab`` adds ``--allow-root`` and says so.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")
STAMP = VENV / ".gmm-teach-installed"
INDEX = "notebooks/00_index.ipynb"
#: The suite's JupyterLab settings (overrides.json: no news prompt; custom.css: the sentence
#: where a widget was after a restart; see README, "Lecture-hall kit").
LAB_SETTINGS = ROOT / "jupyter-settings"
#: JupyterLab loads custom.css only from <Jupyter config dir>/custom/, so `lab` uses this
#: config folder (the user's lab settings stay where they were).
LAB_CONFIG = VENV / "jupyter-config"
#: The course's workspaces: the first start gets jupyter-settings/workspace.json (side bars
#: collapsed, so the notebook has the whole projector); later layouts are kept there.
LAB_WORKSPACES = LAB_CONFIG / "lab" / "workspaces"
#: What `lab --presenter` / `--dark` set; gmm_teach.use_default_style() reads them.
STYLE_FLAGS = {"--presenter": ("GMM_TEACH_PRESENTER", "1"), "--dark": ("GMM_TEACH_STYLE", "dark")}
EXTRAS = ("lab", "test")  # each extra includes the one before it


def _requirements_hash() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def installed_extra() -> str | None:
    """The extra the stamp says .venv holds for the current requirements ("lab"/"test"), or None.

    A stamp written before the lab extra existed holds the hash alone: that was a test install.
    """
    if not (PYTHON.exists() and STAMP.exists()):
        return None
    digest, _, extra = STAMP.read_text().strip().partition(" ")
    if digest != _requirements_hash():
        return None
    return extra or "test"


def ensure_environment(extra: str = "test") -> None:
    """Create .venv and install gmm_teach[extra] with pinned versions, if not done already."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py itself may meet an older python3
        sys.exit(f"gmm-teach needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    if extra not in EXTRAS:
        raise ValueError(f"extra must be one of {EXTRAS}, got {extra!r}")
    wanted = _requirements_hash()
    have = installed_extra()
    if have is not None and EXTRAS.index(have) >= EXTRAS.index(extra):
        return
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing gmm_teach and its pinned dependencies (first run takes a few minutes) ...",
          flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-c", "constraints.txt", "-e", f".[{extra}]"], cwd=ROOT, check=True)
    if extra == "test":
        switch_off_grading_extensions()
    STAMP.write_text(f"{wanted} {extra}")


def switch_off_grading_extensions() -> None:
    """nbgrader (a test tool here) enables its server and JupyterLab extensions in .venv;
    switch them off so that `lab` shows the course only (config files in .venv/etc)."""
    etc = VENV / "etc" / "jupyter"
    server = {f"nbgrader.server_extensions.{name}": False for name in (
        "formgrader", "validate_assignment", "assignment_list", "course_list")}
    for path, config in ((etc / "jupyter_server_config.d" / "zz-gmm-teach.json",
                          {"ServerApp": {"jpserver_extensions": server}}),
                         (etc / "labconfig" / "page_config.json",
                          {"disabledExtensions": {"@jupyter/nbgrader": True}})):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(config, indent=1) + "\n")


def running_as_root() -> bool:
    return hasattr(os, "geteuid") and os.geteuid() == 0


def root_args() -> list[str]:
    """["--allow-root"] as root (containers): JupyterLab refuses to start as root without it."""
    return ["--allow-root"] if running_as_root() else []


def lab_command(rest=()) -> list[str]:
    """What `python3 run.py lab [rest]` runs, in ROOT with PYTHONHASHSEED=0: JupyterLab on the
    index notebook, serving the whole repository (README, notebooks, gmm_teach), with the
    suite's settings (jupyter-settings/overrides.json); --allow-root when run as root."""
    rest = [arg for arg in rest if arg not in STYLE_FLAGS]
    return [str(PYTHON), "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.app_settings_dir={LAB_SETTINGS}", "--LabApp.custom_css=True",
            f"--LabApp.workspaces_dir={LAB_WORKSPACES}", *root_args(), INDEX, *rest]


def default_workspace_name() -> str:
    """The file JupyterLab keeps its "default" workspace in (jupyterlab_server's slugify)."""
    return f"default-{hashlib.sha256(b'default').hexdigest()[:4]}.jupyterlab-workspace"


def lab_environment(env: dict[str, str]) -> dict[str, str]:
    """env for `lab`: JUPYTER_CONFIG_DIR is LAB_CONFIG, holding the suite's custom.css (copied
    at each start) and, on the first start, the default workspace; the lab settings stay in
    the user's config folder."""
    env = dict(env)
    user_config = Path(env.get("JUPYTER_CONFIG_DIR") or Path.home() / ".jupyter")
    env.setdefault("JUPYTERLAB_SETTINGS_DIR", str(user_config / "lab" / "user-settings"))
    LAB_WORKSPACES.mkdir(parents=True, exist_ok=True)
    workspace = LAB_WORKSPACES / default_workspace_name()
    if not workspace.exists():
        workspace.write_bytes((LAB_SETTINGS / "workspace.json").read_bytes())
    custom = LAB_CONFIG / "custom"
    custom.mkdir(parents=True, exist_ok=True)
    (custom / "custom.css").write_bytes((LAB_SETTINGS / "custom.css").read_bytes())
    env["JUPYTER_CONFIG_DIR"] = str(LAB_CONFIG)
    return env


def style_environment(args, env: dict[str, str]) -> dict[str, str]:
    """env with GMM_TEACH_PRESENTER / GMM_TEACH_STYLE set for --presenter / --dark in args."""
    env = dict(env)
    for flag, (name, value) in STYLE_FLAGS.items():
        if flag in args:
            env[name] = value
    return env


def say_root() -> None:
    if running_as_root():
        print("Running as root (a container?): passing --allow-root to the Jupyter server.",
              flush=True)


INSTRUCTOR_COMMANDS = {"student-copies": "course.student_copies",
                       "assignments": "course.assignments"}
#: Commands that run a module of course/ in .venv's Python (they need the lab extra).
LAB_COMMANDS = {"present": "course.present", "handout": "course.handout"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in INSTRUCTOR_COMMANDS:
        import importlib
        sys.path.insert(0, str(ROOT))
        return importlib.import_module(INSTRUCTOR_COMMANDS[argv[0]]).main(argv[1:])
    if not argv or argv[0] not in {"lab", "test", *LAB_COMMANDS}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment("test" if command == "test" else "lab")
    env = dict(os.environ, PYTHONHASHSEED="0")
    if command == "lab":
        say_root()
        args, env = lab_command(rest), lab_environment(style_environment(rest, env))
    elif command in LAB_COMMANDS:
        args = [str(PYTHON), "-m", LAB_COMMANDS[command], *rest]
    else:
        args = [str(PYTHON), "-m", "pytest", *rest]
    return subprocess.call(args, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
