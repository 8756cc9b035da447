"""`python3 run.py present NOTEBOOK [--dark] [voila options]`: a notebook without its code.

Voila runs the notebook in a fresh kernel and shows its prose, equations, figures and live
widgets with every code cell's source stripped. The kernel runs in the presenter style
(GMM_TEACH_PRESENTER=1, read by gmm_teach.use_default_style() in each notebook's set-up cell),
so nothing in the notebook is edited and nothing is saved. --dark adds the dark figure style
and Voila's dark theme. As root (containers) Voila needs no extra flag; the command says so.

Runs in .venv's Python (run.py starts it there after installing the lab extra).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from course.notebook_files import CommandError

ROOT = Path(__file__).resolve().parent.parent
USAGE = "usage: python3 run.py present NOTEBOOK [--dark] [--no-browser] [--port=N]"


def resolve_notebook(name: str) -> Path:
    """NOTEBOOK as a path, or a name/number in notebooks/ ("04", "04_em_iris")."""
    path = Path(name)
    if path.suffix == ".ipynb" and path.is_file():
        return path.resolve()
    matches = sorted((ROOT / "notebooks").glob(f"{name}*.ipynb")) if name else []
    if len(matches) == 1:
        return matches[0]
    known = ", ".join(p.stem for p in sorted((ROOT / "notebooks").glob("*.ipynb")))
    raise CommandError(f"{name!r} is not a notebook file or the start of one name in "
                       f"notebooks/ ({known}).")


def present_environment(dark: bool, environ=None) -> dict[str, str]:
    """The kernel's environment: presenter style on (and the dark style with --dark)."""
    env = dict(os.environ if environ is None else environ, PYTHONHASHSEED="0",
               GMM_TEACH_PRESENTER="1")
    env.pop("MPLBACKEND", None)  # inline figures
    if dark:
        env["GMM_TEACH_STYLE"] = "dark"
    return env


def voila_command(notebook: Path, dark: bool, rest=()) -> list[str]:
    """The Voila command line: code stripped, tracebacks hidden from the audience."""
    return [sys.executable, "-m", "voila", str(notebook), "--strip_sources=True",
            "--VoilaConfiguration.show_tracebacks=False",
            f"--theme={'dark' if dark else 'light'}", *rest]


def main(argv: list[str]) -> int:
    args = [arg for arg in argv if arg != "--dark"]
    if not args or args[0].startswith("-"):
        print(USAGE, file=sys.stderr)
        return 2
    try:
        notebook = resolve_notebook(args[0])
    except CommandError as error:
        print(f"present: {error}", file=sys.stderr)
        return 2
    dark = "--dark" in argv
    print(f"Presenting {notebook.name} without its code (Voila, presenter style"
          f"{', dark' if dark else ''}); Ctrl+C stops.", flush=True)
    return subprocess.call(voila_command(notebook, dark, args[1:]), cwd=notebook.parent,
                           env=present_environment(dark))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
