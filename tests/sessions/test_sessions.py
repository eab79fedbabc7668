"""Session split, per-session spacing, durations and windows — on the bundled example's pattern."""

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from scipy.spatial import cKDTree

from smpstudio.core import Pattern, load_plan
from smpstudio.domain import DEFAULTS
from smpstudio.pigment import OpticalModel, load_catalogue
from smpstudio.sessions import (
    SessionSettings,
    closest_spacing_per_session,
    cumulative_shares,
    day_windows,
    defer_crowded_units,
    prefix_cuts,
    session_hours,
    session_plans,
    session_shades,
    split_sessions,
)


@pytest.fixture(scope="module")
def pattern(example_plan_dir: Path) -> Pattern:
    plan = load_plan(example_plan_dir)
    assert plan.pattern is not None
    return plan.pattern


def test_shares_follow_the_protocol_and_its_curve() -> None:
    assert cumulative_shares(3) == (0.3, 0.7, 1.0)  # domain.md §5.3 [Liu2025]
    assert cumulative_shares(2) == (0.5, 1.0)
    assert cumulative_shares(4) == (0.225, 0.5, 0.775, 1.0)
    assert cumulative_shares(1) == (1.0,)
    with pytest.raises(ValueError, match="session_count must be >= 1, got 0"):
        cumulative_shares(0)
    with pytest.raises(ValueError, match="first_share < second_share"):
        cumulative_shares(3, first_share=0.8, second_share=0.7)


@pytest.mark.parametrize("count", [2, 3, 4])
def test_sessions_partition_the_pattern_as_prefix_cuts_of_the_unit_order(
    pattern: Pattern, count: int
) -> None:
    shares = cumulative_shares(count)
    split = split_sessions(pattern, shares=shares)
    n = len(pattern)
    # every impression in exactly one session, sessions 0..count-1 all used
    assert split.session.shape == (n,) and set(np.unique(split.session)) == set(range(count))
    # nothing else changed
    assert np.array_equal(split.positions_mm, pattern.positions_mm)
    assert np.array_equal(split.fu_id, pattern.fu_id)
    # prefix cuts: along the progressive unit order the session never goes down
    assert np.all(np.diff(split.session) >= 0)
    # a unit is never split between sessions
    per_unit = np.unique(np.column_stack([split.fu_id, split.session]), axis=0)
    assert len(per_unit) == len(np.unique(split.fu_id))
    # each cut within one unit's size of its share
    cumulative = np.cumsum(np.bincount(split.session, minlength=count)) / n
    assert np.allclose(cumulative, shares, atol=5 / n)


def test_first_session_is_sparse_and_even_over_the_zones(pattern: Pattern) -> None:
    split = split_sessions(pattern, shares=cumulative_shares(3))
    first = split.session == 0
    for zone in np.unique(split.zone_id):
        in_zone = split.zone_id == zone
        if in_zone.sum() > 500:  # zones big enough to judge
            assert first[in_zone].mean() == pytest.approx(0.3, abs=0.06), zone
    # session 1 alone is much sparser than the whole pattern: its units lie far apart
    spacing = closest_spacing_per_session(split.positions_mm, split.fu_id, split.session)
    assert spacing[0] > spacing[2]


def test_same_session_spacing_is_at_least_the_minimum(pattern: Pattern) -> None:
    minimum = DEFAULTS["session_min_spacing_mm"].value
    split = split_sessions(pattern, shares=cumulative_shares(3))
    spacing = closest_spacing_per_session(split.positions_mm, split.fu_id, split.session)
    assert np.all(spacing[:-1] >= minimum)
    # checked independently: every pair of different units of a session, all pairs
    for k in range(2):
        rows = np.flatnonzero(split.session == k)
        pairs = cKDTree(split.positions_mm[rows]).query_pairs(minimum, output_type="ndarray")
        other = split.fu_id[rows][pairs[:, 0]] != split.fu_id[rows][pairs[:, 1]]
        assert not other.any()
    # a stricter minimum defers units to later sessions, still a partition
    strict = split_sessions(pattern, shares=cumulative_shares(3), min_spacing_mm=1.2)
    counts = np.bincount(strict.session, minlength=3)
    assert counts.sum() == len(pattern) and counts[1] < np.bincount(split.session)[1]
    assert closest_spacing_per_session(strict.positions_mm, strict.fu_id, strict.session)[1] >= 1.2


def test_crowded_unit_waits_for_the_next_session() -> None:
    positions = np.array([[0.0, 0, 0], [0.35, 0, 0], [0.5, 0, 0], [5.0, 0, 0], [9.0, 0, 0]])
    fu_id = np.array([0, 0, 1, 2, 3])
    session = np.array([0, 0, 0, 1, 1])
    moved = defer_crowded_units(positions, fu_id, session, min_spacing_mm=0.8)
    # unit 1 is 0.15 mm from unit 0 (same session): it moves; unit 0's own rows stay together
    assert moved.tolist() == [0, 0, 1, 1, 1]


def test_prefix_cuts_need_rows_grouped_by_unit() -> None:
    with pytest.raises(ValueError, match="grouped by follicular unit"):
        prefix_cuts(np.array([0, 1, 0]), (0.5, 1.0))


def test_durations_windows_and_shades(pattern: Pattern) -> None:
    settings = SessionSettings()
    assert day_windows(3, settings) == ((0, 0), (10, 14), (20, 28))  # domain.md §5.3
    # 7000 impressions at 3,500–7,000 per hour plus 0.25 h set-up
    assert session_hours(7000, first=False, settings=settings) == (1.25, 2.25)
    assert session_hours(7000, first=True, settings=settings) == (2.25, 3.25)
    split = split_sessions(pattern, shares=cumulative_shares(3))
    catalogue = load_catalogue()
    skin, hair = (65.77, 15.94, 14.42), (40.95, 5.24, 7.70)
    start = dt.date(2027, 11, 20)
    last = start + dt.timedelta(days=day_windows(3, settings)[-1][1])
    shades = session_shades(3, catalogue, skin, hair, OpticalModel(), settings=settings, on=last)
    plans = session_plans(split, shades=shades, catalogue=catalogue, start=start, settings=settings)
    assert [p.impression_count for p in plans] == np.bincount(split.session).tolist()
    assert [p.date_window for p in plans] == [
        ("2027-11-20", "2027-11-20"),
        ("2027-11-30", "2027-12-04"),
        ("2027-12-10", "2027-12-18"),
    ]
    # session 1 is lighter (more water) than the later ones, which share the chosen shade
    assert plans[0].dilution_water_parts > plans[1].dilution_water_parts
    assert plans[0].healed_lab[0] >= plans[1].healed_lab[0] + 5.0
    assert plans[1].dilution_water_parts == plans[2].dilution_water_parts
    # the warm brown's only lot expires 2027-11-30, before the last session: another pigment,
    # with a lot good in every session
    assert {p.pigment_id for p in plans} == {"carbon-black"}
    assert all(p.pigment_lot == "EXAMPLE-CB-2026-031" for p in plans)
    # no hair colour: default dilutions, no pigment named
    plain = session_plans(split, shades=None, catalogue=None, start=None, settings=settings)
    assert plain[0].pigment_id is None and plain[0].date_window is None
    assert plain[0].dilution_water_parts == DEFAULTS["first_session_dilution_water_parts"].value
