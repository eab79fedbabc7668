"""Variable-density blue noise on a triangulated surface, in a progressive order.

The pure core of the pattern stage. Points are placed in three steps:

1. **Stratified start.** Each triangle is owed density × area points. The triangles are
   put in Morton (Z-curve) order of their centroids and the points are dealt out by
   systematic sampling along that order, so any patch of the surface receives its integral
   of the density to within about one point per crossing of the curve [1]_. There are no
   large-scale clumps or gaps for the relaxation to undo.
2. **Relaxation.** Gauss–Seidel pair repulsion: every pair closer than a share of the mean of
   its two hexagonal spacings is pushed apart to that distance, each point moving within
   the plane of its face and then walked back onto the mesh across edges (straight-line
   distances: at 1 mm the chord and the arc differ by less than 1e-4 on a scalp). Sweeps
   at 0.93 spread the points, in the manner of a Lubachevsky–Stillinger packing [2]_;
   finishing passes then push apart, walking along the mesh, only the pairs still closer
   than 0.88 of their spacing, until valid neighbour lists find none. The mesh's border is
   a wall.
3. **Progressive order.** Weighted sample elimination [3]_ removes the most crowded points
   down to each session's share and then by halves; read backwards, the eliminations give
   an order in which every prefix is itself spread like blue noise at its own density.

References
----------
.. [1] W. G. Cochran, "Sampling Techniques", 3rd ed., Wiley, 1977, §8 (systematic sampling).
.. [2] B. D. Lubachevsky and F. H. Stillinger, "Geometric properties of random disk
   packings", Journal of Statistical Physics 60, 1990. doi:10.1007/BF01025983
.. [3] C. Yuksel, "Sample elimination for generating Poisson disk sample sets", Computer
   Graphics Forum 34(2), 2015. doi:10.1111/cgf.12538
"""

from dataclasses import dataclass

import numpy as np

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM, UnitVectors
from smpstudio.pattern._kernels import (
    closest_in_spacings,
    eliminate,
    face_adjacency,
    face_frames,
    morton_keys,
    neighbour_lists,
    point_grid,
    relax_active,
    relax_pairs,
    settle,
)
from smpstudio.pattern._statistics import HEXAGONAL_DENSITY_SPACING2

RELAX_SCHEDULE: tuple[tuple[float, int], ...] = ((0.93, 10),)
"""Relaxation phases over all points: (target distance as a share of the pair's mean
spacing, sweeps)."""

DEGENERATE_AREA_MM2 = 1e-6
"""Faces of smaller area are walls to the relaxation (scans hold slivers)."""

FINISH_SHARE = 0.88
"""Target distance of the finishing passes, as a share of the pair's mean spacing."""

FINISH_PASSES = 8
"""Most finishing passes: each pushes apart the pairs still closer than ``FINISH_SHARE``,
round after round, visiting only points pushed last round; they stop once a pass finds no
such pair. The neighbour lists are rebuilt between passes only once a point has moved half
their spare reach (so that they still hold every pair that can be too close)."""

FINISH_TRIGGER = 0.985
"""The finishing passes push a pair only when it is closer than this share of its target."""

FINISH_ROUNDS = 10
"""Most rounds in one finishing pass."""

NEIGHBOUR_SKIN = 1.3
"""Neighbour lists reach this many target distances, so that they stay valid while points
move for ``SWEEPS_PER_LIST`` sweeps."""

SWEEPS_PER_LIST = 5
"""Sweeps between rebuilds of the neighbour lists."""

HOLE_PROBES_PER_POINT = 2.0
"""Random probes per point of the target density that look for holes after the relaxation."""

HOLE_SCREEN = 0.6
"""A probe with no point within this share of its spacing is climbed towards the middle of
its hole (the widest gap of a hexagonal packing is 0.58 spacings from its points)."""

HOLE_CLIMB_ROUNDS = 3
"""Times a probe moves to the centre of the circle through its three nearest points."""

HOLE_CLIMB_REACH = 1.4
"""How far, in spacings, a climbing probe looks for the point nearest it."""

HOLE_GRID_CELL = 1.5
"""Cell side of the grid the hole search looks points up in, in median spacings."""

HOLE_CROWD_STRIDE = 8
"""Every this many points is asked for its closest neighbour when choosing which to take
away for a filled hole."""

HOLE_CROWD_REACH = 1.0
"""How far, in spacings, a sampled point looks for its closest neighbour."""

