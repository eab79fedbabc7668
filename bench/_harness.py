"""Timing helpers shared by the benchmarks: warm-up, repeats, median and IQR."""

import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np


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
