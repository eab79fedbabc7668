import numpy as np
import pytest
from scipy.spatial import cKDTree

from smpstudio.design import default_design, zone_of_points
from smpstudio.head import fit_ellipsoid_head, sample_surface_uniform, select_poisson_disk
from smpstudio.pattern import (
    nearest_neighbour_distances_mm,
    radius_for_density_mm,
    synthesize_impressions,
)
from tests.tolerances import DENSITY_FRACTION


@pytest.fixture(scope="module")
def setup():
    head = fit_ellipsoid_head()
    design = default_design(head)
    pattern = synthesize_impressions(head, design, rng=np.random.default_rng(42))
    return head, design, pattern


def test_spacing_respects_each_zone_radius(setup) -> None:
    _head, design, pattern = setup
    radii = radius_for_density_mm(np.array([z.density_per_cm2 for z in design.zones]))
    r = radii[pattern.zone_id]
    pairs = cKDTree(pattern.positions_mm).query_pairs(radii.max(), output_type="ndarray")
    gap = np.linalg.norm(
        pattern.positions_mm[pairs[:, 0]] - pattern.positions_mm[pairs[:, 1]], axis=1
    )
    assert np.all(gap >= np.maximum(r[pairs[:, 0]], r[pairs[:, 1]]) - 1e-9)


def test_uniform_random_points_fail_the_same_spacing_check(setup) -> None:
    head, _design, pattern = setup
    random_pts, _ = sample_surface_uniform(
        head, head.scalp_faces, len(pattern), rng=np.random.default_rng(1)
    )
    assert nearest_neighbour_distances_mm(random_pts).min() < 0.2 * radius_for_density_mm(100.0)


def test_density_matches_each_zone_target(setup) -> None:
    head, design, pattern = setup
    probe, _ = sample_surface_uniform(head, head.scalp_faces, 400_000, rng=np.random.default_rng(2))
    zone = zone_of_points(head, design, probe)
    scalp_cm2 = head.scalp_area_mm2 / 100
    for z in design.zones:
        area = scalp_cm2 * np.mean(zone == z.zone_id)
        realised = np.sum(pattern.zone_id == z.zone_id) / area
        assert realised == pytest.approx(z.density_per_cm2, rel=DENSITY_FRACTION), z.name


def test_blue_noise_has_no_big_holes(setup) -> None:
    """Largest empty disc among interior probe points stays below 2.5 × the radius."""
    head, design, pattern = setup
    probe, _ = sample_surface_uniform(head, head.scalp_faces, 100_000, rng=np.random.default_rng(5))
    probe = probe[zone_of_points(head, design, probe) == 1]
    probe = probe[(probe[:, 1] > 60)]  # away from the region's lower edge
    hole, _ = cKDTree(pattern.positions_mm).query(probe)
    assert hole.max() < 2.5 * radius_for_density_mm(100.0)


def test_columns_and_determinism(setup) -> None:
    head, design, pattern = setup
    assert np.array_equal(pattern.fu_id, np.arange(len(pattern)))
    assert np.all(pattern.session == 0)
    assert np.allclose(np.linalg.norm(pattern.normals, axis=1), 1.0)
    assert set(np.unique(pattern.dot_diameter_mm)) == {z.dot_diameter_mm for z in design.zones}
    again = synthesize_impressions(head, design, rng=np.random.default_rng(42))
    assert again == pattern


def test_selection_on_empty_and_tiny_input() -> None:
    assert select_poisson_disk(np.zeros((0, 3)), np.zeros(0)).shape == (0,)
    line = np.array([[0.0, 0, 0], [0.4, 0, 0], [0.9, 0, 0], [1.3, 0, 0]])
    # brute-force oracle: greedy in order with radius 0.5
    assert select_poisson_disk(line, np.full(4, 0.5)).tolist() == [0, 2]