HOLE_FILL = 1.0
"""A climbed probe farther than this many spacings (of the pair's mean) from every point is a
hole: a point is put there and the most crowded point taken away."""

ELIMINATION_EXPONENT = 8.0
"""Exponent α of the elimination weight (1 − d / r)^α (Yuksel 2015 uses 8)."""


@dataclass(frozen=True, slots=True)
class BlueNoise:
    """Points on a surface with their local spacing.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions on the triangles, millimetres.
    face_index : (n,) ndarray of int
        The face each point lies on.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the target density where each point started, millimetres.
    """

    points_mm: PointsMM
    face_index: IntArray
    spacing_mm: FloatArray


def systematic_counts(expected: FloatArray, *, rng: np.random.Generator) -> IntArray:
    """Whole counts whose running sums stay within one of the expected running sums.

    Parameters
    ----------
    expected : (m,) ndarray of float
        Expected count of each cell, in the order the cells are dealt (≥ 0).
    rng : numpy.random.Generator
        Draws the one random start.

    Returns
    -------
    (m,) ndarray of int
        Counts: every run of consecutive cells gets its expected total rounded up or down.

    Examples
    --------
    >>> counts = systematic_counts(np.full(10, 0.25), rng=np.random.default_rng(0))
    >>> int(counts.sum()) in (2, 3), int(counts.max())
    (True, 1)
    """
    cumulative = np.concatenate([[0.0], np.cumsum(expected)])
    return np.diff(np.floor(cumulative + rng.random())).astype(np.int64)


def stratified_points(
    triangles_mm: FloatArray, density_per_mm2: FloatArray, *, rng: np.random.Generator
) -> tuple[PointsMM, IntArray]:
    """Random points on triangles, as many per patch as the density integrates to.

    Parameters
    ----------
    triangles_mm : (m, 3, 3) ndarray of float
        Corners, millimetres.
    density_per_mm2 : (m,) ndarray of float
        Target points per square millimetre on each triangle (≥ 0).
    rng : numpy.random.Generator
        Source of randomness.

    Returns
    -------
    points_mm : (n, 3) ndarray of float
        Uniform within each triangle, millimetres.
    triangle_index : (n,) ndarray of int
        The triangle of each point.
    """
    corners = np.asarray(triangles_mm, dtype=np.float64)
    return _stratified(corners, curve_order(corners), density_per_mm2, rng=rng)


def curve_order(triangles_mm: FloatArray) -> tuple[FloatArray, IntArray]:
    """Each triangle's area and the triangles in Morton (Z-curve) order of their centroids.

    Parameters
    ----------
    triangles_mm : (m, 3, 3) ndarray of float
        Corners, millimetres.

    Returns
    -------
    area_mm2 : (m,) ndarray of float
        Square millimetres.
    order : (m,) ndarray of int
        Triangle indices along the curve (cells of the median triangle's size).
    """
    corners = np.asarray(triangles_mm, dtype=np.float64)
    area = 0.5 * np.linalg.norm(
        np.cross(corners[:, 1] - corners[:, 0], corners[:, 2] - corners[:, 0]), axis=1
    )
    cell = float(np.sqrt(np.median(area[area > 0]))) if np.any(area > 0) else 1.0
    return area, np.argsort(morton_keys(corners.mean(axis=1), cell), kind="stable")


def _stratified(
    corners: FloatArray,
    curve: tuple[FloatArray, IntArray],
    density_per_mm2: FloatArray,
    *,
    rng: np.random.Generator,
) -> tuple[PointsMM, IntArray]:
    """:func:`stratified_points` on triangles whose :func:`curve_order` is known."""
    area, order = curve
    counts = np.zeros(len(corners), dtype=np.int64)
    counts[order] = systematic_counts(density_per_mm2[order] * area[order], rng=rng)
    chosen = np.repeat(np.arange(len(corners)), counts)
    u, v = rng.random(len(chosen)), rng.random(len(chosen))
    flip = u + v > 1
    u[flip], v[flip] = 1 - u[flip], 1 - v[flip]
    t = corners[chosen]
    points = t[:, 0] + u[:, None] * (t[:, 1] - t[:, 0]) + v[:, None] * (t[:, 2] - t[:, 0])
    return np.asarray(points), chosen


