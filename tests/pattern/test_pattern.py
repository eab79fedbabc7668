"""The pattern's properties on the real scan's scalp and on a sphere, and checks that fail.

Spacing checks measure a pair's distance in the mean of its two points' hexagonal spacings
(the relaxation's own measure); holes are empty circles found from dense probes, their
radius over the local spacing (the way ``shared/docs/baselines.md`` states holes).
"""

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.spatial import cKDTree

from smpstudio.core import Zone
from smpstudio.design import hairline_curve_mm, inside_outline, surface_at, treated_region
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    SCALP_EDGE_MM,
    closest_points_on_triangles,
    distance_to_surface_mm,
    sample_triangles,
    scalp_chart,
)
from smpstudio.pattern import (
    BlueNoise,
    blue_noise_on_mesh,
    closest_pair_spacings,
    fill_holes,
    follicular_units,
    fu_density_map,
    fu_size_shares,
    hexagonal_spacing_mm,
    impressions_of_units,
    largest_hole_spacings,
    pair_correlation,
    progressive_order,
    synthesize_impressions,
    tilted_size_shares,
    walk_frames,
)
from tests.tolerances import SURFACE_MM

MIN_SPACING = 0.85
"""No two unit centres closer than this many local hexagonal spacings (the issue's bound)."""
MAX_HOLE = 1.5
"""No empty circle of larger radius, in local spacings (the issue's bound)."""
ZONE_DENSITY = 0.03
"""Units per zone within this share of the density map's integral (zones over 4 cm²)."""
G_FAR = 0.1
"""g(r) within this of 1 beyond 3 spacings (the issue's bound)."""
PREFIX_RHO = {0.3: 0.55, 0.7: 0.68}
"""Closest pair of each session prefix, in spacings of the prefix's own density: what our
elimination order reaches (0.62 and 0.73 measured), not the 0.85 of the full pattern — see
docs/pattern.md for why no order can give 0.85 at 70 % of a pattern packed that tightly."""


def zone_density_errors(
    zone_id: np.ndarray, expected: dict[int, float], area_cm2: dict[int, float]
) -> dict[int, float]:
    """Relative error of the unit count of every zone larger than 4 cm²."""
    counts = np.bincount(zone_id[zone_id >= 0], minlength=max(expected) + 1)
    return {z: counts[z] / e - 1.0 for z, e in expected.items() if area_cm2[z] > 4.0}


def g_bounds(edges: np.ndarray, g: np.ndarray) -> tuple[float, float]:
    """(largest g wholly below MIN_SPACING, largest |g − 1| wholly beyond 3 spacings)."""
    return float(g[edges[1:] <= MIN_SPACING].max()), float(np.abs(g[edges[:-1] >= 3.0] - 1).max())


def _interior(scan_map, points: np.ndarray) -> np.ndarray:
    """Distance from each point to where the map asks for nothing, or for strays only."""
    border = (scan_map.fu_density_per_cm2 == 0) | scan_map.ahead_of_line
    zero = cKDTree(scan_map.points_mm[border])
    return zero.query(points)[0]


@pytest.fixture(scope="module")
def scan_probes(scan_head, scan_map):
    """Probes on the treated faces, 3 mm or more inside the treated border, with spacing."""
    face_density = scan_map.face_density_per_mm2(len(scan_head.faces))
    active = np.flatnonzero(face_density > 0)
    probes, which = sample_triangles(
        scan_head.triangles_mm[active],
        scan_head.face_areas_mm2[active],
        300_000,
        rng=np.random.default_rng(3),
    )
    inside = _interior(scan_map, probes) > 3.0
    return probes[inside], hexagonal_spacing_mm(100.0 * face_density[active][which[inside]])


def _areas(scan_map) -> dict[int, float]:
    has = scan_map.zone_id >= 0
    totals = np.bincount(scan_map.zone_id[has], weights=scan_map.area_mm2[has]) / 100.0
    return {z: float(a) for z, a in enumerate(totals)}


