"""Metric scale of a photo, in millimetres per pixel, with its uncertainty.

Two sources: a printed ArUco marker of known size (precise, when the client wears one on
the scalp or forehead), and the interpupillary distance (always there in a frontal photo,
but the client's IPD is only known to the population spread unless it was measured).
Estimates combine by inverse-variance weighting of their relative errors.
"""

from dataclasses import dataclass

import cv2
import numpy as np

from smpstudio._typing import Float32Array, FloatArray, ImageRGB
from smpstudio.domain import ANSUR_FEMALE, ANSUR_MALE, Sex

MARKER_DICTIONARY = cv2.aruco.DICT_4X4_50
"""ArUco dictionary of the printed markers (``docs/marker-sheet.pdf``)."""
MARKER_SIDE_MM = 30.0
"""Printed side length of the black marker square, millimetres."""
CORNER_SD_PX = 0.25
"""Assumed standard deviation of one sub-pixel marker corner, pixels."""
MIN_MARKER_SIDE_PX = 24.0
"""Smallest marker side accepted, pixels: below this the corners are too coarse."""


@dataclass(frozen=True, slots=True)
class ScaleEstimate:
    """Millimetres per pixel with a relative standard deviation and where it came from.

    Parameters
    ----------
    mm_per_px : float
        Scale, millimetres per pixel.
    relative_sd : float
        Standard deviation divided by ``mm_per_px``.
    source : str
        ``"marker"``, ``"interpupillary distance (population)"``,
        ``"interpupillary distance (measured)"`` or ``"combined"``.
    """

    mm_per_px: float
    relative_sd: float
    source: str


def _marker_scale(corners_px: FloatArray, side_mm: float) -> float:
    """Scale at the marker centre from the homography of its four corners."""
    square = np.array([[0, 0], [side_mm, 0], [side_mm, side_mm], [0, side_mm]], np.float64)
    homography, _ = cv2.findHomography(square, corners_px.astype(np.float64))
    h = np.asarray(homography, dtype=np.float64)
    c = np.array([side_mm / 2, side_mm / 2, 1.0])
    w = h[2] @ c
    p = h[:2] @ c
    jacobian = (h[:2, :2] * w - np.outer(p, h[2, :2])) / w**2  # d(image)/d(mm)
    return float(1.0 / np.sqrt(abs(np.linalg.det(jacobian))))


EDGE_SAMPLES = 24
"""Points sampled along each side of the marker when its edges are fitted."""
EDGE_REACH_PX = 3.0
"""Half-length of the intensity profile taken across an edge, pixels."""


