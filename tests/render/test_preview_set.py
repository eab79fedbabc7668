"""The preview on the bundled example: where dots may show, stubble, long hair, live updates."""

import dataclasses
from pathlib import Path

import numpy as np
import pytest

from smpstudio.analysis import read_photo, srgb_to_linear
from smpstudio.core import Pattern, load_plan
from smpstudio.pigment import OpticalModel, delta_e_2000, linear_rgb_to_lab, load_catalogue
from smpstudio.render import (
    LivePreview,
    PlannedDots,
    clipped_hair,
    hairline_macro,
    healed_preview,
    hidden_pixels,
    photo_dots,
    photo_geometry,
    session_reflectance,
)


@pytest.fixture(scope="module")
def scene(example_plan_dir: Path):
    plan = load_plan(example_plan_dir)
    view = plan.views[0]
    image, _ = read_photo(example_plan_dir / view.image_file)
    geometry = photo_geometry(plan.head, view.camera, view.width_px, view.height_px)
    return plan, view, image, geometry, load_catalogue(), OpticalModel()


def test_no_dot_outside_the_visible_scalp(scene) -> None:
    plan, view, image, geometry, catalogue, model = scene
    scalp = geometry.scalp(plan.head)
    hidden = hidden_pixels(view, scalp, keep_hair=False)
    ratios = session_reflectance(plan.sessions, catalogue, view.skin_lab, model)
    layer = photo_dots(
        plan.head,
        view.camera,
        view.width_px,
        view.height_px,
        plan.pattern,
        ratios,
        sessions_done=len(plan.sessions),
        hidden=hidden,
        depth=geometry.depth,
    )
    col = np.floor(layer.splats.centre_px[:, 0] + 0.5).astype(int)
    row = np.floor(layer.splats.centre_px[:, 1] + 0.5).astype(int)
    assert len(layer.splats) > 5000
    assert np.all(scalp[row, col]) and not np.any(view.masks["background"][row, col])
    out = healed_preview(
        image, view, plan.head, plan.pattern, plan.sessions, catalogue, model, geometry=geometry
    )
    changed = np.any(out != image, axis=2)
    assert changed.sum() > 5000 and not np.any(changed & hidden)


def test_kept_long_hair_hides_the_dots(scene) -> None:
    plan, view, image, geometry, catalogue, model = scene
    args = (image, view, plan.head, plan.pattern, plan.sessions, catalogue, model)
    kept = healed_preview(*args, keep_hair=True, geometry=geometry)
    hair = view.masks["hair"]
    assert hair.sum() > 100
    assert np.array_equal(kept[hair], image[hair])
    shaved = healed_preview(*args, geometry=geometry)
    assert np.any(shaved[hair] != image[hair])  # the same dots do show once it is clipped


def test_clipping_recovers_the_bare_skin_under_hair_and_adds_stubble(scene) -> None:
    plan, view, image, geometry, _, _ = scene
    # paint dark "hair" over a patch of bare, lit scalp whose true look is known
    scalp = geometry.scalp(plan.head) & ~view.masks["hair"] & ~view.masks["background"]
    rows, cols = np.nonzero(scalp)
    top = rows.min()
    patch = np.zeros_like(scalp)
    centre = int(np.median(cols[rows < top + 30]))
    patch[top + 12 : top + 30, centre - 25 : centre + 25] = True
    patch &= scalp
    assert patch.sum() > 500
    painted = image.copy()
    painted[patch] = (40, 30, 25)
    haired = dataclasses.replace(view, masks={**view.masks, "hair": view.masks["hair"] | patch})
    bald = np.zeros(len(plan.head.faces))
    bare, replaced = clipped_hair(
        painted, haired, plan.head, bald, stubble_mm=0.0, geometry=geometry
    )
    assert np.all(replaced[patch])

    def delta_e(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return delta_e_2000(
            linear_rgb_to_lab(srgb_to_linear(a / 255.0)),
            linear_rgb_to_lab(srgb_to_linear(b / 255.0)),
        )

    assert float(np.median(delta_e(bare[patch], image[patch]))) < 4.0  # skin, as it was
    assert float(np.median(delta_e(painted[patch], image[patch]))) > 30.0
    # hair that grows there (share 1) is clipped to stubble: longer is darker
    full = np.ones(len(plan.head.faces))
    short, _ = clipped_hair(painted, haired, plan.head, full, stubble_mm=0.5, geometry=geometry)
    long, _ = clipped_hair(painted, haired, plan.head, full, stubble_mm=3.0, geometry=geometry)
    level = [float(x[patch].astype(int).sum()) for x in (bare, short, long)]
    assert level[0] > level[1] > level[2]
    # the face below the eyes is the photo's own; the same seed, the same stubble
    eyes = int(view.landmarks_px[:2, 1].max()) + 10
    assert np.array_equal(long[eyes:], image[eyes:])
    again, _ = clipped_hair(painted, haired, plan.head, full, stubble_mm=3.0, geometry=geometry)
    assert np.array_equal(again, long)


def _edited(pattern: Pattern, centre: np.ndarray, shift_mm: float) -> Pattern:
    """Impressions within 12 mm of ``centre`` moved forward (a hairline point moved)."""
    near = np.linalg.norm(pattern.positions_mm - centre, axis=1) < 12.0
    positions = pattern.positions_mm.copy()
    positions[near, 2] += shift_mm
    return Pattern(
        positions,
        pattern.normals,
        pattern.dot_diameter_mm,
        pattern.fu_id,
        pattern.zone_id,
        pattern.session,
    )


def test_live_preview_redraws_only_what_changed_and_matches_a_full_render(scene) -> None:
    plan, view, image, geometry, catalogue, model = scene
    ratios = session_reflectance(plan.sessions, catalogue, view.skin_lab, model)
    background = view.masks["background"]

    def live() -> LivePreview:
        return LivePreview(image, view.camera, plan.head, ratios, hidden=background)

    preview = live()
    tiles_all = preview.update(plan.pattern)
    full = healed_preview(
        image, view, plan.head, plan.pattern, plan.sessions, catalogue, model, geometry=geometry
    )
    assert int(np.abs(preview.image.astype(int) - full.astype(int)).max()) <= 1
    before = preview.image.copy()
    point = plan.design.hairline_mm[len(plan.design.hairline_mm) // 2]
    edited = _edited(plan.pattern, point, 1.5)
    tiles = preview.update(edited)
    assert 0 < tiles < tiles_all / 3
    fresh = live()
    fresh.update(edited)
    assert np.array_equal(preview.image, fresh.image)  # the same image a full render gives
    assert np.any(preview.image != before)
    assert preview.update(edited) == 0  # nothing changed, nothing redrawn


def test_pictures_of_the_scan_carry_its_credit(scene) -> None:
    plan, view, _, _, catalogue, model = scene
    dots = PlannedDots(plan.pattern, plan.sessions, catalogue, model)
    plain = hairline_macro(plan.head, plan.design, dots, view.skin_lab)
    scan = dataclasses.replace(plan.head, source="scan LeePerrySmith.glb (arbitrary units)")
    credited = hairline_macro(scan, plan.design, dots, view.skin_lab)
    assert credited.shape[1] == plain.shape[1] == 800
    assert credited.shape[0] > plain.shape[0]
    assert np.array_equal(credited[: plain.shape[0]], plain)
    bar = credited[plain.shape[0] :]
    assert 0.002 < float(np.mean(bar < 128)) < 0.2  # a line of dark text on white
