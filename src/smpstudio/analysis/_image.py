"""Reading photos: decode, apply EXIF orientation and colour profile, refuse the rest.

Every photo comes out as upright 8-bit sRGB: the EXIF orientation is applied, an embedded
ICC profile is converted to sRGB (perceptual intent, LittleCMS through Pillow), 16-bit and
grayscale images are scaled to 8-bit RGB, and transparent pixels are composited over white.
"""

import hashlib
import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageCms, ImageOps, UnidentifiedImageError

from smpstudio._typing import ImageRGB
from smpstudio.errors import ImageReadError

MAX_PIXELS = 60_000_000
"""Largest photo accepted (60 MP); larger files are refused before decoding."""
MIN_SIDE_PX = 256
"""Shortest side accepted, pixels; smaller photos cannot show scalp detail."""
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
"""File endings treated as photos when a folder is read."""
SUPPORTED_FORMATS = ("JPEG", "MPO", "PNG", "TIFF", "WEBP")
"""Pillow format names accepted (MPO: the multi-picture JPEG many cameras write)."""

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def _to_srgb(img: Image.Image, path: Path) -> Image.Image:
    """Convert a decoded image of any supported mode to 8-bit sRGB."""
    if img.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        values = np.asarray(img, dtype=np.float64)
        top = 65535.0 if img.mode.startswith("I;16") or values.max() > 255 else 255.0
        if img.mode == "F":
            top = 1.0 if values.max() <= 1.0 else 255.0
        gray = np.clip(np.round(values / top * 255.0), 0, 255).astype(np.uint8)
        img = Image.fromarray(gray, mode="L")
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        img = Image.alpha_composite(white, rgba).convert("RGB")
    icc = img.info.get("icc_profile")
    if icc:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if ImageCms.getProfileDescription(source).strip() != "sRGB built-in":
                mode = img.mode if img.mode in ("RGB", "CMYK", "L") else "RGB"
                converted = ImageCms.profileToProfile(
                    img.convert(mode), source, _SRGB, outputMode="RGB"
                )
                if converted is None:  # only with inPlace=True
                    raise ImageReadError(path, "colour conversion returned no image")
                img = converted
        except ImageCms.PyCMSError as exc:
            raise ImageReadError(
                path, f"its embedded colour profile cannot be applied ({exc})"
            ) from exc
    return img.convert("RGB")


def read_photo(path: Path) -> tuple[ImageRGB, str]:
    """Decode a photo into an upright 8-bit sRGB array.

    Parameters
    ----------
    path : Path
        JPEG, PNG, TIFF or WebP file.

    Returns
    -------
    image : (h, w, 3) ndarray of uint8
        sRGB pixels after the EXIF orientation and any embedded colour profile are applied.
    sha256 : str
        SHA-256 of the file's bytes.

    Raises
    ------
    ImageReadError
        The file cannot be read or decoded, is truncated, is not in ``SUPPORTED_FORMATS``,
        has more than ``MAX_PIXELS`` pixels, a side shorter than ``MIN_SIDE_PX``, or a colour
        profile that cannot be applied.
    """
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ImageReadError(path, exc.strerror or str(exc)) from exc
    digest = hashlib.sha256(data).hexdigest()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as img:
                if img.format not in SUPPORTED_FORMATS:
                    raise ImageReadError(
                        path,
                        f"unsupported image format {img.format}; use JPEG, PNG, TIFF or WebP",
                    )
                w, h = img.size
                if w * h > MAX_PIXELS:
                    raise ImageReadError(
                        path, f"{w}x{h} pixels is more than the {MAX_PIXELS:,} accepted"
                    )
                upright = _to_srgb(ImageOps.exif_transpose(img), path)
                upright.load()
    except ImageReadError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as exc:
        raise ImageReadError(path, "not a decodable image file") from exc
    except (OSError, SyntaxError, ValueError) as exc:
        raise ImageReadError(path, f"damaged image data ({exc})") from exc
    image = np.asarray(upright, dtype=np.uint8)
    if min(image.shape[:2]) < MIN_SIDE_PX:
        raise ImageReadError(
            path,
            f"{image.shape[1]}x{image.shape[0]} pixels is too small; the shortest side must be "
            f"at least {MIN_SIDE_PX} px",
        )
    return image, digest


def list_photos(folder: Path) -> list[Path]:
    """List the photos in ``folder`` (not recursive), sorted by name.

    Parameters
    ----------
    folder : Path
        A folder of photos.

    Returns
    -------
    list of Path
        Files whose ending is in ``PHOTO_SUFFIXES``, sorted.
    """
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PHOTO_SUFFIXES)
