"""Session plans: shade per session, durations and date windows."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from smpstudio._typing import FloatArray
from smpstudio.core import Pattern, SessionPlan
from smpstudio.domain import DEFAULTS
from smpstudio.pigment import (
    OpticalModel,
    PigmentCatalogue,
    Shade,
    choose_shade,
    lighter_shade,
)
from smpstudio.sessions._split import closest_spacing_per_session

SESSION_DEFAULT_NAMES = {
    "interval_min_days": "session_interval_min_days",
    "interval_max_days": "session_interval_max_days",
    "impressions_per_hour_low": "impressions_per_hour_low",
    "impressions_per_hour_high": "impressions_per_hour_high",
    "setup_hours": "session_setup_hours",
    "first_session_design_hours": "first_session_design_hours",
    "first_session_lightening_l": "first_session_lightening_l",
    "needle_diameter_mm": "needle_diameter_mm",
    "depth_setting_mm": "needle_depth_setting_mm",
}
"""The named default behind each :class:`SessionSettings` field."""


@dataclass(frozen=True, slots=True)
class SessionSettings:
    """Editable parameters of the session plan; each defaults to its named default.

    Parameters
    ----------
    interval_min_days, interval_max_days : int
        Days between sessions (``domain.md`` §5.3).
    impressions_per_hour_low, impressions_per_hour_high : float
        Manual rate (``domain.md`` §5.3).
    setup_hours : float
        Added to every session (unsourced).
    first_session_design_hours : float
        Added to session 1.
    first_session_lightening_l : float
        How much lighter session 1 heals, L*.
    needle_diameter_mm, depth_setting_mm : float
        Needle and device depth setting, mm.
    """

    interval_min_days: int = int(DEFAULTS["session_interval_min_days"].value)
    interval_max_days: int = int(DEFAULTS["session_interval_max_days"].value)
    impressions_per_hour_low: float = DEFAULTS["impressions_per_hour_low"].value
    impressions_per_hour_high: float = DEFAULTS["impressions_per_hour_high"].value
    setup_hours: float = DEFAULTS["session_setup_hours"].value
    first_session_design_hours: float = DEFAULTS["first_session_design_hours"].value
    first_session_lightening_l: float = DEFAULTS["first_session_lightening_l"].value
    needle_diameter_mm: float = DEFAULTS["needle_diameter_mm"].value
    depth_setting_mm: float = DEFAULTS["needle_depth_setting_mm"].value

    @classmethod
    def from_defaults(cls, value: Callable[[str], float]) -> "SessionSettings":
        """The settings with each read by its default's name (e.g. ``Plan.default_value``)."""
        values: dict[str, Any] = {f: value(name) for f, name in SESSION_DEFAULT_NAMES.items()}
        values["interval_min_days"] = int(values["interval_min_days"])
        values["interval_max_days"] = int(values["interval_max_days"])
        return cls(**values)

    def __post_init__(self) -> None:
        if not 0 < self.interval_min_days <= self.interval_max_days:
            raise ValueError(
                f"need 0 < interval_min_days <= interval_max_days, got "
                f"{self.interval_min_days}, {self.interval_max_days}"
            )
        if not 0 < self.impressions_per_hour_low <= self.impressions_per_hour_high:
            raise ValueError("need 0 < impressions_per_hour_low <= impressions_per_hour_high")


def day_windows(session_count: int, settings: SessionSettings) -> tuple[tuple[int, int], ...]:
    """Earliest and latest day of each session, day 0 being session 1.

    Examples
    --------
    >>> day_windows(3, SessionSettings())
    ((0, 0), (10, 14), (20, 28))
    """
    return tuple(
        (k * settings.interval_min_days, k * settings.interval_max_days)
        for k in range(session_count)
    )


def session_hours(
    impression_count: int, *, first: bool, settings: SessionSettings
) -> tuple[float, float]:
    """Low and high estimate of a session's duration, hours.

    Parameters
    ----------
    impression_count : int
        Impressions in the session.
    first : bool
        Session 1 also draws and agrees the hairline.
    settings : SessionSettings
        Rates and fixed times.

    Returns
    -------
    tuple of float
        Hours at the fast and at the slow rate, to 0.01 h.

    Examples
    --------
    >>> session_hours(7000, first=False, settings=SessionSettings())
    (1.25, 2.25)
    """
    fixed = settings.setup_hours + (settings.first_session_design_hours if first else 0.0)
    return (
        round(fixed + impression_count / settings.impressions_per_hour_high, 2),
        round(fixed + impression_count / settings.impressions_per_hour_low, 2),
    )


