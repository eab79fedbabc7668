"""Impressions for a design on a head model: follicular units, then their impressions.

Two levels (``docs/pattern.md``):

1. **Follicular-unit (FU) centres**: variable-density blue noise on the scalp
   (:func:`blue_noise_on_mesh`) at the FU density the design asks for — each zone's
   impression density over its impressions per FU, ramped across the hairline band, with
   stray units ahead of the line, matched to the remaining hair in the blend zone — then put
   in a progressive order (:func:`progressive_order`), so that sessions are prefix cuts.
2. **Impressions**: each unit gets 1–4, the shares of ``domain.md`` §2.3 tilted to the zone's
   mean, set on a small regular polygon about the centre with neighbours
   ``fu_impression_offset_mm`` apart, diameters varied about the zone's within the healed
   range.
"""

import itertools
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import Design, HeadModel, Pattern
from smpstudio.design import (
    density_of_points,
    hairline_curve_mm,
    inside_outline,
    scalp_quadrature,
    treated_region,
    zone_of_points,
)
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import (
    ScalpChart,
    closest_faces,
    closest_points_on_triangles,
    scalp_chart,
)
from smpstudio.pattern._blue_noise import (
    DEGENERATE_AREA_MM2,
    blue_noise_on_mesh,
    progressive_order,
    walk_frames,
)
from smpstudio.pattern._kernels import nearest_sample_of_face, settle

MAX_IMPRESSIONS_PER_FU = 4
"""A follicular unit holds 1 to this many impressions (``domain.md`` §2.3: 1–4 hairs, 5 rare)."""

FOLD_ANGLE_DEG = 60.0
"""Faces turning more than this from a neighbour form a fold (:func:`near_folds`)."""

SNAP_TOLERANCE = 1e-6
"""An impression beyond its face by this share of the face's size is put back on the surface."""

SAMPLES_PER_FACE = 16
"""Density-map samples per scalp face (the design's quadrature)."""

_OUTLINE_STEP_MM = 0.1
"""Spacing of the points an exclusion's outline is sampled at to measure the margin."""


def fu_size_shares() -> FloatArray:
    """Shares of follicular units with 1, 2, 3 and 4 impressions (``domain.md`` §2.3).

    Returns
    -------
    (4,) ndarray of float
        Sums to 1.

    Examples
    --------
    >>> fu_size_shares().round(3).tolist()
    [0.284, 0.526, 0.175, 0.015]
    """
    names = ("1_impression", "2_impressions", "3_impressions", "4_impressions")
    shares = np.array([DEFAULTS[f"fu_share_{n}"].value for n in names])
    return np.asarray(shares / shares.sum())


def tilted_size_shares(mean: float) -> FloatArray:
    """The unit-size shares tilted to a given mean number of impressions per unit.

    Parameters
    ----------
    mean : float
        Impressions per follicular unit, 1 to 4.

    Returns
    -------
    (4,) ndarray of float
        p_k ∝ s_k t^k for the shares s of :func:`fu_size_shares`, with t chosen so that the
        mean is ``mean`` (exponential tilting: t = 1 gives the shares themselves, t → 0 all
        single units, t → ∞ all units of four).

    Raises
    ------
    PlanValidationError
        If ``mean`` lies outside [1, 4].

    Examples
    --------
    >>> tilted_size_shares(1.0).tolist()
    [1.0, 0.0, 0.0, 0.0]
    >>> float(tilted_size_shares(2.5) @ [1, 2, 3, 4]).__round__(6)
    2.5
    """
    if not 1.0 <= mean <= MAX_IMPRESSIONS_PER_FU:
        raise PlanValidationError(
            f"impressions per follicular unit must be 1–{MAX_IMPRESSIONS_PER_FU}, got {mean}"
        )
    sizes = np.arange(1, MAX_IMPRESSIONS_PER_FU + 1)
    if mean == 1.0 or mean == MAX_IMPRESSIONS_PER_FU:
        return np.asarray((sizes == mean).astype(float))
    shares = fu_size_shares()
    lo, hi = -30.0, 30.0
    for _ in range(100):
        mid = 0.5 * (lo + hi)
        p = shares * np.exp(mid * (sizes - sizes.mean()))
        if (p @ sizes) / p.sum() < mean:
            lo = mid
        else:
            hi = mid
    p = shares * np.exp(0.5 * (lo + hi) * (sizes - sizes.mean()))
    return np.asarray(p / p.sum())


