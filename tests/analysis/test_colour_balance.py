"""White balance and colour: a composited ColorChecker, coloured backdrops, colour casts."""

import json

import cv2
import numpy as np
import pytest

from smpstudio.analysis import (
    COLORCHECKER_NAMES,
    analyse_photo,
    analysis_report,
    colorchecker_linear_srgb,
    detect_colour_chart,
    detect_face,
    face_mesh,
    forehead_lab,
    linear_to_srgb,
    plain_background_mask,
    read_photo,
    segment_hair,
    srgb_to_linear,
)
from smpstudio.analysis._white_balance import apply_white_balance, estimate_white_balance
from tests.conftest import SHARED_DATA, TEST_PHOTOS
from tests.tolerances import BACKDROP_SKIN_DELTA_E, CHART_SKIN_DELTA_E

WARM, COOL = (1.25, 1.0, 0.7), (0.8, 1.0, 1.3)
"""Casts as linear-RGB gains: about a tungsten lamp and about shade, both about 12°."""
PHOTOS = ["D000616.jpg", "S001184.jpg", "C001080.jpg", "L000287.jpg"]


def _chart(patch: int = 36, gap: int = 8) -> np.ndarray:
    """The ColorChecker drawn from its published L*a*b* values (sRGB, 8-bit)."""
    rgb = np.round(linear_to_srgb(colorchecker_linear_srgb()) * 255).astype(np.uint8)
    chart = np.full((4 * patch + 5 * gap, 6 * patch + 7 * gap, 3), 22, np.uint8)
    for i, colour in enumerate(rgb):
        row, col = divmod(i, 6)
        y, x = gap + row * (patch + gap), gap + col * (patch + gap)
        chart[y : y + patch, x : x + patch] = colour
    return chart


def _composite(photo: np.ndarray, chart: np.ndarray, corners: list[list[float]]) -> np.ndarray:
    """Chart in perspective in the lower left, slightly blurred, then JPEG at quality 90."""
    h, w = chart.shape[:2]
    src = np.float32([[0, 0], [w, 0], [w, h], [0, h]])
    warp = cv2.getPerspectiveTransform(src, np.float32(corners))
    size = (photo.shape[1], photo.shape[0])
    warped = cv2.warpPerspective(chart, warp, size, flags=cv2.INTER_AREA)
    cover = cv2.warpPerspective(np.full((h, w), 255, np.uint8), warp, size)[..., None] / 255
    out = np.round(photo * (1 - cover) + warped * cover).astype(np.uint8)
    out = cv2.GaussianBlur(out, (0, 0), 0.6)
    ok, jpeg = cv2.imencode(".jpg", out, [cv2.IMWRITE_JPEG_QUALITY, 90])
    assert ok
    return np.asarray(cv2.imdecode(jpeg, cv2.IMREAD_UNCHANGED))


def _cast(image: np.ndarray, gains: tuple[float, float, float]) -> np.ndarray:
    linear = srgb_to_linear(image / 255.0) * np.asarray(gains)
    return np.round(linear_to_srgb(linear) * 255).astype(np.uint8)


def _skin_after_balance(image: np.ndarray, landmarks: np.ndarray) -> tuple[np.ndarray, str]:
    face = detect_face(image)
    assert face is not None
    background = plain_background_mask(image)
    skin = segment_hair(image, landmarks, background).skin
    balance = estimate_white_balance(image, background, skin)
    lab, _ = forehead_lab(apply_white_balance(image, balance), face.landmarks_px)
    return np.array(lab), balance.method


