"""Exercises in the core notebooks, and `python3 run.py student-copies SRC OUT`
(course/student_copies.py): the copies drop exactly the model answers, never replace a source
or an existing file, are written all or nothing, and bad targets get a message, not a
traceback."""

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
sys.path.insert(0, str(ROOT))
from course import student_copies  # noqa: E402

CORE = ("01_", "02_", "03_", "04_", "05_", "06_")
CHECK_CALL = re.compile(r"^exercises\.(check_\w+)\((\w+)\)\s*$", re.MULTILINE)


def core_notebooks():
    return [p for p in sorted(NOTEBOOKS.glob("*.ipynb")) if p.name.startswith(CORE)]


def is_solution(cell) -> bool:
    return "solution" in cell.get("metadata", {}).get("tags", [])


def output_text(cell) -> str:
    texts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        texts.append("".join(data.get("text/plain", "")) + "".join(output.get("text", "")))
    return "\n".join(texts)


@pytest.mark.parametrize("path", core_notebooks(), ids=lambda p: p.name)
def test_core_notebook_ends_with_checked_exercises(path):
    cells = nbformat.read(path, as_version=4).cells
    headings = [i for i, c in enumerate(cells)
                if c.cell_type == "markdown" and re.search(r"^## Exercises", c.source, re.M)]
    assert len(headings) == 1, "one '## Exercises' section"
    exercise_cells = [c for c in cells[headings[0]:] if c.cell_type == "code"]
    skeletons = [c for c in exercise_cells if not is_solution(c)]
    answers = [c for c in exercise_cells if is_solution(c)]
    assert 2 <= len(skeletons) <= 3 and len(answers) == len(skeletons)
    for skeleton, answer in zip(skeletons, answers, strict=True):
        assert 'raise NotImplementedError("your code here")' in skeleton.source
        check = CHECK_CALL.search(skeleton.source)
        assert check, skeleton.source
        assert CHECK_CALL.search(answer.source).group(1) == check.group(1)
        assert "Not attempted yet" in output_text(skeleton), output_text(skeleton)
        assert re.search(r"^Correct: ", output_text(answer), re.M), output_text(answer)
        assert answer.metadata.get("jupyter", {}).get("source_hidden") is True


def run_command(*args, cwd=None) -> subprocess.CompletedProcess:
    """`python3 run.py student-copies ...` with the interpreter running the tests."""
    return subprocess.run([sys.executable, str(ROOT / "run.py"), "student-copies", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd)


def digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.ipynb")}


def test_student_copies_drop_exactly_the_model_answers(tmp_path):
    removed = student_copies.make_student_copies(NOTEBOOKS, tmp_path)
    sources = sorted(NOTEBOOKS.glob("*.ipynb"))
    assert sorted(removed) == [p.name for p in sources]
    for path in sources:
        original = nbformat.read(path, as_version=4)
        copy = nbformat.read(tmp_path / path.name, as_version=4)
        nbformat.validate(copy)
        kept = [c for c in original.cells if not is_solution(c)]
        assert removed[path.name] == len(original.cells) - len(kept)
        assert [c.source for c in copy.cells] == [c.source for c in kept]
        assert not any(is_solution(c) for c in copy.cells)
        assert [c.get("outputs") for c in copy.cells] == [c.get("outputs") for c in kept]
    for path in core_notebooks():
        assert removed[path.name] >= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == [p.name for p in sources]  # no leftovers


def test_student_copy_runs_top_to_bottom_and_says_not_attempted(tmp_path):
    student_copies.make_student_copies(NOTEBOOKS / "01_gaussian_1d.ipynb", tmp_path)
    copy = nbformat.read(tmp_path / "01_gaussian_1d.ipynb", as_version=4)
    NotebookClient(copy, timeout=120, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    checks = [c for c in copy.cells if c.cell_type == "code" and CHECK_CALL.search(c.source)]
    assert checks and all(output_text(c).startswith("Not attempted yet") for c in checks)


def test_command_line(tmp_path):
    out = tmp_path / "students"
    result = run_command(NOTEBOOKS / "02_gaussian_nd.ipynb", out)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "02_gaussian_nd.ipynb: 2 model answer(s) removed" in result.stdout
    assert json.loads((out / "02_gaussian_nd.ipynb").read_text())["cells"]


def test_never_writes_over_the_source_notebooks(tmp_path):
    before = digest(NOTEBOOKS)
    link = tmp_path / "link"
    link.symlink_to(NOTEBOOKS, target_is_directory=True)
    for target in (NOTEBOOKS, link, Path("notebooks"), Path("notebooks/.")):
        result = run_command("notebooks", target, cwd=ROOT)
        assert result.returncode == 2, result.stdout
        assert "one of the source notebooks" in result.stdout
        assert "Traceback" not in result.stdout + result.stderr
        result = run_command("notebooks", target, "--force", cwd=ROOT)
        assert result.returncode == 2 and "one of the source notebooks" in result.stdout
    assert digest(NOTEBOOKS) == before
    assert not list(NOTEBOOKS.glob(".staging-*"))


def test_existing_files_are_kept_unless_force(tmp_path):
    (tmp_path / "01_gaussian_1d.ipynb").write_text("my notes")
    result = run_command(NOTEBOOKS / "01_gaussian_1d.ipynb", tmp_path)
    assert result.returncode == 2 and "exist already" in result.stdout
    assert (tmp_path / "01_gaussian_1d.ipynb").read_text() == "my notes"
    result = run_command(NOTEBOOKS / "01_gaussian_1d.ipynb", tmp_path, "--force")
    assert result.returncode == 0
    assert json.loads((tmp_path / "01_gaussian_1d.ipynb").read_text())["cells"]


def test_all_or_nothing_when_a_later_notebook_is_bad(tmp_path):
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(NOTEBOOKS / "01_gaussian_1d.ipynb", src / "01_gaussian_1d.ipynb")
    (src / "02_broken.ipynb").write_text("{ not json")
    out = tmp_path / "out"
    result = run_command(src, out)
    assert result.returncode == 2 and "02_broken.ipynb cannot be read" in result.stdout
    assert not out.exists() or not any(out.iterdir())


@pytest.mark.parametrize("kind", ["file", "missing parent file", "unwritable"])
def test_a_bad_target_gets_a_message_not_a_traceback(tmp_path, kind):
    if kind == "file":
        target = tmp_path / "a_file"
        target.write_text("x")
        expected = "is a file, not a folder"
    elif kind == "missing parent file":
        (tmp_path / "a_file").write_text("x")
        target = tmp_path / "a_file" / "out"
        expected = "is a file"
    else:
        if os.geteuid() == 0:
            target, expected = Path("/proc/gmm-teach-students"), "cannot be created or written"
        else:
            locked = tmp_path / "locked"
            locked.mkdir(mode=0o500)
            target, expected = locked / "out", "not writable"
    result = run_command(NOTEBOOKS / "01_gaussian_1d.ipynb", target)
    assert result.returncode == 2
    assert expected in result.stdout, result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def test_run_py_stays_importable_and_the_command_needs_no_virtualenv(tmp_path):
    system_python = shutil.which("python3")
    result = subprocess.run([system_python, "-c", "import run; print(len(run.__doc__))"],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    result = subprocess.run([system_python, str(ROOT / "run.py"), "student-copies",
                             str(NOTEBOOKS / "03_responsibilities.ipynb"), str(tmp_path)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
