"""Hairline and treated region on the head surface.

The hairline is a row of control points on the surface, from the client's right temple
over the forehead to the left temple. It is drawn in the scalp chart
(:func:`smpstudio.head.scalp_chart`) as a spline through the points with the style's
irregularity (:mod:`smpstudio.design._curve`) and mapped back onto the surface. A surface
point is behind the hairline when its height is at least the drawn line's height at its
azimuth φ = atan2(x, z) about the head's vertical axis (0 in front, positive to the
client's left); outside the hairline's azimuth range the treated region reaches down to
``lower_limit_mm``.
"""

import dataclasses
from collections.abc import Sequence

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import Design, HeadModel, View
from smpstudio.design._curve import HAIRLINE_STYLES, hairline_uv
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    ScalpChart,
    cast_rays_mm,
    chart_from_surface,
    distance_to_surface_mm,
    scalp_chart,
    surface_from_chart,
)

HAIRLINE_AGES = ("mature", "juvenile")
"""Hairline age presets: mature by the rule of 8; juvenile lower on the forehead by
``hairline_juvenile_forward_mm``."""
SIDE_AZIMUTH_DEG = 80.0
"""Azimuth of the lowest hairline control points, at the temples, degrees from the front."""
_CURVE_SAMPLES = 241
_TEMPLE_SEARCH_MM = 40.0
_CIRCLE_STEP_DEG = 2.0
CONTROL_POINT_NAMES = (
    "right temple",
    "right temporal peak",
    "right frontotemporal point",
    "mid-frontal point",
    "left frontotemporal point",
    "left temporal peak",
    "left temple",
)
"""The default line's control points, client's right to left (:func:`rule_of_eight_hairline`)."""
_FIVE_POINT_NAMES = CONTROL_POINT_NAMES[:1] + CONTROL_POINT_NAMES[2:5] + CONTROL_POINT_NAMES[6:]


@dataclasses.dataclass(frozen=True, slots=True)
class FaceReference:
    """Where the client's mid-glabella and lateral canthi sit in the head frame.

    The hairline's rules are measured from these points ([Garg2017], ``domain.md`` §4).

    Parameters
    ----------
    glabella_height_mm : float
        Head-frame height (y) of mid-glabella, millimetres.
    canthus_half_width_mm : float
        Half the distance between the lateral canthi (the epicanthal lines' x), millimetres.
    canthus_height_mm : float
        Head-frame height of the lateral canthi, millimetres.
    source : str
        Where the figures came from, in words.
    """

    glabella_height_mm: float
    canthus_half_width_mm: float
    canthus_height_mm: float
    source: str


POPULATION_FACE = FaceReference(
    glabella_height_mm=DEFAULTS["glabella_height_above_frankfort_mm"].value,
    canthus_half_width_mm=DEFAULTS["lateral_canthus_half_width_mm"].value,
    canthus_height_mm=DEFAULTS["eye_height_above_frankfort_mm"].value,
    source="population defaults (unsourced): no front photo measured the face",
)
"""The face reference where no front photo measured the client's face."""


def face_reference_from_views(views: Sequence[View]) -> FaceReference:
    """The client's glabella and lateral canthi in the head frame, from the front photos.

    Parameters
    ----------
    views : sequence of View
        The plan's photos; those of kind ``"front"`` with ``face_points_mm`` count.

    Returns
    -------
    FaceReference
        Medians over those photos, the two canthi averaged (a symmetric default line);
        ``POPULATION_FACE`` where there are none.

    Notes
    -----
    The head frame puts the pupils' midpoint at ``eye_height_above_frankfort_mm``
    (:mod:`smpstudio.head` registers the photos and aligns scans that way), so a point
    measured in the face's upright frame from that midpoint is that much higher in the head
    frame. The face's upright axis (subnasale → glabella) is taken as vertical: a few degrees
    of forward lean change the glabella's height by under 0.1 mm.
    """
    points = [v.face_points_mm for v in views if v.view_kind == "front" and v.face_points_mm]
    if not points:
        return POPULATION_FACE
    eyes = DEFAULTS["eye_height_above_frankfort_mm"].value
    glabella = float(np.median([p["glabella"][1] for p in points]))
    half = [(p["left_lateral_canthus"][0] - p["right_lateral_canthus"][0]) / 2 for p in points]
    canthus = [(p["left_lateral_canthus"][1] + p["right_lateral_canthus"][1]) / 2 for p in points]
    return FaceReference(
        glabella_height_mm=eyes + glabella,
        canthus_half_width_mm=float(np.median(half)),
        canthus_height_mm=eyes + float(np.median(canthus)),
        source=f"Face Mesh landmarks of {len(points)} front photo(s)",
    )


