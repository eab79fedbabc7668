# mypy: disable-error-code="no-untyped-def"
"""Compositing splats onto a photo in linear light (issue 9, item 2).

Each splat darkens the pixels it covers multiplicatively — the pixel keeps the photo's own
shading and highlights, and is multiplied, per channel, by ``1 − w·(1 − ρ)``: ``w`` the
share of the pixel the dot covers, ``ρ`` the dot's reflectance over the skin's (from the
pigment model: the predicted dot colour on the client's skin over that skin). Overlapping
dots multiply.

Coverage ``w`` keeps each dot's area exact at every scale: a footprint whose minor axis is
below ``SOFT_EDGE_MIN_PX`` is splatted as an elliptical Gaussian with the disc's second
moment plus a pixel's (area-weighted, so a 0.2-px dot still darkens its pixel by its area —
at portrait scale the scalp takes the tone of shaved stubble); a larger one as its ellipse
with a one-pixel soft edge (soft dots at close range).
"""

import math

import numba
import numpy as np

from smpstudio._typing import BoolArray, Float32Array, FloatArray, ImageRGB
from smpstudio.analysis import srgb_to_linear
from smpstudio.render._splats import Splats

SOFT_EDGE_MIN_PX = 1.5
"""Footprints with a minor axis (full width) below this many pixels are splatted as
Gaussians; larger ones as ellipses with a soft edge."""
PIXEL_MOMENT_PX2 = 1.0 / 12.0
"""Second moment of a pixel's box footprint, added to a Gaussian splat's."""
GAUSSIAN_REACH = 3.0
"""Gaussian splats are evaluated within this many SDs."""


@numba.njit(cache=True)
def _composite(transmit, centre, moment, area, darkening, gaussian, soft_min, box):
    """Multiply ``transmit`` (h, w, 3) by each splat's ``1 − w·darkening`` inside ``box``.

    ``box`` is (x0, y0, x1, y1), inclusive pixel bounds; ``gaussian`` forces the Gaussian
    form whatever the size (blurred light).
    """
    for k in range(centre.shape[0]):
        a, b, d = moment[k, 0, 0], moment[k, 0, 1], moment[k, 1, 1]
        det = a * d - b * b
        if det <= 0.0:
            continue
        # minor full axis of the disc: 2·2·√λ_min of the moment
        lam_min = 0.5 * (a + d) - math.sqrt(0.25 * (a - d) ** 2 + b * b)
        cx, cy = centre[k, 0], centre[k, 1]
        soft = not gaussian[k] and 4.0 * math.sqrt(max(lam_min, 0.0)) >= soft_min
        if soft:
            # ellipse boundary: uᵀ (4Σ)⁻¹ u = 1
            ia, ib, id_ = d / (4.0 * det), -b / (4.0 * det), a / (4.0 * det)
            reach = 2.0 * math.sqrt(max(a, d)) + 1.5
            norm = 1.0
        else:
            ga, gb, gd = a + PIXEL_MOMENT_PX2, b, d + PIXEL_MOMENT_PX2
            gdet = ga * gd - gb * gb
            ia, ib, id_ = gd / gdet, -gb / gdet, ga / gdet
            reach = GAUSSIAN_REACH * math.sqrt(max(ga, gd))
            norm = area[k] / (2.0 * math.pi * math.sqrt(gdet))
        x0, x1 = max(math.floor(cx - reach), box[0]), min(math.ceil(cx + reach), box[2])
        y0, y1 = max(math.floor(cy - reach), box[1]), min(math.ceil(cy + reach), box[3])
        for y in range(y0, y1 + 1):
            dy = y - cy
            for x in range(x0, x1 + 1):
                dx = x - cx
                q = ia * dx * dx + 2.0 * ib * dx * dy + id_ * dy * dy
                if soft:
                    rho = math.sqrt(q)
                    cover = 1.0
                    if rho > 0.0:
                        # the edge is at ρ = 1: r/ρ pixels from the centre along this ray
                        edge = (1.0 - rho) * math.sqrt(dx * dx + dy * dy) / rho
                        cover = min(max(0.5 + edge, 0.0), 1.0)
                else:
                    if q > GAUSSIAN_REACH * GAUSSIAN_REACH:
                        continue
                    g = norm * math.exp(-0.5 * q)
                    # blurred light saturates smoothly (no flat top with an edge)
                    cover = 1.0 - math.exp(-g) if gaussian[k] else min(g, 1.0)
                if cover <= 0.0:
                    continue
                for c in range(3):
                    transmit[y, x, c] *= 1.0 - cover * darkening[k, c]


@numba.njit(cache=True)
def _encode(linear):
    """One linear value to 8-bit sRGB."""
    x = min(max(linear, 0.0), 1.0)
    v = 12.92 * x if x <= 0.0031308 else 1.055 * x ** (1.0 / 2.4) - 0.055
    return np.uint8(min(max(round(v * 255.0), 0.0), 255.0))