def session_shades(
    session_count: int,
    catalogue: PigmentCatalogue,
    skin_lab: ArrayLike,
    hair_lab: ArrayLike,
    model: OpticalModel,
    *,
    settings: SessionSettings,
    on: dt.date | None = None,
    dilutions: FloatArray | None = None,
) -> tuple[Shade, ...]:
    """The shade of each session: session 1 lighter, the others the chosen shade.

    Parameters
    ----------
    session_count : int
        Number of sessions.
    catalogue : PigmentCatalogue
        Pigments to choose from.
    skin_lab, hair_lab : (3,) array_like of float
        Client colours, CIELAB.
    model : OpticalModel
        Dot model parameters.
    settings : SessionSettings
        ``first_session_lightening_l``.
    on : datetime.date, optional
        Last day the last session may take place: only pigments with a lot good through it
        are considered, so that every session can use the same pigment.
    dilutions : ndarray of float, optional
        Water parts to consider (default :func:`smpstudio.pigment.dilution_steps`).

    Returns
    -------
    tuple of Shade
        One per session.

    Notes
    -----
    Session 1 is the lightest and tests the healed colour (``domain.md`` §5.4); later
    sessions fill in at the chosen shade (:func:`smpstudio.pigment.choose_shade`).
    """
    chosen = choose_shade(catalogue, skin_lab, hair_lab, model, on=on, dilutions=dilutions)
    if session_count == 1:
        return (chosen,)
    pigment = catalogue.pigment(chosen.pigment_id)
    first = lighter_shade(
        chosen,
        pigment.base_lab,
        skin_lab,
        model,
        lighter_by_l=settings.first_session_lightening_l,
        dilutions=dilutions,
    )
    return (first,) + (chosen,) * (session_count - 1)


def session_plans(
    pattern: Pattern,
    *,
    shades: tuple[Shade, ...] | None,
    catalogue: PigmentCatalogue | None,
    start: dt.date | None,
    settings: SessionSettings,
) -> tuple[SessionPlan, ...]:
    """Describe each session of a split pattern.

    Parameters
    ----------
    pattern : Pattern
        Impressions with their sessions (:func:`split_sessions`).
    shades : tuple of Shade or None
        One per session (:func:`session_shades`); None where no hair colour is known — the
        sessions then take the default dilutions and name no pigment.
    catalogue : PigmentCatalogue or None
        For the lot of each session's pigment (good through the window's last day).
    start : datetime.date or None
        Date of session 1; None gives day windows only.
    settings : SessionSettings
        Rates, intervals, needle.

    Returns
    -------
    tuple of SessionPlan
        One per session.
    """
    count = int(pattern.session.max(initial=0)) + 1
    impressions = np.bincount(pattern.session, minlength=count)
    cumulative = np.cumsum(impressions) / max(len(pattern), 1)
    windows = day_windows(count, settings)
    spacing = closest_spacing_per_session(pattern.positions_mm, pattern.fu_id, pattern.session)
    plans = []
    for k in range(count):
        dates = None
        if start is not None:
            first_day, last_day = (start + dt.timedelta(days=d) for d in windows[k])
            dates = (first_day.isoformat(), last_day.isoformat())
        shade = None if shades is None else shades[k]
        if shade is None:
            dilution = DEFAULTS[
                "first_session_dilution_water_parts"
                if k == 0
                else "later_session_dilution_water_parts"
            ].value
        else:
            dilution = shade.dilution_water_parts
        lot = None
        if shade is not None and catalogue is not None and dates is not None:
            found = catalogue.usable_lot(shade.pigment_id, dt.date.fromisoformat(dates[1]))
            lot = None if found is None else found.lot
        plans.append(
            SessionPlan(
                index=k,
                cumulative_fraction=round(float(cumulative[k]), 6),
                impression_count=int(impressions[k]),
                dilution_water_parts=dilution,
                needle_diameter_mm=settings.needle_diameter_mm,
                depth_setting_mm=settings.depth_setting_mm,
                day_window=windows[k],
                estimated_hours=session_hours(int(impressions[k]), first=k == 0, settings=settings),
                pigment_id=None if shade is None else shade.pigment_id,
                pigment_lot=lot,
                healed_lab=None if shade is None else shade.healed_lab,
                target_lab=None if shade is None else shade.target_lab,
                delta_e00=None if shade is None else shade.delta_e00,
                date_window=dates,
                min_spacing_mm=None if np.isinf(spacing[k]) else round(float(spacing[k]), 4),
            )
        )
    return tuple(plans)
