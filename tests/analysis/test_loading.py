"""Loading photos: colour profiles, bit depths, alpha and formats."""

import io
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageCms

from smpstudio.analysis import read_photo
from smpstudio.errors import ImageReadError
from tests.conftest import EXAMPLE

ADOBE_RGB = Path(__file__).resolve().parents[1] / "data" / "icc" / "compatibleWithAdobeRGB1998.icc"
ICC_LEVELS = 1.0
"""Mean absolute error, 8-bit levels, of a photo that went sRGB → Adobe RGB → sRGB."""


def _original() -> np.ndarray:
    image, _ = read_photo(EXAMPLE / "front.jpg")
    return image


def test_embedded_adobe_rgb_profile_is_converted_to_srgb(tmp_path: Path) -> None:
    original = Image.fromarray(_original())
    adobe = ImageCms.ImageCmsProfile(str(ADOBE_RGB))
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))
    in_adobe = ImageCms.profileToProfile(original, srgb, adobe, outputMode="RGB")
    in_adobe.save(tmp_path / "adobe.png", icc_profile=adobe.tobytes())
    loaded, _ = read_photo(tmp_path / "adobe.png")
    error = np.abs(loaded.astype(float) - np.asarray(original, dtype=float)).mean()
    assert error < ICC_LEVELS
    # the check can fail: the Adobe RGB numbers read as if they were sRGB are far off
    raw = np.abs(np.asarray(in_adobe, dtype=float) - np.asarray(original, dtype=float)).mean()
    assert raw > 2 * ICC_LEVELS


def test_sixteen_bit_grayscale_is_scaled_not_clipped(tmp_path: Path) -> None:
    gray8 = np.asarray(Image.fromarray(_original()).convert("L"))
    Image.fromarray(gray8.astype(np.uint16) * 257).save(tmp_path / "gray16.png")
    with Image.open(tmp_path / "gray16.png") as stored:
        assert stored.mode == "I;16"
    loaded, _ = read_photo(tmp_path / "gray16.png")
    assert loaded.shape == (*gray8.shape, 3)
    assert np.array_equal(loaded[..., 0], gray8)
    assert np.array_equal(loaded[..., 0], loaded[..., 2])


def test_transparent_pixels_are_composited_over_white(tmp_path: Path) -> None:
    rgba = np.dstack([_original(), np.full(_original().shape[:2], 255, np.uint8)])
    rgba[:50, :50, 3] = 0
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "alpha.png")
    loaded, _ = read_photo(tmp_path / "alpha.png")
    assert np.all(loaded[:50, :50] == 255)
    assert np.array_equal(loaded[100:, 100:], _original()[100:, 100:])


def test_unsupported_format_is_named(tmp_path: Path) -> None:
    buffer = io.BytesIO()
    Image.fromarray(_original()).save(buffer, format="GIF")
    (tmp_path / "front.gif").write_bytes(buffer.getvalue())
    with pytest.raises(ImageReadError, match="unsupported image format GIF; use JPEG, PNG"):
        read_photo(tmp_path / "front.gif")
