"""Restart-and-run-all per notebook, the kernel's peak memory, and `import gmm_teach`.

    .venv/bin/python benchmarks/bench_notebooks.py [--repeat 3] [--only 07 09]
                                                   [--against OTHER_CHECKOUT]

For every notebook: a fresh python3 kernel runs every code cell (as "Restart Kernel and Run All
Cells" does), timed from the kernel's start to the last reply; the kernel's peak resident
memory (VmHWM, Linux). Then `import gmm_teach` in a fresh interpreter (-X importtime's total
and the wall time of the whole interpreter). Medians over the repeats; the machine's load
shows in the spread, so quote medians.

--against OTHER_CHECKOUT (e.g. `git worktree add /tmp/before main`, or `git archive main`
unpacked there): each notebook is also run from that checkout, with its own gmm_teach first on
PYTHONPATH, the two alternating run by run, and the median ratio (this one / the other) is
printed: a before/after comparison that holds while the machine's load drifts.
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


def _runs(path: Path, repeat: int, against: Path | None):
    """repeat runs of path (and of the other checkout's notebook of that name, alternating)."""
    here, there = [], []
    other = against / "notebooks" / path.name if against else None
    for _ in range(repeat):
        if other is not None and other.exists():
            there.append(run_notebook(other, PYTHONPATH=str(against)))
        here.append(run_notebook(path))
    return here, there


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", nargs="*", default=None,
                        help="notebook numbers, e.g. 07 09 (default: all)")
    parser.add_argument("--against", type=Path, default=None,
                        help="another checkout to compare with, run by run")
    args = parser.parse_args()
    against = args.against.resolve() if args.against else None
    print(f"{'notebook':34s} {'run all, median (s)':>20s} {'runs (s)':>22s} {'peak MB':>8s}"
          + (f" {'other (s)':>10s} {'ratio':>6s}" if against else ""))
    for path in sorted(NOTEBOOK_DIR.glob("*.ipynb")):
        if args.only and path.name[:2] not in args.only:
            continue
        runs, others = _runs(path, args.repeat, against)
        seconds = [run.seconds for run in runs]
        errors = {error for run in runs + others for error in run.errors}
        line = (f"{path.name:34s} {statistics.median(seconds):20.2f} "
                f"{' '.join(f'{s:.2f}' for s in seconds):>22s} "
                f"{max(run.peak_mb for run in runs):8.0f}")
        if others:
            ratio = statistics.median(a.seconds / b.seconds for a, b in zip(runs, others,
                                                                             strict=True))
            line += f" {statistics.median(run.seconds for run in others):10.2f} {ratio:6.2f}"
        print(line + (f"  errors {errors}" if errors else ""), flush=True)
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