@numba.njit(cache=True)
def _apply(image, transmit, decode, out, box, copy_untouched):
    """``out = encode(decode(image) · transmit)`` where ``transmit ≠ 1``, inside ``box``.

    Elsewhere in the box ``out`` takes the image itself when ``copy_untouched``.
    """
    for y in range(box[1], box[3] + 1):
        for x in range(box[0], box[2] + 1):
            for c in range(3):
                t = transmit[y, x, c]
                if t != 1.0:
                    out[y, x, c] = _encode(decode[image[y, x, c]] * t)
                elif copy_untouched:
                    out[y, x, c] = image[y, x, c]


@numba.njit(cache=True)
def _encode_all(linear, out):
    """``out = encode(linear)`` for an (h, w, 3) linear image."""
    h, w = linear.shape[0], linear.shape[1]
    for y in range(h):
        for x in range(w):
            for c in range(3):
                out[y, x, c] = _encode(linear[y, x, c])


def encode_linear(linear: Float32Array) -> ImageRGB:
    """An (h, w, 3) linear-light image (0–1, clipped) as 8-bit sRGB."""
    out = np.zeros(linear.shape, np.uint8)
    _encode_all(np.ascontiguousarray(linear, dtype=np.float32), out)
    return out


_DECODE = srgb_to_linear(np.arange(256) / 255.0)
"""Linear light of each 8-bit sRGB value."""


def splat_transmittance(
    transmit: Float32Array,
    splats: Splats,
    darkening: FloatArray,
    *,
    gaussian: bool | BoolArray = False,
    box: tuple[int, int, int, int] | None = None,
) -> None:
    """Multiply a transmittance buffer by the splats, in place.

    Parameters
    ----------
    transmit : (h, w, 3) ndarray of float32
        Per pixel and channel, the share of the photo's light kept (1 untouched).
    splats : Splats
        Footprints in this image.
    darkening : (m, 3) ndarray of float
        Per splat and channel, ``1 − ρ`` (ρ the dot's reflectance over the skin's).
    gaussian : bool or (m,) ndarray of bool, optional
        Splats drawn as Gaussians whatever their size (blurred light), all or per splat;
        their coverage saturates as ``1 − exp(−g)`` of the Gaussian's value ``g`` (a
        smooth dome where many dots' light overlaps) instead of clipping at 1.
    box : tuple of int, optional
        (x0, y0, x1, y1), inclusive pixel bounds to touch (default the whole buffer).
    """
    if darkening.shape != (len(splats), 3):
        raise ValueError(f"darkening must be ({len(splats)}, 3), got {darkening.shape}")
    h, w = transmit.shape[:2]
    _composite(
        transmit,
        np.ascontiguousarray(splats.centre_px, dtype=np.float64),
        np.ascontiguousarray(splats.moment_px2, dtype=np.float64),
        np.ascontiguousarray(splats.area_px2, dtype=np.float64),
        np.ascontiguousarray(darkening, dtype=np.float64),
        np.ascontiguousarray(np.broadcast_to(gaussian, (len(splats),)), dtype=np.bool_),
        SOFT_EDGE_MIN_PX,
        np.array((0, 0, w - 1, h - 1) if box is None else box, dtype=np.int64),
    )


def apply_transmittance(
    image: ImageRGB,
    transmit: Float32Array,
    *,
    out: ImageRGB | None = None,
    box: tuple[int, int, int, int] | None = None,
) -> ImageRGB:
    """The photo's linear light times a transmittance buffer, re-encoded to sRGB.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The photo, sRGB.
    transmit : (h, w, 3) ndarray of float32
        Share of the light kept per pixel and channel (above 1 lightens).
    out : (h, w, 3) ndarray of uint8, optional
        Written in place (inside ``box``) instead of a new image.
    box : tuple of int, optional
        (x0, y0, x1, y1), inclusive pixel bounds (default all).

    Returns
    -------
    (h, w, 3) ndarray of uint8
        ``out`` or a new image; pixels with a transmittance of exactly 1 are copied.
    """
    h, w = image.shape[:2]
    target = image.copy() if out is None else out
    bounds = np.array((0, 0, w - 1, h - 1) if box is None else box, dtype=np.int64)
    _apply(np.ascontiguousarray(image), transmit, _DECODE, target, bounds, out is not None)
    return target


def composite_splats(image: ImageRGB, splats: Splats, reflectance_ratio: FloatArray) -> ImageRGB:
    """Composite splats onto a photo in linear light.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The photo, sRGB.
    splats : Splats
        Footprints in this photo (:func:`project_splats`).
    reflectance_ratio : (m, 3) ndarray of float
        Per splat and channel, the dot's reflectance over the skin's (0–1: 1 invisible,
        0 black), from the pigment model.

    Returns
    -------
    (h, w, 3) ndarray of uint8
        The photo with the dots; ``image`` is unchanged.
    """
    if reflectance_ratio.shape != (len(splats), 3):
        raise ValueError(
            f"reflectance_ratio must be ({len(splats)}, 3), got {reflectance_ratio.shape}"
        )
    transmit = np.ones(image.shape, dtype=np.float32)
    splat_transmittance(transmit, splats, 1.0 - np.clip(reflectance_ratio, 0.0, 1.0))
    return apply_transmittance(image, transmit)
