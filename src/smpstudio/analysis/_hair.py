"""Hair versus not-hair inside the upper-head region of a photo, across skin tones.

On a bald head forehead and scalp are the same skin, so this stage does not look for "the
scalp": it marks, above the brows and on the head, which pixels are covered by hair. Where
the scalp begins is geometry (head model and design).

The classifier is a logistic regression on six per-pixel cues, each measured relative to
the client's own skin (forehead and cheek patches) so that it holds from very light to dark
skin:

1. the pixel's chroma along the skin's own hue (hair is greyer or darker than skin),
2. its chroma across that hue,
3. its lightness relative to the skin,
4. fine texture relative to the skin's (strands against smooth scalp),
5. MediaPipe's hair-segmentation model, as one weak cue (it marks a third of the bare scalp
   of some dark-skinned bald men as hair, so it is never used alone),
6. saturation (chroma over lightness) relative to the skin: shading darkens skin but keeps
   its saturation; hair loses it.

Pixels within ``RIM_PX`` of the background are a mixture of head and backdrop; they take
the label of the nearest pixel further in. The hair boundary is then sharpened with a
Gaussian model of the hair and skin colour on either side (a*, b* and saturation, leaving out
L*: the skin next to hair is shaded, darker but as saturated) (it may only give pixels back to
skin, never add hair), and specks smaller than ``MIN_PATCH_MM2`` are removed.

The weights were fitted to hand-traced hair polygons of 12 congress portraits
(``tests/data/annotations/hair_polygons.json``) by ``scripts/fit_hair_classifier.py``, which
also prints the leave-one-photo-out accuracy.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from smpstudio._typing import BoolArray, Float32Array, FloatArray, ImageRGB
from smpstudio.analysis._colour import forehead_patch_px, lab_median_iqr, rgb_to_lab
from smpstudio.analysis._litert import litert_model
from smpstudio.analysis._mesh import LEFT_IRIS, RIGHT_IRIS, FaceMesh
from smpstudio.analysis._white_balance import WhiteBalance
from smpstudio.domain import ANSUR_MALE

HAIR_MODEL_FILE = "hair_segmentation.tflite"
"""The model file in ``analysis/models/``."""
HAIR_MODEL_INPUT_PX = 512
"""Side of the hair model's square input, pixels."""
BROW_LANDMARKS = (70, 63, 105, 66, 107, 336, 296, 334, 293, 300)
"""Face Mesh indices along the tops of both brows; the region lies above their line."""
RIGHT_CHEEK, LEFT_CHEEK = 50, 280
"""Face Mesh indices on the upper cheeks, where the skin reference is also sampled."""
CHEEK_PATCH_IOD = 0.12
"""Half-side of each cheek patch, in interocular distances."""
FRINGE_DELTA_E = 15.0
"""A forehead patch this far (CIE76) from the cheeks, and darker, is taken as under a fringe."""
MIN_SKIN_SHARE_OF_PATCH = 0.5
"""Least share of a patch that must be skin for the skin colour to be measured there."""
WORK_IOD_PX = 140.0
"""Largest interocular distance the classifier works at, pixels (the photos it was fitted
on have 95–135)."""
RIM_PX = 3
"""Width of the head's rim, at working scale, whose pixels mix head and backdrop."""
BOUNDARY_BAND_PX = 5
"""Half-width of the band in which the hair boundary is sharpened, working pixels."""
MIN_PATCH_MM2 = 10.0
"""Smallest hair patch or gap kept, square millimetres at the scalp."""
BUSY_HAIR_PROBABILITY = 0.3
"""Without a plain backdrop, pixels the hair model gives at least this probability may be
head (with skin-like pixels), if connected to the forehead."""
MIN_HAIR_PIXELS_FOR_COLOUR = 100
"""Fewest hair pixels (after a 1 px erosion) from which a hair colour is reported."""
SKIN_LIMITS = (0.55, 1.8, 0.35, 0.6)
"""Skin mask: chroma along the skin hue between 0.55 and 1.8 of the reference's, across it at
most 0.35 of it, and saturation at least 0.6 of the reference's (shading keeps these)."""
FEATURE_NAMES = (
    "chroma_along_skin_hue",
    "chroma_across_skin_hue",
    "lightness_vs_skin",
    "log_texture_vs_skin",
    "hair_model_logit",
    "log_saturation_vs_skin",
)
"""The per-pixel cues, in the order of ``HAIR_WEIGHTS``."""
HAIR_WEIGHTS = (-0.984, -0.092, 0.237, 2.153, 1.917, -1.157)
"""Logistic-regression weights of the cues (fitted; see the module notes)."""
HAIR_BIAS = -1.054
"""Logistic-regression bias."""


