"""Hair versus not-hair in the upper head, against hand-traced polygons on real photos."""

import json
from dataclasses import dataclass
from functools import cache

import cv2
import numpy as np
import pytest

from smpstudio.analysis import (
    analyse_photo,
    boundary_f_score,
    hair_model_probability,
    read_photo,
)
from tests.conftest import ROOT, SHARED_DATA, TEST_PHOTOS
from tests.tolerances import HAIR_BOUNDARY_TOLERANCE_PX

ANNOTATIONS = ROOT / "tests" / "data" / "annotations" / "hair_polygons.json"
NAMES = sorted(json.loads(ANNOTATIONS.read_text())["photos"])
DARK_SKIN = ("C000984.jpg", "F000455.jpg", "H000324.jpg", "L000287.jpg", "S001184.jpg")
"""Annotated photos of dark-skinned clients (``shared/data/photos/congress/index.csv``)."""
ISSUE_IOU = 0.80
"""Issue 4: IoU of hair inside the upper head, where hair covers more than 2 % of the image."""
ISSUE_BOUNDARY_F = 0.75
"""Issue 4: boundary F-score at 3 px."""
HAIR_SHARE_FOR_IOU = 0.02
BALD_FALSE_HAIR = 0.06
"""Largest share of a bald upper head that may be marked hair."""
MEASURED = {
    # name: (IoU, boundary F at 3 px) measured with the shipped classifier on 2026-11-25
    "C000141.jpg": (0.72, 0.59),
    "C001080.jpg": (0.98, 0.65),
    "D000616.jpg": (0.27, 0.15),
    "D000620.jpg": (0.71, 0.29),
    "F000455.jpg": (0.95, 0.57),
    "G000552.jpg": (0.95, 0.87),
    "L000287.jpg": (0.51, 0.62),
    "R000585.jpg": (0.57, 0.39),
    "T000467.jpg": (0.75, 0.36),
}
"""Regression floors: today's accuracy, below the issue's targets for most photos."""
REGRESSION_MARGIN = 0.03


@dataclass(frozen=True)
class Scored:
    name: str
    hair_share_of_image: float
    iou: float
    boundary_f: float
    false_hair: float
    model_false_hair: float


def _traced(name: str, shape: tuple[int, int]) -> np.ndarray:
    mask = np.zeros(shape, np.uint8)
    for polygon in json.loads(ANNOTATIONS.read_text())["photos"][name]["hair"]:
        cv2.fillPoly(mask, [np.round(np.asarray(polygon)).astype(np.int32)], 1)
    return mask.astype(bool)


@cache
def _score(name: str) -> Scored:
    image, sha = read_photo(TEST_PHOTOS / name)
    view = analyse_photo(image, name=name, image_file=name, image_sha256=sha)
    region, hair = view.masks["upper_head"], view.masks["hair"]
    truth = _traced(name, image.shape[:2]) & region
    union = int((hair | truth).sum())
    not_hair = region & ~truth
    model = hair_model_probability(image) > 0.5
    return Scored(
        name=name,
        hair_share_of_image=float(truth.mean()),
        iou=float((hair & truth).sum()) / union if union else 1.0,
        boundary_f=boundary_f_score(hair, truth, region, HAIR_BOUNDARY_TOLERANCE_PX),
        false_hair=float((hair & not_hair).sum()) / max(1, int(not_hair.sum())),
        model_false_hair=float((model & not_hair).sum()) / max(1, int(not_hair.sum())),
    )


def _table() -> str:
    rows = [f"{'photo':<12}{'hair % img':>11}{'IoU':>6}{'F@3px':>7}{'false hair':>11}"]
    for s in map(_score, NAMES):
        rows.append(
            f"{s.name:<12}{100 * s.hair_share_of_image:>11.1f}{s.iou:>6.2f}"
            f"{s.boundary_f:>7.2f}{s.false_hair:>11.3f}"
        )
    return "\n".join(rows)


def test_annotations_cover_dark_and_light_skin_bald_and_hair() -> None:
    assert len(NAMES) >= 8
    assert len(set(NAMES) & set(DARK_SKIN)) >= 4 and len(set(NAMES) - set(DARK_SKIN)) >= 4
    photos = json.loads(ANNOTATIONS.read_text())["photos"]
    assert sum(1 for n in NAMES if not photos[n]["hair"]) >= 3  # bald upper heads


@pytest.mark.parametrize("name", [n for n in NAMES if n not in MEASURED])
def test_bald_upper_head_is_not_marked_hair_whatever_the_skin(name: str) -> None:
    scored = _score(name)
    assert scored.false_hair <= BALD_FALSE_HAIR, _table()


def test_dark_bald_scalp_is_no_longer_hair_where_the_model_said_so() -> None:
    # the shipped model marks about a third of these bare scalps as hair (data README)
    for name in ("C000984.jpg", "L000287.jpg"):
        scored = _score(name)
        assert scored.model_false_hair > 0.3
        assert scored.false_hair < scored.model_false_hair / 5, _table()


@pytest.mark.parametrize("name", sorted(MEASURED))
def test_hair_accuracy_does_not_regress(name: str) -> None:
    iou, boundary_f = MEASURED[name]
    scored = _score(name)
    assert scored.iou >= iou - REGRESSION_MARGIN, _table()
    assert scored.boundary_f >= boundary_f - REGRESSION_MARGIN, _table()


@pytest.mark.xfail(
    strict=True,
    reason="issue 4 target not met yet: IoU 0.71 on D000620, 0.75 on T000467; boundary F at 3 px "
    "below 0.75 on all but G000552 (see MEASURED)",
)
def test_hair_meets_the_issue_targets() -> None:
    scored = [_score(n) for n in NAMES]
    failing = [
        s.name
        for s in scored
        if (s.hair_share_of_image > HAIR_SHARE_FOR_IOU and s.iou < ISSUE_IOU)
        or (s.hair_share_of_image > 0 and s.boundary_f < ISSUE_BOUNDARY_F)
    ]
    worst = min((s for s in scored if s.hair_share_of_image > 0), key=lambda s: s.boundary_f)
    assert not failing, f"worst photo: {worst.name}\n{_table()}"


def test_hair_on_a_busy_background_follows_the_head() -> None:
    # NASA portrait (public domain): flag, wall and shuttle model behind; short brown hair
    path = SHARED_DATA / "photos" / "nasa" / "astronaut_eileen_collins.png"
    image, sha = read_photo(path)
    view = analyse_photo(image, name="nasa", image_file=path.name, image_sha256=sha)
    assert "background" not in view.masks and view.quality["busy_background"]
    region, hair = view.masks["upper_head"], view.masks["hair"]
    assert hair.sum() / region.sum() > 0.7
    # the region stays on the head: no wider than 1.7 face-box widths, nothing on the flag
    assert view.face_box_px is not None
    columns = np.flatnonzero(region.any(axis=0))
    assert columns[-1] - columns[0] < 1.7 * view.face_box_px[2]
    assert not region[:, : image.shape[1] // 5].any()
