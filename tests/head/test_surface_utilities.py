"""Surface utilities on known shapes: geodesic distance, the scalp chart, visibility."""

import numpy as np
import pytest
import trimesh

from smpstudio.core import Camera, HeadModel, RigidTransform
from smpstudio.head import (
    chart_stretch,
    fit_ellipsoid_head,
    geodesic_distance_mm,
    project_visible,
    scalp_chart,
    surface_from_chart,
)

RADIUS_MM = 80.0
CAP_DEG = 70.0
GEODESIC_MEAN_RELATIVE = 0.01
"""Mean relative error of heat-method distances on a 1.5 mm sphere mesh."""
GEODESIC_MAX_MM = 1.5
"""Largest error within 130 mm of the source (a whole scalp) on that mesh."""
STRETCH_MEDIAN_ERROR = 0.02
"""Median error of the chart's per-face area scale against the sphere's exact value."""


@pytest.fixture(scope="module")
def sphere() -> tuple[np.ndarray, np.ndarray]:
    mesh = trimesh.creation.icosphere(subdivisions=6, radius=RADIUS_MM)  # 1.5 mm edges
    return np.asarray(mesh.vertices), np.asarray(mesh.faces, dtype=np.int64)


def _great_circle_mm(points: np.ndarray, source: np.ndarray) -> np.ndarray:
    cos = points @ source / (np.linalg.norm(points, axis=1) * np.linalg.norm(source))
    return RADIUS_MM * np.arccos(np.clip(cos, -1, 1))


def test_geodesic_distance_matches_great_circles(sphere) -> None:
    vertices, faces = sphere
    top = int(np.argmax(vertices[:, 1]))
    found = geodesic_distance_mm(vertices, faces, np.array([top]))
    truth = _great_circle_mm(vertices, vertices[top])
    far = truth > 5.0
    assert np.mean(np.abs(found[far] - truth[far]) / truth[far]) < GEODESIC_MEAN_RELATIVE
    assert np.abs(found - truth)[truth < 130].max() < GEODESIC_MAX_MM


def test_chart_of_a_sphere_cap_has_the_azimuthal_equidistant_stretch(sphere) -> None:
    vertices, faces = sphere
    centre = vertices[faces].mean(axis=1)
    colatitude = np.degrees(np.arccos(centre[:, 1] / np.linalg.norm(centre, axis=1)))
    cap = HeadModel(
        vertices_mm=vertices, faces=faces, scalp_faces=colatitude < CAP_DEG, source="sphere"
    )
    chart = scalp_chart(cap)
    # distances from the apex are kept, circles stretched by r / (R sin(r/R))
    assert chart.summary()["radius_max_mm"] == pytest.approx(
        RADIUS_MM * np.radians(CAP_DEG), abs=1.5
    )
    middle = chart.vertices_mm[chart.faces].mean(axis=1)
    r = _great_circle_mm(middle, chart.apex_mm) / RADIUS_MM
    exact = r / np.sin(r)
    assert np.median(np.abs(chart.area_scale - exact)) < STRETCH_MEDIAN_ERROR
    assert np.median(np.abs(chart.angle_ratio - exact)) < STRETCH_MEDIAN_ERROR
    # u points to the client's left (+x), v forward (+z)
    left = int(np.argmax(chart.vertices_mm[:, 0]))
    front = int(np.argmax(chart.vertices_mm[:, 2]))
    assert chart.uv_mm[left, 0] > 0 and abs(chart.uv_mm[left, 1]) < 5
    assert chart.uv_mm[front, 1] > 0 and abs(chart.uv_mm[front, 0]) < 5


def test_chart_positions_map_back_to_the_surface() -> None:
    chart = scalp_chart(fit_ellipsoid_head())
    inner = np.linalg.norm(chart.uv_mm, axis=1) < 100
    back = surface_from_chart(chart, chart.uv_mm[inner])
    assert np.abs(back - chart.vertices_mm[inner]).max() < 1e-6
    assert np.isnan(surface_from_chart(chart, np.array([[500.0, 0.0]]))).all()
    s = chart.summary()
    assert 1.0 <= s["area_scale_median"] < s["area_scale_p95"] < 2.0
    assert 1.0 <= s["angle_ratio_median"] < s["angle_ratio_p95"] < 2.0


def test_stretch_of_a_similarity_is_uniform() -> None:
    v = np.array([[0.0, 0, 0], [3, 0, 1], [0, 2, 0]])
    uv = (v[:, :2] @ np.array([[0.6, -0.8], [0.8, 0.6]])) * 2.0  # not isometric: v has z
    area, _ = chart_stretch(v, np.array([[0, 1, 2]]), uv)
    flat = np.array([[0.0, 0, 0], [3, 0, 0], [0, 2, 0]])
    area_flat, angle_flat = chart_stretch(flat, np.array([[0, 1, 2]]), flat[:, :2] * 2.0)
    assert area_flat[0] == pytest.approx(4.0) and angle_flat[0] == pytest.approx(1.0)
    assert area[0] < 4.0  # the tilted triangle is larger than its shadow


def test_points_behind_the_head_are_hidden() -> None:
    head = fit_ellipsoid_head()
    camera = Camera(
        2000.0,
        2000.0,
        300.0,
        400.0,
        RigidTransform.from_rotation_translation(
            np.diag([1.0, -1.0, -1.0]), np.array([0.0, 40.0, 600.0]), "camera:front", "head"
        ),
    )
    crown_front = head.vertices_mm[np.argmax(head.vertices_mm[:, 1] + head.vertices_mm[:, 2])]
    forehead = head.vertices_mm[
        np.argmax(head.vertices_mm[:, 2] - np.abs(head.vertices_mm[:, 1] - 60))
    ]
    back = head.vertices_mm[np.argmin(head.vertices_mm[:, 2] + np.abs(head.vertices_mm[:, 1] - 60))]
    xy, visible = project_visible(head, camera, np.vstack([forehead, back, crown_front]), 600, 800)
    assert visible.tolist() == [True, False, True]
    assert np.linalg.norm(xy[0] - xy[1]) < 200  # both project near the middle of the photo
    _, outside = project_visible(head, camera, forehead[None] + [0, 0, 0], 50, 50)
    assert not outside[0]