def glabella_height_of(design: Design) -> float:
    """Head-frame height of mid-glabella the design was drawn from, millimetres.

    The client's own (:attr:`Design.glabella_height_mm`), or for designs made without it
    the population default ``glabella_height_above_frankfort_mm``.
    """
    if design.glabella_height_mm is not None:
        return design.glabella_height_mm
    return float(DEFAULTS["glabella_height_above_frankfort_mm"].value)


def surface_at(head: HeadModel, azimuth_rad: FloatArray, height_mm: FloatArray) -> PointsMM:
    """Surface points at given azimuths and heights (ray cast outward from the y axis).

    Parameters
    ----------
    head : HeadModel
        The surface.
    azimuth_rad : (n,) ndarray of float
        Azimuth φ = atan2(x, z), radians.
    height_mm : (n,) ndarray of float
        Head-frame y, millimetres.

    Returns
    -------
    (n, 3) ndarray of float
        Points on the outer surface, millimetres; NaN where the ray misses.
    """
    az = np.asarray(azimuth_rad, dtype=np.float64)
    y = np.asarray(height_mm, dtype=np.float64)
    origins = np.column_stack([np.zeros_like(y), y, np.zeros_like(y)])
    directions = np.column_stack([np.sin(az), np.zeros_like(az), np.cos(az)])
    return cast_rays_mm(head, origins, directions)


def point_up_surface_mm(head: HeadModel, x_mm: float, start_y_mm: float, arc_mm: float) -> PointsMM:
    """The front-surface point an arc length ``arc_mm`` above height ``start_y_mm``.

    Parameters
    ----------
    head : HeadModel
        The surface.
    x_mm : float
        The vertical plane ``x = x_mm`` the arc runs in, millimetres.
    start_y_mm : float
        Height where the arc starts, millimetres.
    arc_mm : float
        Length along the surface, millimetres (as a tape laid on the forehead).

    Returns
    -------
    (3,) ndarray of float
        The end point on the surface, millimetres, head frame.
    """
    heights = np.linspace(start_y_mm, start_y_mm + arc_mm, _CURVE_SAMPLES)
    origins = np.column_stack([np.full_like(heights, x_mm), heights, np.zeros_like(heights)])
    directions = np.tile([0.0, 0.0, 1.0], (len(heights), 1))
    curve = cast_rays_mm(head, origins, directions)
    curve = curve[np.all(np.isfinite(curve), axis=1)]
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(curve, axis=0), axis=1))])
    return np.array([np.interp(arc_mm, arc, curve[:, i]) for i in range(3)])


def midline_arc_mm(head: HeadModel, from_y_mm: float, to_y_mm: float) -> float:
    """Length along the front of the head in the midline plane between two heights.

    Parameters
    ----------
    head : HeadModel
        The surface.
    from_y_mm, to_y_mm : float
        Heights (head-frame y), millimetres.

    Returns
    -------
    float
        Millimetres along the surface in the plane x = 0, as a tape laid on the forehead
        measures it.
    """
    heights = np.linspace(from_y_mm, to_y_mm, _CURVE_SAMPLES)
    origins = np.column_stack([np.zeros_like(heights), heights, np.zeros_like(heights)])
    midline = cast_rays_mm(head, origins, np.tile([0.0, 0.0, 1.0], (len(heights), 1)))
    midline = midline[np.all(np.isfinite(midline), axis=1)]
    return float(np.linalg.norm(np.diff(midline, axis=0), axis=1).sum())


