"""Timing helpers shared by the benchmarks: warm-up, repeats, median and IQR."""

import ctypes
import functools
import multiprocessing
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import trimesh

from smpstudio.core import HeadModel
from smpstudio.domain import ANSUR_MALE
from smpstudio.head import head_from_scan, load_scan, mm_per_unit_for_head_breadth


@dataclass(frozen=True)
class Figure:
    """One measured figure, with its baseline in the same run."""

    benchmark: str
    metric: str
    value: float
    unit: str
    baseline: str
    baseline_value: float | None
    ratio: float | None
    note: str = ""

    def as_json(self) -> dict[str, Any]:
        """The JSON object written by ``--json``."""
        out = asdict(self)
        out.pop("note")
        return out


@dataclass(frozen=True)
class Timing:
    """Median and interquartile range of repeated wall-clock times, seconds."""

    median_s: float
    iqr_s: float
    result: Any


def time_call(fn: Callable[[], Any], *, repeats: int = 3, warmup: int = 1) -> Timing:
    """Run ``fn`` ``warmup`` times untimed, then ``repeats`` times timed."""
    for _ in range(warmup):
        fn()
    times = []
    result = None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    q1, med, q3 = np.percentile(times, [25, 50, 75])
    return Timing(float(med), float(q3 - q1), result)


def _rss_kb(field: str) -> int:
    with open("/proc/self/status") as status:
        lines = status.read().splitlines()
    for line in lines:
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def _peak_in_child(fn: Callable[[], Any], conn: Any) -> None:
    # give freed heap pages back first (glibc keeps them, and reuses them unseen), then
    # reset the peak (VmHWM) to the current resident set
    ctypes.CDLL("libc.so.6").malloc_trim(0)
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")
    before = _rss_kb("VmRSS")
    fn()
    conn.send((_rss_kb("VmHWM") - before) / 1024.0)
    conn.close()


def peak_memory_mb(fn: Callable[[], Any]) -> float:
    """Peak resident memory ``fn`` adds, MiB: run once in a forked child (Linux only).

    The child starts with the parent's memory; its peak is reset before the call, so the
    figure is what the call itself allocates at its peak.
    """
    ctx = multiprocessing.get_context("fork")
    parent, child = ctx.Pipe()
    proc = ctx.Process(target=_peak_in_child, args=(fn, child))
    proc.start()
    value = float(parent.recv())
    proc.join()
    return value


SCAN = Path(__file__).resolve().parents[1] / "tests" / "data" / "meshes" / "LeePerrySmith.glb"
"""The Lee Perry-Smith head scan the benchmarks plan on (licence in ``tests/data``)."""


@functools.cache
def scan_head() -> HeadModel:
    """The scan as a head model, scaled to the ANSUR II male head breadth."""
    mesh = trimesh.load(SCAN, force="mesh", process=False)
    assert isinstance(mesh, trimesh.Trimesh)
    mesh.vertices = mesh.vertices * mm_per_unit_for_head_breadth(SCAN, ANSUR_MALE.head_breadth_mm)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "lee_perry_smith_mm.glb"
        mesh.export(path)
        return head_from_scan(load_scan(path, units="mm")).head