def relax_on_mesh(
    points_mm: PointsMM,
    face_index: IntArray,
    spacing_mm: FloatArray,
    surface: tuple[FloatArray, FloatArray, UnitVectors, IntArray],
    *,
    schedule: tuple[tuple[float, int], ...] = RELAX_SCHEDULE,
) -> tuple[PointsMM, IntArray, bool]:
    """Push apart pairs closer than a share of their spacing, walking along the mesh.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Starting positions on the mesh, millimetres.
    face_index : (n,) ndarray of int
        The face each lies on.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the target density at each point, millimetres.
    surface : tuple
        The mesh as :func:`walk_frames` returns it.
    schedule : tuple of (float, int), optional
        Phases of (target share of the pair's mean spacing, sweeps).

    Returns
    -------
    points_mm : (n, 3) ndarray of float
        Relaxed positions, on the mesh.
    face_index : (n,) ndarray of int
        The face each now lies on.
    settled : bool
        True when the last finishing pass found no pair closer than the finishing target
        (walls can pin a pair in a strip narrower than a spacing).
    """
    moved = np.array(points_mm, dtype=np.float64, copy=True)
    anchor = moved.copy()
    face = np.array(face_index, dtype=np.int64, copy=True)
    spacing = np.ascontiguousarray(spacing_mm, dtype=np.float64)
    reach = spacing * NEIGHBOUR_SKIN
    normals = surface[2]
    if len(moved) < 2:
        return moved, face, True
    for share, sweeps in schedule:
        done = 0
        while done < sweeps:
            offsets, neighbours = neighbour_lists(moved, reach * share)
            batch = min(SWEEPS_PER_LIST, sweeps - done)
            relax_pairs(moved, face, normals, spacing, share, offsets, neighbours, batch)
            settle(moved, anchor, face, *surface)
            done += batch
    # a neighbour list holds every pair that can come closer than its target while no point
    # has moved half the list's spare reach since it was built (a Verlet list): passes keep
    # it until then; the finish ends when a pass over a valid list finds no pair too close
    spare = (NEIGHBOUR_SKIN - 1.0) * FINISH_SHARE * float(spacing.min())
    listed_at = None
    for _ in range(FINISH_PASSES):
        if listed_at is None or _farthest_move(moved, listed_at) >= 0.5 * spare:
            offsets, neighbours = neighbour_lists(moved, reach * FINISH_SHARE)
            listed_at = moved.copy()
        rounds = relax_active(
            moved,
            face,
            spacing,
            FINISH_SHARE,
            FINISH_TRIGGER,
            offsets,
            neighbours,
            FINISH_ROUNDS,
            *surface,
        )
        if rounds == 0:
            return moved, face, True
    return moved, face, False


def _farthest_move(points_mm: PointsMM, before_mm: PointsMM) -> float:
    """The largest straight-line distance any point has moved, millimetres."""
    return float(np.sqrt(np.max(np.sum((points_mm - before_mm) ** 2, axis=1))))


def walk_frames(
    vertices_mm: PointsMM, faces: IntArray
) -> tuple[FloatArray, FloatArray, UnitVectors, IntArray]:
    """What the relaxation needs to walk points along a mesh.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices, counter-clockwise from outside.

    Returns
    -------
    corners_mm : (f, 3, 3) ndarray of float
        Each face's corners, millimetres.
    dual : (f, 2, 3) ndarray of float
        Vectors in each face's plane whose dot products with (p − origin) are the
        barycentric weights of corners 1 and 2, per millimetre.
    normals : (f, 3) ndarray of float
        Unit normals (zero for a degenerate face).
    adjacency : (f, 3) ndarray of int
        The face across the edge opposite each corner; -1 on the border, where more than
        two faces share the edge, or where the face across is degenerate.
    """
    f = np.ascontiguousarray(faces, dtype=np.int64)
    corners, dual, normal, double_area = face_frames(
        np.ascontiguousarray(vertices_mm, dtype=np.float64), f
    )
    adjacency = face_adjacency(f)
    # a walker never enters a degenerate face (no plane to move in): its edges are walls
    degenerate = double_area <= DEGENERATE_AREA_MM2 * 2.0
    adjacency[(adjacency >= 0) & degenerate[np.maximum(adjacency, 0)]] = -1
    return corners, dual, normal, adjacency