def facial_thirds_mfp_above_glabella_mm(
    head: HeadModel, middle_third_mm: float, *, face: FaceReference = POPULATION_FACE
) -> float:
    """Mid-frontal height that makes the face's upper third as tall as its middle third.

    Parameters
    ----------
    head : HeadModel
        The surface.
    middle_third_mm : float
        The client's middle third, mid-glabella to subnasale, millimetres
        (``View.middle_third_mm``).
    face : FaceReference, optional
        Where mid-glabella is; by default at its population height.

    Returns
    -------
    float
        Arc length up the forehead from mid-glabella, millimetres, to the point
        ``middle_third_mm`` higher than mid-glabella (facial thirds 1 : 1 : 1, measured
        upright with the head level, [AAPS-Hairline], ``domain.md`` §4).
    """
    glabella = face.glabella_height_mm
    return midline_arc_mm(head, glabella, glabella + middle_third_mm)


def rule_of_eight_hairline(
    head: HeadModel,
    *,
    age: str = "mature",
    mfp_above_glabella_mm: float | None = None,
    face: FaceReference = POPULATION_FACE,
) -> PointsMM:
    """Hairline control points by the "rule of 8", placed on the head surface.

    Parameters
    ----------
    head : HeadModel
        The surface the points are placed on.
    age : {"mature", "juvenile"}, optional
        A juvenile line sits ``hairline_juvenile_forward_mm`` lower on the forehead
        ([Rassman2013-Phenotype], ``domain.md`` §4), mid-frontal and frontotemporal points
        alike.
    mfp_above_glabella_mm : float, optional
        Height of the mid-frontal point above mid-glabella as a tape laid on the forehead
        measures it, millimetres; by default ``hairline_mfp_above_glabella_mm`` (the rule of
        8), less the juvenile offset for a juvenile line.
    face : FaceReference, optional
        The client's mid-glabella and lateral canthi (:func:`face_reference_from_views`); by
        default their population places.

    Returns
    -------
    (7, 3) ndarray of float
        The points ``CONTROL_POINT_NAMES`` name, client's right temple to left temple;
        millimetres, head frame.

    Raises
    ------
    ValueError
        If ``age`` is not one of ``HAIRLINE_AGES``.
    PlanValidationError
        If the head has no surface where the temporal peaks' construction needs it.

    Notes
    -----
    Mid-frontal point 80 mm above mid-glabella; frontotemporal points on the lateral
    epicanthal lines, 80 mm above the lateral canthi ([Garg2017], [Shapiro2013],
    ``domain.md`` §4); both distances are arc lengths along the surface, as measured with a
    tape. Temporal peaks by :func:`temporal_peak_mm`. Temple points at ``SIDE_AZIMUTH_DEG``,
    at the lowest height there that is scalp.
    """
    if age not in HAIRLINE_AGES:
        raise ValueError(f"age must be one of {HAIRLINE_AGES}, got {age!r}")
    lower = DEFAULTS["hairline_juvenile_forward_mm"].value if age == "juvenile" else 0.0
    if mfp_above_glabella_mm is None:
        mfp_above_glabella_mm = DEFAULTS["hairline_mfp_above_glabella_mm"].value - lower
    mfp = point_up_surface_mm(head, 0.0, face.glabella_height_mm, mfp_above_glabella_mm)
    rule = DEFAULTS["hairline_mfp_above_glabella_mm"].value
    rule_mfp = (
        mfp
        if mfp_above_glabella_mm == rule
        else point_up_surface_mm(head, 0.0, face.glabella_height_mm, rule)
    )
    ft_arc = DEFAULTS["hairline_frontotemporal_above_canthus_mm"].value - lower
    sides = []
    for sign in (-1.0, 1.0):
        x = sign * face.canthus_half_width_mm
        canthus = cast_rays_mm(
            head, np.array([[x, face.canthus_height_mm, 0.0]]), np.array([[0.0, 0.0, 1.0]])
        )[0]
        sides.append(
            (
                _lowest_scalp_point(head, sign * np.radians(SIDE_AZIMUTH_DEG)),
                temporal_peak_mm(head, rule_mfp, canthus),
                point_up_surface_mm(head, x, face.canthus_height_mm, ft_arc),
            )
        )
    (right_temple, right_peak, right_ft), (left_temple, left_peak, left_ft) = sides
    return np.vstack([right_temple, right_peak, right_ft, mfp, left_ft, left_peak, left_temple])