def _edge_line(
    grey: Float32Array, start: FloatArray, end: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Point and unit direction of a straight dark/light edge near the segment start–end.

    Along the middle 70 % of the segment, the intensity profile across it (bilinear, 0.1 px
    steps) is searched for the crossing of the level halfway between its dark and light
    ends; a line is fitted through the crossings. Unlike a gradient peak, the half-level
    crossing is not biased by symmetric blur.
    """
    direction = (end - start) / np.linalg.norm(end - start)
    normal = np.array([-direction[1], direction[0]])
    offsets = np.arange(-EDGE_REACH_PX, EDGE_REACH_PX + 1e-9, 0.1)
    points = []
    for t in np.linspace(0.15, 0.85, EDGE_SAMPLES):
        base = start + t * (end - start)
        xy = (base[None, :] + offsets[:, None] * normal[None, :]).astype(np.float32)
        profile = cv2.remap(
            grey, xy[:, 0].reshape(1, -1), xy[:, 1].reshape(1, -1), cv2.INTER_LINEAR
        ).ravel()
        low, high = profile[:5].mean(), profile[-5:].mean()
        if abs(high - low) < 20:
            continue
        above = (profile - (low + high) / 2) * np.sign(high - low) > 0
        crossings = np.flatnonzero(np.diff(above.astype(np.int8)) != 0)
        if len(crossings) != 1:
            continue
        i = crossings[0]
        level = (low + high) / 2
        frac = (level - profile[i]) / (profile[i + 1] - profile[i])
        points.append(base + (offsets[i] + frac * 0.1) * normal)
    if len(points) < EDGE_SAMPLES // 2:
        return start, direction
    pts = np.asarray(points)
    centre = pts.mean(axis=0)
    _, _, vt = np.linalg.svd(pts - centre)
    return centre, vt[0]


def _refined_corners(grey: Float32Array, quad: FloatArray) -> FloatArray:
    """Corners re-found as intersections of lines fitted to the marker's four edges."""
    lines = [_edge_line(grey, quad[i], quad[(i + 1) % 4]) for i in range(4)]
    corners = []
    for i in range(4):
        (p, u), (q, v) = lines[i - 1], lines[i]
        a = np.column_stack([u, -v])
        if abs(np.linalg.det(a)) < 1e-6:
            return quad
        s, _ = np.linalg.solve(a, q - p)
        corners.append(p + s * u)
    refined = np.asarray(corners)
    # keep ArUco's corners if the fit wandered off (occlusion, glare)
    return refined if np.max(np.linalg.norm(refined - quad, axis=1)) < 2.0 else quad


def scale_from_marker(image: ImageRGB, *, side_mm: float = MARKER_SIDE_MM) -> ScaleEstimate | None:
    """Scale from a printed ArUco marker in the photo, at the marker's centre.

    Parameters
    ----------
    image : (h, w, 3) ndarray of uint8
        sRGB photo.
    side_mm : float, optional
        Printed side of the marker's black square, millimetres.

    Returns
    -------
    ScaleEstimate or None
        None when no marker of ``MARKER_DICTIONARY`` at least ``MIN_MARKER_SIDE_PX`` wide
        is found. With several markers, the largest in the image is used.

    Notes
    -----
    The four corners are found by ArUco, then re-found as the intersections of straight
    lines fitted to the half-level crossings along each edge (bilinear profiles across the
    edge, so blur does not bias them); on composites of the marker onto 12 real photos this
    took the error from about 0.5 % to 0.02 %. The homography from the printed square (mm)
    to the image gives, at the marker centre, the Jacobian J of image position with
    respect to millimetres, and mm/px = 1/√|det J| (the scale of a small area). The scale
    holds for the marker's plane: place the marker on the scalp or forehead. A card cut by
    the photo's edge (white margin missing) is not detected. The relative SD propagates
    ``CORNER_SD_PX`` through the side length in pixels (kept at ArUco's corner accuracy,
    which also covers printing and a slightly curved card).
    """
    params = cv2.aruco.DetectorParameters()
    params.cornerRefinementMethod = cv2.aruco.CORNER_REFINE_SUBPIX
    detector = cv2.aruco.ArucoDetector(cv2.aruco.getPredefinedDictionary(MARKER_DICTIONARY), params)
    grey = cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    corners, ids, _ = detector.detectMarkers(grey)
    if ids is None or len(corners) == 0:
        return None
    quads = [np.asarray(c, dtype=np.float64).reshape(4, 2) for c in corners]
    sides = [float(np.mean(np.linalg.norm(q - np.roll(q, 1, axis=0), axis=1))) for q in quads]
    best = int(np.argmax(sides))
    if sides[best] < MIN_MARKER_SIDE_PX:
        return None
    # four corners, each with CORNER_SD_PX: the mean side has about SD/√2 relative error
    relative_sd = CORNER_SD_PX / (np.sqrt(2.0) * sides[best])
    quad = _refined_corners(grey.astype(np.float32), quads[best])
    return ScaleEstimate(_marker_scale(quad, side_mm), float(relative_sd), "marker")


def scale_from_eyes(
    landmarks_px: FloatArray, *, sex: Sex = "male", interpupillary_mm: float | None = None
) -> ScaleEstimate:
    """Scale at the eyes from the interpupillary distance.

    Parameters
    ----------
    landmarks_px : (5, 2) ndarray of float
        Face landmarks, eyes first, pixels.
    sex : {"male", "female"}, optional
        Which ANSUR II distribution stands in for an unmeasured client.
    interpupillary_mm : float, optional
        The client's measured IPD (then the relative SD is that of a ruler reading,
        0.5 mm / IPD).

    Returns
    -------
    ScaleEstimate
        With the ANSUR II coefficient of variation (about 5 %) when the IPD is not measured.

    Notes
    -----
    ARTAS planning software scales its head model by the interpupillary distance
    (``domain.md`` §10.1 [Bernstein2014-Sites]).
    """
    ipd_px = float(np.hypot(*(landmarks_px[1] - landmarks_px[0])))
    if interpupillary_mm is not None:
        return ScaleEstimate(
            interpupillary_mm / ipd_px,
            0.5 / interpupillary_mm,
            "interpupillary distance (measured)",
        )
    ansur = ANSUR_MALE if sex == "male" else ANSUR_FEMALE
    return ScaleEstimate(
        ansur.interpupillary_breadth_mm / ipd_px,
        ansur.interpupillary_breadth_sd_mm / ansur.interpupillary_breadth_mm,
        "interpupillary distance (population)",
    )


IRIS_DIAMETER_MM = 11.71
"""Mean horizontal visible iris (white-to-white corneal) diameter, millimetres: 438 eyes,
Rüfer F, Schröder A, Erb C. Cornea 2005;24(3):259–261, doi:10.1097/01.ico.0000148312.01805.53."""
IRIS_DIAMETER_SD_MM = 0.42
"""Its population standard deviation, millimetres (same source)."""
IRIS_EDGE_SD_PX = 0.7
"""Assumed standard deviation of one Face Mesh iris-edge landmark, pixels."""


def scale_from_iris(iris_diameters_px: tuple[float, float]) -> ScaleEstimate:
    """Scale at the eyes from the horizontal iris diameters of both eyes.

    Parameters
    ----------
    iris_diameters_px : tuple of float
        Horizontal iris diameter of the right and left eye, pixels (Face Mesh landmarks
        469–471 and 474–476).

    Returns
    -------
    ScaleEstimate
        With the population coefficient of variation (3.6 %) and the landmark error of a
        ≈ 20 px diameter combined; source ``"iris diameter (population)"``.

    Notes
    -----
    Not part of the default scale: on the 10 real portraits in the tests, the iris scale
    is on average 6 % smaller than the interpupillary one (spread 3.5 %), a systematic
    difference that is not yet explained (the mesh's iris ring may be wider than the
    white-to-white diameter, or these subjects' IPD larger than the ANSUR II mean).

    Examples
    --------
    >>> s = scale_from_iris((23.42, 23.42))
    >>> round(s.mm_per_px, 3), s.source
    (0.5, 'iris diameter (population)')
    """
    diameter_px = float(np.mean(iris_diameters_px))
    measurement = IRIS_EDGE_SD_PX / diameter_px  # two edges, two eyes: √2·σ/(√2·d)
    population = IRIS_DIAMETER_SD_MM / IRIS_DIAMETER_MM
    return ScaleEstimate(
        IRIS_DIAMETER_MM / diameter_px,
        float(np.hypot(measurement, population)),
        "iris diameter (population)",
    )


def combine_scales(estimates: list[ScaleEstimate]) -> ScaleEstimate:
    """Inverse-variance weighted combination of independent scale estimates.

    Parameters
    ----------
    estimates : list of ScaleEstimate
        At least one estimate.

    Returns
    -------
    ScaleEstimate
        The single estimate unchanged, or the weighted mean (in log scale) with the
        combined relative SD and source ``"combined"``.

    Raises
    ------
    ValueError
        If ``estimates`` is empty.

    Examples
    --------
    >>> a = ScaleEstimate(0.50, 0.01, "marker")
    >>> b = ScaleEstimate(0.55, 0.05, "interpupillary distance (population)")
    >>> c = combine_scales([a, b])
    >>> round(c.mm_per_px, 4), round(c.relative_sd, 4)
    (0.5018, 0.0098)
    """
    if not estimates:
        raise ValueError("estimates must not be empty")
    if len(estimates) == 1:
        return estimates[0]
    weights = np.array([1.0 / e.relative_sd**2 for e in estimates])
    logs = np.log([e.mm_per_px for e in estimates])
    mean = float(np.exp(np.sum(weights * logs) / weights.sum()))
    return ScaleEstimate(mean, float(1.0 / np.sqrt(weights.sum())), "combined")


SHEET_PX_PER_MM = 10
"""Resolution of the marker sheet: 10 px per mm (254 dpi), so that sizes are exact."""
A4_MM = (210, 297)
"""Sheet size, millimetres (ISO A4, portrait)."""


def marker_sheet(*, marker_ids: tuple[int, ...] = (0, 1, 2, 3, 4, 5)) -> ImageRGB:
    """A printable A4 sheet of ArUco markers of side ``MARKER_SIDE_MM``, with a check bar.

    Parameters
    ----------
    marker_ids : tuple of int, optional
        Marker ids of ``MARKER_DICTIONARY`` to print (up to six).

    Returns
    -------
    (2970, 2100, 3) ndarray of uint8
        The sheet at ``SHEET_PX_PER_MM`` (save as a PDF at 254 dpi to print at actual size).

    Notes
    -----
    Each marker is cut out with its white margin and placed on the scalp or forehead,
    facing the camera. A 50 mm bar lets the practitioner check that the printer kept
    the scale (print at 100 %, "actual size").
    """
    from PIL import Image, ImageDraw, ImageFont

    k = SHEET_PX_PER_MM
    width, height = A4_MM[0] * k, A4_MM[1] * k
    sheet = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(sheet)
    font = ImageFont.load_default(size=36)
    small = ImageFont.load_default(size=28)
    dictionary = cv2.aruco.getPredefinedDictionary(MARKER_DICTIONARY)
    side = int(MARKER_SIDE_MM * k)
    cell_w, cell_h = 90 * k, 70 * k
    for n, marker_id in enumerate(marker_ids[:6]):
        col, row = n % 2, n // 2
        x0 = 15 * k + col * (cell_w + 0 * k) + (cell_w - side) // 2
        y0 = 40 * k + row * cell_h
        marker = cv2.aruco.generateImageMarker(dictionary, marker_id, side)
        sheet.paste(Image.fromarray(marker).convert("RGB"), (x0, y0))
        # cut line 8 mm around the black square: keep the white margin when cutting
        m = 8 * k
        draw.rectangle((x0 - m, y0 - m, x0 + side + m, y0 + side + m), outline=(170, 170, 170))
        draw.text(
            (x0, y0 + side + m + 10),
            f"ArUco 4x4_50 id {marker_id}, 30 mm",
            fill="black",
            font=small,
        )
    draw.text((15 * k, 12 * k), "SMP Studio scale markers", fill="black", font=font)
    draw.text(
        (15 * k, 20 * k),
        "Print at 100 % (actual size). Each black square must measure 30.0 mm.",
        fill="black",
        font=small,
    )
    bar_y = 255 * k
    draw.rectangle((30 * k, bar_y, 80 * k, bar_y + 3 * k), fill="black")
    draw.text((30 * k, bar_y + 5 * k), "this bar must measure 50.0 mm", fill="black", font=small)
    draw.text(
        (15 * k, 275 * k),
        "Cut along the grey line, keep the white margin, place one marker flat on the "
        "scalp or forehead.",
        fill="black",
        font=small,
    )
    draw.text(
        (15 * k, 282 * k),
        "The whole card, with its white margin, must be inside every photo.",
        fill="black",
        font=small,
    )
    return np.asarray(sheet, dtype=np.uint8)
