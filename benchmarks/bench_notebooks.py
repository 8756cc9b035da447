"""Restart-and-run-all per notebook, the kernel's peak memory, and `import gmm_teach`.

    .venv/bin/python benchmarks/bench_notebooks.py [--repeat 3]

For every notebook: a fresh python3 kernel runs every code cell (as "Restart Kernel and Run All
Cells" does), timed from the kernel's start to the last reply; the kernel's peak resident
memory (VmHWM, Linux). Then `import gmm_teach` in a fresh interpreter (-X importtime's total
and the wall time of the whole interpreter). Medians over the repeats; the machine's load
shows in the spread, so quote medians.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from kernel_run import NOTEBOOK_DIR, run_notebook  # noqa: E402
from test_import_time import import_time_seconds  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    print(f"{'notebook':34s} {'run all, median (s)':>20s} {'runs (s)':>22s} {'peak MB':>8s}")
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        runs = [run_notebook(path) for _ in range(args.repeat)]
        seconds = [run.seconds for run in runs]
        errors = {error for run in runs for error in run.errors}
        print(f"{path.name:34s} {statistics.median(seconds):20.2f} "
              f"{' '.join(f'{s:.2f}' for s in seconds):>22s} "
              f"{max(run.peak_mb for run in runs):8.0f}" + (f"  errors {errors}" if errors else ""),
              flush=True)
    imports = [import_time_seconds() for _ in range(max(args.repeat, 5))]
    walls = []
    for _ in range(max(args.repeat, 5)):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import gmm_teach"], check=True)
        walls.append(time.perf_counter() - start)
    print(f"import gmm_teach: {statistics.median(imports):.3f} s (-X importtime, median), "
          f"{statistics.median(walls):.3f} s wall for `python -c 'import gmm_teach'`")


if __name__ == "__main__":
    main()