@dataclass(frozen=True, slots=True)
class HairSegmentation:
    """Hair versus not-hair in the upper-head region of one photo.

    Parameters
    ----------
    probability : (h, w) ndarray of float32
        Probability that a pixel is hair, 0–1 (the soft boundary); 0 outside the region.
    hair : (h, w) ndarray of bool
        Hair pixels, inside the region only.
    region : (h, w) ndarray of bool
        The upper-head region: on the head (off the backdrop) and above the brows.
    skin : (h, w) ndarray of bool
        Skin anywhere in the photo (face, scalp, ears, neck): off the backdrop, not hair,
        and within ``SKIN_LIMITS`` of the reference skin colour.
    skin_lab : tuple of float
        The reference skin colour (CIELAB, D65) the cues were measured against.
    """

    probability: Float32Array
    hair: BoolArray
    region: BoolArray
    skin: BoolArray
    skin_lab: tuple[float, float, float]

    @property
    def hair_fraction(self) -> float:
        """Share of the upper-head region covered by hair, 0–1."""
        return float(self.hair.sum()) / max(1, int(self.region.sum()))


def hair_model_probability(image: ImageRGB) -> Float32Array:
    """Hair probability from MediaPipe's hair-segmentation model.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.

    Returns
    -------
    (h, w) ndarray of float32
        Per-pixel hair probability, 0–1.

    Notes
    -----
    The model takes 512 × 512 RGB in [0, 1] plus a fourth channel holding the previous
    frame's mask (zeros for a still photo) and returns two logits per pixel; channel 1 is
    hair. It is a weak cue on bald heads: see the module notes.
    """
    n = HAIR_MODEL_INPUT_PX
    rgb = cv2.resize(image, (n, n), interpolation=cv2.INTER_AREA).astype(np.float32) / 255.0
    batch = np.concatenate([rgb, np.zeros((n, n, 1), np.float32)], axis=2)[None]
    interpreter = litert_model(HAIR_MODEL_FILE)
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], batch)
    interpreter.invoke()
    logits = interpreter.get_tensor(interpreter.get_output_details()[0]["index"])[0]
    probability = 1.0 / (1.0 + np.exp(logits[..., 0] - logits[..., 1]))
    h, w = image.shape[:2]
    return np.asarray(
        cv2.resize(probability.astype(np.float32), (w, h), interpolation=cv2.INTER_LINEAR),
        dtype=np.float32,
    )


def upper_head_region(
    shape: tuple[int, ...], landmarks_px: FloatArray, background: BoolArray | None
) -> BoolArray:
    """The region above the brows and on the head.

    Parameters
    ----------
    shape : tuple of int
        Image shape ``(h, w, ...)``.
    landmarks_px : (478, 2 or 3) ndarray of float
        Face Mesh landmarks, pixels.
    background : (h, w) ndarray of bool or None
        Plain-backdrop mask; without one the head is approximated by an ellipse above the
        brows, 1.6 face widths across and 1.1 face widths tall (:func:`segment_hair` then
        keeps the hair and skin connected to the forehead).

    Returns
    -------
    (h, w) ndarray of bool
        Pixels on the head above the line fitted through the tops of the brows.
    """
    h, w = shape[:2]
    brows = landmarks_px[list(BROW_LANDMARKS), :2]
    slope, intercept = np.polyfit(brows[:, 0], brows[:, 1], 1)
    rows, cols = np.mgrid[0:h, 0:w]
    above: BoolArray = rows < slope * cols + intercept
    if background is not None:
        return above & ~background
    face_width = float(np.ptp(landmarks_px[:, 0]))
    centre = brows.mean(axis=0)
    ellipse = ((cols - centre[0]) / (0.8 * face_width)) ** 2 + (
        (rows - centre[1]) / (1.1 * face_width)
    ) ** 2 <= 1.0
    region: BoolArray = above & ellipse
    return region


