"""ruff (pinned in constraints.txt) finds nothing in the package, tests, benchmarks and run.py."""

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_ruff_finds_nothing():
    ruff = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    assert ruff, "ruff is a test dependency: pip install -c constraints.txt -e .[test]"
    paths = ["gmm_teach", "tests", "benchmarks", "run.py"]
    result = subprocess.run([ruff, "check", "--no-cache", *paths], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
