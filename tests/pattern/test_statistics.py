"""The pattern statistics against patterns whose statistics are known exactly."""

import numpy as np
import pytest

from smpstudio.pattern import (
    density_per_zone,
    hexagonal_spacing_mm,
    largest_hole_spacings,
    pair_correlation,
    relative_radius,
)

SIDE_MM = 200.0


def _hexagonal_lattice(spacing_mm: float, rows: int, columns: int) -> np.ndarray:
    i, j = np.meshgrid(np.arange(columns), np.arange(rows))
    x = (i + 0.5 * (j % 2)).ravel() * spacing_mm
    y = (j * np.sqrt(3) / 2).ravel() * spacing_mm
    return np.column_stack([x, y, np.zeros(x.size)])


def _away_from_border(points: np.ndarray, margin_mm: float) -> np.ndarray:
    low, high = points[:, :2].min(axis=0) + margin_mm, points[:, :2].max(axis=0) - margin_mm
    return np.all((points[:, :2] > low) & (points[:, :2] < high), axis=1)


def _poisson(count: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.column_stack([rng.random((count, 2)) * SIDE_MM, np.zeros(count)])


def test_hexagonal_lattice_is_its_own_yardstick() -> None:
    """Spacing 1.2 mm: density 100 × 2/(√3 · 1.2²) per cm² gives back 1.2 mm; ρ = 1; the
    largest empty circle is the circumcircle, 2/√3 spacings across; g is 0 below one
    spacing and the first ring holds six neighbours."""
    lattice = _hexagonal_lattice(1.2, 150, 150)
    density = 100 * 2 / (np.sqrt(3) * 1.2**2)
    assert hexagonal_spacing_mm(density) == pytest.approx(1.2)
    area = 150 * 1.2 * 150 * 1.2 * np.sqrt(3) / 2
    assert relative_radius(lattice, area) == pytest.approx(1.0, abs=0.01)
    probes = _poisson(50_000, 1)
    probes = probes[_away_from_border(probes, 0.0)]
    probes = probes[(probes[:, 0] < 170) & (probes[:, 1] < 150)]
    assert largest_hole_spacings(lattice, probes, np.full(len(probes), 1.2)) == pytest.approx(
        1 / np.sqrt(3), rel=0.01
    )
    centres = _away_from_border(lattice, 6.0)
    edges, g = pair_correlation(lattice, np.full(len(lattice), 1.2), centres=centres, bins=38)
    assert np.all(g[edges[1:] <= 0.99] == 0)
    ring = (edges[:-1] < 1.0) & (edges[1:] > 1.0)
    expected_per_ring = 2 / np.sqrt(3) * np.pi * np.diff(edges**2)
    assert float(g[ring] @ expected_per_ring[ring]) == pytest.approx(6.0)


def test_uniform_random_points_are_uncorrelated_and_fail_every_spacing_check() -> None:
    """A Poisson pattern: g within ±0.1 of 1 at every distance, yet points far closer than
    0.85 spacings and holes much wider than 1.5 — the checks a pattern must pass can fail."""
    points = _poisson(40_000, 2)
    spacing = hexagonal_spacing_mm(len(points) / SIDE_MM**2 * 100)
    d = np.full(len(points), spacing)
    edges, g = pair_correlation(points, d, centres=_away_from_border(points, 5 * spacing), bins=8)
    assert np.all(np.abs(g - 1) < 0.1)
    assert relative_radius(points, SIDE_MM**2) < 0.85
    assert np.any(g[edges[1:] <= 0.85] > 0)
    probes = _poisson(20_000, 3)
    probes = probes[_away_from_border(probes, 5.0)]
    assert largest_hole_spacings(points, probes, np.full(len(probes), spacing)) > 1.5


def test_pair_correlation_measures_each_point_against_its_own_target() -> None:
    """Two lattices, 1 mm and 2 mm, side by side: each centre in its own spacings sees its
    first ring at exactly one spacing."""
    fine = _hexagonal_lattice(1.0, 100, 80)
    coarse = _hexagonal_lattice(2.0, 50, 40) + np.array([100.0, 0.0, 0.0])
    points = np.vstack([fine, coarse])
    spacing = np.concatenate([np.full(len(fine), 1.0), np.full(len(coarse), 2.0)])
    centres = _away_from_border(points, 10.0) & (np.abs(points[:, 0] - 90.0) > 20.0)
    edges, g = pair_correlation(points, spacing, centres=centres, bins=38)
    assert np.all(g[edges[1:] <= 0.99] == 0)
    first = int(np.argmax(g > 0))
    assert edges[first] < 1.0 < edges[first + 1]


def test_density_per_zone_counts_points_or_their_weights() -> None:
    zone = np.array([0, 0, 0, 2, 2])
    area = np.array([1.5, 0.0, 4.0])
    assert density_per_zone(zone, area)[[0, 2]].tolist() == [2.0, 0.5]
    assert np.isnan(density_per_zone(zone, area)[1])
    impressions = np.array([1.0, 2.0, 3.0, 4.0, 4.0])
    assert density_per_zone(zone, area, weights=impressions)[[0, 2]].tolist() == [4.0, 2.0]