def _patch_masks(landmarks_px: FloatArray, shape: tuple[int, ...]) -> tuple[BoolArray, BoolArray]:
    forehead = np.zeros(shape[:2], dtype=bool)
    five = FaceMesh(np.asarray(landmarks_px, dtype=np.float64), 1.0).five_points()
    x0, y0, x1, y1 = forehead_patch_px(five, shape)
    forehead[y0:y1, x0:x1] = True
    cheeks = np.zeros(shape[:2], dtype=bool)
    half = CHEEK_PATCH_IOD * float(np.linalg.norm(five[1] - five[0]))
    for index in (RIGHT_CHEEK, LEFT_CHEEK):
        cx, cy = landmarks_px[index, :2]
        ys = slice(max(0, round(cy - half)), max(0, round(cy + half)))
        xs = slice(max(0, round(cx - half)), max(0, round(cx + half)))
        cheeks[ys, xs] = True
    return forehead, cheeks


def reference_skin(image: ImageRGB, landmarks_px: FloatArray) -> BoolArray:
    """Pixels of the client's own skin that the hair cues are measured against.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    landmarks_px : (478, 2 or 3) ndarray of float
        Face Mesh landmarks, pixels.

    Returns
    -------
    (h, w) ndarray of bool
        The forehead patch (:func:`forehead_patch_px`) and a square on each upper cheek —
        without the forehead where a fringe covers it: when the forehead's median colour
        lies more than ``FRINGE_DELTA_E`` from the cheeks' and is darker.
    """
    forehead, cheeks = _patch_masks(landmarks_px, image.shape)
    return cheeks if _forehead_covered(image, forehead, cheeks) else forehead | cheeks


def _forehead_covered(image: ImageRGB, forehead: BoolArray, cheeks: BoolArray) -> bool:
    if not cheeks.any() or not forehead.any():
        return False
    lab_forehead = np.median(rgb_to_lab(image[forehead][None])[0], axis=0)
    lab_cheeks = np.median(rgb_to_lab(image[cheeks][None])[0], axis=0)
    return bool(
        np.linalg.norm(lab_forehead - lab_cheeks) > FRINGE_DELTA_E
        and lab_forehead[0] < lab_cheeks[0]
    )


def measure_skin_lab(
    image: ImageRGB,
    landmarks_px: FloatArray,
    skin: BoolArray,
    balance: WhiteBalance | None = None,
) -> tuple[tuple[float, float, float], tuple[float, float, float], str]:
    """Skin colour for pigment choice: the forehead, else the cheeks where hair covers it.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    landmarks_px : (478, 2 or 3) ndarray of float
        Face Mesh landmarks, pixels.
    skin : (h, w) ndarray of bool
        Skin mask (:func:`segment_hair`): hair, brows and glasses in a patch are left out.
    balance : WhiteBalance, optional
        Applied to the measured pixels.

    Returns
    -------
    median : tuple of float
        L*, a*, b* (CIELAB, D65).
    iqr : tuple of float
        Interquartile range of L*, a*, b* over the measured pixels.
    where : str
        ``"forehead"``; ``"cheeks"`` where a fringe covers the forehead (see
        :func:`reference_skin`) or less than ``MIN_SKIN_SHARE_OF_PATCH`` of it is skin; or
        ``"forehead (unmasked)"`` where neither patch has enough skin pixels and the whole
        forehead patch is measured.
    """
    forehead, cheeks = _patch_masks(landmarks_px, image.shape)
    where = "forehead (unmasked)"
    chosen = forehead
    candidates = [("forehead", forehead), ("cheeks", cheeks)]
    if _forehead_covered(image, forehead, cheeks):
        candidates = candidates[1:]
    for name, patch in candidates:
        usable = patch & skin
        if usable.sum() >= MIN_SKIN_SHARE_OF_PATCH * max(1, int(patch.sum())):
            where, chosen = name, usable
            break
    median, spread = lab_median_iqr(image[chosen], balance)
    return median, spread, where


