"""Pattern synthesis on the real scan's scalp: ours vs MeshLab's Poisson-disk sampler.

The head is the Lee Perry-Smith scan (CC BY 3.0) scaled to the ANSUR II male head breadth
and imported as ``smp head --scan`` does (scalp remeshed to 1.5 mm). Its default design
gives the density map (zones, hairline ramp, stray units); the map is scaled so that the
pattern has 40k, 100k and 300k impressions.

For each size, on the faces the map treats:

* **ours, full synthesis**: follicular-unit centres (blue noise, progressive order) and
  their 1–4 impressions, from the density map: N impressions.
* **ours, blue-noise core**: the same code's centres alone, the map scaled to N centres.
* **baseline**: pymeshlab ``generate_sampling_poisson_disk`` with an absolute radius found
  by bisection (untimed) to give N points, as ``shared/docs/baselines.md`` says; then the
  final call is timed. MeshLab has no variable density: its points are uniform.

Figures: median time (numba compiled and cached beforehand, out of the timing), peak
memory the call adds (forked child), count, relative radius ρ (closest pair over the local
hexagonal spacing) and the largest hole (empty-circle radius over the mean nearest-neighbour
distance, both in local spacings; probes 3 mm inside the treated border).
"""

import dataclasses

import numpy as np
import pymeshlab
from scipy.spatial import cKDTree

from bench._harness import Figure, peak_memory_mb, scan_head, time_call
from smpstudio.design import default_design
from smpstudio.head import sample_triangles
from smpstudio.pattern import (
    BlueNoise,
    DensityMap,
    blue_noise_on_mesh,
    follicular_units,
    fu_density_map,
    hexagonal_spacing_mm,
    impressions_of_units,
    progressive_order,
)

SIZES = (40_000, 100_000, 300_000)
SEED = 20261126
BASELINE = "pymeshlab 2025.7 generate_sampling_poisson_disk (radius bisected to the count)"
PROBES = 400_000
BORDER_MM = 3.0


def _scaled(density_map: DensityMap, factor: float) -> DensityMap:
    return dataclasses.replace(
        density_map, fu_density_per_cm2=density_map.fu_density_per_cm2 * factor
    )


def _meshlab(vertices: np.ndarray, faces: np.ndarray, radius_mm: float) -> np.ndarray:
    ms = pymeshlab.MeshSet()
    ms.add_mesh(pymeshlab.Mesh(vertex_matrix=vertices, face_matrix=faces.astype(np.int32)))
    ms.generate_sampling_poisson_disk(radius=pymeshlab.PureValue(radius_mm))
    return np.asarray(ms.current_mesh().vertex_matrix())


def _meshlab_radius(vertices: np.ndarray, faces: np.ndarray, count: int, area_mm2: float) -> float:
    """Bisect MeshLab's absolute radius until it gives ``count`` points within 0.5 %."""
    guess = float(np.sqrt(area_mm2 / count))
    lo, hi = 0.3 * guess, 1.2 * guess
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        n = len(_meshlab(vertices, faces, mid))
        if abs(n - count) <= 0.005 * count:
            return mid
        lo, hi = (mid, hi) if n > count else (lo, mid)
    return 0.5 * (lo + hi)


def _spread(
    points: np.ndarray, spacing: np.ndarray, probes: np.ndarray, probe_spacing: np.ndarray
) -> tuple[float, float]:
    """(ρ, largest hole over mean NN), distances in local hexagonal spacings."""
    tree = cKDTree(points)
    d, i = tree.query(points, k=2)
    pair = 0.5 * (spacing + spacing[i[:, 1]])
    rho = float((d[:, 1] / pair).min())
    mean_nn = float((d[:, 1] / spacing).mean())
    hole, _ = tree.query(probes)
    return rho, float((hole / probe_spacing).max() / mean_nn)


