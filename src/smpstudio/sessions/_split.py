"""Splitting a pattern into sessions, with shade, needle and schedule per session."""

import numpy as np

from smpstudio.core import Pattern, SessionPlan
from smpstudio.domain import DEFAULTS


def cumulative_shares(session_count: int) -> tuple[float, ...]:
    """Cumulative share of impressions placed after each session.

    Parameters
    ----------
    session_count : int
        Number of sessions (1 or more).

    Returns
    -------
    tuple of float
        Increasing shares ending at 1.0.

    Notes
    -----
    Three sessions follow the standard protocol 30 % → 70 % → 100 % ([Liu2025],
    ``domain.md`` §5.3). Other counts spread the impressions evenly.

    Examples
    --------
    >>> cumulative_shares(3)
    (0.3, 0.7, 1.0)
    >>> cumulative_shares(2)
    (0.5, 1.0)
    """
    if session_count < 1:
        raise ValueError(f"session_count must be >= 1, got {session_count}")
    if session_count == 3:
        return (
            DEFAULTS["first_session_share"].value,
            DEFAULTS["second_session_share"].value,
            1.0,
        )
    return tuple(float(k) / session_count for k in range(1, session_count + 1))


def split_sessions(
    pattern: Pattern, *, session_count: int, rng: np.random.Generator
) -> tuple[Pattern, tuple[SessionPlan, ...]]:
    """Assign every impression to exactly one session and describe each session.

    Parameters
    ----------
    pattern : Pattern
        The impressions.
    session_count : int
        Number of sessions.
    rng : numpy.random.Generator
        Source of randomness for the assignment.

    Returns
    -------
    pattern : Pattern
        A copy whose ``session`` column holds each impression's session.
    sessions : tuple of SessionPlan
        Counts, dilution, needle, depth, day window and estimated duration per session.

    Notes
    -----
    Impressions are assigned by a random permutation cut at the cumulative shares of
    :func:`cumulative_shares`, so each session covers the whole area evenly on average.
    Day windows take ``session_interval_min_days``–``session_interval_max_days`` between
    sessions; durations take the manual impression rates of ``domain.md`` §5.3.
    """
    n = len(pattern)
    shares = cumulative_shares(session_count)
    cuts = np.round(np.array((0.0, *shares)) * n).astype(np.int64)
    order = rng.permutation(n)
    session = np.zeros(n, dtype=np.int64)
    for k in range(session_count):
        session[order[cuts[k] : cuts[k + 1]]] = k
    low_rate = DEFAULTS["impressions_per_hour_low"].value
    high_rate = DEFAULTS["impressions_per_hour_high"].value
    gap_min = int(DEFAULTS["session_interval_min_days"].value)
    gap_max = int(DEFAULTS["session_interval_max_days"].value)
    plans = []
    for k in range(session_count):
        count = int(cuts[k + 1] - cuts[k])
        dilution = DEFAULTS[
            "first_session_dilution_water_parts" if k == 0 else "later_session_dilution_water_parts"
        ].value
        plans.append(
            SessionPlan(
                index=k,
                cumulative_fraction=float(shares[k]),
                impression_count=count,
                dilution_water_parts=dilution,
                needle_diameter_mm=DEFAULTS["needle_diameter_mm"].value,
                depth_setting_mm=DEFAULTS["needle_depth_setting_mm"].value,
                day_window=(k * gap_min, k * gap_max),
                estimated_hours=(round(count / high_rate, 2), round(count / low_rate, 2)),
            )
        )
    return pattern.with_sessions(session), tuple(plans)