def test_unit_centres_on_the_scan_meet_the_spacing_density_and_hole_bounds(
    scan_map, scan_units, scan_probes
) -> None:
    c, s = scan_units.centres_mm, scan_units.spacing_mm
    assert len(c) > 20_000
    assert closest_pair_spacings(c, s) >= MIN_SPACING
    assert largest_hole_spacings(c, *scan_probes) <= MAX_HOLE
    errors = zone_density_errors(scan_units.zone_id, scan_map.expected_units(), _areas(scan_map))
    assert len(errors) == 5
    assert max(abs(e) for e in errors.values()) <= ZONE_DENSITY, errors


def test_unit_centres_pair_correlation_on_the_scan(scan_map, scan_units) -> None:
    c, s = scan_units.centres_mm, scan_units.spacing_mm
    interior = _interior(scan_map, c) > 4.5 * s
    edges, g = pair_correlation(c, s, centres=interior, bins=40)
    below, far = g_bounds(edges, g)
    assert below == 0.0
    assert far <= G_FAR
    assert g.max() > 2.0  # a first-neighbour peak: blue noise, not Poisson


def test_every_session_prefix_is_blue_noise_at_its_own_density(scan_units, scan_probes) -> None:
    c, s = scan_units.centres_mm, scan_units.spacing_mm
    probes, probe_spacing = scan_probes
    for share, rho in PREFIX_RHO.items():
        k = round(share * len(c))
        own = s[:k] / np.sqrt(share)
        assert closest_pair_spacings(c[:k], own) >= rho, share
        assert largest_hole_spacings(c[:k], probes, probe_spacing / np.sqrt(share)) <= MAX_HOLE


def test_a_random_order_fails_the_prefix_check(scan_units) -> None:
    c, s = scan_units.centres_mm, scan_units.spacing_mm
    shuffled = np.random.default_rng(0).permutation(len(c))[: int(0.3 * len(c))]
    assert closest_pair_spacings(c[shuffled], s[shuffled] / np.sqrt(0.3)) < PREFIX_RHO[0.3]