def run() -> list[Figure]:
    """Synthesise 40k, 100k and 300k impressions and the baseline at the same counts."""
    head = scan_head()
    design = default_design(head)
    base_map = fu_density_map(head, design)
    per_fu = float(
        (base_map.fu_density_per_cm2 * base_map.impressions_per_fu * base_map.area_mm2).sum()
        / (base_map.fu_density_per_cm2 * base_map.area_mm2).sum()
    )
    units_per_map = float((base_map.fu_density_per_cm2 / 100.0 * base_map.area_mm2).sum())
    face_density = base_map.face_density_per_mm2(len(head.faces))
    active = np.flatnonzero(face_density > 0)
    faces = head.faces[active]
    used, inverse = np.unique(faces, return_inverse=True)
    ml_vertices, ml_faces = head.vertices_mm[used], inverse.reshape(-1, 3)
    triangles = head.vertices_mm[faces]
    areas = head.face_areas_mm2[active]
    area = float(areas.sum())
    probes, probe_face = sample_triangles(triangles, areas, PROBES, rng=np.random.default_rng(1))
    border = cKDTree(base_map.points_mm[base_map.fu_density_per_cm2 == 0]).query(probes)[0]
    inside = border > BORDER_MM
    probes, probe_face = probes[inside], probe_face[inside]
    rng_seed = np.random.SeedSequence(SEED)
    # compile and cache the kernels outside the timings
    follicular_units(head, _scaled(base_map, 0.05), rng=np.random.default_rng(rng_seed))
    figures = []
    for size in SIZES:
        factor = size / (units_per_map * per_fu)
        scaled = _scaled(base_map, factor)

        def full(scaled: DensityMap = scaled) -> int:
            rng = np.random.default_rng(rng_seed)
            units = follicular_units(head, scaled, rng=rng)
            return len(impressions_of_units(head, design, units, rng=rng))

        core_density = face_density[active] * size / units_per_map

        def core(core_density: np.ndarray = core_density) -> BlueNoise:
            noise = blue_noise_on_mesh(
                head.vertices_mm, faces, core_density, rng=np.random.default_rng(rng_seed)
            )
            progressive_order(noise.points_mm, noise.spacing_mm, (0.3, 0.7))
            return noise

        radius = _meshlab_radius(ml_vertices, ml_faces, size, area)
        repeats = 3 if size <= 100_000 else 1
        ours_full = time_call(full, repeats=repeats)
        ours_core = time_call(core, repeats=repeats)

        def meshlab(radius: float = radius) -> np.ndarray:
            return _meshlab(ml_vertices, ml_faces, radius)

        base = time_call(meshlab, repeats=repeats, warmup=0)
        mem_full = peak_memory_mb(full)
        mem_base = peak_memory_mb(meshlab)
        noise = ours_core.result
        probe_spacing_ours = hexagonal_spacing_mm(100.0 * core_density[probe_face])
        rho_a, hole_a = _spread(noise.points_mm, noise.spacing_mm, probes, probe_spacing_ours)
        pts_b = base.result
        uniform = float(hexagonal_spacing_mm(100.0 * len(pts_b) / area))
        rho_b, hole_b = _spread(
            pts_b, np.full(len(pts_b), uniform), probes, np.full(len(probes), uniform)
        )
        name = f"pattern {size / 1000:.0f}k on the scan's scalp ({area / 100:.0f} cm² treated)"
        note_runs = f"{repeats} timed runs each"
        figures += [
            Figure(
                name,
                "time, full synthesis (units + impressions)",
                ours_full.median_s,
                "s",
                BASELINE,
                base.median_s,
                ours_full.median_s / base.median_s,
                f"{ours_full.result} impressions, {per_fu:.2f} per unit; {note_runs}",
            ),
            Figure(
                name,
                "time, blue-noise core at the count",
                ours_core.median_s,
                "s",
                BASELINE,
                base.median_s,
                ours_core.median_s / base.median_s,
                f"{len(noise.points_mm)} vs {len(pts_b)} points; {note_runs}",
            ),
            Figure(
                name,
                "peak memory, full synthesis",
                mem_full,
                "MiB",
                BASELINE,
                mem_base,
                mem_full / mem_base,
            ),
            Figure(
                name, "relative radius rho (core)", rho_a, "ratio", BASELINE, rho_b, rho_a / rho_b
            ),
            Figure(
                name,
                "largest hole / mean NN (core)",
                hole_a,
                "ratio",
                BASELINE,
                hole_b,
                hole_a / hole_b,
                "empty-circle radius; both in local spacings",
            ),
        ]
    return figures
