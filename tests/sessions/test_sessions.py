import numpy as np
import pytest

from smpstudio.core import Pattern
from smpstudio.sessions import cumulative_shares, split_sessions


def _pattern(n: int) -> Pattern:
    return Pattern(
        positions_mm=np.random.default_rng(0).normal(size=(n, 3)),
        normals=np.tile([0.0, 1.0, 0.0], (n, 1)),
        dot_diameter_mm=np.full(n, 0.12),
        fu_id=np.arange(n),
        zone_id=np.ones(n, dtype=int),
        session=np.zeros(n, dtype=int),
    )


def test_three_sessions_follow_30_70_100() -> None:
    pattern, sessions = split_sessions(
        _pattern(1000), session_count=3, rng=np.random.default_rng(1)
    )
    counts = np.bincount(pattern.session, minlength=3)
    assert counts.tolist() == [300, 400, 300]
    assert [s.impression_count for s in sessions] == [300, 400, 300]
    assert [s.cumulative_fraction for s in sessions] == [0.3, 0.7, 1.0]
    assert sessions[0].dilution_water_parts > sessions[1].dilution_water_parts  # lightest first
    assert [s.day_window for s in sessions] == [(0, 0), (10, 14), (20, 28)]
    low, high = sessions[1].estimated_hours
    assert low == pytest.approx(400 / 7000, abs=0.01) and high == pytest.approx(
        400 / 3500, abs=0.01
    )


@pytest.mark.parametrize("count", [1, 2, 4, 5])
def test_every_impression_in_exactly_one_session(count: int) -> None:
    pattern, sessions = split_sessions(
        _pattern(997), session_count=count, rng=np.random.default_rng(2)
    )
    assert sorted(set(pattern.session.tolist())) == list(range(count))
    assert sum(s.impression_count for s in sessions) == 997


def test_shares_validate() -> None:
    assert cumulative_shares(4) == (0.25, 0.5, 0.75, 1.0)
    with pytest.raises(ValueError, match="session_count must be >= 1, got 0"):
        cumulative_shares(0)
