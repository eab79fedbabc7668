import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from smpstudio.program import (
    order_for_travel,
    order_session,
    respect_min_step,
    short_steps,
    shortest_tour,
    tour_length,
)
from tests.tolerances import TOUR_VS_OPTIMUM


def _greedy_nearest_neighbour(points: np.ndarray) -> np.ndarray:
    """Baseline: always go to the nearest unvisited point (brute force)."""
    left = list(range(1, len(points)))
    order = [0]
    while left:
        d = np.linalg.norm(points[left] - points[order[-1]], axis=1)
        order.append(left.pop(int(np.argmin(d))))
    return np.array(order)


def _blue_noise(n: int, seed: int) -> np.ndarray:
    side = int(np.ceil(np.sqrt(n)))
    grid = np.stack(np.meshgrid(np.arange(side), np.arange(side)), -1).reshape(-1, 2)[:n]
    return (grid + np.random.default_rng(seed).uniform(-0.35, 0.35, grid.shape)) * 0.85


@pytest.mark.parametrize("seed", range(6))
def test_tour_matches_brute_force_on_small_instances(seed: int) -> None:
    pts = np.random.default_rng(seed).uniform(0, 10, (8, 2))
    best = min(tour_length(pts, np.array((0, *p))) for p in itertools.permutations(range(1, 8)))
    assert tour_length(pts, shortest_tour(pts)) <= TOUR_VS_OPTIMUM * best


def test_tour_is_much_shorter_than_nearest_neighbour() -> None:
    pts = _blue_noise(3000, 0)
    ours = tour_length(pts, shortest_tour(pts))
    greedy = tour_length(pts, _greedy_nearest_neighbour(pts))
    nn_sum = cKDTree(pts).query(pts, k=2)[0][:, 1].sum()  # lower bound: Σ nearest-neighbour
    assert ours < 0.9 * greedy
    assert ours < 1.25 * nn_sum


def test_open_path_drops_the_longest_step() -> None:
    pts = np.array([[0.0, 0], [1, 0], [2, 0], [50, 0], [51, 0]])
    order = order_for_travel(pts)
    assert sorted(order.tolist()) == list(range(5))
    assert tour_length(pts, order, closed=False) == pytest.approx(51.0)


def test_empty_and_tiny_inputs() -> None:
    assert shortest_tour(np.zeros((0, 3))).tolist() == []
    assert order_for_travel(np.zeros((1, 3))).tolist() == [0]
    assert sorted(shortest_tour(np.zeros((5, 2))).tolist()) == list(range(5))  # all equal


def _rule_holds(points: np.ndarray, order: np.ndarray, min_step: float, window: int) -> bool:
    walk = points[order]
    return all(
        np.linalg.norm(walk[k] - walk[j]) >= min_step
        for k in range(len(walk))
        for j in range(max(0, k - window), k)
    )


def test_step_rule_holds_and_its_cost_is_reported_apart() -> None:
    pts = np.column_stack([_blue_noise(2500, 1), np.zeros(2500)])
    zones = (pts[:, 0] > 20).astype(np.int64)
    result = order_session(pts, zones, zone_sequence=[1, 0], min_step_mm=2.0, rest_window=3)
    assert sorted(result.order.tolist()) == list(range(len(pts)))
    assert result.short_steps == 0
    assert _rule_holds(pts, result.order, 2.0, 3)
    # zones one after another, in the order asked
    z = zones[result.order]
    assert z[0] == 1 and np.count_nonzero(np.diff(z)) == 1
    assert result.tour_mm <= result.zone_order_mm <= result.path_mm
    assert result.path_mm == pytest.approx(tour_length(pts, result.order, closed=False))


def test_step_rule_reports_what_cannot_hold() -> None:
    crowded = np.array([[0.0, 0, 0], [0.5, 0, 0], [1.0, 0, 0]])
    order = respect_min_step(crowded, np.arange(3), min_step_mm=2.0, rest_window=1)
    assert sorted(order.tolist()) == [0, 1, 2]
    assert short_steps(crowded, order, min_step_mm=2.0, rest_window=1) == 2


@settings(max_examples=40, deadline=None)
@given(
    n=st.integers(min_value=0, max_value=300),
    dim=st.sampled_from([2, 3]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    min_step=st.floats(min_value=0.0, max_value=3.0),
    window=st.integers(min_value=1, max_value=4),
    duplicates=st.booleans(),
)
def test_orders_are_permutations_on_random_patterns(
    n: int, dim: int, seed: int, min_step: float, window: int, duplicates: bool
) -> None:
    rng = np.random.default_rng(seed)
    pts = rng.uniform(0, 30, (n, dim))
    if duplicates and n > 4:
        pts[: n // 4] = pts[n // 4 : 2 * (n // 4)]
    assert np.array_equal(np.sort(shortest_tour(pts)), np.arange(n))
    zones = rng.integers(0, 3, n)
    result = order_session(pts, zones, zone_sequence=[2], min_step_mm=min_step, rest_window=window)
    assert np.array_equal(np.sort(result.order), np.arange(n))
    assert result.short_steps == short_steps(
        pts, result.order, min_step_mm=min_step, rest_window=window
    )
    if result.short_steps == 0 and n:
        assert _rule_holds(pts, result.order, min_step, window)
