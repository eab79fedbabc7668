"""The blend zone: where the photos show hair remaining, its density matched to the hair."""

import dataclasses

import numpy as np
import pytest

from smpstudio.core import View
from smpstudio.design import (
    ZONE_NAMES,
    default_design,
    density_of_points,
    region_of_points,
    zone_areas_cm2,
    zone_of_points,
)
from smpstudio.domain import DEFAULTS
from smpstudio.head import hair_share_of_faces, sample_surface_uniform
from smpstudio.pattern import synthesize_impressions
from smpstudio.render import studio_camera

HAIR_SHARE = 0.65
"""Hair share given to the client's left side: halfway from bare (0.3) to full (1)."""


@pytest.fixture(scope="module")
def left_haired(sphere):
    """The sphere's default design with hair at share 0.65 on faces left of x = 20 mm."""
    head, chart, _ = sphere
    share = np.where(head.triangles_mm.mean(axis=1)[:, 0] > 20.0, HAIR_SHARE, 0.0)
    share[head.triangles_mm.mean(axis=1)[:, 2] < -60.0] = np.nan  # the back: not seen
    design = default_design(head, hair_share=share)
    return head, chart, design


def test_hair_seen_on_a_photo_is_carried_to_the_faces_it_shows(sphere) -> None:
    head, _, _ = sphere
    camera = studio_camera(400, 400, elevation_deg=90.0, distance_mm=900.0)
    hair = np.zeros((400, 400), dtype=bool)
    hair[:, :200] = True
    view = View(
        name="top",
        image_file="photos/top.jpg",
        image_sha256="0" * 64,
        width_px=400,
        height_px=400,
        face_box_px=None,
        landmarks_px=None,
        mm_per_px=None,
        skin_lab=(60.0, 15.0, 15.0),
        masks={"hair": hair, "upper_head": np.ones_like(hair)},
        quality={},
        camera=camera,
    )
    share = hair_share_of_faces(head, (view,))
    seen = ~np.isnan(share)
    centres = head.triangles_mm.mean(axis=1)
    xy, _ = camera.project(centres)
    assert seen.sum() > 1000
    assert np.all(share[seen] == (np.round(xy[seen, 0]) < 200))
    assert not np.any(seen & (centres[:, 1] < 0))  # the underside is not seen from above


def test_the_blend_zone_is_where_hair_remains_inside_the_treated_region(left_haired) -> None:
    head, chart, design = left_haired
    assert design.zones[-1].name == "blend"
    probe, faces = sample_surface_uniform(
        head, head.scalp_faces, 50_000, rng=np.random.default_rng(8)
    )
    region = region_of_points(head, design, probe, chart=chart, face_index=faces)
    blend = region == ZONE_NAMES.index("blend")
    treated = region >= 0
    haired = design.hair_share[faces] >= DEFAULTS["hair_bare_below_fraction"].value
    assert np.array_equal(blend, treated & haired)
    # the same without face indices (found from the points)
    assert np.array_equal(region_of_points(head, design, probe, chart=chart), region)
    no_hair = default_design(head)
    assert "blend" not in {z.name for z in no_hair.zones}
    areas = zone_areas_cm2(head, design, chart=chart)
    plain = zone_areas_cm2(head, no_hair, chart=chart)
    assert areas[design.zones[-1].zone_id] > 50.0
    assert sum(areas.values()) == pytest.approx(sum(plain.values()), rel=1e-9)


def test_the_blend_density_fills_what_the_hair_leaves_uncovered(left_haired) -> None:
    head, chart, design = left_haired
    centres = head.triangles_mm.mean(axis=1)
    faces = np.flatnonzero(head.scalp_faces)
    zone = zone_of_points(head, design, centres[faces], chart=chart, face_index=faces)
    density = density_of_points(design, zone, faces)
    blend = zone == design.zones[-1].zone_id
    main = DEFAULTS["impression_density_per_cm2"].value
    bare = DEFAULTS["hair_bare_below_fraction"].value
    assert np.allclose(density[blend], main * (1 - HAIR_SHARE) / (1 - bare))
    assert np.allclose(density[zone < 0], 0.0)
    with pytest.raises(ValueError, match="face_index is needed"):
        density_of_points(design, zone)


def test_the_pattern_follows_the_matched_density(left_haired) -> None:
    head, chart, design = left_haired
    low = dataclasses.replace(
        design, zones=tuple(dataclasses.replace(z, density_per_cm2=30.0) for z in design.zones)
    )
    pattern = synthesize_impressions(head, low, rng=np.random.default_rng(5))
    areas = zone_areas_cm2(head, low, chart=chart)
    by_name = {z.name: z.zone_id for z in low.zones}
    per_cm2 = {
        name: np.count_nonzero(pattern.zone_id == i) / areas[i] for name, i in by_name.items()
    }
    expected_blend = 30.0 * (1 - HAIR_SHARE) / (1 - DEFAULTS["hair_bare_below_fraction"].value)
    assert per_cm2["mid-scalp"] == pytest.approx(30.0, rel=0.08)
    assert per_cm2["blend"] == pytest.approx(expected_blend, rel=0.1)
