import numpy as np
import pytest

from smpstudio.core import load_plan
from smpstudio.design import (
    FaceReference,
    control_point_names,
    default_design,
    face_reference_from_views,
    glabella_height_of,
    hairline_curve_mm,
    treated_region,
    zone_of_points,
)
from smpstudio.domain import DEFAULTS
from smpstudio.head import (
    cast_rays_mm,
    distance_to_surface_mm,
    fit_ellipsoid_head,
    sample_surface_uniform,
)


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
    right, _, right_ft, mfp, left_ft, _, left = design.hairline_mm
    assert distance_to_surface_mm(head, design.hairline_mm).max() < 0.01
    glabella = DEFAULTS["glabella_height_above_frankfort_mm"].value
    canthus = DEFAULTS["eye_height_above_frankfort_mm"].value
    # 80 mm along the (smooth) ellipsoid; the mesh's chords make it 0.1 % shorter at most
    assert _arc_up(head, 0.0, glabella, mfp[1]) == pytest.approx(80.0, rel=2e-3)
    assert _arc_up(head, 45.0, canthus, left_ft[1]) == pytest.approx(80.0, rel=2e-3)
    assert mfp[0] == 0 and left_ft[0] == pytest.approx(45.0) and right_ft[0] == pytest.approx(-45.0)
    assert np.allclose(left * [-1, 1, 1], right)  # symmetric
    assert mfp[1] > left_ft[1] > left[1]


@pytest.mark.parametrize("which", ["ellipsoid", "example"])
def test_temporal_peaks_follow_the_rule_of_8(head_and_design, example_plan_dir, which) -> None:
    """[Garg2017]: the peak is 5 cm from the rule's frontotemporal point (8 cm from both the
    mid-frontal point and the lateral canthus) towards the canthus, so about 3 cm from the
    canthus; it lies on the scalp, above and about 1 cm behind the canthus (the temporal
    point ≈ 1 cm behind a vertical through the lateral canthus, [AAPS-Hairline]), and
    between the frontotemporal point and the temple in azimuth."""
    if which == "ellipsoid":
        head, design = head_and_design
    else:
        plan = load_plan(example_plan_dir)
        head, design = plan.head, plan.design
    face = FaceReference(
        glabella_height_of(design),
        DEFAULTS["lateral_canthus_half_width_mm"].value,
        DEFAULTS["eye_height_above_frankfort_mm"].value,
        "",
    )
    if which == "example":
        face = face_reference_from_views(plan.views)
    names = control_point_names(len(design.hairline_mm))
    for side, sign in (("right", -1.0), ("left", 1.0)):
        x = sign * face.canthus_half_width_mm
        canthus = cast_rays_mm(
            head, np.array([[x, face.canthus_height_mm, 0.0]]), np.array([[0.0, 0.0, 1.0]])
        )[0]
        peak = design.hairline_mm[names.index(f"{side} temporal peak")]
        ft = design.hairline_mm[names.index(f"{side} frontotemporal point")]
        temple = design.hairline_mm[names.index(f"{side} temple")]
        print(which, side, np.round(peak, 1), round(float(np.linalg.norm(peak - canthus)), 1))
        assert np.linalg.norm(peak - canthus) == pytest.approx(30.0, abs=3.0)
        assert distance_to_surface_mm(head, peak[None], faces=head.scalp_faces)[0] < 0.01
        assert 15.0 <= peak[1] - canthus[1] <= 35.0
        assert 0.0 <= canthus[2] - peak[2] <= 20.0
        azimuth = np.abs(np.arctan2([ft[0], peak[0], temple[0]], [ft[2], peak[2], temple[2]]))
        assert azimuth[0] < azimuth[1] < azimuth[2]


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


def test_treated_region_follows_a_line_that_folds_back(head_and_design) -> None:
    """A temporal peak pointing forward makes the line turn back in azimuth: the peak's hair
    is behind the line, the pocket below it and the recess above it are in front."""
    _, design = head_and_design
    right = np.array([[80, 30], [60, 30], [40, 45], [55, 60], [30, 85], [0, 80]], dtype=float)
    az_y = np.vstack([right * [-1, 1], right[-2::-1]])  # right temple → left temple

    def on_cylinder(az_deg_y: np.ndarray) -> np.ndarray:
        az = np.radians(az_deg_y[:, 0])
        return np.column_stack([100 * np.sin(az), az_deg_y[:, 1], 100 * np.cos(az)])

    curve = on_cylinder(az_y)
    queries = {
        (50, 50): True,  # inside the peak
        (50, 60): False,  # the frontotemporal recess above the peak
        (50, 70): True,  # behind the recess
        (45, 35): False,  # under the peak
        (35, 50): False,  # the forehead's side
        (0, 90): True,  # behind the mid-frontal point
        (0, 70): False,  # the forehead
        (120, 40): True,  # the side behind the temple
        (120, 20): False,  # below the lower limit
    }
    points = np.array(list(queries), dtype=float)
    for sign in (1, -1):
        inside = treated_region(design, on_cylinder(points * [sign, 1]), curve)
        assert inside.tolist() == list(queries.values())
