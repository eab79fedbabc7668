"""The per-photo analysis report (JSON) and overlay (PNG) written by `smp analyse`."""

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.analysis import LANDMARK_NAMES, QUALITY_CHECKS, analysis_overlay, read_photo
from smpstudio.analysis._colour import ITA_CLASSES
from smpstudio.analysis._report import OVERLAY_UPSCALE, SCALE_BAR_MM
from smpstudio.cli import app
from smpstudio.core import load_plan
from tests.conftest import EXAMPLE


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("analysed")
    result = CliRunner().invoke(app, ["analyse", str(EXAMPLE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_report_holds_every_measurement(analysed: Path) -> None:
    view = load_plan(analysed).views[0]
    report = json.loads((analysed / "analysis" / "front.json").read_text())
    assert report["image_sha256"] == view.image_sha256
    assert list(report["landmarks_px"]) == list(LANDMARK_NAMES)
    assert report["landmarks_px"]["left_eye"] == view.landmarks_px[1].tolist()
    assert report["scale"] == {
        "mm_per_px": view.mm_per_px,
        "relative_sd": view.mm_per_px_relative_sd,
        "source": view.scale_source,
    }
    assert report["skin"]["ita_class"] in {name for _, name in ITA_CLASSES} | {"dark"}
    assert set(report["quality"]) == set(QUALITY_CHECKS) - {"no_face_found", "another_person"}
    low = report["quality"]["low_resolution"]
    assert low["flagged"] is (view.mm_per_px > 0.5) and low["threshold"] == 0.5
    assert low["value"] == pytest.approx(view.mm_per_px) and low["message"]
    assert 0.2 < report["masks"]["background"]["fraction_of_image"] < 0.6


def test_overlay_draws_scale_bar_and_landmarks_where_they_are(analysed: Path) -> None:
    view = load_plan(analysed).views[0]
    photo, _ = read_photo(EXAMPLE / "front.jpg")
    overlay = analysis_overlay(photo, view)
    stored = cv2.cvtColor(cv2.imread(str(analysed / "analysis" / "front.png")), cv2.COLOR_BGR2RGB)
    assert np.array_equal(overlay, stored)
    k = OVERLAY_UPSCALE
    assert overlay.shape == (photo.shape[0] * k, photo.shape[1] * k, 3)
    # scale bar: the white run along the bar's middle row is 20 mm long at the view's scale
    row = overlay[overlay.shape[0] - 27]
    white = np.flatnonzero(np.all(row > 245, axis=1))
    run = white[white < 600]
    expected_px = SCALE_BAR_MM / view.mm_per_px * k
    assert run.max() - run.min() + 1 == pytest.approx(expected_px, abs=2)
    # landmark dots are red at each landmark
    for x, y in view.landmarks_px * k:
        r, g, b = overlay[round(y), round(x)].astype(int)
        assert r > 200 and g < 100 and b < 100