def blue_noise_on_mesh(
    vertices_mm: PointsMM,
    faces: IntArray,
    density_per_mm2: FloatArray,
    *,
    rng: np.random.Generator,
    schedule: tuple[tuple[float, int], ...] = RELAX_SCHEDULE,
) -> BlueNoise:
    """Blue-noise points on a triangle mesh at a density given per face.

    Parameters
    ----------
    vertices_mm : (v, 3) ndarray of float
        Millimetres.
    faces : (f, 3) ndarray of int
        Vertex indices, counter-clockwise from outside; the points stay on these faces.
    density_per_mm2 : (f,) ndarray of float
        Target points per square millimetre on each face (0: none start there).
    rng : numpy.random.Generator
        Source of randomness; the same state gives the same points.
    schedule : tuple of (float, int), optional
        Relaxation phases (:func:`relax_on_mesh`).

    Returns
    -------
    BlueNoise
        The points, their faces and the spacing each was relaxed to.

    Raises
    ------
    ValueError
        If the densities do not match the faces, or one is negative or not finite.

    Notes
    -----
    The count is the density's integral, rounded by the random start of the stratification
    (module notes), less any point :func:`crowded_points` drops. A point's spacing is the
    hexagonal spacing of its starting face's density, √(2 / (√3 λ)). The mesh's border is a
    wall: points that reach it stop there.
    """
    v = np.asarray(vertices_mm, dtype=np.float64)
    f = np.asarray(faces, dtype=np.int64)
    density = np.asarray(density_per_mm2, dtype=np.float64)
    if density.shape != (len(f),):
        raise ValueError(f"one density per face: {len(f)} faces, {density.shape} densities")
    if np.any(~np.isfinite(density)) or np.any(density < 0):
        raise ValueError("densities must be finite and ≥ 0")
    surface = walk_frames(v, f)
    curve = curve_order(surface[0])
    start, face = _stratified(surface[0], curve, density, rng=rng)
    spacing = np.sqrt(HEXAGONAL_DENSITY_SPACING2 / density[face])
    points, face, settled = relax_on_mesh(start, face, spacing, surface, schedule=schedule)
    noise = BlueNoise(points, face, spacing)
    if not settled:
        keep = ~crowded_points(points, spacing, FINISH_SHARE * FINISH_TRIGGER)
        noise = BlueNoise(points[keep], face[keep], spacing[keep])
    return fill_holes(noise, density, surface, rng=rng, curve=curve)


def fill_holes(
    noise: BlueNoise,
    density_per_mm2: FloatArray,
    surface: tuple[FloatArray, FloatArray, UnitVectors, IntArray],
    *,
    rng: np.random.Generator,
    curve: tuple[FloatArray, IntArray] | None = None,
) -> BlueNoise:
    """Move the most crowded points into the widest holes, keeping the count.

    Parameters
    ----------
    noise : BlueNoise
        Relaxed points.
    density_per_mm2 : (f,) ndarray of float
        Target points per square millimetre on each face of ``surface``.
    surface : tuple
        The mesh the points lie on, as :func:`walk_frames` returns it.
    rng : numpy.random.Generator
        Draws the probes.
    curve : tuple, optional
        :func:`curve_order` of the surface's faces, when the caller has it.

    Returns
    -------
    BlueNoise
        As many points as ``noise``: those left, then one at the middle of each hole filled.

    Notes
    -----
    A packing relaxed by repulsion alone keeps its vacancies: nothing pulls points into an
    empty circle wider than the pair target. Random probes (``HOLE_PROBES_PER_POINT``) with
    no point within ``HOLE_SCREEN`` of their spacing move, ``HOLE_CLIMB_ROUNDS`` times, to
    the centre of the circle through their three nearest points (the middle of the hole,
    where the empty circle is widest); one farther than ``HOLE_FILL`` mean
    spacings from every point gets a point, and the most crowded point (one of each
    closest pair, the closest first) is taken away for each, so the count and the closest
    pair stay. A new point is farther from every other than any pair target, so nothing
    has to be relaxed again.
    """
    points, face, spacing = noise.points_mm, noise.face_index, noise.spacing_mm
    if len(points) < 2:
        return noise
    probes, probe_face = _stratified(
        surface[0],
        curve_order(surface[0]) if curve is None else curve,
        density_per_mm2 * HOLE_PROBES_PER_POINT,
        rng=rng,
    )
    probe_spacing = np.sqrt(HEXAGONAL_DENSITY_SPACING2 / density_per_mm2[probe_face])
    grid = point_grid(points, HOLE_GRID_CELL * float(np.median(spacing)))
    nearest, _ = _closest(grid, noise, probes, probe_spacing, HOLE_SCREEN, any_within=True)
    wide = np.isinf(nearest[:, 0])
    at, at_face, at_spacing = probes[wide], probe_face[wide], probe_spacing[wide]
    for _ in range(HOLE_CLIMB_ROUNDS):
        _, near = _closest(grid, noise, at, at_spacing, HOLE_CLIMB_REACH, k=3)
        found = near[:, 2] >= 0
        at, at_face, at_spacing, near = at[found], at_face[found], at_spacing[found], near[found]
        move = circumcentres(points[near[:, 0]], points[near[:, 1]], points[near[:, 2]]) - at
        normal = surface[2][at_face]
        move -= np.sum(move * normal, axis=1, keepdims=True) * normal
        # an obtuse triangle's centre lies outside it, far off: stay put
        move[np.linalg.norm(move, axis=1) > HOLE_CLIMB_REACH * at_spacing] = 0.0
        before = at.copy()
        at = at + move
        settle(at, before, at_face, *surface)
    clearance, _ = _closest(grid, noise, at, at_spacing, HOLE_CLIMB_REACH)
    wide = clearance[:, 0] > HOLE_FILL
    at, at_face, at_spacing = at[wide], at_face[wide], at_spacing[wide]
    # the clearance again, as far as a point of the sparsest spacing could lie
    widest = HOLE_FILL * 0.5 * (1.0 + float(spacing.max()) / at_spacing)
    clearance, _ = _closest(grid, noise, at, at_spacing, widest)
    holes = _apart(at, at_spacing, clearance[:, 0], HOLE_FILL)
    crowded = _most_crowded(grid, noise, len(holes))
    holes = holes[: len(crowded)]
    keep = np.ones(len(points), dtype=bool)
    keep[crowded] = False
    return BlueNoise(
        np.concatenate([points[keep], at[holes]]),
        np.concatenate([face[keep], at_face[holes]]),
        np.concatenate([spacing[keep], at_spacing[holes]]),
    )