def _texture(image: ImageRGB) -> Float32Array:
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY).astype(np.float32)
    detail = grey - cv2.GaussianBlur(grey, (0, 0), 0.8)
    energy = np.sqrt(cv2.GaussianBlur(detail * detail, (0, 0), 1.5))
    return np.asarray(100.0 * energy / (cv2.GaussianBlur(grey, (0, 0), 2.0) + 10.0), np.float32)


def hair_features(
    image: ImageRGB, model_probability: Float32Array, reference: BoolArray
) -> tuple[Float32Array, tuple[float, float, float]]:
    """The six per-pixel cues of the classifier (``FEATURE_NAMES``).

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo at working scale.
    model_probability : (h, w) ndarray of float
        :func:`hair_model_probability` of the same image.
    reference : (h, w) ndarray of bool
        Pixels of known skin (:func:`reference_skin`).

    Returns
    -------
    features : (h, w, 6) ndarray of float32
        The cues.
    skin_lab : tuple of float
        Median CIELAB colour of the reference skin.
    """
    lab = rgb_to_lab(image).astype(np.float32)
    texture = _texture(image)
    skin = np.median(lab[reference], axis=0)
    skin_texture = float(np.median(texture[reference]))
    chroma2 = float(skin[1] ** 2 + skin[2] ** 2) + 1e-6
    along = (lab[..., 1] * skin[1] + lab[..., 2] * skin[2]) / chroma2
    across = np.abs(-lab[..., 1] * skin[2] + lab[..., 2] * skin[1]) / chroma2
    lightness = (lab[..., 0] - skin[0]) / max(float(skin[0]), 1.0)
    log_texture = np.log((texture + 0.3) / (skin_texture + 0.3))
    p = np.clip(model_probability, 1e-3, 1 - 1e-3)
    model_logit = np.log(p / (1 - p)) / 6.0
    saturation = np.hypot(lab[..., 1], lab[..., 2]) / (lab[..., 0] + 5.0)
    skin_saturation = float(np.hypot(skin[1], skin[2]) / (skin[0] + 5.0))
    log_saturation = np.log((saturation + 0.02) / (skin_saturation + 0.02))
    features = np.stack(
        [along, across, lightness, log_texture, model_logit, log_saturation], axis=-1
    ).astype(np.float32)
    return features, (float(skin[0]), float(skin[1]), float(skin[2]))


def _skin_like(features: Float32Array) -> BoolArray:
    along, across, log_saturation = features[..., 0], features[..., 1], features[..., 5]
    low, high, most_across, least_saturation = SKIN_LIMITS
    skin: BoolArray = (
        (along >= low)
        & (along <= high)
        & (across <= most_across)
        & (log_saturation >= np.log(least_saturation))
    )
    return skin


def _rim_takes_inner_label(probability: Float32Array, region: BoolArray) -> Float32Array:
    kernel = np.ones((2 * RIM_PX + 1, 2 * RIM_PX + 1), np.uint8)
    inner = cv2.erode(region.astype(np.uint8), kernel).astype(bool)
    if not inner.any():
        return probability
    _, labels = cv2.distanceTransformWithLabels(
        (~inner).astype(np.uint8), cv2.DIST_L2, 5, labelType=cv2.DIST_LABEL_PIXEL
    )
    rows, cols = np.nonzero(inner)
    lookup = np.zeros(int(labels.max()) + 1, np.float32)
    lookup[labels[rows, cols]] = probability[rows, cols]
    return np.where(inner, probability, lookup[labels]).astype(np.float32)


