from pathlib import Path

import cv2
import numpy as np

from smpstudio.analysis import read_photo
from smpstudio.core import load_plan
from smpstudio.design import zone_of_points
from smpstudio.render import ZONE_RGB, design_overlay, seen_surface, turntable
from smpstudio.render._design_overlay import HAIRLINE_RGB

TINT_TOLERANCE = 3.0
"""Levels: a tinted pixel is the blend of photo and zone colour up to rounding."""


def test_each_seen_scalp_pixel_is_tinted_by_its_own_zone(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.head is not None and plan.design is not None
    view = plan.views[0]
    assert view.camera is not None and view.landmarks_px is not None
    photo, _ = read_photo(example_plan_dir / view.image_file)
    h, w = photo.shape[:2]
    overlay = design_overlay(photo, plan.head, plan.design, view.camera)
    written = cv2.cvtColor(
        cv2.imread(str(example_plan_dir / "design" / "front.png")), cv2.COLOR_BGR2RGB
    )
    assert np.array_equal(written, overlay)  # `smp design` wrote exactly this picture

    seen, _ = seen_surface(plan.head, view.camera, w, h)
    rows, cols = np.nonzero(np.isfinite(seen[..., 0]))
    zone = zone_of_points(plan.head, plan.design, seen[rows, cols])
    changed = np.abs(overlay.astype(int) - photo.astype(int)).max(axis=2) > 0
    # nothing changes off the treated scalp; the treated scalp is above the eyes
    treated = np.zeros((h, w), dtype=bool)
    treated[rows[zone >= 0], cols[zone >= 0]] = True
    assert changed.sum() > 0.02 * h * w
    line = np.all(overlay == HAIRLINE_RGB, axis=2)
    assert not np.any(changed & ~treated & ~line)  # the line is drawn on both sides of it
    changed_rows = np.nonzero(changed)[0]
    # the temples' lowest edge, beside and behind the eyes, may project a little below them
    assert np.mean(changed_rows < view.landmarks_px[:2, 1].mean()) > 0.97
    assert changed_rows.max() < view.landmarks_px[2, 1]  # all above the nose tip
    # away from the hairline, each tinted pixel is the 40 % blend with its zone's colour
    colours = np.array([ZONE_RGB[z.name] for z in plan.design.zones], dtype=float)
    ok = (zone >= 0) & ~line[rows, cols]
    expected = 0.6 * photo[rows[ok], cols[ok]] + 0.4 * colours[zone[ok]]
    assert np.abs(overlay[rows[ok], cols[ok]] - expected).max() <= TINT_TOLERANCE
    # every zone the camera sees shows (the front view sees the band, frontal and temples)
    assert {plan.design.zones[k].name for k in np.unique(zone[ok])} >= {
        "hairline band",
        "frontal",
        "temples",
    }


def test_design_turntable_is_the_head_turntable_tinted(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    assert plan.head is not None
    plain = turntable(plan.head)
    tinted = cv2.cvtColor(
        cv2.imread(str(example_plan_dir / "design" / "turntable.png")), cv2.COLOR_BGR2RGB
    )
    assert tinted.shape == plain.shape
    changed = np.abs(tinted.astype(int) - plain.astype(int)).max(axis=2) > 0
    assert 0.05 < changed.mean() < 0.5  # the scalp of eight views, not the face or neck
    # seen from behind (the first tile of the bottom row) the crown shows: its pixels are
    # the plain render blended 40 % with the crown's purple
    half, quarter = plain.shape[0] // 2, plain.shape[1] // 4
    back_plain = plain[half:, :quarter].reshape(-1, 3).astype(float)
    back_tinted = tinted[half:, :quarter].reshape(-1, 3).astype(float)
    purple = 0.6 * back_plain + 0.4 * np.array(ZONE_RGB["crown"])
    crown = np.abs(back_tinted - purple).max(axis=1) <= TINT_TOLERANCE
    assert crown.mean() > 0.01