@dataclass(frozen=True, slots=True)
class DensityMap:
    """The design's target follicular-unit density, sampled over the scalp.

    Parameters
    ----------
    points_mm : (m, 3) ndarray of float
        Sample points: the centroids of 16 equal sub-triangles of every scalp face.
    face_index : (m,) ndarray of int
        The head face of each sample.
    area_mm2 : (m,) ndarray of float
        The area each sample stands for, square millimetres.
    zone_id : (m,) ndarray of int
        Design zone (-1: none); stray units ahead of the hairline count as the band's.
    fu_density_per_cm2 : (m,) ndarray of float
        Target follicular units per cm² (0 outside the treated area, in an exclusion or
        within its margin).
    impressions_per_fu : (m,) ndarray of float
        Mean impressions per unit (1 for the strays).
    ahead_of_line : (m,) ndarray of bool
        Where the stray units ahead of the hairline may go.
    walkable_faces : (f,) ndarray of bool
        Head faces an impression may lie on: the scalp away from folds
        (:func:`near_folds`).
    """

    points_mm: PointsMM
    face_index: IntArray
    area_mm2: FloatArray
    zone_id: IntArray
    fu_density_per_cm2: FloatArray
    impressions_per_fu: FloatArray
    ahead_of_line: BoolArray
    walkable_faces: BoolArray

    def face_density_per_mm2(self, face_count: int) -> FloatArray:
        """Mean follicular units per mm² of each head face (0 off the scalp)."""
        units = np.bincount(
            self.face_index,
            weights=self.fu_density_per_cm2 / 100.0 * self.area_mm2,
            minlength=face_count,
        )
        area = np.bincount(self.face_index, weights=self.area_mm2, minlength=face_count)
        return np.asarray(np.divide(units, area, out=np.zeros(face_count), where=area > 0))

    def expected_units(self) -> dict[int, float]:
        """Follicular units the map integrates to in each zone."""
        has = self.zone_id >= 0
        totals = np.bincount(
            self.zone_id[has], weights=(self.fu_density_per_cm2 / 100.0 * self.area_mm2)[has]
        )
        return {z: float(t) for z, t in enumerate(totals)}


def _distance_to_polyline_mm(points_mm: PointsMM, outline_mm: PointsMM) -> FloatArray:
    """Distance from points to a closed outline, sampled every ``_OUTLINE_STEP_MM``."""
    closed = np.vstack([outline_mm, outline_mm[:1]])
    pieces = []
    for a, b in itertools.pairwise(closed):
        steps = max(int(np.ceil(np.linalg.norm(b - a) / _OUTLINE_STEP_MM)), 1)
        pieces.append(a + np.linspace(0.0, 1.0, steps, endpoint=False)[:, None] * (b - a))
    return np.asarray(cKDTree(np.vstack(pieces)).query(points_mm)[0])


