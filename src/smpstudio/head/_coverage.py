"""Hair coverage per scalp region, from the hair masks of the registered photos.

Each scalp face of the head model is a sample. A registered view sees a sample when the face
turns towards its camera by more than ``GRAZING_LIMIT_DEG`` from edge-on, nothing of the
head lies in front of it (:func:`project_visible`), it projects into the photo and inside the
view's upper-head region — the only part of a photo where hair versus not-hair was decided.
A sample seen by several views takes the mean of their verdicts. A region is reported when
at least ``MIN_SEEN_FRACTION`` of its area is seen; otherwise it is "not seen".

Regions are named by direction from the head-frame origin (midway between the tragia):
azimuth ``atan2(x, z)`` (0° straight ahead, +90° towards the client's left) and elevation
above the Frankfort plane. The boundaries are ours (unsourced) and only group the
measurement for the practitioner; design and pattern use the per-face values.
"""

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray
from smpstudio.core import HairCoverage, HeadModel, View
from smpstudio.head._visibility import project_visible

SCALP_REGIONS = (
    "front",
    "left_temple",
    "right_temple",
    "left_side",
    "right_side",
    "back",
    "top",
    "crown",
)
"""Region names, in report order (left and right are the client's)."""
TOP_ELEVATION_DEG = 55.0
"""Above this elevation a face belongs to the top (forward of the origin) or the crown."""
TEMPLE_AZIMUTH_DEG = 35.0
"""Azimuth where the front ends and the temples begin, degrees either side."""
SIDE_AZIMUTH_DEG = 80.0
"""Azimuth where the temples end and the sides begin."""
BACK_AZIMUTH_DEG = 135.0
"""Azimuth where the sides end and the back begins."""
GRAZING_LIMIT_DEG = 75.0
"""Faces seen at more than this angle from their normal are too foreshortened to judge."""
MIN_SEEN_FRACTION = 0.2
"""Least share of a region's area that must be seen for its coverage to be reported."""


def scalp_region_of_faces(head: HeadModel) -> IntArray:
    """Index into ``SCALP_REGIONS`` of every face; −1 off the scalp.

    Parameters
    ----------
    head : HeadModel
        Model in the head frame, millimetres.

    Returns
    -------
    (f,) ndarray of int
        Region index per face.
    """
    centres = head.triangles_mm.mean(axis=1)
    x, y, z = centres[:, 0], centres[:, 1], centres[:, 2]
    azimuth = np.degrees(np.arctan2(x, z))
    elevation = np.degrees(np.arctan2(y, np.hypot(x, z)))
    side = np.where(x >= 0, 0, 1)  # 0: client's left, 1: right
    around = np.abs(azimuth)
    region = np.select(
        [
            elevation >= TOP_ELEVATION_DEG,
            around < TEMPLE_AZIMUTH_DEG,
            around < SIDE_AZIMUTH_DEG,
            around < BACK_AZIMUTH_DEG,
        ],
        [
            np.where(z >= 0, SCALP_REGIONS.index("top"), SCALP_REGIONS.index("crown")),
            SCALP_REGIONS.index("front"),
            SCALP_REGIONS.index("left_temple") + side,
            SCALP_REGIONS.index("left_side") + side,
        ],
        default=SCALP_REGIONS.index("back"),
    )
    return np.asarray(np.where(head.scalp_faces, region, -1), dtype=np.int64)


def hair_seen_by_view(head: HeadModel, view: View) -> tuple[BoolArray, BoolArray]:
    """Which scalp faces a registered view sees, and which of those it shows as hair.

    Parameters
    ----------
    head : HeadModel
        The head model.
    view : View
        A view with a camera and the ``hair`` and ``upper_head`` masks.

    Returns
    -------
    seen : (f,) ndarray of bool
        Faces the view sees inside its upper-head region.
    hair : (f,) ndarray of bool
        Seen faces whose centre falls on hair.
    """
    none = np.zeros(len(head.faces), dtype=bool)
    if view.camera is None or "hair" not in view.masks or "upper_head" not in view.masks:
        return none, none
    centres = head.triangles_mm.mean(axis=1)
    to_camera = view.camera.centre_mm - centres
    distance = np.linalg.norm(to_camera, axis=1)
    facing = np.einsum("ij,ij->i", head.face_normals, to_camera) / distance
    toward = facing > np.cos(np.radians(GRAZING_LIMIT_DEG))
    xy, visible = project_visible(head, view.camera, centres, view.width_px, view.height_px)
    visible &= toward
    cols, rows = np.round(xy[:, 0]), np.round(xy[:, 1])
    inside = (
        visible
        & (cols >= 0)
        & (rows >= 0)
        & (cols < view.width_px)
        & (rows < view.height_px)
        & head.scalp_faces
    )
    r, c = rows[inside].astype(np.int64), cols[inside].astype(np.int64)
    seen = none.copy()
    seen[np.flatnonzero(inside)] = view.masks["upper_head"][r, c]
    hair = none.copy()
    hair[np.flatnonzero(inside)] = view.masks["hair"][r, c]
    return seen, hair & seen


def _seen_and_hair(
    head: HeadModel, views: tuple[View, ...]
) -> tuple[FloatArray, FloatArray, list[tuple[str, BoolArray]]]:
    seen_count = np.zeros(len(head.faces))
    hair_count = np.zeros(len(head.faces))
    seen_by: list[tuple[str, BoolArray]] = []
    for view in views:
        seen, hair = hair_seen_by_view(head, view)
        seen_count += seen
        hair_count += hair
        seen_by.append((view.name, seen))
    return seen_count, hair_count, seen_by


def hair_share_of_faces(head: HeadModel, views: tuple[View, ...]) -> FloatArray:
    """Per face, the share of the registered views seeing it that show hair there.

    Parameters
    ----------
    head : HeadModel
        The head model, millimetres.
    views : tuple of View
        Views; those with a camera and hair masks contribute.

    Returns
    -------
    (f,) ndarray of float
        0–1 per face of ``head``; NaN where no view sees the face.
    """
    seen_count, hair_count, _ = _seen_and_hair(head, views)
    share = np.full(len(head.faces), np.nan)
    np.divide(hair_count, seen_count, out=share, where=seen_count > 0)
    return share


def hair_coverage(head: HeadModel, views: tuple[View, ...]) -> tuple[HairCoverage, ...]:
    """Hair coverage of every scalp region, from all registered views.

    Parameters
    ----------
    head : HeadModel
        The head model, millimetres.
    views : tuple of View
        Views; those with a camera and hair masks contribute.

    Returns
    -------
    tuple of HairCoverage
        One per ``SCALP_REGIONS`` entry, in that order; ``hair_fraction`` is None where
        less than ``MIN_SEEN_FRACTION`` of the region is seen.
    """
    region = scalp_region_of_faces(head)
    area = head.face_areas_mm2
    seen_count, hair_count, seen_by = _seen_and_hair(head, views)
    seen_any = seen_count > 0
    hair_share = np.divide(hair_count, seen_count, out=np.zeros_like(hair_count), where=seen_any)
    result = []
    for index, name in enumerate(SCALP_REGIONS):
        members = region == index
        total = float(area[members].sum())
        seen_area = float(area[members & seen_any].sum())
        seen_fraction = seen_area / total if total > 0 else 0.0
        fraction = (
            float((area * hair_share)[members & seen_any].sum()) / seen_area
            if seen_fraction >= MIN_SEEN_FRACTION
            else None
        )
        names = tuple(n for n, seen in seen_by if np.any(seen & members))
        result.append(HairCoverage(name, fraction, min(1.0, seen_fraction), names))
    return tuple(result)