def _without_specks(hair: BoolArray, region: BoolArray, min_px: int) -> BoolArray:
    _, labels, stats, _ = cv2.connectedComponentsWithStats(hair.astype(np.uint8), connectivity=8)
    keep = np.asarray(stats)[:, cv2.CC_STAT_AREA] >= min_px
    keep[0] = False
    kept: BoolArray = keep[np.asarray(labels)]
    _, labels, stats, _ = cv2.connectedComponentsWithStats(
        (region & ~kept).astype(np.uint8), connectivity=4
    )
    gaps = np.asarray(stats)[:, cv2.CC_STAT_AREA] < min_px
    gaps[0] = False
    cleaned: BoolArray = kept | gaps[np.asarray(labels)]
    return cleaned


def _log_gaussian(x: FloatArray, samples: FloatArray) -> FloatArray:
    mean = samples.mean(axis=0)
    cov = np.cov(samples.T) + 4.0 * np.eye(samples.shape[1])
    d = x - mean
    inverse = np.linalg.inv(cov)
    return np.asarray(
        -0.5 * np.einsum("ij,jk,ik->i", d, inverse, d) - 0.5 * np.log(np.linalg.det(cov))
    )


def _sharpen_boundary(image: ImageRGB, hair: BoolArray, region: BoolArray) -> BoolArray:
    band, sure = BOUNDARY_BAND_PX, BOUNDARY_BAND_PX - 1
    sure_kernel = np.ones((2 * sure + 1, 2 * sure + 1), np.uint8)
    sure_hair = cv2.erode(hair.astype(np.uint8), sure_kernel).astype(bool)
    sure_skin = cv2.erode((region & ~hair).astype(np.uint8), sure_kernel).astype(bool)
    reach = 2 * sure + band
    reach_kernel = np.ones((2 * reach + 1, 2 * reach + 1), np.uint8)
    near = cv2.dilate(hair.astype(np.uint8), reach_kernel).astype(bool) & cv2.dilate(
        (region & ~hair).astype(np.uint8), reach_kernel
    ).astype(bool)
    # a*, b* and saturation, not L*: the skin beside hair is shaded, darker but as saturated
    lab = rgb_to_lab(image)
    colour = np.stack(
        [lab[..., 1], lab[..., 2], 50.0 * np.hypot(lab[..., 1], lab[..., 2]) / (lab[..., 0] + 5.0)],
        axis=2,
    )
    samples = []
    for sure_mask in (sure_hair, sure_skin):
        close = sure_mask & near
        samples.append(colour[close] if close.sum() > 30 else colour[sure_mask])
    if min(len(s) for s in samples) <= 30:
        return hair
    band_kernel = np.ones((2 * band + 1, 2 * band + 1), np.uint8)
    zone = (
        cv2.dilate(hair.astype(np.uint8), band_kernel).astype(bool)
        & cv2.dilate((region & ~hair).astype(np.uint8), band_kernel).astype(bool)
        & hair
    )
    ratio = np.zeros(hair.shape, np.float32)
    ratio[zone] = _log_gaussian(colour[zone], samples[0]) - _log_gaussian(colour[zone], samples[1])
    ratio = np.asarray(cv2.GaussianBlur(ratio, (0, 0), 0.7), np.float32)
    sharpened = hair.copy()
    sharpened[zone] = ratio[zone] > 0
    return sharpened


def hair_colour_lab(
    image: ImageRGB, hair: BoolArray, balance: WhiteBalance | None = None
) -> tuple[tuple[float, float, float], tuple[float, float, float]] | None:
    """Median CIELAB (D65) of the hair and its interquartile range.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    hair : (h, w) ndarray of bool
        Hair mask (:func:`segment_hair`); its outermost pixel is left out (mixed with skin).
    balance : WhiteBalance, optional
        Applied to the hair pixels before they are measured.

    Returns
    -------
    tuple or None
        ``(L*, a*, b*)`` median and ``(L*, a*, b*)`` interquartile range; None with fewer than
        ``MIN_HAIR_PIXELS_FOR_COLOUR`` pixels.
    """
    core = cv2.erode(hair.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)
    if core.sum() < MIN_HAIR_PIXELS_FOR_COLOUR:
        return None
    return lab_median_iqr(image[core], balance)


