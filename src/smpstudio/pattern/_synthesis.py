"""Impressions for a design on a head model."""

import numpy as np

from smpstudio.core import Design, HeadModel, Pattern
from smpstudio.design import density_of_points, zone_of_points
from smpstudio.head import sample_surface_uniform, select_poisson_disk
from smpstudio.pattern._poisson import CANDIDATES_PER_POINT, radius_for_density_mm


def synthesize_impressions(head: HeadModel, design: Design, *, rng: np.random.Generator) -> Pattern:
    """Blue-noise impressions inside the design's treated region, at each zone's density.

    The blend zone's density follows the remaining hair (:func:`density_of_points`).

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
        Dots on the surface with face normals, zone ids and dot diameters. Each dot is its
        own follicular unit (``fu_id`` = row) and every session index is 0.

    Notes
    -----
    Candidates are drawn at ``CANDIDATES_PER_POINT`` times the target density, then
    thinned by :func:`select_poisson_disk` with each candidate's radius from
    :func:`radius_for_density_mm` at its target density [1]_.

    References
    ----------
    .. [1] R. L. Cook, "Stochastic sampling in computer graphics", ACM Transactions on
       Graphics 5(1), 1986. doi:10.1145/7529.8927
    """
    highest = max(z.density_per_cm2 for z in design.zones)
    diameters = np.array([z.dot_diameter_mm for z in design.zones])
    scalp_area_cm2 = head.scalp_area_mm2 / 100.0
    count = int(np.ceil(scalp_area_cm2 * highest * CANDIDATES_PER_POINT))
    candidates, face_index = sample_surface_uniform(head, head.scalp_faces, count, rng=rng)
    zone = zone_of_points(head, design, candidates, face_index=face_index)
    density = density_of_points(design, zone, face_index)
    # keep candidates in proportion to the density there, so that every zone is offered
    # the same number of candidates per expected impression
    inside = rng.random(len(zone)) < density / highest
    candidates, face_index, zone = candidates[inside], face_index[inside], zone[inside]
    kept = select_poisson_disk(candidates, radius_for_density_mm(density[inside]))
    n = len(kept)
    return Pattern(
        positions_mm=candidates[kept],
        normals=head.face_normals[face_index[kept]],
        dot_diameter_mm=diameters[zone[kept]],
        fu_id=np.arange(n, dtype=np.int64),
        zone_id=zone[kept],
        session=np.zeros(n, dtype=np.int64),
    )
