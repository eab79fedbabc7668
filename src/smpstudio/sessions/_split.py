"""Splitting a pattern into sessions: prefix cuts of its progressive follicular-unit order.

The pattern stage orders follicular units so that every prefix of the order is itself
evenly spread (``docs/pattern.md``); rows are grouped by unit, ``fu_id`` the unit's rank.
Session ``k`` takes the units between two cuts, so session 1 is a sparse, even first pass
and later sessions fill in between — how practitioners build SMP (``domain.md`` §5.3).
"""

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import FloatArray, IntArray
from smpstudio.core import Pattern
from smpstudio.domain import DEFAULTS


def cumulative_shares(
    session_count: int,
    *,
    first_share: float = DEFAULTS["first_session_share"].value,
    second_share: float = DEFAULTS["second_session_share"].value,
) -> tuple[float, ...]:
    """Cumulative share of impressions placed after each session.

    Parameters
    ----------
    session_count : int
        Number of sessions (1 or more).
    first_share, second_share : float, optional
        Shares after sessions 1 and 2 of three (``first_session_share``,
        ``second_session_share``).

    Returns
    -------
    tuple of float
        Increasing shares ending at 1.0.

    Notes
    -----
    Three sessions follow the standard protocol 30 % → 70 % → 100 % ([Liu2025],
    ``domain.md`` §5.3). Other counts read the same build-up curve at ``k / n`` (linear
    between 0, 30 %, 70 % and 100 % at thirds), so two sessions cut at 50 % and four at
    22.5 %, 50 %, 77.5 % (derived, grade D).

    Examples
    --------
    >>> cumulative_shares(3)
    (0.3, 0.7, 1.0)
    >>> cumulative_shares(2)
    (0.5, 1.0)
    """
    if session_count < 1:
        raise ValueError(f"session_count must be >= 1, got {session_count}")
    if not 0.0 < first_share < second_share < 1.0:
        raise ValueError(
            f"need 0 < first_share < second_share < 1, got {first_share}, {second_share}"
        )
    at = np.arange(1, session_count + 1) / session_count
    shares = np.interp(at, [0.0, 1 / 3, 2 / 3, 1.0], [0.0, first_share, second_share, 1.0])
    return tuple(round(float(s), 6) for s in shares)


def _unit_starts(fu_id: IntArray) -> IntArray:
    """Row where each unit starts, plus the row count (rows are grouped by unit)."""
    change = np.flatnonzero(np.diff(fu_id)) + 1
    return np.concatenate([[0], change, [len(fu_id)]]).astype(np.int64)


def prefix_cuts(fu_id: IntArray, shares: tuple[float, ...]) -> IntArray:
    """Session of every impression: units in order, cut where the impression share is met.

    Parameters
    ----------
    fu_id : (n,) ndarray of int
        Unit of each row; rows grouped by unit, units in progressive order.
    shares : tuple of float
        Cumulative impression shares after each session (:func:`cumulative_shares`).

    Returns
    -------
    (n,) ndarray of int
        Session index per row. A unit is never split: each cut falls on the unit boundary
        nearest its share.

    Raises
    ------
    ValueError
        If rows are not grouped by unit.

    Examples
    --------
    >>> prefix_cuts(np.array([0, 0, 1, 2, 2, 3]), (0.5, 1.0)).tolist()
    [0, 0, 0, 1, 1, 1]
    """
    if len(fu_id) and len(np.unique(fu_id)) != len(_unit_starts(fu_id)) - 1:
        raise ValueError("rows must be grouped by follicular unit (each unit's rows together)")
    starts = _unit_starts(fu_id)
    n = len(fu_id)
    cuts = [starts[np.argmin(np.abs(starts - share * n))] for share in shares[:-1]]
    session = np.zeros(n, dtype=np.int64)
    for cut in cuts:
        session[cut:] += 1
    return session


def defer_crowded_units(
    positions_mm: FloatArray, fu_id: IntArray, session: IntArray, *, min_spacing_mm: float
) -> IntArray:
    """Move a unit to the next session where it crowds an earlier unit of its session.

    Parameters
    ----------
    positions_mm : (n, 3) ndarray of float
        Impression positions, mm.
    fu_id : (n,) ndarray of int
        Unit of each row, rows grouped by unit in progressive order.
    session : (n,) ndarray of int
        Session per row (:func:`prefix_cuts`).
    min_spacing_mm : float
        Smallest spacing between two impressions of one session (``session_min_spacing_mm``).

    Returns
    -------
    (n,) ndarray of int
        Sessions after deferral. Units of the last session stay: the pattern's own spacing
        is the safety check's business. Impressions of one unit are not compared with each
        other (the pattern keeps them ``fu_impression_offset_mm`` apart).
    """
    session = session.copy()
    last = int(session.max(initial=0))
    for k in range(last):
        rows = np.flatnonzero(session == k)
        if len(rows) < 2:
            continue
        pairs = cKDTree(positions_mm[rows]).query_pairs(min_spacing_mm, output_type="ndarray")
        a, b = rows[pairs[:, 0]], rows[pairs[:, 1]]
        other = fu_id[a] != fu_id[b]
        later_units = np.unique(np.maximum(fu_id[a], fu_id[b])[other])
        session[np.isin(fu_id, later_units)] = k + 1
    return session


def closest_spacing_per_session(
    positions_mm: FloatArray, fu_id: IntArray, session: IntArray
) -> FloatArray:
    """Closest distance between impressions of different units in the same session.

    Parameters
    ----------
    positions_mm : (n, 3) ndarray of float
        Impression positions, mm.
    fu_id : (n,) ndarray of int
        Unit of each row.
    session : (n,) ndarray of int
        Session per row.

    Returns
    -------
    (sessions,) ndarray of float
        Millimetres; ``inf`` for a session with a single unit. (A unit holds at most
        ``MAX_IMPRESSIONS_PER_FU`` = 4 rows, so among a row's 4 nearest other rows one is of
        another unit.)
    """
    out = np.full(int(session.max(initial=-1)) + 1, np.inf)
    for k in range(len(out)):
        rows = np.flatnonzero(session == k)
        if len(np.unique(fu_id[rows])) < 2:
            continue
        distance, near = cKDTree(positions_mm[rows]).query(positions_mm[rows], k=min(5, len(rows)))
        other = fu_id[rows][near] != fu_id[rows][:, None]
        out[k] = float(distance[other].min())
    return out


def split_sessions(
    pattern: Pattern,
    *,
    shares: tuple[float, ...],
    min_spacing_mm: float = DEFAULTS["session_min_spacing_mm"].value,
) -> Pattern:
    """Assign every impression to exactly one session.

    Parameters
    ----------
    pattern : Pattern
        The impressions, rows grouped by unit in progressive order (the pattern stage's
        output).
    shares : tuple of float
        Cumulative impression share after each session (:func:`cumulative_shares`).
    min_spacing_mm : float, optional
        Smallest spacing between impressions of different units in one session, mm.

    Returns
    -------
    Pattern
        A copy whose ``session`` column holds each impression's session: prefix cuts of the
        unit order (:func:`prefix_cuts`), then :func:`defer_crowded_units`.
    """
    session = prefix_cuts(pattern.fu_id, shares)
    session = defer_crowded_units(
        pattern.positions_mm, pattern.fu_id, session, min_spacing_mm=min_spacing_mm
    )
    return pattern.with_sessions(session)