def temporal_peak_mm(head: HeadModel, mfp_mm: PointsMM, canthus_mm: PointsMM) -> PointsMM:
    """The temporal peak on one side by the rule of 8.

    Parameters
    ----------
    head : HeadModel
        The surface.
    mfp_mm : (3,) ndarray of float
        The rule of 8's mid-frontal point (80 mm above mid-glabella), millimetres.
    canthus_mm : (3,) ndarray of float
        That side's lateral canthus on the surface, millimetres.

    Returns
    -------
    (3,) ndarray of float
        The temporal peak on the surface, millimetres, head frame; no lower than the scalp
        region at its azimuth.

    Raises
    ------
    PlanValidationError
        If no surface point lies ``temporal_peak_construction_mm`` from both points.

    Notes
    -----
    [Garg2017] (``domain.md`` §4): the frontotemporal point lies 8 cm from the mid-frontal
    point and 8 cm from the lateral canthus, and the temporal peak about 5 cm from it towards
    the lateral canthus. Here that frontotemporal point is only a construction point: the
    line's own frontotemporal points stay on the epicanthal lines ([Shapiro2013]), where the
    recession's apex lies. Distances are straight (chord) lengths; a tape over the temple's
    curve reads a few per cent more. On the bundled example the peak falls 24 mm above and
    9 mm behind the lateral canthus, consistent with the temporal point about 1 cm behind a
    vertical through the lateral canthus ([AAPS-Hairline], ``domain.md`` §4).
    """
    reach = DEFAULTS["temporal_peak_construction_mm"].value
    mfp = np.asarray(mfp_mm, dtype=np.float64)
    canthus = np.asarray(canthus_mm, dtype=np.float64)
    axis = canthus - mfp
    length = float(np.linalg.norm(axis))
    axis /= length
    # the circle of points at `reach` from both, on the side of the canthus
    radius = np.sqrt(max(reach**2 - (length / 2) ** 2, 0.0))
    e1 = np.cross(axis, [1.0, 0.0, 0.0])
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(axis, e1)
    angle = np.radians(np.arange(0.0, 360.0, _CIRCLE_STEP_DEG))
    circle = (mfp + canthus) / 2 + radius * (
        np.outer(np.cos(angle), e1) + np.outer(np.sin(angle), e2)
    )
    outside = _radius_beyond_surface_mm(head, circle)
    turns = np.flatnonzero(
        np.isfinite(outside[:-1])
        & np.isfinite(outside[1:])
        & (np.sign(outside[:-1]) != np.sign(outside[1:]))
        & (np.sign(circle[:-1, 0]) == np.sign(canthus[0]))
    )
    if len(turns) == 0:
        raise PlanValidationError(
            "cannot place the temporal peak: no point of this head's surface lies "
            f"{reach:.0f} mm from both the mid-frontal point and the lateral canthus"
        )
    t = outside[turns] / (outside[turns] - outside[turns + 1])
    crossings = circle[turns] + t[:, None] * (circle[turns + 1] - circle[turns])
    construction = crossings[np.argmax(crossings[:, 1])]  # the upper crossing: on the scalp
    step = DEFAULTS["temporal_peak_from_frontotemporal_mm"].value
    towards = canthus - construction
    peak = _onto_surface(head, construction + step * towards / np.linalg.norm(towards))
    lowest = _lowest_scalp_point(head, float(np.arctan2(peak[0], peak[2])))
    return lowest if lowest[1] > peak[1] else peak


def _onto_surface(head: HeadModel, points_mm: PointsMM) -> PointsMM:
    """Points moved horizontally, away from or towards the y axis, onto the outer surface."""
    p = np.atleast_2d(points_mm)
    on = surface_at(head, np.arctan2(p[:, 0], p[:, 2]), p[:, 1])
    return np.asarray(on[0] if np.ndim(points_mm) == 1 else on)


