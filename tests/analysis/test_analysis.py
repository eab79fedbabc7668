import io
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from smpstudio.analysis import (
    analyse_photo,
    detect_face,
    ita_class,
    ita_degrees,
    plain_background_mask,
    read_photo,
    rgb_to_lab,
)
from smpstudio.analysis._image import MAX_PIXELS
from smpstudio.analysis._quality import QUALITY_CHECKS, quality_flags, quality_messages
from smpstudio.errors import ImageReadError, NoFaceFoundError
from tests.conftest import EXAMPLE, TEST_PHOTOS


def _analyse(path: Path):
    image, sha = read_photo(path)
    return image, analyse_photo(image, name=path.stem, image_file=path.name, image_sha256=sha)


@pytest.mark.parametrize("name", ["C000141.jpg", "S001184.jpg", "C001080.jpg", "L000287.jpg"])
def test_faces_scale_and_background_on_real_photos(name: str) -> None:
    _image, view = _analyse(TEST_PHOTOS / name)
    # eyes lie inside the face box, right eye (client's) on the image's left
    x, y, w, h = view.face_box_px
    eyes = view.landmarks_px[:2]
    assert np.all((eyes[:, 0] > x) & (eyes[:, 0] < x + w) & (eyes[:, 1] > y) & (eyes[:, 1] < y + h))
    assert eyes[0, 0] < eyes[1, 0]
    # a head about 150 mm wide spans 200-400 px in these 450 px wide portraits
    assert 0.35 < view.mm_per_px < 0.75
    background = view.masks["background"]
    assert background[:10, :10].all() and background[:10, -10:].all()
    assert not background[int(eyes[0, 1]), int(eyes[0, 0])]
    # no_face_found is for views declared a face view; another_person compares a set
    expected = {n: False for n in QUALITY_CHECKS if n not in ("no_face_found", "another_person")}
    expected["low_resolution"] = view.mm_per_px > 0.5  # 450 px portraits are coarse
    # C000141 and L000287 hold their heads tilted by about 10° (hand-annotated eye lines:
    # 9.3° and 10.2°); tests/analysis/test_landmarks.py checks that flag against them
    expected["face_tilted"] = view.quality["face_tilted"]
    assert dict(view.quality) == expected, view.quality_metrics


def test_skin_lightness_and_ita_order_light_and_dark_skin() -> None:
    views = {
        n: _analyse(TEST_PHOTOS / f"{n}.jpg")[1]
        for n in ("C000141", "C001080", "L000287", "S001184")
    }
    light, dark = views["C000141"], views["S001184"]
    assert light.skin_lab[0] > dark.skin_lab[0] + 15
    assert 0 < dark.skin_lab[0] < light.skin_lab[0] < 100
    ita = {n: ita_degrees(v.skin_lab) for n, v in views.items()}
    # the two dark-skinned men (index.csv) have lower ITA than both light-skinned people
    assert max(ita["L000287"], ita["S001184"]) < min(ita["C000141"], ita["C001080"]) - 10
    for v in views.values():
        assert v.skin_lab_iqr is not None and all(0 < x < 15 for x in v.skin_lab_iqr)


def test_ita_classes_follow_the_published_bounds() -> None:
    assert [ita_class(x) for x in (60, 50, 30, 20, 0, -40)] == [
        "very light",
        "light",
        "intermediate",
        "tan",
        "brown",
        "dark",
    ]
    # white-ish skin: L* 70, b* 15 → ITA 53°; a darker, yellower skin: L* 40, b* 20 → −27°
    assert ita_degrees((70.0, 10.0, 15.0)) == pytest.approx(53.13, abs=0.01)
    assert ita_degrees((40.0, 10.0, 20.0)) == pytest.approx(-26.57, abs=0.01)


def test_lab_conversion_matches_reference_values() -> None:
    # sRGB (255, 0, 0) is L*a*b* (53.24, 80.09, 67.20) under D65 (Lindbloom's calculator)
    lab = rgb_to_lab(np.array([[[255, 0, 0]]], dtype=np.uint8))[0, 0]
    assert np.allclose(lab, [53.24, 80.09, 67.20], atol=0.3)


