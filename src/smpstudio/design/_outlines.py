"""Scars and exclusions: polygons drawn on a photo or on the head surface.

An outline is stored as points on the head surface, head frame millimetres. A point belongs
to the outline's zone when its scalp-chart position (:func:`smpstudio.head.scalp_chart`)
lies inside the polygon of the outline's chart positions (even–odd rule), so an outline
follows the curve of the head however long it is.

A polygon drawn on a photo is densified to ``PHOTO_EDGE_STEP_PX`` along its edges and each
pixel is cast from the view's camera onto the head: the edges then follow the surface as
the photo shows them.
"""

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, PointsMM
from smpstudio.core import HeadModel, View, Zone
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    ScalpChart,
    cast_rays_mm,
    chart_from_surface,
    closest_faces,
    closest_points_on_triangles,
)

OUTLINE_KINDS = ("scar", "exclusion")
"""Kinds of drawn zone: a scar filled for camouflage, an area not to tattoo."""
PHOTO_EDGE_STEP_PX = 8.0
"""Largest step between the points cast onto the head along a polygon drawn on a photo."""
ON_SURFACE_TOLERANCE_MM = 3.0
"""Largest distance from the surface of a point given in head millimetres."""


def points_in_polygon(points_uv: FloatArray, polygon_uv: FloatArray) -> BoolArray:
    """Whether each point lies inside a closed polygon (even–odd rule).

    Parameters
    ----------
    points_uv : (n, 2) ndarray of float
        Query points, any planar unit (here scalp-chart millimetres).
    polygon_uv : (k, 2) ndarray of float
        Polygon corners in order; the last joins the first.

    Returns
    -------
    (n,) ndarray of bool
        True inside.

    Examples
    --------
    >>> square = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0]])
    >>> points_in_polygon(np.array([[1.0, 1.0], [3.0, 1.0]]), square)
    array([ True, False])
    """
    p = np.asarray(points_uv, dtype=np.float64)
    a = np.asarray(polygon_uv, dtype=np.float64)
    b = np.roll(a, -1, axis=0)
    x, y = p[:, :1], p[:, 1:2]
    straddles = (a[:, 1] > y) != (b[:, 1] > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        crossing_x = a[:, 0] + (y - a[:, 1]) * (b[:, 0] - a[:, 0]) / (b[:, 1] - a[:, 1])
    crossings = np.count_nonzero(straddles & (x < crossing_x), axis=1)
    return np.asarray(crossings % 2 == 1)


def inside_outline(chart: ScalpChart, outline_mm: PointsMM, points_mm: PointsMM) -> BoolArray:
    """Whether surface points lie inside an outline drawn on the surface.

    Parameters
    ----------
    chart : ScalpChart
        The head's scalp chart.
    outline_mm : (k, 3) ndarray of float
        The outline on the surface, head frame millimetres.
    points_mm : (n, 3) ndarray of float
        Points on the surface, head frame millimetres.

    Returns
    -------
    (n,) ndarray of bool
        True inside. Only points within the outline's bounding sphere are mapped to the
        chart, so a small outline costs little on many points.
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    centre = outline_mm.mean(axis=0)
    radius = float(np.linalg.norm(outline_mm - centre, axis=1).max())
    near = np.flatnonzero(np.linalg.norm(pts - centre, axis=1) <= radius + 1.0)
    inside = np.zeros(len(pts), dtype=bool)
    if len(near):
        polygon = chart_from_surface(chart, outline_mm)
        inside[near] = points_in_polygon(chart_from_surface(chart, pts[near]), polygon)
    return inside


def _densified_px(points_px: FloatArray) -> FloatArray:
    ends = np.roll(points_px, -1, axis=0)
    steps = np.maximum(
        1, np.ceil(np.linalg.norm(ends - points_px, axis=1) / PHOTO_EDGE_STEP_PX)
    ).astype(int)
    return np.vstack(
        [
            a + (b - a) * (np.arange(n)[:, None] / n)
            for a, b, n in zip(points_px, ends, steps, strict=True)
        ]
    )


def outline_from_photo(head: HeadModel, view: View, points_px: FloatArray) -> PointsMM:
    """Cast a polygon drawn on a registered photo onto the head surface.

    Parameters
    ----------
    head : HeadModel
        The head model the view is registered to.
    view : View
        The photo, with a camera.
    points_px : (k, 2) ndarray of float
        Polygon corners in the photo, pixels (x right, y down), k ≥ 3.

    Returns
    -------
    (m, 3) ndarray of float
        The outline on the surface, head frame millimetres, densified along the edges to
        ``PHOTO_EDGE_STEP_PX``.

    Raises
    ------
    PlanValidationError
        If the view has no camera, a corner lies outside the photo, or a point of the
        polygon does not fall on the head.
    """
    px = np.asarray(points_px, dtype=np.float64)
    if px.ndim != 2 or px.shape[1] != 2 or len(px) < 3:
        raise PlanValidationError(
            f"an outline on photo '{view.name}' needs at least 3 points [x, y] in pixels"
        )
    if view.camera is None:
        raise PlanValidationError(f"photo '{view.name}' is not registered to the head")
    outside = np.flatnonzero(
        (px[:, 0] < 0) | (px[:, 1] < 0) | (px[:, 0] > view.width_px) | (px[:, 1] > view.height_px)
    )
    if len(outside):
        raise PlanValidationError(
            f"outline point {int(outside[0])} {px[outside[0]].tolist()} lies outside photo "
            f"'{view.name}' ({view.width_px} × {view.height_px} px)"
        )
    dense = _densified_px(px)
    camera = view.camera
    rays_cam = np.column_stack(
        [
            (dense[:, 0] - camera.cx_px) / camera.fx_px,
            (dense[:, 1] - camera.cy_px) / camera.fy_px,
            np.ones(len(dense)),
        ]
    )
    head_from_camera = camera.camera_from_head.inverse()
    directions = rays_cam @ head_from_camera.matrix[:3, :3].T
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    centre = camera.centre_mm
    beyond = float(np.linalg.norm(centre)) + float(np.abs(head.vertices_mm).max()) * 2
    # the farthest hit of the reversed ray, cast from beyond the head, is the nearest
    # surface point the camera sees
    hits = cast_rays_mm(head, centre + directions * beyond, -directions)
    missed = np.flatnonzero(~np.all(np.isfinite(hits), axis=1))
    if len(missed):
        raise PlanValidationError(
            f"outline on photo '{view.name}' leaves the head near pixel "
            f"{np.round(dense[missed[0]], 1).tolist()}"
        )
    return hits


def outline_on_surface(head: HeadModel, points_mm: FloatArray) -> PointsMM:
    """Snap an outline given in head millimetres onto the surface.

    Parameters
    ----------
    head : HeadModel
        The surface.
    points_mm : (k, 3) ndarray of float
        Outline corners, head frame millimetres, k ≥ 3.

    Returns
    -------
    (k, 3) ndarray of float
        The nearest surface points, millimetres.

    Raises
    ------
    PlanValidationError
        If a point lies farther than ``ON_SURFACE_TOLERANCE_MM`` from the surface (the
        usual cause: points in other units or in another frame).
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    if pts.ndim != 2 or pts.shape[1] != 3 or len(pts) < 3:
        raise PlanValidationError("an outline on the surface needs at least 3 points [x, y, z] mm")
    distance, face = closest_faces(head, pts)
    foot = closest_points_on_triangles(pts, head.triangles_mm[face])
    far = np.flatnonzero(distance > ON_SURFACE_TOLERANCE_MM)
    if len(far):
        raise PlanValidationError(
            f"outline point {int(far[0])} {pts[far[0]].tolist()} lies "
            f"{distance[far[0]]:.1f} mm from the head surface (more than "
            f"{ON_SURFACE_TOLERANCE_MM} mm): are the points head-frame millimetres?"
        )
    return foot


def outline_zones(
    head: HeadModel,
    views: tuple[View, ...],
    entries: Sequence[Mapping[str, Any]],
    *,
    first_zone_id: int,
) -> tuple[Zone, ...]:
    """Scar and exclusion zones from their descriptions.

    Parameters
    ----------
    head : HeadModel
        The head model.
    views : tuple of View
        The plan's photos, for outlines drawn on a photo.
    entries : sequence of mapping
        One per outline: ``kind`` ("scar" or "exclusion"), ``name``, and either ``view``
        (a photo's name) with ``points_px`` (pixels) or ``points_mm`` (head-frame
        millimetres on the surface). A scar may give ``density_per_cm2`` (impressions per
        cm², default ``impression_density_per_cm2``) and ``dot_diameter_mm`` (default
        ``dot_diameter_mm``).
    first_zone_id : int
        The zone id of the first outline.

    Returns
    -------
    tuple of Zone
        In the order given.

    Raises
    ------
    PlanValidationError
        Naming the entry, for an unknown kind or key, a missing or unknown photo, both or
        neither of ``points_px`` and ``points_mm``, or a bad point.
    """
    known_keys = {
        "kind",
        "name",
        "view",
        "points_px",
        "points_mm",
        "density_per_cm2",
        "dot_diameter_mm",
    }
    by_name = {v.name: v for v in views}
    zones = []
    for index, entry in enumerate(entries):
        where = f"outline {index} ({entry.get('name', 'unnamed')!s})"
        unknown = sorted(set(entry) - known_keys)
        if unknown:
            raise PlanValidationError(f"{where}: unknown keys {unknown}")
        kind = entry.get("kind")
        if kind not in OUTLINE_KINDS:
            raise PlanValidationError(f"{where}: kind must be one of {OUTLINE_KINDS}, got {kind!r}")
        if ("points_px" in entry) == ("points_mm" in entry):
            raise PlanValidationError(f"{where}: give either points_px with view, or points_mm")
        try:
            if "points_px" in entry:
                view = by_name.get(str(entry.get("view")))
                if view is None:
                    raise PlanValidationError(
                        f"points_px need a 'view' naming one of the photos {sorted(by_name)}"
                    )
                outline = outline_from_photo(head, view, np.asarray(entry["points_px"], float))
            else:
                outline = outline_on_surface(head, np.asarray(entry["points_mm"], float))
            scar = kind == "scar"
            if not scar and "density_per_cm2" in entry:
                raise PlanValidationError("an exclusion has no density")
            zones.append(
                Zone(
                    first_zone_id + index,
                    str(entry.get("name", f"{kind} {index + 1}")),
                    float(
                        entry.get("density_per_cm2", DEFAULTS["impression_density_per_cm2"].value)
                    )
                    if scar
                    else 0.0,
                    float(entry.get("dot_diameter_mm", DEFAULTS["dot_diameter_mm"].value)),
                    kind=kind,
                    outline_mm=outline,
                    impressions_per_fu=DEFAULTS["impressions_per_follicular_unit"].value,
                )
            )
        except (PlanValidationError, ValueError, TypeError) as exc:
            raise PlanValidationError(f"{where}: {exc}") from exc
    return tuple(zones)