def _radius_beyond_surface_mm(head: HeadModel, points_mm: PointsMM) -> FloatArray:
    """How far each point lies outside the surface, horizontally from the y axis (mm)."""
    on = _onto_surface(head, points_mm)
    return np.asarray(np.hypot(points_mm[:, 0], points_mm[:, 2]) - np.hypot(on[:, 0], on[:, 2]))


def control_point_names(count: int) -> tuple[str, ...]:
    """What each of a hairline's control points is, client's right to left.

    Parameters
    ----------
    count : int
        How many control points the design has.

    Returns
    -------
    tuple of str
        ``CONTROL_POINT_NAMES`` for 7 points; the same without the temporal peaks for 5
        (designs made before the peaks were placed); ``"point i"`` otherwise.

    Examples
    --------
    >>> control_point_names(5)[1]
    'right frontotemporal point'
    """
    if count == len(CONTROL_POINT_NAMES):
        return CONTROL_POINT_NAMES
    if count == len(_FIVE_POINT_NAMES):
        return _FIVE_POINT_NAMES
    return tuple(f"point {i}" for i in range(count))


def frontotemporal_points_mm(design: Design) -> PointsMM | None:
    """The design's right and left frontotemporal control points.

    Parameters
    ----------
    design : Design
        The design.

    Returns
    -------
    (2, 3) ndarray of float or None
        Right then left, millimetres, head frame; None where the control points are not the
        default line's (:func:`control_point_names`).
    """
    names = control_point_names(len(design.hairline_mm))
    if "right frontotemporal point" not in names:
        return None
    return np.asarray(
        design.hairline_mm[
            [names.index("right frontotemporal point"), names.index("left frontotemporal point")]
        ]
    )


def _lowest_scalp_point(head: HeadModel, azimuth_rad: float) -> PointsMM:
    """The lowest scalp point at an azimuth, from the lower scalp limit up (0.5 mm steps)."""
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    heights = lower + np.arange(0.0, _TEMPLE_SEARCH_MM, 0.5)
    points = surface_at(head, np.full(len(heights), azimuth_rad), heights)
    off = distance_to_surface_mm(head, points, faces=head.scalp_faces)
    on = np.flatnonzero(np.isfinite(off) & (off < 0.01))
    return np.asarray(points[on[0]] if len(on) else points[0])


def _azimuth_height(points_mm: PointsMM) -> tuple[FloatArray, FloatArray]:
    pts = np.asarray(points_mm, dtype=np.float64)
    return np.arctan2(pts[:, 0], pts[:, 2]), pts[:, 1]


