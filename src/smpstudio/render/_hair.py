"""The client's remaining hair clipped to stubble, so that before and after compare.

Where the photo shows hair on the scalp, the hair is replaced by the bare skin under it and
the stubble of a chosen length (issue 9, item 3):

* **Skin under the hair**: the photo's own bare skin round the hair (else anywhere): its
  mean colour in linear light times a shading ``c₀ + c·n`` (an ambient term and one
  directional light, ``n`` the head model's normal at the pixel) fitted to its luminance
  and kept within the range the bare skin shows, predicted where the hair was, feathered
  into the skin around and given the fine texture of a window of the client's own bare
  skin (freckles, pores, grain).
* **Stubble**: each pixel's hairs are drawn (Poisson) from the hair share the analysis
  measured on that part of the head times a full scalp's hair density; each hair covers its
  shaft's diameter times the clipped length plus the shaft seen through the skin; covered
  skin takes the hair's measured colour, composited in linear light.
* Hair standing out past the head model's outline is replaced by the backdrop around it
  (its pixels smoothed in from all sides).
"""

from collections.abc import Callable

import cv2
import numpy as np

from smpstudio._typing import BoolArray, FloatArray, ImageRGB, PointsMM
from smpstudio.core import Camera, HeadModel, View
from smpstudio.errors import PlanValidationError
from smpstudio.pigment import lab_to_linear_rgb
from smpstudio.render._composite import _DECODE, encode_linear
from smpstudio.render._head_view import PhotoGeometry, photo_geometry
from smpstudio.render._healed import DEFAULT_RENDER, RenderModel

FALLBACK_HAIR_LAB = (25.0, 3.0, 5.0)
"""Dark brown stubble where the analysis measured no hair colour (unsourced)."""
MIN_BARE_PX = 200
"""Fewest bare-skin pixels a skin fit is made from."""
RING_PX = 31
"""Width of the band round the hair whose bare skin the skin under the hair is fitted to."""
FEATHER_PX = 3.0
"""SD of the blend from the clipped skin into the photo's bare skin around it, pixels."""
TEXTURE_WINDOW_PX = 40
"""Side of the bare-skin window whose texture is laid over clipped skin, pixels."""
BACKDROP_SMOOTHING_PX = 12.0
"""SD of the smoothing that carries the backdrop in behind hair standing past the head."""


def stubble_coverage(
    hairs: FloatArray,
    pixel_area_mm2: FloatArray,
    stubble_mm: float,
    render: RenderModel = DEFAULT_RENDER,
) -> FloatArray:
    """Share of each pixel's skin that clipped hairs cover.

    Parameters
    ----------
    hairs : ndarray of float
        Hairs in each pixel (a count or its expectation).
    pixel_area_mm2 : ndarray of float
        Scalp area each pixel sees, mm².
    stubble_mm : float
        Clipped length above the skin, mm.
    render : RenderModel, optional
        Shaft diameter and the length seen through the skin.

    Returns
    -------
    ndarray of float
        ``1 − exp(−hairs·a/A)``: ``a`` one hair's seen area (shaft diameter × (length +
        shaft seen below)), ``A`` the pixel's; hairs fall independently, so they overlap.
    """
    seen = render.shaft_diameter_mm * (stubble_mm + render.stubble_seen_below_mm)
    return np.asarray(1.0 - np.exp(-hairs * seen / np.maximum(pixel_area_mm2, 1e-9)))


def hair_density_per_mm2(
    hair_share: FloatArray, render: RenderModel = DEFAULT_RENDER
) -> FloatArray:
    """Hairs per mm² from the analysis' hair share (0 bare, 1 a full head of hair)."""
    units = render.full_unit_density_per_cm2 / 100.0
    return np.nan_to_num(hair_share) * units * render.hairs_per_unit