def circumcentres(a_mm: PointsMM, b_mm: PointsMM, c_mm: PointsMM) -> PointsMM:
    """Centre of the circle through each triple of points, millimetres.

    Parameters
    ----------
    a_mm, b_mm, c_mm : (n, 3) ndarray of float
        The triangles' corners, millimetres.

    Returns
    -------
    (n, 3) ndarray of float
        In each triangle's plane, equidistant from its corners (the first corner where the
        corners are in a line).

    Examples
    --------
    >>> circumcentres(np.array([[0.0, 0, 0]]), np.array([[2.0, 0, 0]]), np.array([[0.0, 2, 0]]))
    array([[1., 1., 0.]])
    """
    ab, ac = b_mm - a_mm, c_mm - a_mm
    n = np.cross(ab, ac)
    nn = np.sum(n * n, axis=1)
    ab2 = np.sum(ab * ab, axis=1)
    ac2 = np.sum(ac * ac, axis=1)
    offset = ac2[:, None] * np.cross(n, ab) + ab2[:, None] * np.cross(ac, n)
    flat = nn <= 1e-18
    offset[~flat] /= 2.0 * nn[~flat, None]
    offset[flat] = 0.0
    return np.asarray(a_mm + offset)


def _closest(
    grid: tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray, float],
    noise: BlueNoise,
    queries_mm: PointsMM,
    query_spacing_mm: FloatArray,
    reach_spacings: float | FloatArray,
    *,
    skip: IntArray | None = None,
    any_within: bool = False,
    k: int = 1,
) -> tuple[FloatArray, IntArray]:
    """:func:`closest_in_spacings` with the reach in each query's spacings."""
    return closest_in_spacings(  # type: ignore[no-any-return]
        grid,
        noise.points_mm,
        noise.spacing_mm,
        np.ascontiguousarray(queries_mm),
        query_spacing_mm,
        np.asarray(reach_spacings * query_spacing_mm, dtype=np.float64),
        np.full(len(queries_mm), -1, dtype=np.int64) if skip is None else skip,
        any_within,
        k,
    )


def _apart(
    points_mm: PointsMM, spacing_mm: FloatArray, clearance: FloatArray, share: float
) -> IntArray:
    """Points of clearance above ``share``, widest first, each apart from those before it.

    Two points taken are at least ``share`` of their mean spacing apart.
    """
    taken: list[int] = []
    for index in np.flatnonzero(clearance > share)[np.argsort(-clearance[clearance > share])]:
        if taken:
            d = np.linalg.norm(points_mm[taken] - points_mm[index], axis=1)
            if np.any(d < share * 0.5 * (spacing_mm[taken] + spacing_mm[index])):
                continue
        taken.append(int(index))
    return np.array(taken, dtype=np.int64)


