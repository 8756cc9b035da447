"""Reading notebooks and writing a set of files all or nothing (standard library only)."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["CommandError", "read_notebook", "notebook_text", "write_all_or_nothing"]


class CommandError(Exception):
    """A problem the command reports in one sentence (exit code 2), never a traceback."""


def read_notebook(path: Path) -> dict:
    """The notebook as parsed JSON; CommandError when it is not a readable notebook."""
    if path.suffix != ".ipynb" or not path.is_file():
        raise CommandError(f"{path} is not a notebook file (.ipynb).")
    try:
        notebook = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise CommandError(f"{path} cannot be read as a notebook ({error}).") from None
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise CommandError(f"{path} is not a Jupyter notebook: no 'cells' list.")
    return notebook


def notebook_text(notebook: dict) -> str:
    """The JSON text as Jupyter writes it (indent 1, a final newline)."""
    return json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n"


def _check_target(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise CommandError(f"{out_dir} is a file, not a folder; give a folder for the output.")
    parent = out_dir
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise CommandError(f"{parent} is a file, so {out_dir} cannot be created; give a folder.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise CommandError(f"{parent} is not writable; choose a folder you can write to.")


def write_all_or_nothing(out_dir: Path, files: dict[str, str], sources: list[Path],
                         force: bool = False) -> list[Path]:
    """Write {relative path: text} under out_dir, all or nothing; returns the paths written.

    Refuses (CommandError) when a target is one of the `sources` (the same file, through any
    path or link), when a target exists and force is False, and when out_dir is a file or not
    writable. The files are written into a temporary folder beside out_dir first and moved
    into place only when all of them were written.
    """
    out_dir = Path(out_dir)
    _check_target(out_dir)
    targets = {name: out_dir / name for name in files}
    source_files = {path.resolve() for path in sources}
    for target in targets.values():
        if target.resolve() in source_files:
            raise CommandError(f"{target} is one of the source notebooks; choose another output "
                               "folder so that the notebooks with answers are not overwritten.")
    existing = [str(t) for t in targets.values() if t.exists()]
    if existing and not force:
        raise CommandError(f"{len(existing)} file(s) exist already, e.g. {existing[0]}; choose "
                           "an empty folder, or pass --force to replace them.")
    for target in targets.values():
        if target.exists() and not target.is_file():
            raise CommandError(f"{target} is a folder; it cannot be replaced by a notebook.")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=out_dir))
    except OSError as error:
        raise CommandError(f"{out_dir} cannot be created or written ({error.strerror}).") from None
    try:
        for name, text in files.items():
            (staging / name).parent.mkdir(parents=True, exist_ok=True)
            (staging / name).write_text(text, encoding="utf-8")
        for name, target in targets.items():
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging / name, target)
    except OSError as error:
        raise CommandError(f"writing into {out_dir} failed ({error.strerror}).") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return list(targets.values())
