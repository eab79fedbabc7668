import numpy as np
import pytest

from smpstudio.design import (
    default_design,
    hairline_curve_mm,
    treated_region,
    zone_of_points,
)
from smpstudio.domain import DEFAULTS
from smpstudio.head import distance_to_surface_mm, fit_ellipsoid_head, sample_surface_uniform


@pytest.fixture(scope="module")
def head_and_design():
    head = fit_ellipsoid_head()
    return head, default_design(head)


def _arc_up(head, x: float, y0: float, y1: float) -> float:
    """Arc length along the front surface in the plane x, by dense sampling (oracle)."""
    ys = np.linspace(y0, y1, 4000)
    a = np.array([0.5 * 154.33, 131.15 - 30.0, 0.5 * 199.5])
    z = -8.0 + a[2] * np.sqrt(np.clip(1 - (x / a[0]) ** 2 - ((ys - 30.0) / a[1]) ** 2, 0, None))
    return float(np.sum(np.hypot(np.diff(ys), np.diff(z))))


def test_rule_of_eight_arc_lengths(head_and_design) -> None:
    head, design = head_and_design
    right, right_ft, mfp, left_ft, left = design.hairline_mm
    assert distance_to_surface_mm(head, design.hairline_mm).max() < 0.01
    glabella = DEFAULTS["glabella_height_above_frankfort_mm"].value
    canthus = DEFAULTS["eye_height_above_frankfort_mm"].value
    # 80 mm along the (smooth) ellipsoid; the mesh's chords make it 0.1 % shorter at most
    assert _arc_up(head, 0.0, glabella, mfp[1]) == pytest.approx(80.0, rel=2e-3)
    assert _arc_up(head, 45.0, canthus, left_ft[1]) == pytest.approx(80.0, rel=2e-3)
    assert mfp[0] == 0 and left_ft[0] == pytest.approx(45.0) and right_ft[0] == pytest.approx(-45.0)
    assert np.allclose(left * [-1, 1, 1], right)  # symmetric
    assert mfp[1] > left_ft[1] > left[1]


def test_region_and_zones(head_and_design) -> None:
    head, design = head_and_design
    pts, _ = sample_surface_uniform(head, head.scalp_faces, 50_000, rng=np.random.default_rng(0))
    curve = hairline_curve_mm(head, design)
    inside = treated_region(design, pts, curve)
    zone = zone_of_points(head, design, pts)
    assert np.array_equal(zone >= 0, inside)
    # forehead below the hairline is not treated; the vertex and the back are
    assert not treated_region(design, np.array([[0.0, 60.0, 85.0]]), curve)[0]
    assert treated_region(design, np.array([[0.0, 131.0, -8.0], [0.0, 40.0, -95.0]]), curve).all()
    band = pts[zone == 0]
    assert band.size and band[:, 2].min() > 0  # the band is at the front
    area_cm2 = head.scalp_area_mm2 / 100
    band_area = area_cm2 * np.mean(zone == 0)
    # a 10 mm band along a hairline ≈ 30 cm long covers roughly 25-35 cm²
    assert 15 < band_area < 45


def test_unknown_style_is_refused(head_and_design) -> None:
    head, _ = head_and_design
    with pytest.raises(ValueError, match="style must be one of"):
        default_design(head, style="spiky")