def fu_density_map(
    head: HeadModel, design: Design, *, chart: ScalpChart | None = None
) -> DensityMap:
    """Sample the follicular-unit density a design asks for over the scalp.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        Zones, hairline and hair shares.
    chart : ScalpChart, optional
        The head's scalp chart, if already computed.

    Returns
    -------
    DensityMap
        The target at 16 points per scalp face.

    Notes
    -----
    Each zone asks for its impression density over its impressions per unit
    (:func:`smpstudio.design.density_of_points`, which matches the blend zone to the hair).
    Across the hairline band the density rises linearly with the distance d behind the
    line, as ``f₀ + 2 (1 − f₀) d / w`` times the band's (w the band's depth, f₀
    ``hairline_ramp_start_fraction``), which averages the band's own density. Ahead of the
    line, up to ``hairline_stray_reach_mm``, stray single units are placed at
    ``hairline_stray_density_fraction`` of the band's density. Nothing is placed inside an
    exclusion or within ``exclusion_margin_mm`` of its outline, nor near a fold of the mesh
    (:func:`near_folds`). These ramp and stray settings are ours (unsourced).
    """
    chart = scalp_chart(head) if chart is None else chart
    points, face_index, area = scalp_quadrature(head)
    zone = zone_of_points(head, design, points, chart=chart, face_index=face_index)
    impressions = density_of_points(design, zone, face_index)
    per_fu_of_zone = np.array([z.impressions_per_fu for z in design.zones] + [1.0])
    for value in per_fu_of_zone[:-1]:
        tilted_size_shares(float(value))  # validates each zone's mean
    per_fu = per_fu_of_zone[zone]
    fu_density = impressions / per_fu
    band = [z for z in design.zones if z.kind == "region" and z.name == "hairline band"]
    ahead = np.zeros(len(points), dtype=bool)
    if band:
        curve = hairline_curve_mm(head, design, chart=chart)
        to_line = cKDTree(curve).query(points)[0]
        start = DEFAULTS["hairline_ramp_start_fraction"].value
        in_band = (zone == band[0].zone_id) & (to_line <= design.band_width_mm)
        ramp = start + 2.0 * (1.0 - start) * to_line[in_band] / design.band_width_mm
        fu_density[in_band] *= ramp
        ahead = (
            (zone < 0)
            & (to_line <= DEFAULTS["hairline_stray_reach_mm"].value)
            & ~treated_region(design, points, curve)
        )
        zone[ahead] = band[0].zone_id
        per_fu[ahead] = 1.0
        fu_density[ahead] = (
            band[0].density_per_cm2 * DEFAULTS["hairline_stray_density_fraction"].value
        )
    walkable = head.scalp_faces & ~near_folds(head)
    fu_density[~walkable[face_index]] = 0.0
    margin = DEFAULTS["exclusion_margin_mm"].value
    for drawn in (z for z in design.zones if z.kind == "exclusion"):
        assert drawn.outline_mm is not None
        near = _distance_to_polyline_mm(points, drawn.outline_mm) < margin
        fu_density[near | inside_outline(chart, drawn.outline_mm, points)] = 0.0
    return DensityMap(points, face_index, area, zone, fu_density, per_fu, ahead, walkable)


@dataclass(frozen=True, slots=True)
class FollicularUnits:
    """Follicular-unit centres on the head, in progressive order.

    Parameters
    ----------
    centres_mm : (n, 3) ndarray of float
        On the head surface, millimetres; row order is the order to place them in (every
        prefix is spread like blue noise).
    face_index : (n,) ndarray of int
        The head face each lies on.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the target FU density where each started, millimetres.
    zone_id : (n,) ndarray of int
        Design zone of each unit.
    impressions_per_fu : (n,) ndarray of float
        The mean impressions per unit of the map where each lies.
    walkable_faces : (f,) ndarray of bool
        Head faces their impressions may lie on (the map's).
    """

    centres_mm: PointsMM
    face_index: IntArray
    spacing_mm: FloatArray
    zone_id: IntArray
    impressions_per_fu: FloatArray
    walkable_faces: BoolArray


def _nearest_sample(density_map: DensityMap, face_index: IntArray, points_mm: PointsMM) -> IntArray:
    """Index of the map sample nearest each point among those of its face that ask for units.

    A face at the treated area's edge is partly outside it. The samples of a face are
    consecutive (:func:`smpstudio.design.scalp_quadrature`).
    """
    faces = np.ascontiguousarray(face_index, dtype=np.int64)
    return np.asarray(
        nearest_sample_of_face(
            np.ascontiguousarray(density_map.face_index, dtype=np.int64),
            np.ascontiguousarray(density_map.points_mm, dtype=np.float64),
            density_map.fu_density_per_cm2 > 0,
            # the first sample of each face, looked up in order (faster than at random)
            np.searchsorted(density_map.face_index, np.arange(faces.max(initial=-1) + 1))[faces],
            faces,
            np.ascontiguousarray(points_mm, dtype=np.float64),
            SAMPLES_PER_FACE,
        )
    )