def clipped_hair(
    image: ImageRGB,
    view: View,
    head: HeadModel,
    hair_share: FloatArray,
    *,
    stubble_mm: float,
    seed: int = 0,
    render: RenderModel = DEFAULT_RENDER,
    geometry: PhotoGeometry | None = None,
) -> tuple[ImageRGB, BoolArray]:
    """The photo with the hair on the scalp clipped to stubble.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        The view's photo, upright sRGB.
    view : View
        Its analysis (masks ``hair``, ``skin``, ``background``; skin and hair colour) with a
        registered camera.
    head : HeadModel
        The surface the camera is registered to.
    hair_share : (f,) ndarray of float
        Per face of ``head``, the share of hair the analysis saw (NaN unseen: no hair).
    stubble_mm : float
        Length above the skin, mm (``preview_stubble_mm``; 0 for a clean shave).
    seed : int, optional
        Seed of the hairs' placement.
    render : RenderModel, optional
        Hair shaft, density and photo softness parameters.
    geometry : PhotoGeometry, optional
        The head model seen through the view's camera (:func:`photo_geometry`), if made.

    Returns
    -------
    image : (h, w, 3) ndarray of uint8
        A new image.
    clipped : (h, w) ndarray of bool
        Pixels whose hair was replaced.

    Raises
    ------
    PlanValidationError
        If the view has no camera or no hair mask, the image is not the view's size, the
        length is negative or the hair share does not match the head.
    """
    if view.camera is None:
        raise PlanValidationError(f"view '{view.name}' has no camera; run the head stage first")
    view.check_image(image)
    if "hair" not in view.masks:
        raise PlanValidationError(f"view '{view.name}' has no hair mask; run 'smp analyse'")
    if not stubble_mm >= 0:
        raise PlanValidationError(f"stubble length must be ≥ 0 mm, got {stubble_mm}")
    if hair_share.shape != (len(head.faces),):
        raise PlanValidationError(
            f"hair_share has {hair_share.shape} values for a head of {len(head.faces)} faces"
        )
    h, w = image.shape[:2]
    if geometry is None:
        geometry = photo_geometry(head, view.camera, w, h)
    background = view.masks.get("background", np.zeros((h, w), bool))
    hair_all = view.masks["hair"] & ~background
    face_all = geometry.image_face
    scalp_all = (face_all >= 0) & head.scalp_faces[np.maximum(face_all, 0)]
    # the reach of the skin fit, the feather and the backdrop fill
    box = _work_box(hair_all | scalp_all, RING_PX + int(4 * (FEATHER_PX + BACKDROP_SMOOTHING_PX)))
    out = image.copy()
    replaced = np.zeros((h, w), bool)
    if box is None:
        return out, replaced
    y0, y1, x0, x1 = box
    crop = (slice(y0, y1), slice(x0, x1))
    hair, scalp, face = hair_all[crop], scalp_all[crop], face_all[crop]
    on_head = face >= 0

    def surface(mask: BoolArray) -> tuple[PointsMM, FloatArray]:
        rows, cols = np.nonzero(mask)
        points, normals, _ = geometry.at(rows + y0, cols + x0)
        return points, normals

    # the design's share where a photo measured it; else this photo's own mask says
    share = hair.astype(np.float64)
    known = on_head.copy()
    known[on_head] = np.isfinite(hair_share[face[on_head]])
    share[known] = hair_share[face[known]]
    clipped = hair & on_head
    linear = _DECODE[image[crop]].astype(np.float32)
    bare = view.masks.get("skin", ~hair_all)[crop] & on_head & ~hair
    # the skin round the hair says most about the skin under it (colour varies over a face)
    ring = cv2.dilate(clipped.astype(np.uint8), np.ones((RING_PX, RING_PX), np.uint8)) > 0
    fit = None
    for source in (bare & ring, bare):
        if fit is None and source.sum() >= MIN_BARE_PX:
            fit = _skin_under_hair(linear[source], surface(source)[1])
    rng = np.random.default_rng(seed)
    if fit is not None:
        # feathered into the bare skin around, with the texture of the client's own skin
        alpha = cv2.GaussianBlur(clipped.astype(np.float32), (0, 0), FEATHER_PX)
        alpha = np.maximum(np.minimum(2.0 * alpha, 1.0), clipped) * on_head
        near = alpha > 0
        under = fit(surface(near)[1]) * _skin_texture(linear, bare)[near][:, None]
        a = alpha[near][:, None]
        linear[near] = a * under + (1.0 - a) * linear[near]
    # hairs each pixel sees: density on the surface times the scalp area the pixel spans
    grows = (scalp | clipped) & (share > 0)  # stubble wherever hair grows
    area = _pixel_area_mm2(view.camera, *surface(grows))
    hairs = rng.poisson(hair_density_per_mm2(share[grows], render) * area)
    seen = np.zeros(face.shape, np.float32)
    seen[grows] = stubble_coverage(hairs.astype(float), area, stubble_mm, render)
    cover = cv2.GaussianBlur(seen, (0, 0), render.photo_blur_px) * grows  # as soft as the photo
    hair_rgb = lab_to_linear_rgb(view.hair_lab or FALLBACK_HAIR_LAB).astype(np.float32)
    touched = cover > 0
    linear[touched] += cover[touched][:, None] * (hair_rgb - linear[touched])
    patch = encode_linear(linear)
    # hair outside the head's outline (and its last fringe pixels): the backdrop behind it
    standing = (cv2.dilate(hair.astype(np.uint8), np.ones((5, 5), np.uint8)) > 0) & ~on_head
    near = _work_box(standing, int(4 * BACKDROP_SMOOTHING_PX))
    if near is not None:
        b0, b1, c0, c1 = near
        around = (slice(b0, b1), slice(c0, c1))
        fill = _backdrop(patch[around], background[crop][around] & ~hair[around])
        patch[around][standing[around]] = fill[standing[around]]
    out[crop] = patch
    replaced[crop] = clipped | standing
    return out, replaced