@pytest.fixture(scope="module", params=PHOTOS)
def photo(request: pytest.FixtureRequest) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A real photo, its Face Mesh landmarks and its forehead L*a*b* as taken."""
    image, _ = read_photo(TEST_PHOTOS / request.param)
    face = detect_face(image)
    assert face is not None
    landmarks = face_mesh(image, face).landmarks_px
    return image, landmarks, np.array(forehead_lab(image, face.landmarks_px)[0])


def test_chart_patches_are_found_in_their_published_order() -> None:
    image, _ = read_photo(TEST_PHOTOS / "D000616.jpg")
    chart = _chart()
    reference = chart[8 + 18 :: 44, 8 + 18 :: 44][:4, :6].reshape(24, 3).astype(float)
    for flipped in (False, True):
        drawn = chart[::-1, ::-1].copy() if flipped else chart
        found = detect_colour_chart(
            _composite(image, drawn, [[20, 400], [170, 392], [176, 492], [26, 500]])
        )
        assert found is not None
        measured, corners = found
        # upside down, the detector still reports dark skin first and black last
        assert np.abs(measured - reference).max() < 8, COLORCHECKER_NAMES
        assert corners.shape == (4, 2) and np.all(corners[:, 1] > 380)


@pytest.mark.parametrize("gains", [(1.0, 1.0, 1.0), WARM, COOL], ids=["none", "warm", "cool"])
def test_chart_recovers_skin_colour_under_a_cast(photo, gains) -> None:
    image, landmarks, truth = photo
    corners = [[20, 400], [170, 392], [176, 492], [26, 500]]
    composite = _cast(_composite(image, _chart(), corners), gains)
    lab, method = _skin_after_balance(composite, landmarks)
    uncorrected = np.array(forehead_lab(composite, detect_face(composite).landmarks_px)[0])
    assert method == "colour chart"
    assert np.linalg.norm(lab - truth) < CHART_SKIN_DELTA_E
    if gains != (1.0, 1.0, 1.0):
        assert np.linalg.norm(uncorrected - truth) > 6  # the cast is real


@pytest.mark.parametrize("backdrop", [(40, 170, 60), (230, 120, 30), (200, 40, 160)])
def test_a_coloured_backdrop_does_not_change_the_skin_colour(photo, backdrop) -> None:
    image, landmarks, _ = photo
    before, method = _skin_after_balance(image, landmarks)
    background = plain_background_mask(image)
    assert background is not None
    swapped = image.copy()
    swapped[background] = backdrop
    after, _ = _skin_after_balance(swapped, landmarks)
    assert method == "grey edge"
    assert np.linalg.norm(after - before) < BACKDROP_SKIN_DELTA_E


@pytest.mark.parametrize("gains", [WARM, COOL], ids=["warm", "cool"])
def test_grey_edge_removes_most_of_a_cast(photo, gains) -> None:
    image, landmarks, _ = photo
    balanced, _ = _skin_after_balance(image, landmarks)
    cast = _cast(image, gains)
    corrected, _ = _skin_after_balance(cast, landmarks)
    uncorrected = np.array(forehead_lab(cast, detect_face(cast).landmarks_px)[0])
    assert np.linalg.norm(corrected - balanced) < 0.5 * np.linalg.norm(uncorrected - balanced)


def test_hair_colour_is_measured_with_its_spread() -> None:
    dark, sha = read_photo(TEST_PHOTOS / "C001080.jpg")
    view = analyse_photo(dark, name="dark", image_file="C001080.jpg", image_sha256=sha)
    assert view.hair_lab is not None and view.hair_lab[0] < 30  # black hair
    assert view.hair_lab_iqr is not None and view.hair_lab_iqr[0] > 2
    white, sha = read_photo(TEST_PHOTOS / "C000141.jpg")
    view = analyse_photo(white, name="white", image_file="C000141.jpg", image_sha256=sha)
    assert view.hair_lab is not None and view.hair_lab[0] > 60  # white hair
    bald, sha = read_photo(TEST_PHOTOS / "S001184.jpg")
    assert (
        analyse_photo(bald, name="b", image_file="S001184.jpg", image_sha256=sha).hair_lab is None
    )


def test_report_names_the_white_balance() -> None:
    image, sha = read_photo(TEST_PHOTOS / "D000616.jpg")
    view = analyse_photo(image, name="front", image_file="D000616.jpg", image_sha256=sha)
    report = json.loads(json.dumps(analysis_report(view)))
    assert report["white_balance"]["method"] == "grey edge"
    assert 0 <= report["white_balance"]["colour_cast_deg"] < 10


def test_skin_is_measured_on_the_cheeks_under_a_fringe() -> None:
    # NASA portrait (public domain): light skin, a brown fringe over the forehead patch
    path = SHARED_DATA / "photos" / "nasa" / "astronaut_eileen_collins.png"
    image, sha = read_photo(path)
    view = analyse_photo(image, name="nasa", image_file=path.name, image_sha256=sha)
    assert view.skin_patch == "cheeks"
    assert view.skin_lab[0] > 65  # the fringe measured L* 49
    bald, sha = read_photo(TEST_PHOTOS / "S001184.jpg")
    view = analyse_photo(bald, name="b", image_file="S001184.jpg", image_sha256=sha)
    assert view.skin_patch == "forehead"
