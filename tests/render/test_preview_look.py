"""The preview's look on values: soft dots, stubble, hidden pixels, macro scale, the model."""

import numpy as np
import pytest

from smpstudio.analysis import srgb_to_linear
from smpstudio.core import HeadModel
from smpstudio.domain import DEFAULTS
from smpstudio.pigment import delta_e_2000, lab_to_linear_rgb, lab_to_srgb8, linear_rgb_to_lab
from smpstudio.render import (
    CLOSE_UP_PX_PER_MM,
    DEFAULT_RENDER,
    RenderModel,
    Splats,
    apply_transmittance,
    dot_layer,
    dot_variation,
    footprint_matrices_orthographic,
    hair_density_per_mm2,
    scan_credit,
    stubble_coverage,
)


def _disc(radius_px: float, centre=(40.0, 40.0)) -> Splats:
    return Splats(
        np.zeros(1, np.int64),
        np.array([centre]),
        np.eye(2)[None] * radius_px**2 / 4,
        np.array([np.pi * radius_px**2]),
        np.ones(1),
    )


def test_a_close_up_dot_is_soft_and_its_middle_is_the_pigment_colour() -> None:
    skin, dot = np.array([65.8, 15.9, 14.4]), np.array([45.1, 9.9, 7.5])
    image = np.broadcast_to(lab_to_srgb8(skin).astype(np.uint8), (80, 80, 3)).copy()
    skin_linear = srgb_to_linear(image[0, 0] / 255.0)
    darkening = 1.0 - lab_to_linear_rgb(dot) / skin_linear
    radius = 0.06 * CLOSE_UP_PX_PER_MM  # a 0.12 mm dot at the macro's scale
    layer = dot_layer(_disc(radius), np.array([0.12]), darkening[None], np.ones(1))
    transmit = np.ones((80, 80, 3), np.float32)
    layer.composite(transmit)
    out = srgb_to_linear(apply_transmittance(image, transmit) / 255.0)
    assert float(delta_e_2000(linear_rgb_to_lab(out[40, 40]), dot)) <= 3.0
    # soft: darkening falls off smoothly over the skin's light spread, not at the disc edge
    profile = 1.0 - out[40, 40:80, 1] / skin_linear[1]
    spread_px = DEFAULT_RENDER.light_spread_mm * CLOSE_UP_PX_PER_MM
    assert profile[int(2 * spread_px)] > 0.2 * profile[0]  # beyond the 1.2 px pigment disc
    assert profile[int(5 * spread_px)] < 0.02
    assert np.all(np.diff(profile[:20]) <= 1e-6)
    # its darkening integrates to the gain times the disc's (less a little saturation)
    totals = []
    for gain in (1.0, 3.0):
        layer = dot_layer(
            _disc(radius),
            np.array([0.12]),
            np.full((1, 3), 0.5),
            np.ones(1),
            RenderModel(optical_gain=gain),
        )
        t = np.ones((80, 80, 3), np.float32)
        layer.composite(t)
        totals.append(float((1.0 - t[..., 0]).sum()))
    assert totals[0] == pytest.approx(np.pi * radius**2 * 0.5, rel=0.04)
    assert 2.7 < totals[1] / totals[0] < 3.0


def test_orthographic_footprints_have_the_true_size_at_the_macro_scale() -> None:
    to_image = np.array([[1.0, 0.0, 0.0], [0.0, -1.0, 0.0]]) * CLOSE_UP_PX_PER_MM
    tilt = np.radians(60.0)
    normals = np.array([[0.0, 0.0, 1.0], [np.sin(tilt), 0.0, np.cos(tilt)]])
    m = footprint_matrices_orthographic(to_image, normals, np.array([0.12, 0.12]))
    axes = np.sqrt(np.linalg.eigvalsh(m @ np.transpose(m, (0, 2, 1))))
    radius_px = 0.06 * CLOSE_UP_PX_PER_MM
    assert np.allclose(axes[0], [radius_px, radius_px])
    assert np.allclose(axes[1], [radius_px * np.cos(tilt), radius_px])


def test_per_dot_variation_is_fixed_by_position_and_seed() -> None:
    rng = np.random.default_rng(3)
    points = rng.uniform(-80, 80, size=(20000, 3))
    size, tone = dot_variation(points, 7)
    again, _ = dot_variation(points[::-1], 7)
    assert np.array_equal(size[::-1], again)  # order does not matter
    other, _ = dot_variation(points, 8)
    assert not np.array_equal(size, other)
    assert np.std(size) == pytest.approx(DEFAULTS["preview_size_variation"].value, rel=0.05)
    assert np.std(tone) == pytest.approx(DEFAULTS["preview_tone_variation"].value, rel=0.05)
    assert abs(float(np.mean(size)) - 1.0) < 0.005


def test_stubble_covers_by_shaft_area_and_grows_with_length() -> None:
    density = hair_density_per_mm2(np.array([1.0, 0.5, np.nan]))
    full = DEFAULTS["full_scalp_fu_density_per_cm2"].value / 100
    assert np.allclose(density, [2 * full, full, 0.0])
    # sparse hairs: coverage is hairs × shaft diameter × seen length over the pixel's area
    seen = DEFAULTS["hair_shaft_diameter_mm"].value * (
        0.5 + DEFAULTS["stubble_seen_below_mm"].value
    )
    sparse = stubble_coverage(np.array([0.01]), np.array([1.0]), 0.5)
    assert float(sparse[0]) == pytest.approx(0.01 * seen, rel=0.01)
    lengths = [0.0, 0.5, 1.0, 3.0, 6.0]
    cover = [float(stubble_coverage(np.array([2.0]), np.array([1.0]), s)[0]) for s in lengths]
    assert np.all(np.diff(cover) > 0) and cover[-1] < 1.0


def test_render_model_reads_edited_defaults_and_refuses_nonsense() -> None:
    model = RenderModel.from_defaults(
        lambda name: 12.0 if name == "dot_optical_gain" else DEFAULTS[name].value
    )
    assert model.optical_gain == 12.0 and model.light_spread_mm == DEFAULT_RENDER.light_spread_mm
    with pytest.raises(ValueError, match="optical_gain must be at least 1"):
        RenderModel(optical_gain=0.5)
    with pytest.raises(ValueError, match="photo_blur_px must be a finite number"):
        RenderModel(photo_blur_px=float("nan"))


def test_pictures_of_the_licensed_scan_carry_its_credit() -> None:
    def head(source: str) -> HeadModel:
        return HeadModel(np.eye(3), np.array([[0, 1, 2]], np.int64), np.ones(1, bool), source)

    credit = scan_credit(head("scan LeePerrySmith.glb (arbitrary units), aligned by face"))
    assert credit is not None and "Lee Perry-Smith" in credit and "CC BY 3.0" in credit
    assert scan_credit(head("ICT-FaceKit head fitted to 1 photo(s)")) is None
