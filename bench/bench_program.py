"""Ordering 15k, 40k and 150k impressions for a device (issue 10).

The points are blue noise on the scalp of the Lee Perry-Smith scan (scaled to the ANSUR II
male head breadth): uniform candidates on the scalp faces, shuffled, thinned by a Poisson
disk whose radius is adjusted to keep about the wanted count, then mapped to the scalp
chart (azimuthal equidistant about the vertex) so that every solver sees the same 2-D
instance. One session
is about 15k impressions and a full head about 40k; 150k is the stress size.

Ours: ``shortest_tour`` (greedy edges, then 2-opt and Or-opt over 10 neighbours,
compiled). Baselines in the same run, on the same points:

- LKH-3 through ``elkai`` configured as ``shared/docs/baselines.md`` says: the private
  ``elkai._elkai.solve_problem`` (elkai's public API runs LKH with defaults that take
  minutes at these sizes), ``CANDIDATE_SET_TYPE = DELAUNAY``, ``INITIAL_PERIOD = 100``,
  ``RUNS = 1``, ``MAX_TRIALS = 1``, ``SEED = 1``, coordinates in 0.01 mm (EUC_2D rounds to
  integers). LKH runs once per size (minutes at 150k); ours three times after a warm-up.
- greedy nearest neighbour with a k-d tree (``scipy.spatial.cKDTree``), once per size.

Lengths are of the closed tour, in chart millimetres, computed here from the coordinates.

Targets (issue 10): at 15k and 40k, length within 5 % of LKH's and at least 10× faster;
150k in ≤ 5 s.
"""

import functools
import time
from collections.abc import Callable

import elkai._elkai
import numpy as np
from scipy.spatial import cKDTree

from bench._harness import Figure, scan_head, time_call
from smpstudio.head import (
    chart_from_surface,
    sample_surface_uniform,
    scalp_chart,
    select_poisson_disk,
)
from smpstudio.program import order_session, shortest_tour, tour_length

SIZES = (15_000, 40_000, 150_000)
SEED = 20261126
MIN_STEP_MM = 2.0
REST_WINDOW = 3


def _points_on_chart(n: int) -> np.ndarray:
    head = scan_head()
    rng = np.random.default_rng([SEED, n])
    area = float(head.face_areas_mm2[head.scalp_faces].sum())
    candidates, _ = sample_surface_uniform(head, head.scalp_faces, 5 * n, rng=rng)
    radius = 0.6 * np.sqrt(area / n)
    for _ in range(4):  # adjust the disk radius until about n survive
        kept = select_poisson_disk(candidates, np.full(len(candidates), radius))
        radius *= np.sqrt(len(kept) / n)
    return chart_from_surface(scalp_chart(head), candidates[kept])


def _lkh(points: np.ndarray) -> np.ndarray:
    params = (
        "PROBLEM_FILE = :stdin:\nRUNS = 1\nMAX_TRIALS = 1\nCANDIDATE_SET_TYPE = DELAUNAY\n"
        "INITIAL_PERIOD = 100\nSEED = 1\nTRACE_LEVEL = 0\n"
    )
    scaled = np.round(points * 100).astype(np.int64)
    nodes = "".join(f"{k + 1} {x} {y}\n" for k, (x, y) in enumerate(scaled.tolist()))
    problem = (
        f"TYPE : TSP\nDIMENSION : {len(points)}\nEDGE_WEIGHT_TYPE : EUC_2D\n"
        f"NODE_COORD_SECTION\n{nodes}EOF\n"
    )
    return np.asarray(elkai._elkai.solve_problem(params, problem), dtype=np.int64) - 1


def _nearest_neighbour(points: np.ndarray) -> np.ndarray:
    tree = cKDTree(points)
    visited = np.zeros(len(points), dtype=bool)
    order = [0]
    visited[0] = True
    for _ in range(len(points) - 1):
        k = 8
        while True:
            _, idx = tree.query(points[order[-1]], k=min(k, len(points)))
            fresh = [int(i) for i in np.atleast_1d(idx) if not visited[i]]
            if fresh:
                break
            k *= 4
        order.append(fresh[0])
        visited[fresh[0]] = True
    return np.asarray(order)


def _once(fn: Callable[[], np.ndarray]) -> tuple[float, np.ndarray]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def run() -> list[Figure]:
    """Order each size with ours, LKH and nearest neighbour; report time and length."""
    figures = []
    shortest_tour(np.random.default_rng(0).uniform(0, 10, (200, 2)))  # compile outside timings
    for n in SIZES:
        pts = _points_on_chart(n)
        name = f"tour {len(pts) // 1000}k (chart)"
        ours = time_call(functools.partial(shortest_tour, pts), repeats=3)
        ours_len = tour_length(pts, ours.result)
        lkh_s, lkh_order = _once(functools.partial(_lkh, pts))
        lkh_len = tour_length(pts, lkh_order)
        nn_s, nn_order = _once(functools.partial(_nearest_neighbour, pts))
        nn_len = tour_length(pts, nn_order)
        figures += [
            Figure(
                name,
                "time",
                ours.median_s,
                "s",
                "LKH-3 (elkai, 1 trial)",
                lkh_s,
                ours.median_s / lkh_s,
                f"ratio ≤ 0.1 is the target (≥ 10× faster); IQR {ours.iqr_s:.3f} s; LKH once",
            ),
            Figure(
                name,
                "length",
                ours_len / 1000,
                "m",
                "LKH-3 (elkai, 1 trial)",
                lkh_len / 1000,
                ours_len / lkh_len,
                "ratio ≤ 1.05 is the target",
            ),
            Figure(
                name,
                "time vs nearest neighbour",
                ours.median_s,
                "s",
                "greedy NN (k-d tree)",
                nn_s,
                ours.median_s / nn_s,
            ),
            Figure(
                name,
                "length vs nearest neighbour",
                ours_len / 1000,
                "m",
                "greedy NN (k-d tree)",
                nn_len / 1000,
                ours_len / nn_len,
            ),
        ]
        if n == SIZES[0]:
            pts3 = np.column_stack([pts, np.zeros(len(pts))])
            ruled = order_session(
                pts3,
                np.zeros(len(pts), dtype=np.int64),
                zone_sequence=[],
                min_step_mm=MIN_STEP_MM,
                rest_window=REST_WINDOW,
            )
            figures.append(
                Figure(
                    name,
                    f"path with the {MIN_STEP_MM:g} mm step rule",
                    ruled.path_mm / 1000,
                    "m",
                    "the open tour alone",
                    ruled.tour_mm / 1000,
                    ruled.path_mm / ruled.tour_mm,
                    "the constraint's cost, reported apart",
                )
            )
    return figures
