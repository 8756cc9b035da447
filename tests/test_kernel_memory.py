"""A student's kernel fits a small JupyterHub or Binder allocation: every notebook, run from a
fresh kernel to its last cell, peaks below 250 MB resident (VmHWM of the kernel process).

Linux only (/proc). The measured figures are printed (pytest -s) and quoted in the README's
"Lecture-hall kit" section; benchmarks/bench_notebooks.py measures them with repeats.
"""

from __future__ import annotations

import sys

import pytest
from kernel_run import NOTEBOOK_DIR, peak_resident_mb, run_notebook

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")]

NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
PEAK_LIMIT_MB = 250.0


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 11


def test_peak_resident_memory_reads_this_process():
    import os

    import numpy as np

    before = peak_resident_mb(os.getpid())
    block = np.ones(40_000_000 // 8)  # 40 MB touched
    assert peak_resident_mb(os.getpid()) >= max(before, block.nbytes / 1e6)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_kernel_peak_memory_is_under_250_mb(path):
    run = run_notebook(path)
    print(f"{run.notebook}: {run.seconds:.2f} s, kernel peak {run.peak_mb:.0f} MB")
    assert not run.errors, f"{run.notebook} raised: {run.errors}"
    assert run.peak_mb < PEAK_LIMIT_MB, (
        f"{run.notebook}: the kernel peaked at {run.peak_mb:.0f} MB resident "
        f"(limit {PEAK_LIMIT_MB:.0f} MB)")
