"""Face landmarks against eye centres annotated by hand on real photos."""

import json
from pathlib import Path

import numpy as np
import pytest

from smpstudio.analysis import QUALITY_CHECKS, analyse_photo, detect_face, read_photo
from tests.conftest import EXAMPLE, TEST_PHOTOS

ANNOTATIONS = Path(__file__).resolve().parents[1] / "data" / "annotations" / "eye_centres.json"
EYE_MEDIAN_FRACTION = 0.02
"""Median eye-centre error over the clear annotations, as a fraction of the interocular
distance: the issue's 2 % target, met in the median."""
EYE_WORST_FRACTION = 0.025
"""Worst eye-centre error allowed today. The issue asks 2 % for every eye; not met yet (the
worst is about 2.3 %, D000616's left eye, with the iris model): this bound guards against
regressions."""
TILT_MARGIN_DEG = 1.5
"""Within this many degrees of the tilt threshold, either flag is accepted."""


def _photo(name: str) -> Path:
    return EXAMPLE / "front.jpg" if name == "D000616.jpg" else TEST_PHOTOS / name


@pytest.fixture(scope="module")
def measured() -> list[dict]:
    rows = []
    for name, marks in json.loads(ANNOTATIONS.read_text())["photos"].items():
        image, sha = read_photo(_photo(name))
        view = analyse_photo(image, name="x", image_file=name, image_sha256=sha)
        yunet = detect_face(image)
        assert yunet is not None
        reference = np.array([marks["right"][:2], marks["left"][:2]])
        iod = float(np.linalg.norm(reference[1] - reference[0]))
        rows.append(
            {
                "name": name,
                "clear": [marks["right"][2] == "clear", marks["left"][2] == "clear"],
                "ours": np.linalg.norm(view.landmarks_px[:2] - reference, axis=1) / iod,
                "yunet": np.linalg.norm(yunet.landmarks_px[:2] - reference, axis=1) / iod,
                "roll_deg": float(np.degrees(np.arctan2(*(reference[1] - reference[0])[::-1]))),
                "tilted": view.quality["face_tilted"],
            }
        )
    return rows


def test_eye_centres_are_close_to_the_hand_annotations(measured: list[dict]) -> None:
    errors = [
        (r["ours"][i], f"{r['name']} {side}")
        for r in measured
        for i, side in enumerate(("right", "left"))
        if r["clear"][i]
    ]
    values = np.array([e for e, _ in errors])
    worst = max(errors)
    report = f"median {np.median(values):.2%} of IOD, worst {worst[0]:.2%} ({worst[1]})"
    assert len(values) >= 16, report
    assert np.median(values) <= EYE_MEDIAN_FRACTION, report
    assert worst[0] <= EYE_WORST_FRACTION, report


def test_the_annotations_can_fail_a_detector(measured: list[dict]) -> None:
    """YuNet's own eye keypoints, measured the same way, miss by several times more."""
    ours = np.median([e for r in measured for e, c in zip(r["ours"], r["clear"], strict=True) if c])
    yunet = np.median(
        [e for r in measured for e, c in zip(r["yunet"], r["clear"], strict=True) if c]
    )
    assert yunet > EYE_MEDIAN_FRACTION and yunet > 2.5 * ours


def test_tilt_flag_follows_the_annotated_eye_line(measured: list[dict]) -> None:
    limit = QUALITY_CHECKS["face_tilted"].threshold
    decided = [r for r in measured if abs(abs(r["roll_deg"]) - limit) > TILT_MARGIN_DEG]
    assert len(decided) >= 8
    for r in decided:
        assert r["tilted"] == (abs(r["roll_deg"]) > limit), r["name"]