def follicular_units(
    head: HeadModel, density_map: DensityMap, *, rng: np.random.Generator
) -> FollicularUnits:
    """Blue-noise follicular-unit centres at a density map's target, progressively ordered.

    Parameters
    ----------
    head : HeadModel
        The surface the map was sampled on.
    density_map : DensityMap
        The target (:func:`fu_density_map`).
    rng : numpy.random.Generator
        Source of randomness; the same state gives the same units.

    Returns
    -------
    FollicularUnits
        The centres in placing order, with the zone and mean size each unit takes from the
        map sample nearest it.

    Notes
    -----
    Only faces the map gives a density are meshed for the relaxation, so the border of
    the treated area (and of each exclusion's margin) is a wall the units stay behind. The
    progressive order cuts exactly at the cumulative session shares
    (``first_session_share``, ``second_session_share``).
    """
    face_density = density_map.face_density_per_mm2(len(head.faces))
    active = np.flatnonzero(face_density > 0)
    noise = blue_noise_on_mesh(head.vertices_mm, head.faces[active], face_density[active], rng=rng)
    shares = (DEFAULTS["first_session_share"].value, DEFAULTS["second_session_share"].value)
    order = progressive_order(noise.points_mm, noise.spacing_mm, shares)
    centres, face = noise.points_mm[order], active[noise.face_index[order]]
    sample = _nearest_sample(density_map, face, centres)
    return FollicularUnits(
        centres,
        face,
        noise.spacing_mm[order],
        density_map.zone_id[sample],
        density_map.impressions_per_fu[sample],
        density_map.walkable_faces,
    )


def impressions_per_unit(mean_per_fu: FloatArray, *, rng: np.random.Generator) -> IntArray:
    """How many impressions each unit gets, drawn from the tilted unit-size shares.

    Parameters
    ----------
    mean_per_fu : (n,) ndarray of float
        Each unit's mean impressions per unit (1–4).
    rng : numpy.random.Generator
        One draw per unit.

    Returns
    -------
    (n,) ndarray of int
        1 to 4.
    """
    means = np.asarray(mean_per_fu, dtype=np.float64)
    counts = np.ones(len(means), dtype=np.int64)
    u = rng.random(len(means))
    for mean in np.unique(means):
        at = np.flatnonzero(means == mean)
        cumulative = np.cumsum(tilted_size_shares(float(mean)))
        counts[at] = 1 + np.searchsorted(cumulative[:-1], u[at], side="right")
    return counts


def unit_offsets_mm(counts: IntArray, offset_mm: float, *, rng: np.random.Generator) -> FloatArray:
    """Offsets of each unit's impressions from its centre, in the unit's tangent plane.

    Parameters
    ----------
    counts : (n,) ndarray of int
        Impressions of each unit (1–4).
    offset_mm : float
        Distance between neighbouring impressions of a unit, millimetres.
    rng : numpy.random.Generator
        One random turn per unit.

    Returns
    -------
    (sum(counts), 2) ndarray of float
        (u, v) offsets, millimetres, unit after unit: a single sits on its centre; 2, 3
        or 4 impressions sit on a regular polygon with sides ``offset_mm`` centred on it.
    """
    unit = np.repeat(np.arange(len(counts)), counts)
    member = np.arange(len(unit)) - np.repeat(np.cumsum(counts) - counts, counts)
    m = counts[unit].astype(np.float64)
    radius = np.where(m > 1, offset_mm / (2.0 * np.sin(np.pi / np.maximum(m, 2.0))), 0.0)
    angle = rng.uniform(0.0, 2.0 * np.pi, len(counts))[unit] + 2.0 * np.pi * member / m
    return np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])


def _walk_offsets(
    head: HeadModel,
    units: FollicularUnits,
    unit: IntArray,
    offsets: FloatArray,
    faces: IntArray,
    frames: tuple[FloatArray, FloatArray, FloatArray, IntArray],
) -> tuple[PointsMM, IntArray]:
    """Walk each row's (u, v) offset from its unit's centre over the head faces ``faces``.

    Returns the points and their faces as indices into ``faces`` (which must hold every
    unit's face; ``frames`` are their :func:`walk_frames`).
    """
    local = np.searchsorted(faces, units.face_index[unit])
    u, v = _tangent_bases(head.face_normals[faces[local]])
    anchor = units.centres_mm[unit].copy()
    points = anchor + offsets[:, :1] * u + offsets[:, 1:] * v
    settle(points, anchor, local, *frames)
    return points, local


