import numpy as np
import pytest
import trimesh

from smpstudio.core import Design, HeadModel
from smpstudio.design import default_design
from smpstudio.domain import DEFAULTS
from smpstudio.head import ScalpChart, fit_ellipsoid_head, scalp_chart

SPHERE_RADIUS_MM = 110.0
SPHERE_CENTRE_MM = (0.0, 20.0, 0.0)
"""A head-sized sphere: its top 130 mm above the Frankfort horizontal, like ANSUR II's."""


@pytest.fixture(scope="session")
def head() -> HeadModel:
    """The ANSUR II mean-male ellipsoid head."""
    return fit_ellipsoid_head()


@pytest.fixture(scope="session")
def chart(head: HeadModel) -> ScalpChart:
    """Its scalp chart."""
    return scalp_chart(head)


@pytest.fixture(scope="session")
def sphere() -> tuple[HeadModel, ScalpChart, Design]:
    """A head-sized icosphere, scalp above the lower limit, its chart and default design."""
    mesh = trimesh.creation.icosphere(subdivisions=6, radius=SPHERE_RADIUS_MM)
    vertices = np.asarray(mesh.vertices) + SPHERE_CENTRE_MM
    faces = np.asarray(mesh.faces, dtype=np.int64)
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    head = HeadModel(vertices, faces, vertices[faces].mean(axis=1)[:, 1] >= lower, "sphere")
    return head, scalp_chart(head), default_design(head)
