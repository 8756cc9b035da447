#!/usr/bin/env python3
"""Set up gmm-teach on a fresh machine and run it. Needs only python3 (>= 3.11).

    python3 run.py lab     # open the notebooks in JupyterLab (on 00_index.ipynb)
    python3 run.py test    # run every test: unit tests, nbval over every notebook, browser tests

For instructors (standard library only, no set-up; see course/):

    python3 run.py student-copies SRC OUT   # the notebooks of SRC without the model answers
    python3 run.py assignments OUT          # the exercises as an nbgrader course folder

Both commands first create ``.venv/`` beside this file and install gmm_teach with the
versions pinned in ``constraints.txt``; they re-install only when ``pyproject.toml`` or
``constraints.txt`` change. Extra arguments after ``test`` go to pytest
(``python3 run.py test -m "not browser"``); after ``lab`` they go to ``jupyter lab``.
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


def _requirements_hash() -> str:
    digest = hashlib.sha256()
    for name in ("pyproject.toml", "constraints.txt"):
        digest.update((ROOT / name).read_bytes())
    return digest.hexdigest()


def ensure_environment() -> None:
    """Create .venv and install gmm_teach[test] with pinned versions, if not done already."""
    if sys.version_info < (3, 11):  # noqa: UP036 - run.py itself may meet an older python3
        sys.exit(f"gmm-teach needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    wanted = _requirements_hash()
    if PYTHON.exists() and STAMP.exists() and STAMP.read_text() == wanted:
        return
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    print("Installing gmm_teach and its pinned dependencies (first run takes a few minutes) ...",
          flush=True)
    pip = [str(PYTHON), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "-c", "constraints.txt", "-e", ".[test]"], cwd=ROOT, check=True)
    switch_off_grading_extensions()
    STAMP.write_text(wanted)


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


def lab_command(rest=()) -> list[str]:
    """What `python3 run.py lab [rest]` runs, in ROOT with PYTHONHASHSEED=0: JupyterLab on the
    index notebook, serving the whole repository (README, notebooks, gmm_teach)."""
    return [str(PYTHON), "-m", "jupyterlab", f"--ServerApp.root_dir={ROOT}", INDEX, *rest]


INSTRUCTOR_COMMANDS = {"student-copies": "course.student_copies",
                       "assignments": "course.assignments"}


def main(argv: list[str]) -> int:
    if argv and argv[0] in INSTRUCTOR_COMMANDS:
        import importlib
        sys.path.insert(0, str(ROOT))
        return importlib.import_module(INSTRUCTOR_COMMANDS[argv[0]]).main(argv[1:])
    if not argv or argv[0] not in {"lab", "test"}:
        print(__doc__)
        return 2
    command, rest = argv[0], argv[1:]
    ensure_environment()
    env = dict(os.environ, PYTHONHASHSEED="0")
    if command == "lab":
        args = lab_command(rest)
    else:
        args = [str(PYTHON), "-m", "pytest", *rest]
    return subprocess.call(args, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
