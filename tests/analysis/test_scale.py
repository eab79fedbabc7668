"""Metric scale: printed marker composited onto real photos, IPD with population spread."""

import re
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

from smpstudio.analysis import (
    MARKER_SIDE_MM,
    ScaleEstimate,
    analyse_photo,
    combine_scales,
    detect_face,
    face_mesh,
    marker_sheet,
    read_photo,
    scale_from_eyes,
    scale_from_iris,
    scale_from_marker,
)
from smpstudio.cli import app
from smpstudio.domain import ANSUR_MALE
from tests.conftest import EXAMPLE, TEST_PHOTOS

MARKER_SCALE_FRACTION = 0.01
"""Recovered mm/px must be within 1 % of the true value (the issue's requirement)."""
PHOTOS = [EXAMPLE / "front.jpg", *sorted(TEST_PHOTOS.glob("*.jpg"))]


def _true_mm_per_px(h: np.ndarray, centre_mm: np.ndarray) -> float:
    """Oracle: map a 0.01 mm square around the centre through h, measure its pixel area."""
    eps = 0.01
    square = centre_mm + eps * np.array([[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]])
    px = cv2.perspectiveTransform(square.reshape(-1, 1, 2), h).reshape(-1, 2)
    area = 0.5 * abs(
        np.dot(px[:, 0], np.roll(px[:, 1], 1)) - np.dot(px[:, 1], np.roll(px[:, 0], 1))
    )
    return float(eps / np.sqrt(area))


