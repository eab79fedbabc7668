"""Blue noise on the scalp: our Poisson-disk selection vs MeshLab's VCG sampler.

Both sample the scalp faces of the ANSUR II male ellipsoid head at the same absolute
radius (pymeshlab ``generate_sampling_poisson_disk(radius=PureValue(r))``, configured as
``shared/docs/baselines.md`` says: an absolute radius, not a sample count, no exact-count
flag). Figures: time per run, points produced, and the relative radius
ρ = min NN / r_hex with r_hex = √(2A / (√3 n)), which is higher for better-spread points.
"""

import numpy as np
import pymeshlab
from scipy.spatial import cKDTree

from bench._harness import Figure, time_call
from smpstudio.head import (
    PACKING_CONSTANT,
    fit_ellipsoid_head,
    sample_surface_uniform,
    select_poisson_disk,
)
from smpstudio.pattern import CANDIDATES_PER_POINT

RADIUS_MM = 0.83
SEED = 20261125
BASELINE = "pymeshlab 2025.7 generate_sampling_poisson_disk (absolute radius)"


def _relative_radius(points: np.ndarray, area_mm2: float) -> float:
    d, _ = cKDTree(points).query(points, k=2)
    r_hex = np.sqrt(2 * area_mm2 / (np.sqrt(3) * len(points)))
    return float(d[:, 1].min() / r_hex)


def run() -> list[Figure]:
    """Time both samplers on the scalp and compare count and spread."""
    head = fit_ellipsoid_head()
    area = head.scalp_area_mm2
    count = int(np.ceil(area * PACKING_CONSTANT / RADIUS_MM**2 * CANDIDATES_PER_POINT))

    def ours() -> np.ndarray:
        rng = np.random.default_rng(SEED)
        candidates, _ = sample_surface_uniform(head, head.scalp_faces, count, rng=rng)
        kept = select_poisson_disk(candidates, np.full(len(candidates), RADIUS_MM))
        return candidates[kept]

    faces = head.faces[head.scalp_faces].astype(np.int32)

    def meshlab() -> np.ndarray:
        ms = pymeshlab.MeshSet()
        ms.add_mesh(pymeshlab.Mesh(vertex_matrix=head.vertices_mm, face_matrix=faces))
        ms.set_current_mesh(0)
        ms.generate_sampling_poisson_disk(radius=pymeshlab.PureValue(RADIUS_MM))
        return np.asarray(ms.current_mesh().vertex_matrix())

    a = time_call(ours)
    b = time_call(meshlab)
    n_a, n_b = len(a.result), len(b.result)
    rho_a, rho_b = _relative_radius(a.result, area), _relative_radius(b.result, area)
    name = f"poisson-disk scalp {area / 100:.0f} cm², r={RADIUS_MM} mm"
    return [
        Figure(
            name,
            "time",
            a.median_s,
            "s",
            BASELINE,
            b.median_s,
            a.median_s / b.median_s,
            f"IQR ours {a.iqr_s:.3f} s, baseline {b.iqr_s:.3f} s",
        ),
        Figure(name, "points", n_a, "count", BASELINE, n_b, n_a / n_b),
        Figure(name, "relative radius rho", rho_a, "ratio", BASELINE, rho_b, rho_a / rho_b),
    ]