def test_uniform_random_points_fail_every_check(
    scan_head, scan_map, scan_units, scan_probes
) -> None:
    face_density = scan_map.face_density_per_mm2(len(scan_head.faces))
    active = np.flatnonzero(face_density > 0)
    weights = face_density[active] * scan_head.face_areas_mm2[active]
    rng = np.random.default_rng(4)
    random_pts, which = sample_triangles(
        scan_head.triangles_mm[active], weights, len(scan_units.centres_mm), rng=rng
    )
    spacing = hexagonal_spacing_mm(100.0 * face_density[active][which])
    assert closest_pair_spacings(random_pts, spacing) < MIN_SPACING
    assert largest_hole_spacings(random_pts, *scan_probes) > MAX_HOLE
    interior = _interior(scan_map, random_pts) > 4.5 * spacing
    below, _far = g_bounds(*pair_correlation(random_pts, spacing, centres=interior, bins=40))
    assert below > 0.5
    # a pattern that misses a tenth of one zone's units fails the density check
    zone = scan_units.zone_id.copy()
    frontal = np.flatnonzero(zone == 1)
    zone[frontal[: len(frontal) // 10]] = -1
    errors = zone_density_errors(zone, scan_map.expected_units(), _areas(scan_map))
    assert max(abs(e) for e in errors.values()) > ZONE_DENSITY


def test_uniform_density_on_a_sphere(sphere) -> None:
    vertices, faces = sphere
    density = np.full(len(faces), 0.5)  # 50 units per cm², about 2 mm apart
    noise = blue_noise_on_mesh(vertices, faces, density, rng=np.random.default_rng(1))
    area = 4 * np.pi * 80.0**2 * 0.9987  # the icosphere's area is a little under the sphere's
    assert abs(len(noise.points_mm) - 0.5 * area) < 0.01 * 0.5 * area
    assert closest_pair_spacings(noise.points_mm, noise.spacing_mm) >= MIN_SPACING
    probes = np.random.default_rng(2).normal(size=(200_000, 3))
    probes = 80.0 * probes / np.linalg.norm(probes, axis=1, keepdims=True)
    assert largest_hole_spacings(noise.points_mm, probes, noise.spacing_mm[:1]) <= MAX_HOLE
    below, far = g_bounds(*pair_correlation(noise.points_mm, noise.spacing_mm, bins=40))
    assert below == 0.0
    assert far <= G_FAR
    # on the surface: within a hair of the sphere (its facets sag under 0.01 mm)
    radius = np.linalg.norm(noise.points_mm, axis=1)
    assert radius.max() <= 80.0 + 1e-9
    assert radius.min() >= 80.0 - 0.01
    order = progressive_order(noise.points_mm, noise.spacing_mm, (0.3, 0.7))
    assert sorted(order.tolist()) == list(range(len(order)))


def test_holes_are_filled_by_the_most_crowded_points(sphere) -> None:
    vertices, faces = sphere
    density = np.full(len(faces), 0.5)
    noise = blue_noise_on_mesh(vertices, faces, density, rng=np.random.default_rng(6))
    spacing = float(noise.spacing_mm[0])
    # five holes: a point and its three nearest neighbours taken out, far from each other
    _, group = cKDTree(noise.points_mm).query(noise.points_mm, k=4)
    sites = [0]
    for i in range(1, len(noise.points_mm)):
        if len(sites) == 5:
            break
        if np.min(np.linalg.norm(noise.points_mm[sites] - noise.points_mm[i], axis=1)) > 40:
            sites.append(i)
    gone = np.zeros(len(noise.points_mm), dtype=bool)
    gone[group[sites].ravel()] = True
    holed = BlueNoise(noise.points_mm[~gone], noise.face_index[~gone], noise.spacing_mm[~gone])
    probes = np.random.default_rng(2).normal(size=(400_000, 3))
    probes = 80.0 * probes / np.linalg.norm(probes, axis=1, keepdims=True)
    near_site = cKDTree(noise.points_mm[sites]).query(probes)[0] < 2.0 * spacing
    probes = probes[near_site]

    def widest_hole_per_site(points: np.ndarray) -> np.ndarray:
        empty = cKDTree(points).query(probes)[0]
        site = cKDTree(noise.points_mm[sites]).query(probes)[1]
        return np.array([empty[site == k].max() for k in range(5)]) / spacing

    before = widest_hole_per_site(holed.points_mm)
    assert before.min() > 0.95 and before.max() > 1.2  # holes indeed
    filled = fill_holes(holed, density, walk_frames(vertices, faces), rng=np.random.default_rng(0))
    assert len(filled.points_mm) == len(holed.points_mm)  # the crowded points moved there
    assert widest_hole_per_site(filled.points_mm).max() < 0.95
    assert closest_pair_spacings(filled.points_mm, filled.spacing_mm) >= MIN_SPACING
    radius = np.linalg.norm(filled.points_mm, axis=1)
    assert radius.max() <= 80.0 + 1e-9 and radius.min() >= 80.0 - 0.01


def test_a_density_step_on_a_sphere_is_met_on_both_sides(sphere) -> None:
    vertices, faces = sphere
    north = vertices[faces].mean(axis=1)[:, 2] > 0
    density = np.where(north, 1.0, 0.25)
    noise = blue_noise_on_mesh(vertices, faces, density, rng=np.random.default_rng(3))
    on_north = noise.points_mm[:, 2] > 0
    hemisphere = 2 * np.pi * 80.0**2
    assert np.count_nonzero(on_north) == pytest.approx(1.0 * hemisphere, rel=ZONE_DENSITY)
    assert np.count_nonzero(~on_north) == pytest.approx(0.25 * hemisphere, rel=ZONE_DENSITY)
    assert closest_pair_spacings(noise.points_mm, noise.spacing_mm) >= MIN_SPACING


def _flat_mesh(size_mm: float = 40.0, step_mm: float = 1.5) -> tuple[np.ndarray, np.ndarray]:
    n = int(size_mm / step_mm) + 1
    x, y = np.meshgrid(np.linspace(0, size_mm, n), np.linspace(0, size_mm, n))
    vertices = np.column_stack([x.ravel(), y.ravel(), np.zeros(n * n)])
    a = (np.arange(n - 1)[:, None] * n + np.arange(n - 1)[None, :]).ravel()
    faces = np.vstack(
        [np.column_stack([a, a + 1, a + n + 1]), np.column_stack([a, a + n + 1, a + n])]
    )
    return vertices, faces


@settings(max_examples=12, deadline=None)
@given(
    base=st.floats(0.3, 2.0),
    bumps=st.lists(
        st.tuples(st.floats(0, 40), st.floats(0, 40), st.floats(-0.6, 1.5), st.floats(3, 15)),
        max_size=4,
    ),
    seed=st.integers(0, 2**31 - 1),
)
def test_any_smooth_density_map_gives_its_integral_and_keeps_spacing(base, bumps, seed) -> None:
    vertices, faces = _flat_mesh()
    centre = vertices[faces].mean(axis=1)
    density = np.full(len(faces), base)
    for x, y, amplitude, width in bumps:
        density *= 1 + amplitude * np.exp(
            -((centre[:, 0] - x) ** 2 + (centre[:, 1] - y) ** 2) / width**2
        )
    density = np.clip(density, 0.1, None)
    area = 0.5 * np.linalg.norm(
        np.cross(*(vertices[faces[:, k]] - vertices[faces[:, 0]] for k in (1, 2))), axis=1
    )
    noise = blue_noise_on_mesh(vertices, faces, density, rng=np.random.default_rng(seed))
    assert abs(len(noise.points_mm) - (density * area).sum()) < 1.0
    assert closest_pair_spacings(noise.points_mm, noise.spacing_mm) >= MIN_SPACING
    assert np.all((noise.points_mm[:, :2] >= -1e-9) & (noise.points_mm[:, :2] <= 40 + 1e-9))
    assert np.all(noise.points_mm[:, 2] == 0.0)
    again = blue_noise_on_mesh(vertices, faces, density, rng=np.random.default_rng(seed))
    assert np.array_equal(again.points_mm, noise.points_mm)


def test_bad_density_maps_are_refused() -> None:
    vertices, faces = _flat_mesh(6.0)
    with pytest.raises(ValueError, match="one density per face"):
        blue_noise_on_mesh(vertices, faces, np.ones(3), rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="finite"):
        bad = np.ones(len(faces))
        bad[0] = np.nan
        blue_noise_on_mesh(vertices, faces, bad, rng=np.random.default_rng(0))


def test_the_hairline_ramps_up_with_stray_single_units_ahead(
    scan_head, scan_design, scan_units
) -> None:
    curve = hairline_curve_mm(scan_head, scan_design)
    c = scan_units.centres_mm
    behind = cKDTree(curve).query(c)[0]
    inside = treated_region(scan_design, c, curve)
    band = (scan_units.zone_id == 0) & inside
    width = scan_design.band_width_mm
    thirds = [
        np.count_nonzero(band & (behind >= k * width / 3) & (behind < (k + 1) * width / 3))
        for k in range(3)
    ]
    assert thirds[0] < thirds[1] < thirds[2]
    start = DEFAULTS["hairline_ramp_start_fraction"].value
    # mean ramp over the first and the last third: f0 + (1 - f0)/3 and f0 + 5 (1 - f0)/3
    assert thirds[0] / thirds[2] == pytest.approx(
        (start + (1 - start) / 3) / (start + 5 * (1 - start) / 3), rel=0.2
    )
    # stray units: singles of the band's zone, ahead of the line (to within a face)
    strays = (scan_units.zone_id == 0) & (scan_units.impressions_per_fu == 1.0)
    assert np.count_nonzero(strays) > 20
    assert np.all(~inside[strays] | (behind[strays] < 1.0))
    reach = DEFAULTS["hairline_stray_reach_mm"].value
    assert behind[strays].max() <= reach + SCALP_EDGE_MM  # the wall is a face's edge away
    assert behind[strays].std() > 0.5  # scattered ahead of the line, not on a second line


def test_impressions_of_units(scan_head, scan_design, scan_units) -> None:
    pattern = impressions_of_units(scan_head, scan_design, scan_units, rng=np.random.default_rng(8))
    members = np.bincount(pattern.fu_id, minlength=len(scan_units.centres_mm))
    strays = scan_units.impressions_per_fu == 1.0
    assert np.all(members[strays] == 1)
    shares = np.bincount(members[~strays], minlength=5)[1:] / np.count_nonzero(~strays)
    assert shares == pytest.approx(fu_size_shares(), abs=0.015)
    offset = DEFAULTS["fu_impression_offset_mm"].value
    gaps = cKDTree(pattern.positions_mm).query(pattern.positions_mm, k=2)[0][:, 1]
    paired = members[pattern.fu_id] > 1
    # a few units meet a crease and come out squeezed, never under the safety spacing
    assert gaps[paired].min() >= DEFAULTS["min_impression_spacing_mm"].value
    assert np.percentile(gaps[paired], 1) >= 0.98 * offset
    assert np.median(gaps[paired]) == pytest.approx(offset, rel=0.02)
    lo, hi = DEFAULTS["dot_diameter_min_mm"].value, DEFAULTS["dot_diameter_max_mm"].value
    assert pattern.dot_diameter_mm.min() >= lo
    assert pattern.dot_diameter_mm.max() <= hi
    assert np.unique(pattern.dot_diameter_mm).size > 100
    # on the surface, with its normal
    # (the quick distance searches the faces of the 12 nearest centroids: check any point it
    # finds off the surface against every face)
    flagged = np.flatnonzero(distance_to_surface_mm(scan_head, pattern.positions_mm) > SURFACE_MM)
    assert len(flagged) < 10
    for point in pattern.positions_mm[flagged]:
        feet = closest_points_on_triangles(
            np.repeat(point[None], len(scan_head.faces), axis=0), scan_head.triangles_mm
        )
        assert np.linalg.norm(feet - point, axis=1).min() < SURFACE_MM
    assert np.allclose(np.linalg.norm(pattern.normals, axis=1), 1.0)


def test_a_units_mean_size_tilts_the_shares() -> None:
    assert tilted_size_shares(1.93) == pytest.approx(fu_size_shares(), abs=0.01)
    for mean in (1.2, 2.5, 3.6):
        p = tilted_size_shares(mean)
        assert p.sum() == pytest.approx(1.0)
        assert p @ np.arange(1, 5) == pytest.approx(mean, abs=1e-6)
    with pytest.raises(PlanValidationError, match="1–4"):
        tilted_size_shares(4.5)


def test_a_scar_is_filled_at_the_surrounding_density(scan_head, scan_design) -> None:
    chart = scalp_chart(scan_head)
    # an oval scar about 30 × 12 mm on the back of the head, in the mid-scalp
    t = np.linspace(0, 2 * np.pi, 64, endpoint=False)
    height = scan_head.vertices_mm[:, 1].max() - 45.0
    outline = surface_at(scan_head, np.pi + 0.2 * np.cos(t), height + 6.0 * np.sin(t))
    main = next(z for z in scan_design.zones if z.name == "mid-scalp")
    scar = Zone(
        len(scan_design.zones),
        "scar",
        main.density_per_cm2,
        0.12,
        kind="scar",
        outline_mm=outline,
        impressions_per_fu=main.impressions_per_fu,
    )
    design = dataclasses.replace(scan_design, zones=(*scan_design.zones, scar))
    density_map = fu_density_map(scan_head, design, chart=chart)
    units = follicular_units(scan_head, density_map, rng=np.random.default_rng(9))
    areas = _areas(density_map)
    inside = np.count_nonzero(units.zone_id == scar.zone_id) / areas[scar.zone_id]
    around_density = np.count_nonzero(units.zone_id == main.zone_id) / areas[main.zone_id]
    assert areas[scar.zone_id] > 2.0
    assert inside == pytest.approx(around_density, rel=0.05)
    # labelled by the map sample nearest each unit: inside the outline but at its very edge
    assert (
        np.mean(inside_outline(chart, outline, units.centres_mm[units.zone_id == scar.zone_id]))
        > 0.95
    )


def test_same_seed_same_pattern_and_another_seed_another(scan_head, scan_design) -> None:
    a = synthesize_impressions(scan_head, scan_design, rng=np.random.default_rng(11))
    b = synthesize_impressions(scan_head, scan_design, rng=np.random.default_rng(11))
    c = synthesize_impressions(scan_head, scan_design, rng=np.random.default_rng(12))
    assert a == b
    assert a != c
    assert np.all(np.diff(a.fu_id) >= 0)  # rows grouped by unit, units in placing order
