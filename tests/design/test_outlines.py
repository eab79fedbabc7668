"""Scars and exclusions drawn on the surface or on a photo."""

import dataclasses

import numpy as np
import pytest

from smpstudio.core import View, Zone
from smpstudio.design import (
    PHOTO_EDGE_STEP_PX,
    check_design,
    inside_outline,
    outline_from_photo,
    outline_on_surface,
    outline_zones,
    points_in_polygon,
    zone_areas_cm2,
    zone_of_points,
)
from smpstudio.errors import PlanValidationError
from smpstudio.pattern import synthesize_impressions
from smpstudio.render import studio_camera

from .conftest import SPHERE_CENTRE_MM, SPHERE_RADIUS_MM

AREA_TOLERANCE = 0.02
"""A 96-gon inscribed in a circle has 0.07 % less area; the rest is the 16-point quadrature."""


def _circle_on_sphere(axis: np.ndarray, radius_deg: float, count: int = 96) -> np.ndarray:
    """Points of the circle at angular radius ``radius_deg`` about ``axis`` on the sphere."""
    axis = axis / np.linalg.norm(axis)
    e1 = np.cross(axis, [0.0, 1.0, 0.0] if abs(axis[1]) < 0.9 else [1.0, 0.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(axis, e1)
    t = np.linspace(0, 2 * np.pi, count, endpoint=False)[:, None]
    a = np.radians(radius_deg)
    direction = np.cos(a) * axis + np.sin(a) * (np.cos(t) * e1 + np.sin(t) * e2)
    return np.asarray(SPHERE_CENTRE_MM) + SPHERE_RADIUS_MM * direction


def _cap_cm2(radius_deg: float) -> float:
    return 2 * np.pi * SPHERE_RADIUS_MM**2 * (1 - np.cos(np.radians(radius_deg))) / 100


def _with_zones(design, *zones: Zone):
    return dataclasses.replace(design, zones=design.zones + zones)


def test_points_in_a_concave_polygon() -> None:
    ell = np.array([[0, 0], [4, 0], [4, 1], [1, 1], [1, 3], [0, 3]], dtype=float)
    grid = np.stack(np.meshgrid(np.arange(0.25, 4, 0.5), np.arange(0.25, 3, 0.5)), -1)
    points = grid.reshape(-1, 2)
    expected = (points[:, 1] < 1) | (points[:, 0] < 1)
    assert np.array_equal(points_in_polygon(points, ell), expected)


@pytest.mark.parametrize(("axis", "radius_deg"), [((0.0, 1.0, 0.3), 8.0), ((0.0, 0.6, -1.0), 12.0)])
def test_a_scar_drawn_as_a_circle_on_a_sphere_has_the_cap_area(sphere, axis, radius_deg) -> None:
    """A small cap on the top and a larger one low on the back (where the chart stretches)."""
    head, chart, design = sphere
    outline = _circle_on_sphere(np.array(axis), radius_deg)
    scar = Zone(len(design.zones), "scar", 90.0, 0.12, kind="scar", outline_mm=outline)
    areas = zone_areas_cm2(head, _with_zones(design, scar), chart=chart)
    assert areas[scar.zone_id] == pytest.approx(_cap_cm2(radius_deg), rel=AREA_TOLERANCE)


def test_an_exclusion_takes_its_area_from_the_zones_around_and_gets_no_dots(sphere) -> None:
    head, chart, design = sphere
    low = dataclasses.replace(
        design, zones=tuple(dataclasses.replace(z, density_per_cm2=20.0) for z in design.zones)
    )
    mole = Zone(
        len(low.zones),
        "mole",
        0.0,
        0.12,
        kind="exclusion",
        outline_mm=_circle_on_sphere(np.array([0.0, 1.0, -0.6]), 10.0),
    )
    before = zone_areas_cm2(head, low, chart=chart)
    excluded = _with_zones(low, mole)
    after = zone_areas_cm2(head, excluded, chart=chart)
    assert after[mole.zone_id] == pytest.approx(_cap_cm2(10.0), rel=AREA_TOLERANCE)
    assert sum(after.values()) == pytest.approx(sum(before.values()), rel=1e-9)
    pattern = synthesize_impressions(head, excluded, rng=np.random.default_rng(2))
    assert len(pattern) > 5000
    assert not np.any(pattern.zone_id == mole.zone_id)
    assert not np.any(inside_outline(chart, mole.outline_mm, pattern.positions_mm))
    # and the dots do reach the exclusion's edge: some lie within 3 mm of the outline
    gap = np.linalg.norm(pattern.positions_mm[:, None] - mole.outline_mm[None], axis=2).min()
    assert gap < 3.0


def test_the_exclusion_wins_where_it_lies_inside_a_scar(sphere) -> None:
    head, chart, design = sphere
    axis = np.array([0.0, 1.0, -0.3])
    scar = Zone(
        len(design.zones), "scar", 90.0, 0.12, kind="scar", outline_mm=_circle_on_sphere(axis, 12.0)
    )
    mole = Zone(
        scar.zone_id + 1,
        "mole",
        0.0,
        0.12,
        kind="exclusion",
        outline_mm=_circle_on_sphere(axis, 4.0),
    )
    both = _with_zones(design, scar, mole)
    centre = np.asarray(SPHERE_CENTRE_MM) + SPHERE_RADIUS_MM * axis / np.linalg.norm(axis)
    ring = _circle_on_sphere(axis, 8.0, count=8)
    zone = zone_of_points(head, both, np.vstack([centre, ring]), chart=chart)
    assert zone[0] == mole.zone_id and np.all(zone[1:] == scar.zone_id)
    findings = {f.code: f for f in check_design(head, both, chart=chart)}
    overlap = findings["zones_overlap"]
    assert overlap.severity == "error"
    overlap_cm2 = float(overlap.message.split("overlap by ")[1].split(" ")[0])
    assert overlap_cm2 == pytest.approx(_cap_cm2(4.0), rel=AREA_TOLERANCE, abs=0.01)
    apart = _with_zones(
        design,
        scar,
        dataclasses.replace(mole, outline_mm=_circle_on_sphere(-axis * [1, -1, 1], 4.0)),
    )
    assert "zones_overlap" not in {f.code for f in check_design(head, apart, chart=chart)}


def test_an_outline_drawn_on_a_photo_lands_where_the_photo_shows_it(sphere) -> None:
    head, _, _ = sphere
    camera = studio_camera(600, 800, elevation_deg=35.0, height_mm=60.0)
    truth = _circle_on_sphere(np.array([0.2, 1.0, 0.5]), 6.0, count=12)
    points_px, _ = camera.project(truth)
    view = _view(camera, 600, 800)
    outline = outline_from_photo(head, view, points_px)
    # the corners are the first of each densified edge; every point lies on the sphere
    radius = np.linalg.norm(outline - np.asarray(SPHERE_CENTRE_MM), axis=1)
    assert np.abs(radius - SPHERE_RADIUS_MM).max() < 0.2  # the mesh's chord error
    corners = outline[np.isin(np.arange(len(outline)), _corner_rows(points_px))]
    assert np.linalg.norm(corners - truth, axis=1).max() < 0.5
    with pytest.raises(PlanValidationError, match=r"outline point 1 \[700.0, 10.0\] lies outside"):
        outline_from_photo(head, view, np.array([[10.0, 10.0], [700.0, 10.0], [10.0, 20.0]]))
    with pytest.raises(PlanValidationError, match="leaves the head near pixel"):
        outline_from_photo(head, view, np.array([[2.0, 2.0], [30.0, 2.0], [2.0, 30.0]]))


def test_an_outline_in_other_units_is_refused_with_the_distance(sphere) -> None:
    head, _, _ = sphere
    truth = _circle_on_sphere(np.array([0.0, 1.0, 0.0]), 5.0, count=6)
    assert np.abs(outline_on_surface(head, truth) - truth).max() < 0.2
    with pytest.raises(PlanValidationError, match=r"lies 1\d\d\.\d mm from the head surface"):
        outline_on_surface(head, truth / 10)  # given in centimetres


def test_outline_entries_are_checked_and_named(sphere) -> None:
    head, _, _ = sphere
    camera = studio_camera(600, 800, elevation_deg=35.0, height_mm=60.0)
    views = (_view(camera, 600, 800),)
    circle = _circle_on_sphere(np.array([0.0, 1.0, 0.0]), 5.0, count=6).tolist()
    on_photo = camera.project(_circle_on_sphere(np.array([0.0, 1.0, 0.5]), 3.0, count=5))[0]
    zones = outline_zones(
        head,
        views,
        [
            {"kind": "scar", "name": "FUT", "points_mm": circle, "density_per_cm2": 80},
            {
                "kind": "exclusion",
                "name": "mole",
                "view": "top",
                "points_px": on_photo.tolist(),
            },
        ],
        first_zone_id=6,
    )
    assert [(z.zone_id, z.kind, z.density_per_cm2) for z in zones] == [
        (6, "scar", 80.0),
        (7, "exclusion", 0.0),
    ]
    bad = [
        ({"kind": "tattoo", "points_mm": circle}, "kind must be one of"),
        ({"kind": "scar", "points_mm": circle, "colour": "red"}, r"unknown keys \['colour'\]"),
        ({"kind": "scar", "points_mm": circle, "view": "top", "points_px": circle}, "either"),
        ({"kind": "scar", "view": "side", "points_px": [[1, 1], [2, 2], [3, 1]]}, "naming one of"),
        ({"kind": "exclusion", "points_mm": circle, "density_per_cm2": 5}, "has no density"),
        ({"kind": "scar", "points_mm": circle[:2]}, "at least 3 points"),
    ]
    for entry, message in bad:
        with pytest.raises(PlanValidationError, match=rf"outline 0 \(.*\): .*{message}"):
            outline_zones(head, views, [entry], first_zone_id=6)


def _corner_rows(points_px: np.ndarray) -> np.ndarray:
    """Rows of the densified outline that are the drawn corners."""
    ends = np.roll(points_px, -1, axis=0)
    steps = np.maximum(
        1, np.ceil(np.linalg.norm(ends - points_px, axis=1) / PHOTO_EDGE_STEP_PX)
    ).astype(int)
    return np.concatenate([[0], np.cumsum(steps)[:-1]])


def _view(camera, width: int, height: int) -> View:
    return View(
        name="top",
        image_file="photos/top.jpg",
        image_sha256="0" * 64,
        width_px=width,
        height_px=height,
        face_box_px=None,
        landmarks_px=None,
        mm_per_px=None,
        skin_lab=(60.0, 15.0, 15.0),
        masks={},
        quality={},
        camera=camera,
    )
