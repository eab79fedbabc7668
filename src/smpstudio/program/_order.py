"""Device order: a short tour per zone, then the rule that consecutive hits are apart."""

from collections.abc import Sequence
from dataclasses import dataclass

import numba
import numpy as np

from smpstudio._typing import FloatArray, IntArray, PointsMM
from smpstudio.program._tour import shortest_tour, tour_length

LOOKAHEAD = 64
"""Upcoming tour positions searched for the next impression that respects the step rule."""

FRONT_PULL = 0.05
"""Squared-step penalty (in units of min_step²) per position a candidate lies ahead: among
points that keep the rule, the walk takes the nearest, but not far ahead of the tour."""


def order_for_travel(points_mm: PointsMM) -> IntArray:
    """An open path through the points with short travel.

    Parameters
    ----------
    points_mm : (n, d) ndarray of float
        Impression positions, millimetres.

    Returns
    -------
    (n,) ndarray of int
        A permutation of ``range(n)``: the closed tour of :func:`shortest_tour`, opened
        at its longest step.

    Examples
    --------
    >>> order_for_travel(np.array([[0.0, 0], [10, 0], [1, 0], [11, 0]])).tolist()
    [0, 2, 1, 3]
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    tour = shortest_tour(pts)
    if len(tour) < 3:
        return tour
    steps = np.linalg.norm(pts[np.roll(tour, -1)] - pts[tour], axis=1)
    return np.roll(tour, -(int(np.argmax(steps)) + 1))


@numba.njit(cache=True)
def _respect_steps(
    p: FloatArray,
    path: IntArray,
    history: IntArray,
    min_step: float,
    window: int,
    look: int,
    front_pull: float,
) -> tuple[IntArray, IntArray]:
    """Greedy walk along ``path`` taking the first upcoming point far enough from the last ones."""
    n = len(path)
    out = np.full(n, -1, dtype=np.int64)
    recent = np.full(window, -1, dtype=np.int64)
    for k in range(min(window, len(history))):
        recent[k] = history[len(history) - 1 - k]
    taken = np.zeros(n, dtype=np.bool_)
    pull = front_pull * min_step * min_step
    first = 0
    placed = 0
    leftovers = np.full(n, -1, dtype=np.int64)
    n_left = 0
    while placed + n_left < n:
        while first < n and taken[first]:
            first += 1
        chosen = -1
        chosen_d = np.inf
        seen = 0
        k = first
        while k < n and seen < look:
            if not taken[k]:
                seen += 1
                ok = True
                step = 0.0
                for r in range(window):
                    q = recent[r]
                    if q >= 0:
                        d = 0.0
                        for c in range(p.shape[1]):
                            d += (p[path[k], c] - p[q, c]) ** 2
                        if d < min_step * min_step:
                            ok = False
                            break
                        if r == 0:
                            step = d
                # the nearest fitting point, with a pull towards the front of the path
                if ok and step + seen * pull < chosen_d:
                    chosen = k
                    chosen_d = step + seen * pull
            k += 1
        if chosen < 0:  # nothing ahead fits: set the next point aside, insert it later
            leftovers[n_left] = path[first]
            n_left += 1
            taken[first] = True
            continue
        taken[chosen] = True
        out[placed] = path[chosen]
        placed += 1
        for r in range(window - 1, 0, -1):
            recent[r] = recent[r - 1]
        recent[0] = path[chosen]
    return out[:placed], leftovers[:n_left]


def _insert_where_it_fits(
    pts: FloatArray, seq: list[int], point: int, min_step: float, window: int
) -> None:
    """Insert ``point`` where it adds least travel among the places that keep the rule."""
    walk = pts[np.asarray(seq, dtype=np.int64)]
    here = np.linalg.norm(walk - pts[point], axis=1)
    added = np.concatenate(
        [here[:1], here[:-1] + here[1:] - np.linalg.norm(np.diff(walk, axis=0), axis=1), here[-1:]]
    )
    for at in np.argsort(added, kind="stable").tolist():
        if here[max(0, at - window) : at + window].min() >= min_step:
            seq.insert(at, point)
            return
    seq.append(point)


def respect_min_step(
    points_mm: PointsMM,
    path: IntArray,
    *,
    min_step_mm: float,
    rest_window: int,
    history: IntArray | None = None,
) -> IntArray:
    """Reorder a path so that each point is ``min_step_mm`` from the ``rest_window`` before it.

    Parameters
    ----------
    points_mm : (n, d) ndarray of float
        Positions, millimetres.
    path : (m,) ndarray of int
        Indices into ``points_mm`` in travel order.
    min_step_mm : float
        Smallest distance to each of the preceding ``rest_window`` points, millimetres.
    rest_window : int
        How many preceding points the rule looks back at (≥ 1).
    history : ndarray of int, optional
        Points executed just before ``path`` (e.g. the previous zone's last ones).

    Returns
    -------
    (m,) ndarray of int
        The same indices, reordered.

    Notes
    -----
    Walks the path and takes, among the next :data:`LOOKAHEAD` points that keep the rule,
    the nearest to the last one (each position ahead costs :data:`FRONT_PULL`·min_step²,
    so the walk still sweeps the tour); a point that keeps being passed over is set aside
    and inserted where it adds least travel among the places where the rule holds on
    both sides.
    Where no place exists (a handful of points crowded in a small area) they go last and
    the rule is broken there; :func:`short_steps` counts such steps.
    """
    pts = np.ascontiguousarray(points_mm, dtype=np.float64)
    path = np.asarray(path, dtype=np.int64)
    if len(path) == 0 or rest_window < 1 or min_step_mm <= 0:
        return path
    before = np.zeros(0, dtype=np.int64) if history is None else np.asarray(history, np.int64)
    placed, leftovers = _respect_steps(
        pts, path, before, float(min_step_mm), int(rest_window), int(LOOKAHEAD), FRONT_PULL
    )
    if len(leftovers) == 0:
        return placed
    seq = placed.tolist()
    for point in leftovers.tolist():
        if seq:
            _insert_where_it_fits(pts, seq, point, min_step_mm, rest_window)
        else:
            seq.append(point)
    return np.asarray(seq, dtype=np.int64)


def short_steps(
    points_mm: PointsMM, order: IntArray, *, min_step_mm: float, rest_window: int
) -> int:
    """Count impressions closer than ``min_step_mm`` to one of the ``rest_window`` before.

    Parameters
    ----------
    points_mm : (n, d) ndarray of float
        Positions, millimetres.
    order : (m,) ndarray of int
        Execution order.
    min_step_mm : float
        The rule's distance, millimetres.
    rest_window : int
        The rule's look-back.

    Returns
    -------
    int
        Impressions that break the rule.
    """
    walk = np.asarray(points_mm, dtype=np.float64)[order]
    bad = np.zeros(len(walk), dtype=bool)
    for lag in range(1, rest_window + 1):
        if lag < len(walk):
            gap = np.linalg.norm(walk[lag:] - walk[:-lag], axis=1)
            bad[lag:] |= gap < min_step_mm
    return int(bad.sum())


@dataclass(frozen=True, slots=True)
class SessionOrder:
    """A session's execution order and what it costs.

    Parameters
    ----------
    order : (m,) ndarray of int
        Indices into the session's impressions, in execution order.
    tour_mm : float
        One open tour through all impressions, ignoring zones and the step rule, mm.
    zone_order_mm : float
        Length with zones done one after another (each toured), before the step rule, mm.
    path_mm : float
        Length of ``order``, mm.
    short_steps : int
        Impressions that still break the step rule (0 unless impossible to meet).
    """

    order: IntArray
    tour_mm: float
    zone_order_mm: float
    path_mm: float
    short_steps: int


def order_session(
    points_mm: PointsMM,
    zone_id: IntArray,
    *,
    zone_sequence: Sequence[int],
    min_step_mm: float,
    rest_window: int,
) -> SessionOrder:
    """Order one session: zones in sequence, a short tour inside each, then the step rule.

    Parameters
    ----------
    points_mm : (m, 3) ndarray of float
        Impression positions, millimetres, head frame.
    zone_id : (m,) ndarray of int
        Zone of each impression.
    zone_sequence : sequence of int
        Zone ids in the order to execute them; zones not named follow in id order.
    min_step_mm : float
        Consecutive impressions (and the ``rest_window`` before) at least this far apart, mm.
    rest_window : int
        Look-back of the step rule.

    Returns
    -------
    SessionOrder
        The order and the lengths that separate the tour's quality from the cost of
        the zone order and the step rule.
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    zones = np.asarray(zone_id, dtype=np.int64)
    present = np.unique(zones).tolist()
    sequence = [z for z in zone_sequence if z in present] + sorted(
        set(present) - set(zone_sequence)
    )
    toured: list[IntArray] = []
    stepped: list[IntArray] = []
    for zone in sequence:
        rows = np.flatnonzero(zones == zone)
        path = rows[order_for_travel(pts[rows])]
        if toured and len(path) > 1:
            end = pts[toured[-1][-1]]
            if np.linalg.norm(pts[path[-1]] - end) < np.linalg.norm(pts[path[0]] - end):
                path = path[::-1]
        toured.append(path)
        history = stepped[-1][-rest_window:] if stepped else None
        stepped.append(
            respect_min_step(
                pts, path, min_step_mm=min_step_mm, rest_window=rest_window, history=history
            )
        )
    empty = np.zeros(0, dtype=np.int64)
    zoned = np.concatenate(toured) if toured else empty
    order = np.concatenate(stepped) if stepped else empty
    return SessionOrder(
        order=order,
        tour_mm=tour_length(pts, order_for_travel(pts), closed=False) if len(pts) else 0.0,
        zone_order_mm=tour_length(pts, zoned, closed=False),
        path_mm=tour_length(pts, order, closed=False),
        short_steps=short_steps(pts, order, min_step_mm=min_step_mm, rest_window=rest_window),
    )