def _snap_to_surface(
    head: HeadModel,
    points: PointsMM,
    local: IntArray,
    faces: IntArray,
    frames: tuple[FloatArray, FloatArray, FloatArray, IntArray],
) -> tuple[PointsMM, IntArray]:
    """Put back on the faces the few points a walk over a crease left beside their face."""
    corners, dual = frames[0][local], frames[1][local]
    rel = points - corners[:, 0]
    b1, b2 = np.einsum("ij,ij->i", rel, dual[:, 0]), np.einsum("ij,ij->i", rel, dual[:, 1])
    off = np.abs(np.einsum("ij,ij->i", rel, frames[2][local]))
    outside = np.minimum(np.minimum(b1, b2), 1.0 - b1 - b2) < -SNAP_TOLERANCE
    size = head.face_areas_mm2[faces[local]] ** 0.5
    stray = np.flatnonzero(outside | (off > SNAP_TOLERANCE * size))
    if len(stray):
        allowed = np.zeros(len(head.faces), dtype=bool)
        allowed[faces] = True
        _, nearest = closest_faces(head, points[stray], faces=allowed)
        points = points.copy()
        points[stray] = closest_points_on_triangles(points[stray], head.triangles_mm[nearest])
        local = local.copy()
        local[stray] = np.searchsorted(faces, nearest)
    return points, local


def near_folds(head: HeadModel) -> BoolArray:
    """Faces on or touching a fold of the mesh, where no impression should go.

    Parameters
    ----------
    head : HeadModel
        The surface.

    Returns
    -------
    (f,) ndarray of bool
        True on every face that turns more than ``FOLD_ANGLE_DEG`` from a face across one
        of its edges (or is degenerate), and on every face sharing a corner with one. A
        device needs one clear approach direction; where a model's seams fold (a scan's
        scalp stitched to the rest, a fitted head's remeshed border) it has none.
    """
    frames = walk_frames(head.vertices_mm, head.faces)
    normals, adjacency = frames[2], frames[3]
    across = np.where(adjacency >= 0, adjacency, np.arange(len(adjacency))[:, None])
    turn = np.einsum("fd,fkd->fk", normals, normals[across])
    fold = np.any(turn < np.cos(np.radians(FOLD_ANGLE_DEG)), axis=1)
    fold |= head.face_areas_mm2 <= DEGENERATE_AREA_MM2
    touched = np.zeros(len(head.vertices_mm), dtype=bool)
    touched[head.faces[fold].ravel()] = True
    return np.asarray(touched[head.faces].any(axis=1))


def _unit_gaps(points: PointsMM, unit: IntArray) -> FloatArray:
    """Smallest distance between two impressions of each unit (inf for a single)."""
    gap = np.full(int(unit.max()) + 1 if len(unit) else 0, np.inf)
    start = np.flatnonzero(np.r_[True, unit[1:] != unit[:-1]])
    size = np.diff(np.r_[start, len(unit)])
    for k in range(1, int(size.max(initial=1))):
        # pairs k rows apart within a unit
        a = np.flatnonzero(np.r_[unit[k:] == unit[:-k], np.zeros(k, dtype=bool)])
        d = np.linalg.norm(points[a + k] - points[a], axis=1)
        np.minimum.at(gap, unit[a], d)
    return gap


def _squeezed_units(points: PointsMM, unit: IntArray, below_mm: float) -> IntArray:
    """Units two of whose impressions lie closer than ``below_mm``."""
    return np.flatnonzero(_unit_gaps(points, unit) < below_mm)


