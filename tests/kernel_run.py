"""Run a notebook the way an instructor's "Restart Kernel and Run All Cells" does, and measure it.

Used by tests/test_kernel_memory.py (the 250 MB bound on a kernel's peak memory) and by
benchmarks/bench_notebooks.py (restart-and-run-all times, import time, peak memory).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOK_DIR = ROOT / "notebooks"


@dataclass(frozen=True)
class KernelRun:
    notebook: str
    seconds: float  # kernel start to the last cell's reply (restart and run all)
    peak_mb: float  # the kernel process's peak resident memory (VmHWM)
    errors: tuple[str, ...]  # "cell i: EName" for cells that raised


def peak_resident_mb(pid: int) -> float:
    """VmHWM of a Linux process in MB (10**6 bytes): the most memory it ever had resident."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024 / 1e6
    raise RuntimeError(f"/proc/{pid}/status has no VmHWM line")


def kernel_environment(**extra: str) -> dict[str, str]:
    """The environment of an instructor's kernel: no MPLBACKEND (inline figures), fixed hash."""
    env = dict(os.environ, PYTHONHASHSEED="0", **extra)
    env.pop("MPLBACKEND", None)
    return env


def run_notebook(path: Path, timeout: float = 120.0, **env: str) -> KernelRun:
    """Start a fresh python3 kernel in the notebook's folder, run every code cell, measure."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=timeout, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(path.parent)}})
    errors = []
    start = time.perf_counter()
    with client.setup_kernel(env=kernel_environment(**env)):
        pid = client.km.provisioner.process.pid
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            client.execute_cell(cell, index)
            errors += [f"cell {index}: {out.get('ename')}" for out in cell.get("outputs", [])
                       if out.get("output_type") == "error"]
        seconds = time.perf_counter() - start
        peak = peak_resident_mb(pid)
    return KernelRun(path.name, seconds, peak, tuple(errors))
