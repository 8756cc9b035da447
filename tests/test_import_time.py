"""`import gmm_teach` stays light: scikit-learn (and other heavy modules) load when first needed.

The issue's target is `import gmm_teach` in at most 0.5 s on the course machine. A wall-clock
bound would be a timed test on a shared machine, so the tests check the mechanism instead (which
modules the import loads) and the time, measured by `python -X importtime`, against a generous
bound; the README's "Lecture-hall kit" section quotes the measured median.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import gmm_teach as gt

#: Modules that `import gmm_teach` must not load: each costs 0.3-1 s and tens of MB.
HEAVY = ("sklearn", "pandas", "ipywidgets", "IPython", "scipy.stats", "matplotlib.pyplot")


def loaded_after(code: str) -> set[str]:
    """sys.modules (names) of a fresh interpreter after running code."""
    script = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_import_gmm_teach_loads_no_heavy_module():
    modules = loaded_after("import gmm_teach")
    assert "gmm_teach" in modules
    found = [name for name in HEAVY if name in modules]
    assert not found, f"`import gmm_teach` loads {found}; import them where first needed"


def test_loading_iris_does_not_load_scikit_learn():
    modules = loaded_after("import gmm_teach as gt\ngt.load_iris_sepal()\ngt.load_iris_all()")
    assert "sklearn" not in modules


def test_drawing_a_start_loads_scikit_learn_when_needed():
    modules = loaded_after("import gmm_teach as gt\nX = gt.load_iris_sepal().X\n"
                           "gt.initial_params(X, 3, 'kmeans', random_state=0)")
    assert "sklearn" in modules


def test_iris_equals_scikit_learns_loader():
    from sklearn.datasets import load_iris

    iris = load_iris()
    X, species, features = gt.load_iris_all()
    np.testing.assert_array_equal(X, iris.data)
    np.testing.assert_array_equal(species, np.asarray(iris.target_names)[iris.target])
    assert features == tuple(iris.feature_names)
    sepal = gt.load_iris_sepal()
    np.testing.assert_array_equal(sepal.X, iris.data[:, :2])
    assert sepal.X.dtype == np.float64 and sepal.X.flags.c_contiguous
    assert sepal.X is not gt.load_iris_sepal().X  # a fresh copy on every call


def import_time_seconds() -> float:
    """Cumulative time of `import gmm_teach` reported by `python -X importtime` (seconds)."""
    out = subprocess.run([sys.executable, "-X", "importtime", "-c", "import gmm_teach"],
                         capture_output=True, text=True, check=True)
    for line in out.stderr.splitlines():
        match = re.fullmatch(r"import time:\s+\d+ \|\s+(\d+) \| gmm_teach", line.strip())
        if match:
            return int(match.group(1)) / 1e6
    raise AssertionError(f"no gmm_teach line in -X importtime output:\n{out.stderr[-2000:]}")


@pytest.mark.slow
def test_import_time_is_far_below_a_second():
    """Median of 3 (target 0.5 s; the bound is generous because the test machine is shared)."""
    times = sorted(import_time_seconds() for _ in range(3))
    print(f"import gmm_teach: median {times[1]:.3f} s (-X importtime), runs {times}")
    assert times[1] < 1.5, f"import gmm_teach takes {times[1]:.2f} s (target 0.5 s)"


def test_import_gmm_teach_moves_the_loaded_objects_out_of_the_collectors_way():
    script = ("import gc, json\nbefore = gc.get_freeze_count()\nimport gmm_teach\n"
              "print(json.dumps([before, gc.get_freeze_count(), len(gc.get_objects())]))")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         check=True, env={"PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"})
    before, frozen, left = json.loads(out.stdout.splitlines()[-1])
    assert before == 0 and frozen > 10_000 and left < frozen
