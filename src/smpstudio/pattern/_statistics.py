"""Statistics of a pattern, measured on its coordinates (never on a render).

Pure functions, used by the tests, the benchmarks and the reports. Distances are straight
(chord) distances in the head frame: at the spacings of a pattern (about 1 mm) they differ
from distances along the scalp by less than 1e-4 (the scalp's radius of curvature is about
80 mm).

Spacing is stated as the **hexagonal spacing** d of a density λ: the distance between
neighbours of the hexagonal lattice that has that density, d = √(2 / (√3 λ)). It is the
largest spacing any arrangement of that density can keep, so "no two points closer than
0.85 d" is a strict demand (dart throwing reaches about 0.75 d, Lagae & Dutré 2008).
"""

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM

HEXAGONAL_DENSITY_SPACING2 = 2.0 / np.sqrt(3.0)
"""λ d² of a hexagonal lattice: its density times its spacing squared (dimensionless)."""


def hexagonal_spacing_mm(density_per_cm2: FloatArray | float) -> FloatArray:
    """Spacing of the hexagonal lattice with a given density.

    Parameters
    ----------
    density_per_cm2 : float or ndarray of float
        Points (follicular units or impressions) per square centimetre.

    Returns
    -------
    ndarray of float
        d = √(2 / (√3 λ)), millimetres (λ per mm²).

    Examples
    --------
    >>> float(hexagonal_spacing_mm(100.0).round(4))
    1.0746
    """
    density_per_mm2 = np.asarray(density_per_cm2, dtype=np.float64) / 100.0
    return np.asarray(np.sqrt(HEXAGONAL_DENSITY_SPACING2 / density_per_mm2))


def nearest_neighbour_distances_mm(points_mm: PointsMM) -> FloatArray:
    """Distance from each point to its nearest other point.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions, millimetres.

    Returns
    -------
    (n,) ndarray of float
        Millimetres; empty for fewer than two points.

    Examples
    --------
    >>> nearest_neighbour_distances_mm(np.array([[0.0, 0, 0], [3, 4, 0]])).tolist()
    [5.0, 5.0]
    """
    if len(points_mm) < 2:
        return np.zeros(0)
    d, _ = cKDTree(points_mm).query(points_mm, k=2)
    return np.asarray(d[:, 1], dtype=np.float64)


def relative_radius(points_mm: PointsMM, area_mm2: float) -> float:
    """The closest pair's distance over the hexagonal spacing of the mean density.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions, millimetres.
    area_mm2 : float
        Area they cover, square millimetres.

    Returns
    -------
    float
        ρ = min NN / √(2A / (√3 n)) (Lagae & Dutré 2008): 1 for a hexagonal lattice, about
        0.75 for dart throwing, near 0 for uniform random points.

    Examples
    --------
    >>> grid = np.array([[i, j, 0.0] for i in range(10) for j in range(10)])
    >>> round(relative_radius(grid, 100.0), 3)  # a square grid
    0.931
    """
    spacing = np.sqrt(HEXAGONAL_DENSITY_SPACING2 * area_mm2 / len(points_mm))
    return float(nearest_neighbour_distances_mm(points_mm).min() / spacing)


