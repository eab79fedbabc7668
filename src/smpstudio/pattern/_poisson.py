"""Poisson-disk radius for a target impression density.

Impressions are thinned from dense uniform candidates by the head stage's Poisson-disk
selection (:func:`smpstudio.head.select_poisson_disk`); this module sizes its radius.
"""

import numpy as np

from smpstudio._typing import FloatArray
from smpstudio.head import PACKING_CONSTANT

CANDIDATES_PER_POINT = 8
"""Candidates drawn per expected impression."""


def radius_for_density_mm(density_per_cm2: FloatArray | float) -> FloatArray:
    """Poisson-disk radius that yields a target density with this sampler.

    Parameters
    ----------
    density_per_cm2 : float or ndarray of float
        Impressions per square centimetre.

    Returns
    -------
    ndarray of float
        Minimum centre spacing, millimetres.

    Examples
    --------
    >>> float(radius_for_density_mm(100.0).round(3))
    0.742
    """
    density_per_mm2 = np.asarray(density_per_cm2, dtype=np.float64) / 100.0
    return np.sqrt(PACKING_CONSTANT / density_per_mm2)
