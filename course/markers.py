"""Move nbval's test-only markers from code comments to cell metadata (issue 13).

    python3 -m course.markers notebooks/*.ipynb     # rewrites the notebooks in place

A cell whose output nbval cannot compare used to start with two comment lines,

    # NBVAL_IGNORE_OUTPUT
    # widget: model ids change every run; tested in tests/test_explorers.py

which students and projectors see. Here they become the cell's tag ``nbval-ignore-output``
(which nbval reads like the comment) and its metadata

    "gmm_teach": {"unchecked_output": "widget: model ids change every run",
                  "tested_in": ["tests/test_explorers.py"]}

and the comment lines go. tests/test_notebook_markers.py checks the result. Standard library
only; only the cells' source, tags and metadata change (outputs and execution counts stay).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TAG = "nbval-ignore-output"
MARKER = "# NBVAL_IGNORE_OUTPUT"
REASON = re.compile(r"#\s*(?P<reason>.+?);\s*tested in (?P<files>tests/\S+(?:,\s*tests/\S+)*)\s*$")


def migrate_cell(cell: dict) -> bool:
    """Move the markers of one code cell into its metadata; True when the cell changed."""
    if cell.get("cell_type") != "code":
        return False
    source = cell.get("source", "")
    lines = ("".join(source) if isinstance(source, list) else source).splitlines(keepends=True)
    if not any(line.strip() == MARKER for line in lines):
        return False
    kept, reason, files = [], None, []
    for line in lines:
        match = REASON.match(line.strip())
        if line.strip() == MARKER:
            continue
        if match and reason is None:
            reason = match.group("reason")
            files = [name.strip() for name in match.group("files").split(",")]
            continue
        kept.append(line)
    if reason is None:
        raise ValueError(f"a cell marked {MARKER} gives no '# why; tested in tests/...' line: "
                         f"{''.join(lines[:3])!r}")
    if kept:
        kept[-1] = kept[-1].rstrip("\n")
    cell["source"] = kept
    tags = cell.setdefault("metadata", {}).setdefault("tags", [])
    if TAG not in tags:
        tags.append(TAG)
    cell["metadata"]["gmm_teach"] = {"unchecked_output": reason, "tested_in": files}
    return True


def migrate(path: Path) -> int:
    """Migrate one notebook file in place (written with the notebooks' JSON layout)."""
    notebook = json.loads(path.read_text(encoding="utf-8"))
    changed = sum(migrate_cell(cell) for cell in notebook["cells"])
    if changed:
        path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n",
                        encoding="utf-8")
    return changed


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__.splitlines()[2].strip(), file=sys.stderr)
        return 2
    for name in argv:
        print(f"{name}: {migrate(Path(name))} cell(s) migrated")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