def pair_correlation(
    points_mm: PointsMM,
    spacing_mm: FloatArray,
    *,
    centres: BoolArray | None = None,
    max_spacings: float = 4.0,
    bins: int = 40,
) -> tuple[FloatArray, FloatArray]:
    """Pair-correlation function g of a pattern, distances in units of the local spacing.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions, millimetres.
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the target density at each point (:func:`hexagonal_spacing_mm`),
        millimetres: a pattern of varying density is measured against its own target.
    centres : (n,) ndarray of bool, optional
        Points whose neighbourhoods are counted; leave out those within
        ``max_spacings`` spacings of the pattern's border, whose rings are not full
        (default: all).
    max_spacings : float, optional
        Largest distance, in spacings.
    bins : int, optional
        Number of equal bins from 0 to ``max_spacings``.

    Returns
    -------
    edges : (bins + 1,) ndarray of float
        Bin edges, in spacings.
    g : (bins,) ndarray of float
        Neighbours found in each ring over those a Poisson pattern of the target density
        would put there: 0 where no pairs are that close, 1 where the points are
        uncorrelated (Illian et al. 2008, §4.3).

    Notes
    -----
    The ring about centre i from s₀ to s₁ spacings holds on average
    λᵢ π dᵢ² (s₁² − s₀²) = (2/√3) π (s₁² − s₀²) points of a Poisson pattern of density λᵢ,
    whatever λᵢ is; the rings are taken as flat (a scalp ring of 4 mm differs by < 0.1 %).
    A pair's distance is measured in the mean of its two points' spacings, which where the
    density varies slowly is the centre's own.
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    d = np.asarray(spacing_mm, dtype=np.float64)
    is_centre = np.ones(len(pts), dtype=bool) if centres is None else np.asarray(centres)
    edges = np.linspace(0.0, max_spacings, bins + 1)
    reach = max_spacings * float(d[is_centre].max(initial=0.0))
    pairs = cKDTree(pts).query_pairs(reach, output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    # in the pair's mean spacing, so that a pair's distance reads the same from either end
    s_pair = np.linalg.norm(pts[i] - pts[j], axis=1) / (0.5 * (d[i] + d[j]))
    # each pair counts once about each end that is a centre
    s = np.concatenate([s_pair[is_centre[i]], s_pair[is_centre[j]]])
    counts = np.histogram(s, bins=edges)[0].astype(np.float64)
    expected = np.count_nonzero(is_centre) * HEXAGONAL_DENSITY_SPACING2 * np.pi * np.diff(edges**2)
    return edges, counts / expected


def largest_hole_spacings(
    points_mm: PointsMM, probes_mm: PointsMM, spacing_at_probes_mm: FloatArray
) -> float:
    """Radius of the largest empty circle, in local spacings.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions, millimetres.
    probes_mm : (m, 3) ndarray of float
        Dense points over the region to search (on the surface, away from its border),
        millimetres; the answer is exact to their own spacing.
    spacing_at_probes_mm : (m,) ndarray of float
        Hexagonal spacing of the target density at each probe, millimetres.

    Returns
    -------
    float
        Max over probes of the distance to the nearest point, over the local spacing:
        1/√3 ≈ 0.577 for a hexagonal lattice. The radius, as ``shared/docs/baselines.md``
        states holes (MeshLab's Poisson disks: 1.19 mean nearest-neighbour distances).
    """
    distance, _ = cKDTree(points_mm).query(probes_mm)
    return float(np.max(distance / np.asarray(spacing_at_probes_mm, dtype=np.float64)))


def closest_pair_spacings(points_mm: PointsMM, spacing_mm: FloatArray) -> float:
    """Distance between the closest two points, in the mean of their local spacings.

    Parameters
    ----------
    points_mm : (n, 3) ndarray of float
        Positions, millimetres (n ≥ 2).
    spacing_mm : (n,) ndarray of float
        Hexagonal spacing of the target density at each point, millimetres.

    Returns
    -------
    float
        1 for a hexagonal lattice; the relative radius ρ where the density is uniform.

    Examples
    --------
    >>> pts = np.array([[0.0, 0, 0], [1, 0, 0], [3, 0, 0]])
    >>> closest_pair_spacings(pts, np.array([1.0, 1.0, 2.0]))
    1.0
    """
    pts = np.asarray(points_mm, dtype=np.float64)
    spacing = np.asarray(spacing_mm, dtype=np.float64)
    d, i = cKDTree(pts).query(pts, k=2)
    return float((d[:, 1] / (0.5 * (spacing + spacing[i[:, 1]]))).min())


def density_per_zone(
    zone_id: IntArray, zone_area_cm2: FloatArray, *, weights: FloatArray | None = None
) -> FloatArray:
    """Points per square centimetre in each zone.

    Parameters
    ----------
    zone_id : (n,) ndarray of int
        Zone of each point (0 … z − 1).
    zone_area_cm2 : (z,) ndarray of float
        Area of each zone, square centimetres.
    weights : (n,) ndarray of float, optional
        What each point counts for (e.g. its impressions, for the impressions per cm² of
        follicular-unit centres); 1 by default.

    Returns
    -------
    (z,) ndarray of float
        Per cm²; NaN for a zone of no area.

    Examples
    --------
    >>> density_per_zone(np.array([0, 0, 1]), np.array([2.0, 0.5])).tolist()
    [1.0, 2.0]
    """
    area = np.asarray(zone_area_cm2, dtype=np.float64)
    counts = np.bincount(zone_id, weights=weights, minlength=len(area))[: len(area)]
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(np.where(area > 0, counts / area, np.nan))
