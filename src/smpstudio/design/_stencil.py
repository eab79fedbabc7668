"""The hairline laid flat for a paper stencil, as a tape on the forehead measures it.

A point of the hairline at azimuth φ about the head's vertical axis and height y is drawn at

- *across*: the length along the head's horizontal section at mid-glabella height from the
  midline to azimuth φ (negative to the client's right);
- *up*: the length along the head's meridian at azimuth φ (the section by the vertical
  half-plane through the y axis) from mid-glabella height up to y.

Both are lengths a practitioner can check with a tape: the stencil's baseline lies along
the brows at mid-glabella height, its midline mark on the glabella. Paper does not bend two
ways, so away from the midline and baseline the flat stencil and the forehead disagree by
the forehead's double curvature (a few millimetres at the temples).
"""

import numpy as np
import trimesh

from smpstudio._typing import FloatArray, PointsMM
from smpstudio.core import Design, HeadModel
from smpstudio.design._hairline import glabella_height_of, hairline_curve_mm
from smpstudio.head import ScalpChart

MERIDIAN_STEP_DEG = 3.0
"""Spacing of the meridian sections the upward lengths are interpolated between."""
_STEP_MM = 0.5
_REACH_DEG = 135.0


def _outer_profile(segments: FloatArray, grid: FloatArray) -> FloatArray:
    """Largest second coordinate of a set of 2D segments at each value of the first.

    ``segments`` is (m, 2, 2) in (t, r); returns r(t) on ``grid`` (NaN where none crosses).
    """
    t0, t1 = segments[:, 0, 0], segments[:, 1, 0]
    r0, r1 = segments[:, 0, 1], segments[:, 1, 1]
    low, high = np.minimum(t0, t1), np.maximum(t0, t1)
    crosses = (grid[:, None] >= low) & (grid[:, None] <= high) & (high > low)
    share = (grid[:, None] - t0) / np.where(t1 != t0, t1 - t0, 1.0)
    r = np.where(crosses, r0 + share * (r1 - r0), -np.inf)
    out = r.max(axis=1)
    return np.where(np.isfinite(out), out, np.nan)


def _meridian_length(mesh: trimesh.Trimesh, azimuth: float, heights: FloatArray) -> FloatArray:
    """Length along the meridian at an azimuth from ``heights[0]`` up to each height, mm.

    Heights where the meridian has no outer surface add nothing.
    """
    along = np.array([np.sin(azimuth), 0.0, np.cos(azimuth)])
    normal = np.array([np.cos(azimuth), 0.0, -np.sin(azimuth)])
    segments = trimesh.intersections.mesh_plane(mesh, normal, np.zeros(3))  # type: ignore[no-untyped-call]
    planar = np.stack([segments[..., 1], segments @ along], axis=2)  # (y, outward)
    planar = planar[(planar[:, :, 1] > 0).all(axis=1)]
    radius = _outer_profile(planar, heights)
    steps = np.hypot(np.diff(heights), np.diff(radius))
    return np.concatenate([[0.0], np.cumsum(np.nan_to_num(steps))])


def _section_length(mesh: trimesh.Trimesh, height: float, azimuths: FloatArray) -> FloatArray:
    """Signed length along the horizontal section at a height from the midline, mm."""
    segments = trimesh.intersections.mesh_plane(  # type: ignore[no-untyped-call]
        mesh, np.array([0.0, 1.0, 0.0]), [0, height, 0]
    )
    angle = np.arctan2(segments[..., 0], segments[..., 2])
    radius = np.hypot(segments[..., 0], segments[..., 2])
    planar = np.stack([angle, radius], axis=2)
    planar = planar[np.abs(angle[:, 0] - angle[:, 1]) < np.pi]  # not across the back seam
    rho = _outer_profile(planar, azimuths)
    x, z = rho * np.sin(azimuths), rho * np.cos(azimuths)
    steps = np.nan_to_num(np.hypot(np.diff(x), np.diff(z)))
    length = np.concatenate([[0.0], np.cumsum(steps)])
    return np.asarray(length - np.interp(0.0, azimuths, length))


def developed_hairline_mm(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> FloatArray:
    """The drawn hairline laid flat: (across, up) tape lengths from mid-glabella, mm.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        The design whose drawn hairline is laid flat.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    (n, 2) ndarray of float
        For each point of the drawn line (client's right to left): the length across the
        forehead from the midline at mid-glabella height (negative to the client's right)
        and the length up the forehead from that height, millimetres.
    """
    curve: PointsMM = hairline_curve_mm(head, design, chart=chart)
    mesh = trimesh.Trimesh(head.vertices_mm, head.faces, process=False)
    glabella = glabella_height_of(design)
    azimuth = np.arctan2(curve[:, 0], curve[:, 2])
    fine = np.radians(np.arange(-_REACH_DEG, _REACH_DEG + 1e-9, _STEP_MM / 2))
    across = np.interp(azimuth, fine, _section_length(mesh, glabella, fine))
    lowest = min(glabella, float(curve[:, 1].min())) - _STEP_MM
    heights = np.arange(lowest, float(curve[:, 1].max()) + _STEP_MM, _STEP_MM)
    meridians = np.radians(
        np.arange(
            np.floor(np.degrees(azimuth.min()) / MERIDIAN_STEP_DEG) * MERIDIAN_STEP_DEG,
            np.degrees(azimuth.max()) + MERIDIAN_STEP_DEG,
            MERIDIAN_STEP_DEG,
        )
    )
    lengths = np.array([_meridian_length(mesh, a, heights) for a in meridians])
    lengths -= np.array([np.interp(glabella, heights, row) for row in lengths])[:, None]
    # bilinear in (azimuth, height) between the meridians computed
    k = np.clip(np.searchsorted(meridians, azimuth) - 1, 0, len(meridians) - 2)
    w = (azimuth - meridians[k]) / (meridians[k + 1] - meridians[k])
    up_k = np.array(
        [np.interp(y, heights, lengths[j]) for j, y in zip(k, curve[:, 1], strict=True)]
    )
    up_k1 = np.array(
        [np.interp(y, heights, lengths[j + 1]) for j, y in zip(k, curve[:, 1], strict=True)]
    )
    return np.column_stack([across, (1 - w) * up_k + w * up_k1])
