"""Reading photos: decode, apply EXIF orientation, refuse what cannot be analysed."""

import hashlib
import io
import warnings
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from smpstudio._typing import ImageRGB
from smpstudio.errors import ImageReadError

MAX_PIXELS = 60_000_000
"""Largest photo accepted (60 MP); larger files are refused before decoding."""
MIN_SIDE_PX = 256
"""Shortest side accepted, pixels; smaller photos cannot show scalp detail."""
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png", ".tif", ".tiff", ".webp")
"""File endings treated as photos when a folder is read."""


def read_photo(path: Path) -> tuple[ImageRGB, str]:
    """Decode a photo into an upright 8-bit sRGB array.

    Parameters
    ----------
    path : Path
        JPEG, PNG, TIFF or WebP file.

    Returns
    -------
    image : (h, w, 3) ndarray of uint8
        RGB pixels after the EXIF orientation tag is applied.
    sha256 : str
        SHA-256 of the file's bytes.

    Raises
    ------
    ImageReadError
        The file cannot be read or decoded, is truncated, has more than ``MAX_PIXELS``
        pixels, or a side shorter than ``MIN_SIDE_PX``.
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
                w, h = img.size
                if w * h > MAX_PIXELS:
                    raise ImageReadError(
                        path, f"{w}x{h} pixels is more than the {MAX_PIXELS:,} accepted"
                    )
                upright = ImageOps.exif_transpose(img).convert("RGB")
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