def _most_crowded(
    grid: tuple[FloatArray, IntArray, IntArray, IntArray, IntArray, IntArray, float],
    noise: BlueNoise,
    count: int,
) -> IntArray:
    """Up to ``count`` points, one of each of the closest pairs (closest first).

    Every ``HOLE_CROWD_STRIDE``-th point is asked for its closest neighbour: the finishing
    passes leave thousands of pairs at their bound, so a sample finds enough of them.
    """
    asked = np.arange(0, len(noise.points_mm), HOLE_CROWD_STRIDE)
    ratios, partners = _closest(
        grid,
        noise,
        noise.points_mm[asked],
        noise.spacing_mm[asked],
        HOLE_CROWD_REACH,
        skip=asked,
    )
    ratio, partner = ratios[:, 0], partners[:, 0]
    taken: list[int] = []
    gone = np.zeros(len(noise.points_mm), dtype=bool)
    for e in np.argsort(ratio, kind="stable"):
        if len(taken) == count or partner[e] < 0:
            break
        if gone[asked[e]] or gone[partner[e]]:
            continue
        gone[asked[e]] = True
        taken.append(int(asked[e]))
    return np.array(taken, dtype=np.int64)


def crowded_points(points_mm: PointsMM, spacing_mm: FloatArray, share: float) -> BoolArray:
    """Points to drop so that no two left are closer than ``share`` × their mean spacing.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Millimetres.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing at each point, millimetres.
    share : float
        Closest allowed distance, in the pair's mean spacing.

    Returns
    -------
    (n,) ndarray of bool
        True on the later point of each pair still too close once earlier drops are made.
        The relaxation leaves such a pair only where walls pin both points (a strip of the
        treated area narrower than a spacing): there is no room for both.
    """
    pts = np.ascontiguousarray(points_mm, dtype=np.float64)
    spacing = np.asarray(spacing_mm, dtype=np.float64)
    drop = np.zeros(len(pts), dtype=bool)
    if len(pts) < 2:
        return drop
    offsets, neighbours = neighbour_lists(pts, spacing * share)
    first = np.repeat(np.arange(len(pts)), np.diff(offsets))
    close = first < neighbours
    for i, j in zip(first[close], neighbours[close], strict=True):
        if not drop[i]:
            drop[j] = True
    return drop


def progressive_order(
    points_mm: PointsMM, spacing_mm: FloatArray, shares: tuple[float, ...]
) -> IntArray:
    """An order of the points in which every prefix is spread like blue noise.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        The full set, millimetres.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the full set's density at each point, millimetres.
    shares : tuple of float
        Cumulative shares (0–1, increasing) at which sessions will cut the order, e.g.
        (0.3, 0.7); the prefix of each share is an exact elimination result.

    Returns
    -------
    (n,) ndarray of int
        Indices into ``points_mm``: the order to place them in.

    Notes
    -----
    Between the shares, and by halves below the smallest, weighted sample elimination
    (Yuksel 2015) removes points down to the next count with the weights sized for that
    count's spacing, s / √share. Reading each elimination backwards puts the removed point
    that was last to go (the one filling the widest gap) first.
    """
    pts = np.ascontiguousarray(points_mm, dtype=np.float64)
    spacing = np.asarray(spacing_mm, dtype=np.float64)
    n = len(pts)
    targets = sorted({round(s * n) for s in shares if 0 < s < 1}, reverse=True) or [n // 2]
    while targets[-1] > 1:
        targets.append(targets[-1] // 2)
    alive = np.arange(n)
    added_back: list[IntArray] = []
    count = n
    for target in targets:
        if target >= count:
            continue
        reach = spacing[alive] * np.sqrt(n / target)
        offsets, neighbours = neighbour_lists(pts[alive], reach)
        removed = eliminate(pts[alive], reach, target, offsets, neighbours, ELIMINATION_EXPONENT)
        added_back.append(alive[removed[::-1]])
        keep = np.ones(count, dtype=bool)
        keep[removed] = False
        alive = alive[keep]
        count = target
    return np.concatenate([alive, *added_back[::-1]]).astype(np.int64)
