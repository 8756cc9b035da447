"""`python3 run.py assignments OUT` (course/assignments.py): nbgrader's source format, and
nbgrader itself run on it: generate_assignment, then autograde of a correct and of a wrong
submission, with the scores read from its gradebook."""

import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gmm_teach import exercises

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from course import assignments  # noqa: E402

WRONG = {   # two typical mistakes; the other ten answers are right
    "gaussian_pdf": "def gaussian_pdf(x, mean, variance):\n"
                    "    return np.exp(-(x - mean) ** 2 / (2 * variance))\n",
    "stopping_rule": "def stopping_rule(mean_log_likelihoods, tol):\n"
                     "    previous = 0.0\n"
                     "    for i, current in enumerate(mean_log_likelihoods, start=1):\n"
                     "        if abs(current - previous) < tol:\n"
                     "            return i\n"
                     "        previous = current\n"
                     "    return None\n",
}


def written(tmp_path) -> Path:
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "assignments",
                             str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return tmp_path / "source" / assignments.ASSIGNMENT


def test_every_exercise_becomes_a_solution_region_and_a_graded_check(tmp_path):
    folder = written(tmp_path)
    names = []
    for path in sorted(folder.glob("*.ipynb")):
        notebook = nbformat.read(path, as_version=4)
        nbformat.validate(notebook)
        for cell in notebook.cells:
            meta = cell.metadata.get("nbgrader")
            if meta and meta["solution"]:
                assert "### BEGIN SOLUTION" in cell.source and "### END SOLUTION" in cell.source
                names.append(meta["grade_id"])
            elif meta and meta["grade"]:
                assert meta["locked"] and meta["points"] == assignments.POINTS
                name = meta["grade_id"].removeprefix("check_")
                assert f"exercises.check_{name}({name})" in cell.source
                assert "### BEGIN HIDDEN TESTS" in cell.source
    assert names == list(exercises.EXERCISE_NAMES)


def test_the_command_refuses_to_overwrite(tmp_path):
    written(tmp_path)
    result = subprocess.run([sys.executable, str(ROOT / "run.py"), "assignments",
                             str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 2 and "exist already" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr


def _nbgrader(course: Path, *args) -> None:
    bin_dir = Path(sys.executable).parent                     # nbgrader runs `alembic`
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    for name in ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR"):
        env[name] = str(course.parent / name.lower())
    result = subprocess.run([str(bin_dir / "nbgrader"), *args, f"--CourseDirectory.root={course}",
                             "--CourseDirectory.course_id=gmm"], cwd=course, env=env,
                            capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def _submit(course: Path, student: str, answer_of) -> None:
    release = course / "release" / assignments.ASSIGNMENT
    out = course / "submitted" / student / assignments.ASSIGNMENT
    out.mkdir(parents=True)
    for path in release.glob("*.ipynb"):
        notebook = json.loads(path.read_text())
        for cell in notebook["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            if meta.get("solution"):
                assert "raise NotImplementedError()" in "".join(cell["source"])
                cell["source"] = answer_of(meta["grade_id"])
        (out / path.name).write_text(json.dumps(notebook, indent=1))


@pytest.mark.slow
def test_nbgrader_grades_a_correct_and_a_wrong_submission(tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "course"
    course.mkdir()
    written(course)
    _nbgrader(course, "generate_assignment", assignments.ASSIGNMENT)
    _submit(course, "correct", exercises.solution)
    _submit(course, "wrong", lambda name: WRONG.get(name, exercises.solution(name)))
    _nbgrader(course, "autograde", assignments.ASSIGNMENT)
    full = assignments.POINTS * len(exercises.EXERCISE_NAMES)
    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        scores = {student: gradebook.find_submission(assignments.ASSIGNMENT, student).score
                  for student in ("correct", "wrong")}
        assert gradebook.find_assignment(assignments.ASSIGNMENT).max_score == full
    assert scores == {"correct": full, "wrong": full - assignments.POINTS * len(WRONG)}
    graded = nbformat.read(course / "autograded" / "wrong" / assignments.ASSIGNMENT
                           / "01_gaussian_1d.ipynb", as_version=4)
    outputs = json.dumps([c.outputs for c in graded.cells if c.cell_type == "code"])
    assert "forgot the normalising constant" in outputs      # the student sees the hint


def test_the_lab_environment_keeps_nbgrader_switched_off():
    """run.py installs nbgrader for these tests only: its server and JupyterLab extensions
    are switched off in .venv, so `python3 run.py lab` shows the course alone."""
    etc = Path(sys.prefix) / "etc" / "jupyter"
    page = json.loads((etc / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader"] is True
    server = json.loads((etc / "jupyter_server_config.d" / "zz-gmm-teach.json").read_text())
    assert not any(server["ServerApp"]["jpserver_extensions"].values())