@dataclass(frozen=True, slots=True)
class _WorkingScale:
    image: ImageRGB
    factor: float
    background: BoolArray | None
    region: BoolArray
    features: Float32Array
    skin_lab: tuple[float, float, float]
    mm_per_px: float


def _working_scale(
    image: ImageRGB,
    landmarks_px: FloatArray,
    background: BoolArray | None,
    mm_per_px: float | None,
) -> _WorkingScale:
    h, w = image.shape[:2]
    points = np.asarray(landmarks_px, dtype=np.float64)[:, :2]
    iod = float(np.linalg.norm(points[LEFT_IRIS] - points[RIGHT_IRIS]))
    factor = min(1.0, WORK_IOD_PX / max(iod, 1.0))
    work, work_background = image, background
    if factor < 1.0:
        size = (max(1, round(w * factor)), max(1, round(h * factor)))
        work = np.asarray(cv2.resize(image, size, interpolation=cv2.INTER_AREA))
        if background is not None:
            small = cv2.resize(background.astype(np.uint8), size, interpolation=cv2.INTER_NEAREST)
            work_background = np.asarray(small > 0)
    work_points = points * np.array([work.shape[1] / w, work.shape[0] / h])
    features, skin_lab = hair_features(
        work, hair_model_probability(work), reference_skin(work, work_points)
    )
    scale = mm_per_px if mm_per_px is not None else ANSUR_MALE.interpupillary_breadth_mm / iod
    region = upper_head_region(work.shape, work_points, work_background)
    if work_background is None:
        region &= _head_without_backdrop(features, work_points)
    return _WorkingScale(
        image=work,
        factor=factor,
        background=work_background,
        region=region,
        features=features,
        skin_lab=skin_lab,
        mm_per_px=scale / factor,
    )


def _head_without_backdrop(features: Float32Array, points: FloatArray) -> BoolArray:
    """Hair or skin connected to the forehead, where no plain backdrop separates the head.

    The union of what the hair model calls likely hair and what looks like the client's
    skin, closed over small gaps, keeping the part connected to the forehead patch.
    """
    likely_hair = features[..., 4] > np.log(BUSY_HAIR_PROBABILITY / (1 - BUSY_HAIR_PROBABILITY)) / 6
    candidate = (likely_hair | _skin_like(features)).astype(np.uint8)
    iod = float(np.linalg.norm(points[LEFT_IRIS] - points[RIGHT_IRIS]))
    size = max(3, 2 * round(0.1 * iod) + 1)
    candidate = cv2.morphologyEx(candidate, cv2.MORPH_CLOSE, np.ones((size, size), np.uint8))
    _, labels = cv2.connectedComponents(candidate, connectivity=8)
    forehead, _ = _patch_masks(points, features.shape)
    seeds = labels[forehead & (labels > 0)]
    if len(seeds) == 0:
        return np.ones(features.shape[:2], dtype=bool)
    head: BoolArray = labels == np.bincount(seeds).argmax()
    return head


def _classify(
    work: _WorkingScale, weights: tuple[float, ...], bias: float
) -> tuple[Float32Array, BoolArray]:
    logit = work.features @ np.asarray(weights, np.float32) + np.float32(bias)
    probability = (1.0 / (1.0 + np.exp(-logit))).astype(np.float32)
    probability = cv2.GaussianBlur(probability, (0, 0), 1.0)
    region = work.region
    probability = np.where(region, _rim_takes_inner_label(probability, region), 0.0)
    min_px = max(1, round(MIN_PATCH_MM2 / work.mm_per_px**2))
    hair = _without_specks((probability > 0.5) & region, region, min_px)
    return probability.astype(np.float32), _sharpen_boundary(work.image, hair, region)