def test_exif_rotated_photo_is_read_upright(tmp_path: Path) -> None:
    original, _ = read_photo(EXAMPLE / "front.jpg")
    sideways = Image.open(EXAMPLE / "front.jpg").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6  # "rotate 90° clockwise to display"
    sideways.save(tmp_path / "rotated.jpg", exif=exif, quality=95)
    upright, _ = read_photo(tmp_path / "rotated.jpg")
    assert upright.shape == original.shape
    a, b = detect_face(original), detect_face(upright)
    assert a is not None and b is not None
    assert np.abs(a.landmarks_px - b.landmarks_px).max() < 4.0


def test_huge_image_is_refused_before_decoding(tmp_path: Path) -> None:
    side = int(np.sqrt(MAX_PIXELS)) + 100
    buffer = io.BytesIO()
    Image.new("1", (side, side)).save(buffer, format="PNG")
    (tmp_path / "huge.png").write_bytes(buffer.getvalue())
    with pytest.raises(ImageReadError, match=f"{side}x{side} pixels is more than the 60,000,000"):
        read_photo(tmp_path / "huge.png")


def test_tiny_and_missing_images_are_refused(tmp_path: Path) -> None:
    Image.new("RGB", (100, 80)).save(tmp_path / "tiny.png")
    with pytest.raises(ImageReadError, match="100x80 pixels is too small"):
        read_photo(tmp_path / "tiny.png")
    with pytest.raises(ImageReadError, match="No such file or directory"):
        read_photo(tmp_path / "absent.jpg")


def test_no_face_raises() -> None:
    image, _ = read_photo(EXAMPLE / "front.jpg")
    backdrop = np.ascontiguousarray(np.repeat(np.repeat(image[:40, :40], 8, 0), 8, 1))
    assert detect_face(backdrop) is None
    with pytest.raises(NoFaceFoundError, match=r"no face found in wall\.png"):
        analyse_photo(backdrop, name="wall", image_file="wall.png", image_sha256="0" * 64)


def test_busy_background_gives_no_mask_and_a_flag() -> None:
    rng = np.random.default_rng(1)
    noise = rng.integers(0, 256, size=(300, 300, 3), dtype=np.uint8)
    assert plain_background_mask(noise) is None


def test_each_quality_check_can_fail_on_a_real_photo() -> None:
    photo, _ = read_photo(EXAMPLE / "front.jpg")
    h, w = photo.shape[:2]
    rotate = cv2.getRotationMatrix2D((w / 2, h / 2), 20, 1.0)
    cases = {
        # the top 60 px of the head cut away: the scalp runs along the photo's top edge
        "scalp_out_of_frame": np.ascontiguousarray(photo[60:]),
        "blurred": cv2.GaussianBlur(photo, (0, 0), 4),
        "overexposed": np.clip(photo.astype(int) * 2, 0, 255).astype(np.uint8),
        "face_tilted": cv2.warpAffine(photo, rotate, (w, h), borderMode=cv2.BORDER_REPLICATE),
        "no_colour": cv2.cvtColor(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB),
    }
    for flag, image in cases.items():
        view = analyse_photo(image, name="x", image_file="x.jpg", image_sha256="0" * 64)
        assert view.quality[flag], (flag, view.quality_metrics[flag])
        assert any(
            line.startswith(f"{flag}: ")
            for line in quality_messages(dict(view.quality), dict(view.quality_metrics))
        )


@pytest.mark.parametrize("name", ["C000141.jpg", "S001184.jpg", "C001080.jpg", "G000552.jpg"])
def test_whole_heads_are_in_frame(name: str) -> None:
    _, view = _analyse(TEST_PHOTOS / name)
    assert not view.quality["scalp_out_of_frame"], view.quality_metrics["scalp_out_of_frame"]


def test_quality_messages_give_value_limit_and_advice() -> None:
    flags = quality_flags({"face_turned": 31.0, "blurred": 80.0})
    assert flags == {"face_turned": True, "blurred": False}
    (line,) = quality_messages(flags, {"face_turned": 31.0, "blurred": 80.0})
    assert line.startswith("face_turned: 31 degrees of yaw from the nearest standard view")
    assert "(limit 15)" in line and "face the camera" in line