def hairline_curve_mm(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> PointsMM:
    """The drawn hairline as a dense polyline on the surface, right temple to left temple.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        Holds the control points and the style.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    (n, 3) ndarray of float
        Points on the surface about 0.5 mm apart, millimetres, head frame (the style's
        irregularity included; the line passes through every control point). Points whose
        chart position falls off the scalp are left out.

    Raises
    ------
    PlanValidationError
        If the design's style is not one of ``HAIRLINE_STYLES``.
    """
    if design.style not in HAIRLINE_STYLES:
        raise PlanValidationError(
            f"hairline style must be one of {tuple(HAIRLINE_STYLES)}, got {design.style!r}"
        )
    chart = scalp_chart(head) if chart is None else chart
    drawn, _ = hairline_uv(
        chart_from_surface(chart, design.hairline_mm), HAIRLINE_STYLES[design.style]
    )
    curve = surface_from_chart(chart, drawn)
    return np.asarray(curve[np.all(np.isfinite(curve), axis=1)])


def move_control_point(
    head: HeadModel,
    design: Design,
    index: int,
    delta_uv_mm: tuple[float, float],
    *,
    chart: ScalpChart | None = None,
) -> Design:
    """The design with one hairline control point moved in the scalp chart.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        The design to edit (not changed).
    index : int
        Which control point, 0 at the client's right temple.
    delta_uv_mm : tuple of float
        The move in the chart: (Δu to the client's left, Δv forward), millimetres.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    Design
        The same design with that point moved; the drawn line changes only between the
        point's second neighbours (:func:`smpstudio.design._curve.catmull_rom_uv`).

    Raises
    ------
    PlanValidationError
        If there is no such control point, or the move takes it off the scalp.
    """
    points = np.array(design.hairline_mm)
    if not 0 <= index < len(points):
        names = ", ".join(f"{i} {n}" for i, n in enumerate(control_point_names(len(points))))
        raise PlanValidationError(
            f"the hairline has control points 0..{len(points) - 1}, not {index} ({names})"
        )
    chart = scalp_chart(head) if chart is None else chart
    points[index] = moved_in_chart(chart, points[index], delta_uv_mm, what=f"control point {index}")
    return dataclasses.replace(design, hairline_mm=points)


def moved_in_chart(
    chart: ScalpChart, point_mm: PointsMM, delta_uv_mm: tuple[float, float], *, what: str
) -> PointsMM:
    """A surface point moved by (Δu, Δv) mm in the scalp chart.

    Parameters
    ----------
    chart : ScalpChart
        The head's scalp chart.
    point_mm : (3,) ndarray of float
        The point, head frame millimetres.
    delta_uv_mm : tuple of float
        The move: (Δu to the client's left, Δv forward), millimetres.
    what : str
        What the point is, for the error message.

    Returns
    -------
    (3,) ndarray of float
        The moved point on the surface, millimetres.

    Raises
    ------
    PlanValidationError
        If the move leaves the scalp.
    """
    uv = chart_from_surface(chart, point_mm) + np.asarray(delta_uv_mm, dtype=np.float64)
    moved = np.asarray(surface_from_chart(chart, uv)[0], dtype=np.float64)
    if not np.all(np.isfinite(moved)):
        raise PlanValidationError(
            f"moving {what} by {tuple(delta_uv_mm)} mm takes it off the scalp"
        )
    return moved


def treated_region(design: Design, points_mm: PointsMM, curve_mm: PointsMM) -> BoolArray:
    """Which surface points lie behind the hairline and above the lower scalp limit.

    Parameters
    ----------
    design : Design
        Its lower limit.
    points_mm : (n, 3) ndarray of float
        Points on the head surface, millimetres, head frame.
    curve_mm : (m, 3) ndarray of float
        The drawn hairline (:func:`hairline_curve_mm`), client's right to left.

    Returns
    -------
    (n, ) ndarray of bool
        True inside the treated region.

    Notes
    -----
    In the plane of azimuth φ = atan2(x, z) and height y, a point is in front of the line
    when an upward ray from it crosses the line an odd number of times (the even–odd rule
    for the region between the line and the ground). The line may then fold back in
    azimuth, as a temporal peak pointing forward does. Outside the line's azimuth range the
    region reaches down to the lower limit.
    """
    az, y = _azimuth_height(points_mm)
    az_c, y_c = _azimuth_height(curve_mm)
    in_front = _crossings_above(az, y, az_c, y_c) % 2 == 1
    return np.asarray(~in_front & (y >= design.lower_limit_mm))


def _crossings_above(
    x: FloatArray, y: FloatArray, line_x: FloatArray, line_y: FloatArray
) -> IntArray:
    """How many segments of a polyline pass above each point.

    Each segment's x range is taken half-open, so that a vertex is counted once.
    """
    order = np.argsort(x)
    xs, ys = x[order], y[order]
    x0, x1, y0, y1 = line_x[:-1], line_x[1:], line_y[:-1], line_y[1:]
    first = np.searchsorted(xs, np.minimum(x0, x1), side="left")
    last = np.searchsorted(xs, np.maximum(x0, x1), side="left")
    counts = np.zeros(len(xs), dtype=np.int64)
    for k in np.flatnonzero(last > first):
        i, j = first[k], last[k]
        at = y0[k] + (xs[i:j] - x0[k]) * (y1[k] - y0[k]) / (x1[k] - x0[k])
        counts[i:j] += at > ys[i:j]
    result = np.empty_like(counts)
    result[order] = counts
    return result
