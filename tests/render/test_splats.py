"""Splat geometry (on values, before any pixel) and compositing on a synthetic patch."""

import numpy as np
import pytest
import trimesh

from smpstudio.analysis import srgb_to_linear
from smpstudio.core import Camera, HeadModel, Pattern, RigidTransform
from smpstudio.pigment import delta_e_2000, lab_to_linear_rgb, lab_to_srgb8, linear_rgb_to_lab
from smpstudio.render import Splats, composite_splats, project_splats

RADIUS_MM = 100.0


def _sphere_scene(distance_mm: float, focal_px: float, n: int = 20000):
    mesh = trimesh.creation.icosphere(subdivisions=6, radius=RADIUS_MM)
    head = HeadModel(
        np.asarray(mesh.vertices),
        np.asarray(mesh.faces, np.int64),
        np.ones(len(mesh.faces), bool),
        "sphere",
    )
    rng = np.random.default_rng(0)
    normals = rng.normal(size=(n, 3))
    normals /= np.linalg.norm(normals, axis=1)[:, None]
    pattern = Pattern(
        normals * RADIUS_MM,
        normals,
        np.full(n, 0.12),
        np.arange(n),
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
    )
    # camera on −z looking at the centre (OpenCV frame: x right, y down, z forward)
    pose = RigidTransform.from_rotation_translation(
        np.diag([-1.0, -1.0, 1.0]), [0, 0, distance_mm], "camera:front", "head"
    )
    return head, pattern, Camera(focal_px, focal_px, 1000.0, 1000.0, pose)


def test_far_view_footprints_are_foreshortened_by_the_cosine() -> None:
    # 20 m away with a long lens: nearly orthographic, so minor/major = cos θ exactly
    head, pattern, camera = _sphere_scene(20000.0, 100000.0)
    splats = project_splats(head, camera, pattern, 2000, 2000)
    axes = splats.axes_px()
    assert np.allclose(axes[:, 1] / axes[:, 0], splats.cos_view, atol=2e-3)
    # major semi-axis: radius × f / distance
    distance = np.linalg.norm(camera.centre_mm - pattern.positions_mm[splats.rows], axis=1)
    assert np.allclose(axes[:, 0], 0.06 * camera.fx_px / distance, rtol=2e-3)
    assert np.allclose(splats.area_px2, np.pi * axes[:, 0] * axes[:, 1], rtol=1e-9)


def test_footprints_match_the_exact_projection_of_each_disc() -> None:
    head, pattern, camera = _sphere_scene(600.0, 3000.0, n=3000)
    splats = project_splats(head, camera, pattern, 2000, 2000)
    rows = splats.rows[:200]
    # project 2,000 points of each real disc and take their second moment
    rng = np.random.default_rng(1)
    r = 0.06 * np.sqrt(rng.random(2000))
    t = rng.random(2000) * 2 * np.pi
    for k, row in enumerate(rows):
        n = pattern.normals[row]
        u = np.cross(n, [1.0, 0, 0] if abs(n[0]) < 0.9 else [0, 1.0, 0])
        u /= np.linalg.norm(u)
        v = np.cross(n, u)
        disc = (
            pattern.positions_mm[row] + (r * np.cos(t))[:, None] * u + (r * np.sin(t))[:, None] * v
        )
        xy, _ = camera.project(disc)
        exact = np.cov(xy.T, bias=True)
        assert np.allclose(splats.moment_px2[k], exact, rtol=0.05, atol=0.05 * np.abs(exact).max())


def test_only_the_facing_unhidden_half_is_splatted() -> None:
    head, pattern, camera = _sphere_scene(600.0, 3000.0)
    splats = project_splats(head, camera, pattern, 2000, 2000)
    toward = pattern.normals[:, 2] < 0  # the camera sits on −z
    seen = np.zeros(len(pattern), bool)
    seen[splats.rows] = True
    assert not np.any(seen & ~toward)
    # from 600 mm the camera sees the cap within acos(R/d) of its axis: count it
    cap = pattern.normals[:, 2] < -RADIUS_MM / (600.0)
    assert seen.sum() == pytest.approx(cap.sum(), rel=0.02)


def _patch(skin_lab, size=200) -> np.ndarray:
    return np.tile(lab_to_srgb8(skin_lab), (size, size, 1)).astype(np.uint8)


def _disc_splats(centres, radius_px) -> Splats:
    m = len(centres)
    return Splats(
        np.arange(m),
        np.asarray(centres, float),
        np.tile(np.eye(2) * radius_px**2 / 4, (m, 1, 1)),
        np.full(m, np.pi * radius_px**2),
        np.ones(m),
    )


@pytest.mark.parametrize("radius_px", [2.5, 4.0, 8.0])
def test_dot_colour_on_a_flat_patch_is_the_model_prediction(radius_px: float) -> None:
    skin, dot = np.array([65.8, 15.9, 14.4]), np.array([45.1, 9.9, 7.5])
    image = _patch(skin)
    skin_linear = srgb_to_linear(image[:1, :1] / 255.0)[0, 0].astype(float)
    ratio = lab_to_linear_rgb(dot) / skin_linear
    splats = _disc_splats([[60.3, 70.7], [140.5, 130.2]], radius_px)
    out = srgb_to_linear(composite_splats(image, splats, np.tile(ratio, (2, 1))) / 255.0)
    # the dot's mean colour over its true footprint: skin minus the darkening per area
    window = out[40:100, 30:95]
    darkening = (skin_linear - window).sum(axis=(0, 1))
    mean_dot = skin_linear - darkening / (np.pi * radius_px**2)
    assert float(delta_e_2000(linear_rgb_to_lab(mean_dot), dot)) <= 3.0
    # the middle of the dot is the predicted colour itself
    assert float(delta_e_2000(linear_rgb_to_lab(out[71, 60]), dot)) <= 1.0


def test_sub_pixel_dots_keep_their_area_as_stubble_tone() -> None:
    skin, dot = np.array([65.8, 15.9, 14.4]), np.array([30.0, 5.0, 5.0])
    image = _patch(skin, 100)
    skin_linear = srgb_to_linear(image[:1, :1] / 255.0)[0, 0].astype(float)
    ratio = lab_to_linear_rgb(dot) / skin_linear
    rng = np.random.default_rng(2)
    centres = rng.uniform(10, 90, size=(4000, 2))  # 0.6 dots per px², 0.3 px across
    splats = _disc_splats(centres, 0.15)
    out = srgb_to_linear(composite_splats(image, splats, np.tile(ratio, (4000, 1))) / 255.0)
    darkening = (skin_linear - out).sum(axis=(0, 1))
    expected = 4000 * np.pi * 0.15**2 * (skin_linear - lab_to_linear_rgb(dot))
    assert np.allclose(darkening, expected, rtol=0.05)


def test_composite_is_deterministic_and_leaves_the_photo_alone() -> None:
    image = _patch(np.array([60.0, 10.0, 12.0]), 50)
    before = image.copy()
    splats = _disc_splats([[10.0, 10.0], [30.0, 25.0]], 3.0)
    a = composite_splats(image, splats, np.full((2, 3), 0.5))
    assert np.array_equal(a, composite_splats(image, splats, np.full((2, 3), 0.5)))
    assert np.array_equal(image, before)
    with pytest.raises(ValueError, match=r"reflectance_ratio must be \(2, 3\)"):
        composite_splats(image, splats, np.full((3, 3), 0.5))