def _tangent_bases(normals: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Two unit vectors spanning each plane normal to ``normals``."""
    helper = np.where(np.abs(normals[:, :1]) < 0.9, [[1.0, 0.0, 0.0]], [[0.0, 1.0, 0.0]])
    u = np.cross(normals, helper)
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    return u, np.cross(normals, u)


def impressions_of_units(
    head: HeadModel, design: Design, units: FollicularUnits, *, rng: np.random.Generator
) -> Pattern:
    """Each unit's impressions, placed on the surface about its centre.

    Parameters
    ----------
    head : HeadModel
        The surface.
    design : Design
        Dot diameters per zone, and exclusions to keep clear of.
    units : FollicularUnits
        The centres (:func:`follicular_units`).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    Pattern
        One row per impression, units in their progressive order (``fu_id`` = rank of the
        unit), all sessions 0.

    Notes
    -----
    Offsets are walked along the scalp from the centre's face (its border a wall, as the
    device treats the scalp only). Where a fold or the border squeezes a
    unit, its polygon is turned to the widest of six turns, and a unit still closer than
    ``min_impression_spacing_mm`` keeps its centre impression only. Diameters vary
    uniformly by ``dot_diameter_variation`` about the zone's, clipped to the healed range.
    An impression that would fall in an exclusion or its margin is left out.
    """
    counts = impressions_per_unit(units.impressions_per_fu, rng=rng)
    offsets = unit_offsets_mm(counts, DEFAULTS["fu_impression_offset_mm"].value, rng=rng)
    unit = np.repeat(np.arange(len(counts)), counts)
    # walk on the scalp only, away from folds (walls at both): the device may only treat
    # the scalp, and needs one approach direction
    scalp = np.flatnonzero(units.walkable_faces)
    frames = walk_frames(head.vertices_mm, head.faces[scalp])
    points, local = _walk_offsets(head, units, unit, offsets, scalp, frames)
    # where the surface folds sharply (a scan's seams) a unit comes out squeezed: turn its
    # polygon and keep the widest turn; below the safety spacing, keep its centre only
    offset_mm = DEFAULTS["fu_impression_offset_mm"].value
    squeezed = _squeezed_units(points, unit, 0.95 * offset_mm)
    best_gap = _unit_gaps(points, unit)[squeezed]
    for turn in np.arange(1, 6) * np.pi / 3:
        at = np.flatnonzero(np.isin(unit, squeezed))
        c, s_ = np.cos(turn), np.sin(turn)
        turned = offsets[at] @ np.array([[c, s_], [-s_, c]])
        moved, moved_face = _walk_offsets(head, units, unit[at], turned, scalp, frames)
        trial = points.copy()
        trial[at] = moved
        gap = _unit_gaps(trial, unit)[squeezed]
        better = np.isin(unit[at], squeezed[gap > best_gap])
        points[at[better]], local[at[better]] = moved[better], moved_face[better]
        best_gap = np.maximum(best_gap, gap)
    too_close = squeezed[best_gap < DEFAULTS["min_impression_spacing_mm"].value]
    first = np.r_[True, unit[1:] != unit[:-1]]
    keep_rows = ~np.isin(unit, too_close) | first
    zone = units.zone_id[unit]
    base = np.array([z.dot_diameter_mm for z in design.zones])[zone]
    spread = DEFAULTS["dot_diameter_variation"].value
    diameter = np.clip(
        base * (1.0 + rng.uniform(-spread, spread, len(unit))),
        DEFAULTS["dot_diameter_min_mm"].value,
        DEFAULTS["dot_diameter_max_mm"].value,
    )
    points, local = _snap_to_surface(head, points, local, scalp, frames)
    face = scalp[local]
    keep = keep_rows & ~_in_exclusion_margin(head, design, points)
    return Pattern(
        positions_mm=points[keep],
        normals=head.face_normals[face[keep]],
        dot_diameter_mm=diameter[keep],
        fu_id=unit[keep],
        zone_id=zone[keep],
        session=np.zeros(int(keep.sum()), dtype=np.int64),
    )


def _in_exclusion_margin(head: HeadModel, design: Design, points_mm: PointsMM) -> BoolArray:
    """Points inside an exclusion or within ``exclusion_margin_mm`` of its outline."""
    exclusions = [z for z in design.zones if z.kind == "exclusion"]
    out = np.zeros(len(points_mm), dtype=bool)
    if not exclusions:
        return out
    chart = scalp_chart(head)
    margin = DEFAULTS["exclusion_margin_mm"].value
    for drawn in exclusions:
        assert drawn.outline_mm is not None
        out |= inside_outline(chart, drawn.outline_mm, points_mm)
        out |= _distance_to_polyline_mm(points_mm, drawn.outline_mm) < margin
    return out


def synthesize_impressions(head: HeadModel, design: Design, *, rng: np.random.Generator) -> Pattern:
    """The design's impressions: blue-noise follicular units, then their 1–4 impressions.

    Parameters
    ----------
    head : HeadModel
        The surface; only its scalp faces are used.
    design : Design
        Treated region, zones, densities and dot sizes.
    rng : numpy.random.Generator
        Source of randomness; the same generator state gives the same pattern.

    Returns
    -------
    Pattern
        Rows grouped by unit, units in progressive order (``fu_id`` 0 first), so a session
        that places the first share of the units is a prefix of the rows.
    """
    density_map = fu_density_map(head, design)
    units = follicular_units(head, density_map, rng=rng)
    return impressions_of_units(head, design, units, rng=rng)