def _work_box(region: BoolArray, margin: int) -> tuple[int, int, int, int] | None:
    """(y0, y1, x0, x1) about a region, widened by ``margin`` pixels; None if empty."""
    rows, cols = np.nonzero(np.any(region, axis=1)), np.nonzero(np.any(region, axis=0))
    if len(rows[0]) == 0:
        return None
    h, w = region.shape
    return (
        max(int(rows[0][0]) - margin, 0),
        min(int(rows[0][-1]) + margin + 1, h),
        max(int(cols[0][0]) - margin, 0),
        min(int(cols[0][-1]) + margin + 1, w),
    )


def _pixel_area_mm2(camera: Camera, points: PointsMM, normals: FloatArray) -> FloatArray:
    """Scalp area a pixel spans at each surface point (foreshortening capped at 5×), mm²."""
    _, depth = camera.project(points)
    to_camera = camera.centre_mm - points
    cos_view = np.einsum("ij,ij->i", normals, to_camera) / np.linalg.norm(to_camera, axis=1)
    return np.asarray((depth / camera.fx_px) ** 2 / np.clip(cos_view, 0.2, 1.0))


def _skin_under_hair(values: np.ndarray, normals: FloatArray) -> Callable[[FloatArray], np.ndarray]:
    """Bare skin's light as a function of the normal, from its pixels' linear colours.

    The skin's mean colour times a shading ``c₀ + c·n`` fitted to its luminance, kept within
    the shading the bare skin shows (a fit never invents a highlight or a colour).
    """
    rgb = values.astype(np.float64)
    colour = rgb.mean(axis=0)
    luminance = rgb @ colour / (colour @ colour)  # the skin colour's share, 1 on average
    design = np.column_stack([np.ones(len(rgb)), normals])
    coef, *_ = np.linalg.lstsq(design, luminance, rcond=None)
    low, high = np.percentile(luminance, [2.0, 98.0])

    def fit(nrm: FloatArray) -> np.ndarray:
        shade = np.clip(np.column_stack([np.ones(len(nrm)), nrm]) @ coef, low, high)
        return np.asarray(shade[:, None] * colour, dtype=np.float32)

    return fit


def _skin_texture(linear: np.ndarray, bare: BoolArray) -> np.ndarray:
    """(h, w) fine texture of the client's bare skin, tiled over the whole image.

    The window of ``TEXTURE_WINDOW_PX`` pixels with the most bare skin (the forehead) gives
    its luminance over its local mean (freckles, pores, grain); mirrored tiles of it cover
    the image. 1 everywhere without such a window.
    """
    h, w = bare.shape
    side = min(TEXTURE_WINDOW_PX, h, w)
    share = cv2.boxFilter(bare.astype(np.float32), -1, (side, side))
    y, x = np.unravel_index(int(np.argmax(share)), share.shape)
    if share[y, x] < 0.95:
        return np.ones((h, w), np.float32)
    y0 = int(np.clip(y - side // 2, 0, h - side))
    x0 = int(np.clip(x - side // 2, 0, w - side))
    lum = linear[y0 : y0 + side, x0 : x0 + side].mean(axis=2)
    detail = lum / np.maximum(cv2.GaussianBlur(lum, (0, 0), 3.0), 1e-4)
    tile = np.block([[detail, detail[:, ::-1]], [detail[::-1], detail[::-1, ::-1]]])
    reps = (h // tile.shape[0] + 1, w // tile.shape[1] + 1)
    return np.asarray(np.tile(tile, reps)[:h, :w], dtype=np.float32)


def _backdrop(image: ImageRGB, backdrop: BoolArray) -> ImageRGB:
    """The backdrop's smooth colour at every pixel (normalised convolution of its pixels)."""
    weight = cv2.GaussianBlur(backdrop.astype(np.float32), (0, 0), BACKDROP_SMOOTHING_PX)
    total = cv2.GaussianBlur(
        image.astype(np.float32) * backdrop[..., None], (0, 0), BACKDROP_SMOOTHING_PX
    )
    smooth = total / np.maximum(weight, 1e-6)[..., None]
    return np.asarray(np.clip(np.round(smooth), 0, 255), dtype=np.uint8)
