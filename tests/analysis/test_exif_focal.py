"""The focal length of a photo: from EXIF only when the EXIF image size is the pixels'."""

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from PIL.TiffImagePlugin import IFDRational

from smpstudio.analysis import analyse_photo, default_focal_px, photo_focal, read_photo
from smpstudio.head import register_frontal_view
from tests.conftest import EXAMPLE

FULL_FRAME_DIAGONAL_MM = 43.27


def _save(tmp_path: Path, name: str, size: tuple[int, int], tags: dict[int, object], **kw) -> Path:
    image = Image.open(EXAMPLE / "front.jpg").convert("RGB").resize(size)
    exif = Image.Exif()
    for tag, value in kw.get("base", {}).items():
        exif[tag] = value
    sub = exif.get_ifd(0x8769)
    sub.update(tags)
    path = tmp_path / name
    image.save(path, exif=exif)
    return path


def test_35mm_equivalent_focal_length_is_used_when_the_size_matches(tmp_path: Path) -> None:
    path = _save(tmp_path, "a.jpg", (450, 550), {0xA002: 450, 0xA003: 550, 0xA405: 50})
    focal = photo_focal(path, 450, 550)
    assert focal.from_exif and "35 mm-equivalent focal length 50 mm" in focal.source
    assert focal.focal_px == pytest.approx(50 * np.hypot(450, 550) / FULL_FRAME_DIAGONAL_MM)


def test_focal_plane_resolution_gives_the_focal_length(tmp_path: Path) -> None:
    tags = {
        0xA002: 450,
        0xA003: 550,
        0x920A: IFDRational(6, 1),
        0xA20E: IFDRational(1000, 1),
        0xA210: 3,
    }
    focal = photo_focal(_save(tmp_path, "b.jpg", (450, 550), tags), 450, 550)
    assert focal.from_exif and focal.focal_px == pytest.approx(6 * 1000 / 10)


def test_a_cropped_or_unrecorded_photo_falls_back_to_the_default_lens(tmp_path: Path) -> None:
    cropped = _save(tmp_path, "c.jpg", (300, 400), {0xA002: 450, 0xA003: 550, 0xA405: 50})
    focal = photo_focal(cropped, 300, 400)
    assert not focal.from_exif and "cropped or resized" in focal.source
    assert focal.focal_px == pytest.approx(default_focal_px(300, 400))
    bare = tmp_path / "d.png"
    Image.open(EXAMPLE / "front.jpg").save(bare)
    plain = photo_focal(bare, 450, 550)
    assert not plain.from_exif and "no EXIF image size" in plain.source


def test_turned_photo_keeps_its_focal_length(tmp_path: Path) -> None:
    # stored 550 wide, 450 high with orientation 6: upright it is 450 × 550
    path = _save(
        tmp_path, "e.jpg", (550, 450), {0xA002: 550, 0xA003: 450, 0xA405: 85}, base={0x0112: 6}
    )
    image, _ = read_photo(path)
    assert image.shape[:2] == (550, 450)
    assert photo_focal(path, image.shape[1], image.shape[0]).from_exif


def test_registration_uses_the_photo_focal_length(tmp_path: Path) -> None:
    path = _save(tmp_path, "f.jpg", (450, 550), {0xA002: 450, 0xA003: 550, 0xA405: 200})
    image, sha = read_photo(path)
    focal = photo_focal(path, 450, 550)
    view = analyse_photo(image, name="f", image_file="f.jpg", image_sha256=sha, focal=focal)
    assert view.focal_px == pytest.approx(focal.focal_px)
    assert view.focal_source is not None and "EXIF" in view.focal_source
    registered = register_frontal_view(view, interpupillary_mm=64.0)
    assert registered.camera is not None
    assert registered.camera.fx_px == pytest.approx(focal.focal_px)
    # a longer lens puts the camera further away than the default 85 mm lens does
    default = register_frontal_view(
        analyse_photo(image, name="g", image_file="g.jpg", image_sha256=sha),
        interpupillary_mm=64.0,
    )
    assert default.camera is not None
    far = registered.camera.camera_from_head.inverse().translation_mm
    near = default.camera.camera_from_head.inverse().translation_mm
    assert np.linalg.norm(far) > 2 * np.linalg.norm(near)