def _composite_marker(photo: np.ndarray, centre_px, mm_per_px: float, tilt: float) -> tuple:
    """Paste a printed marker (30 mm black square + 8 mm white margin) in perspective."""
    k = 10  # sheet pixels per mm
    margin = 8
    sheet = marker_sheet()
    # marker id 0 is the first on the sheet: take it with its white margin
    side = int(MARKER_SIDE_MM * k)
    gray = cv2.cvtColor(sheet, cv2.COLOR_RGB2GRAY)
    ys, xs = np.nonzero(gray[: 120 * k] < 128)
    inside = (xs > 30 * k) & (xs < 105 * k) & (ys > 35 * k)
    x0, y0 = xs[inside].min(), ys[inside].min()
    patch = sheet[
        y0 - margin * k : y0 + side + margin * k, x0 - margin * k : x0 + side + margin * k
    ]
    full_mm = MARKER_SIDE_MM + 2 * margin
    # perspective: the far edge is foreshortened by `tilt`, and the square is rotated 12°
    half = full_mm / 2 / mm_per_px
    corners = np.array(
        [[-half, -half * (1 - tilt)], [half, -half * (1 - tilt)], [half, half], [-half, half]]
    )
    angle = np.radians(12)
    rot = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    corners = corners @ rot.T + centre_px
    src = np.array([[0, 0], [full_mm, 0], [full_mm, full_mm], [0, full_mm]], np.float32)
    h_mm = cv2.getPerspectiveTransform(src, corners.astype(np.float32))  # mm → photo px
    scale_patch = np.diag([1 / k, 1 / k, 1.0])  # patch px → mm
    warped = cv2.warpPerspective(
        patch, h_mm @ scale_patch, photo.shape[1::-1], flags=cv2.INTER_AREA, borderValue=(0, 0, 0)
    )
    cover = cv2.warpPerspective(
        np.full(patch.shape[:2], 255, np.uint8),
        h_mm @ scale_patch,
        photo.shape[1::-1],
        flags=cv2.INTER_LINEAR,
    )
    alpha = cover[..., None].astype(np.float64) / 255
    out = np.round(photo * (1 - alpha) + warped * alpha).astype(np.uint8)
    ok, jpeg = cv2.imencode(
        ".jpg", cv2.cvtColor(out, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, 90]
    )
    assert ok
    out = cv2.cvtColor(cv2.imdecode(jpeg, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)
    return out, _true_mm_per_px(h_mm, np.array([full_mm / 2, full_mm / 2]))


@pytest.mark.parametrize("path", PHOTOS, ids=lambda p: p.stem)
@pytest.mark.parametrize("mm_per_px, tilt", [(0.45, 0.0), (0.5, 0.15), (0.35, 0.3)])
def test_marker_scale_is_recovered_within_one_percent(path: Path, mm_per_px, tilt) -> None:
    photo, _ = read_photo(path)
    face = detect_face(photo)
    assert face is not None
    eyes = face.landmarks_px[:2].mean(axis=0)
    ipd = np.hypot(*(face.landmarks_px[1] - face.landmarks_px[0]))
    # on the forehead/scalp, but with the whole card (black square and white margin) in the
    # frame, as the sheet instructs: a card cut by the photo's edge is not detected
    half_card_px = 1.25 * (MARKER_SIDE_MM + 16) / 2 / mm_per_px
    centre = np.array([eyes[0], max(eyes[1] - 1.1 * ipd, half_card_px + 5)])
    composite, truth = _composite_marker(photo, centre, mm_per_px, tilt)
    found = scale_from_marker(composite)
    assert found is not None and found.source == "marker"
    assert found.mm_per_px == pytest.approx(truth, rel=MARKER_SCALE_FRACTION)
    # the marker's stated uncertainty is honest: the error is within 4 SD
    assert abs(found.mm_per_px / truth - 1) < 4 * found.relative_sd + 1e-3


def test_no_marker_no_marker_scale() -> None:
    photo, _ = read_photo(EXAMPLE / "front.jpg")
    assert scale_from_marker(photo) is None


def test_analysis_combines_marker_and_eyes() -> None:
    photo, sha = read_photo(EXAMPLE / "front.jpg")
    face = detect_face(photo)
    eyes = face.landmarks_px[:2].mean(axis=0)
    ipd = np.hypot(*(face.landmarks_px[1] - face.landmarks_px[0]))
    composite, truth = _composite_marker(photo, eyes - [0, 1.1 * ipd], 0.5, 0.1)
    view = analyse_photo(composite, name="front", image_file="front.jpg", image_sha256=sha)
    assert view.scale_source == "combined"
    assert view.mm_per_px == pytest.approx(truth, rel=0.02)  # the marker dominates
    assert view.mm_per_px_relative_sd < 0.01
    plain = analyse_photo(photo, name="front", image_file="front.jpg", image_sha256=sha)
    assert plain.scale_source == "interpupillary distance (population)"
    assert plain.mm_per_px_relative_sd == pytest.approx(3.419 / 64.016, rel=1e-3)


def test_eye_scale_uses_the_given_or_population_distance() -> None:
    photo, _ = read_photo(EXAMPLE / "front.jpg")
    face = detect_face(photo)
    ipd_px = np.hypot(*(face.landmarks_px[1] - face.landmarks_px[0]))
    population = scale_from_eyes(face.landmarks_px)
    assert population.mm_per_px == pytest.approx(ANSUR_MALE.interpupillary_breadth_mm / ipd_px)
    measured = scale_from_eyes(face.landmarks_px, interpupillary_mm=70.0)
    assert measured.mm_per_px == pytest.approx(70.0 / ipd_px)
    assert measured.relative_sd < population.relative_sd / 5


def test_combination_weights_by_precision() -> None:
    a = ScaleEstimate(0.5, 0.01, "marker")
    b = ScaleEstimate(0.6, 0.10, "interpupillary distance (population)")
    c = combine_scales([a, b])
    assert 0.5 < c.mm_per_px < 0.502 and c.relative_sd < 0.01
    assert combine_scales([b]) is b
    with pytest.raises(ValueError, match="must not be empty"):
        combine_scales([])


def test_marker_sheet_pdf_is_a4_at_actual_size(tmp_path: Path) -> None:
    sheet = marker_sheet()
    assert sheet.shape == (2970, 2100, 3)  # 10 px per mm
    # each black square is 30 mm: find marker 0's dark bounding box
    dark = cv2.cvtColor(sheet, cv2.COLOR_RGB2GRAY)[380:720, 430:770] < 128
    ys, xs = np.nonzero(dark)
    assert xs.max() - xs.min() + 1 == 300 and ys.max() - ys.min() + 1 == 300
    out = tmp_path / "markers.pdf"
    result = CliRunner().invoke(app, ["marker-sheet", str(out)])
    assert result.exit_code == 0, result.output
    box = re.search(rb"/MediaBox \[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", out.read_bytes())
    assert box is not None
    width_mm, height_mm = (float(v) / 72 * 25.4 for v in box.groups())
    assert width_mm == pytest.approx(210, abs=0.1) and height_mm == pytest.approx(297, abs=0.1)


FACIAL_SCALE_OFFSET = (0.90, 0.98)
"""Observed median ratio iris scale / IPD scale on the real portraits: a systematic offset of
about −6 %, not yet explained (see ``scale_from_iris``); pinned so that a change shows."""


def test_facial_scale_spread_beside_the_population_spread_it_assumes() -> None:
    ratios = []
    for path in PHOTOS + sorted(p for p in TEST_PHOTOS.glob("*.jpg") if p not in PHOTOS):
        image, _ = read_photo(path)
        found = detect_face(image)
        mesh = face_mesh(image, found)
        iris = scale_from_iris(mesh.iris_diameters_px())
        eyes = scale_from_eyes(mesh.five_points())
        ratios.append(iris.mm_per_px / eyes.mm_per_px)
    observed = float(np.std(np.log(ratios), ddof=1))
    assumed = float(np.hypot(iris.relative_sd, eyes.relative_sd))
    print(
        f"iris/IPD scale ratio over {len(ratios)} photos: median {np.median(ratios):.3f}, "
        f"spread {observed:.1%}; the two population spreads together assume {assumed:.1%}"
    )
    assert len(ratios) >= 10
    # the photos scatter no more than the populations the two estimates assume
    assert observed < assumed
    assert FACIAL_SCALE_OFFSET[0] < np.median(ratios) < FACIAL_SCALE_OFFSET[1]
