from pathlib import Path

import cv2
import numpy as np
import pytest

from smpstudio.analysis import read_photo
from smpstudio.core import load_plan
from smpstudio.errors import PlanValidationError
from smpstudio.render import render_preview, visible_impressions
from tests.tolerances import PREVIEW_CHANGED_PIXEL_FRACTION, PREVIEW_MEAN_ABS_LEVELS

REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "preview-d000616-seed7.png"
FAILURES = Path(__file__).resolve().parents[2] / "tests" / "_failures"


def test_preview_matches_the_reference_render(example_plan_dir: Path) -> None:
    rendered = cv2.imread(str(example_plan_dir / "preview" / "front.png"))
    assert REFERENCE.is_file(), f"missing reference render {REFERENCE}"
    reference = cv2.imread(str(REFERENCE))
    assert rendered.shape == reference.shape
    diff = np.abs(rendered.astype(np.int16) - reference.astype(np.int16))
    changed = float(np.mean(diff.max(axis=2) > 16))
    mean = float(diff.mean())
    if mean > PREVIEW_MEAN_ABS_LEVELS or changed > PREVIEW_CHANGED_PIXEL_FRACTION:
        FAILURES.mkdir(exist_ok=True)
        cv2.imwrite(str(FAILURES / "preview-rendered.png"), rendered)
        cv2.imwrite(str(FAILURES / "preview-diff.png"), np.clip(diff * 8, 0, 255).astype(np.uint8))
        pytest.fail(
            f"preview differs from reference: mean {mean:.3f} levels, {changed:.4%} "
            f"pixels changed; see {FAILURES}"
        )


def test_dots_fall_on_the_head_not_the_background(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    view = plan.views[0]
    photo, _ = read_photo(example_plan_dir / view.image_file)
    rendered = render_preview(photo, view, plan.pattern, upscale=1)
    darker = (photo.astype(int) - rendered.astype(int)).sum(axis=2) > 30
    assert darker.sum() > 1000
    assert not np.any(darker & view.masks["background"])
    rows = np.flatnonzero(darker.any(axis=1))
    eye_row = view.landmarks_px[:2, 1].mean()
    assert rows.min() < eye_row - 80  # dots are on the top of the head, above the eyes
    xy, _, visible = visible_impressions(view, plan.pattern)
    assert 0 < visible.sum() < len(plan.pattern)  # the back of the head is hidden
    # the scalp is above the eyes; only its lowest edge at the temples, behind them, may
    # project a little lower when the camera looks up at the face
    assert np.mean(xy[visible, 1] < eye_row) > 0.99
    assert np.all(xy[visible, 1] < view.landmarks_px[2, 1])  # all above the nose tip


def test_preview_refuses_a_wrong_image(example_plan_dir: Path) -> None:
    plan = load_plan(example_plan_dir)
    with pytest.raises(PlanValidationError, match="image is 10x10 px but view 'front' is 450x550"):
        render_preview(np.zeros((10, 10, 3), np.uint8), plan.views[0], plan.pattern)