def segment_hair(
    image: ImageRGB,
    landmarks_px: FloatArray,
    background: BoolArray | None,
    *,
    mm_per_px: float | None = None,
    weights: tuple[float, ...] = HAIR_WEIGHTS,
    bias: float = HAIR_BIAS,
) -> HairSegmentation:
    """Hair versus not-hair in the upper-head region.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo showing the face.
    landmarks_px : (478, 2 or 3) ndarray of float
        Face Mesh landmarks, pixels.
    background : (h, w) ndarray of bool or None
        Plain-backdrop mask (:func:`plain_background_mask`).
    mm_per_px : float, optional
        Scale at the scalp, millimetres per pixel; sets the smallest patch kept. Without it
        the interocular distance stands in for the ANSUR II male mean interpupillary
        distance.
    weights : tuple of float, optional
        Weights of the cues in ``FEATURE_NAMES`` order; the fitted ``HAIR_WEIGHTS`` unless
        refitting (``scripts/fit_hair_classifier.py``).
    bias : float, optional
        Logistic-regression bias, ``HAIR_BIAS`` unless refitting.

    Returns
    -------
    HairSegmentation
        Soft probability, hard mask and the region, at the photo's resolution.

    Notes
    -----
    The photo is classified at a working scale where the interocular distance is at most
    ``WORK_IOD_PX`` pixels (about the scale of the photos the weights were fitted on), so
    texture means the same on a 12-megapixel photo; the results are resized back.
    """
    work = _working_scale(image, landmarks_px, background, mm_per_px)
    probability, hair = _classify(work, weights, bias)
    skin = _skin_like(work.features) & ~hair
    if work.background is not None:
        skin &= ~work.background
    region = work.region
    if work.factor < 1.0:
        size = (image.shape[1], image.shape[0])
        probability = np.asarray(
            cv2.resize(probability, size, interpolation=cv2.INTER_LINEAR), np.float32
        )
        hair, region, skin = (
            cv2.resize(mask.astype(np.float32), size, interpolation=cv2.INTER_LINEAR) > 0.5
            for mask in (hair, region, skin)
        )
    return HairSegmentation(
        probability=np.asarray(probability, np.float32),
        hair=np.asarray(hair & region),
        region=np.asarray(region),
        skin=np.asarray(skin),
        skin_lab=work.skin_lab,
    )


def mask_boundary(mask: BoolArray, region: BoolArray) -> BoolArray:
    """Pixels of ``mask`` that touch a pixel of the region outside it (8-neighbourhood).

    Parameters
    ----------
    mask, region : (h, w) ndarray of bool
        A mask inside the region, and the region.

    Returns
    -------
    (h, w) ndarray of bool
        The boundary of the mask inside the region; the region's own edge is not a boundary.
    """
    kernel = np.ones((3, 3), np.uint8)
    outside = cv2.dilate((region & ~mask).astype(np.uint8), kernel).astype(bool)
    boundary: BoolArray = mask & outside
    return boundary


def boundary_f_score(
    predicted: BoolArray, truth: BoolArray, region: BoolArray, tolerance_px: float
) -> float:
    """F-score of the predicted boundary against the true one, within a distance tolerance.

    Parameters
    ----------
    predicted, truth : (h, w) ndarray of bool
        Masks inside the region.
    region : (h, w) ndarray of bool
        Where the masks are compared.
    tolerance_px : float
        A boundary pixel counts as matched within this distance of the other boundary,
        pixels.

    Returns
    -------
    float
        Harmonic mean of boundary precision and recall, 0–1; 1 when neither mask has a
        boundary, 0 when only one has.

    References
    ----------
    .. [1] Perazzi, F. et al. "A Benchmark Dataset and Evaluation Methodology for Video
       Object Segmentation", CVPR 2016 (the contour accuracy F).
    """
    ours, theirs = mask_boundary(predicted, region), mask_boundary(truth, region)
    if not ours.any() and not theirs.any():
        return 1.0
    if not ours.any() or not theirs.any():
        return 0.0
    to_theirs = cv2.distanceTransform((~theirs).astype(np.uint8), cv2.DIST_L2, 5)
    to_ours = cv2.distanceTransform((~ours).astype(np.uint8), cv2.DIST_L2, 5)
    precision = float((to_theirs[ours] <= tolerance_px).mean())
    recall = float((to_ours[theirs] <= tolerance_px).mean())
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)
