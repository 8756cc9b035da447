"""Test-only markers live in cell metadata, not in the code students and projectors see.

Every code cell whose output nbval does not compare carries the tag nbval-ignore-output (nbval
reads it like the old comment) and metadata "gmm_teach": {"unchecked_output": why,
"tested_in": [test files that exist]}; no code cell says "NBVAL_" or "tested in tests/"; every
cell that stores a widget carries the tag. (Checked on the notebooks, and on copies that
course/markers.py migrates, for a notebook written with the old comment markers.)
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course import markers  # noqa: E402

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def marker_problems(path: Path) -> list[str]:
    """What is wrong with the markers of one notebook (empty: nothing)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    problems = []
    for index, cell in enumerate(notebook["cells"]):
        if cell["cell_type"] != "code":
            continue
        where = f"{path.name} cell {index}"
        source = "".join(cell["source"])
        if "NBVAL_" in source or "tested in tests/" in source:
            problems.append(f"{where}: a test marker in the code (move it to the metadata)")
        tags = cell.get("metadata", {}).get("tags", [])
        stores_widget = any(WIDGET_MIME in out.get("data", {}) for out in cell.get("outputs", []))
        if stores_widget and markers.TAG not in tags:
            problems.append(f"{where}: stores a widget but has no {markers.TAG} tag")
        if markers.TAG not in tags:
            continue
        info = cell.get("metadata", {}).get("gmm_teach", {})
        if not str(info.get("unchecked_output", "")).strip():
            problems.append(f"{where}: no gmm_teach.unchecked_output reason")
        tested_in = info.get("tested_in") or []
        if not tested_in:
            problems.append(f"{where}: no gmm_teach.tested_in test file")
        problems += [f"{where}: tested_in names {name}, which does not exist"
                     for name in tested_in if not (ROOT / name).is_file()
                     or not name.startswith("tests/test_")]
    return problems


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_markers_are_metadata(path):
    problems = marker_problems(path)
    assert not problems, "\n".join(problems)


def test_migrating_a_copy_leaves_no_marker_in_the_code(tmp_path):
    for path in NOTEBOOKS:
        shutil.copy(path, tmp_path / path.name)
        markers.migrate(tmp_path / path.name)
        before = json.loads(path.read_text(encoding="utf-8"))
        after = json.loads((tmp_path / path.name).read_text(encoding="utf-8"))
        problems = [p for p in marker_problems(tmp_path / path.name) if "does not exist" not in p]
        assert not problems, "\n".join(problems)
        for old, new in zip(before["cells"], after["cells"], strict=True):
            assert old.get("outputs") == new.get("outputs")
            assert old.get("execution_count") == new.get("execution_count")


def test_migrate_cell_moves_the_comment_lines():
    cell = {"cell_type": "code", "metadata": {}, "outputs": [], "source": [
        "# NBVAL_IGNORE_OUTPUT\n",
        "# player: ids change; tested in tests/test_scrubber.py, tests/test_notebook_04.py\n",
        "scrubber.show_em_player(X, trace)"]}
    assert markers.migrate_cell(cell)
    assert cell["source"] == ["scrubber.show_em_player(X, trace)"]
    assert cell["metadata"] == {"tags": [markers.TAG], "gmm_teach": {
        "unchecked_output": "player: ids change",
        "tested_in": ["tests/test_scrubber.py", "tests/test_notebook_04.py"]}}
    assert not markers.migrate_cell(cell)  # already migrated


def test_a_marker_without_its_reason_is_a_value_error():
    cell = {"cell_type": "code", "metadata": {}, "source": "# NBVAL_IGNORE_OUTPUT\nx = 1"}
    with pytest.raises(ValueError, match="tested in"):
        markers.migrate_cell(cell)
