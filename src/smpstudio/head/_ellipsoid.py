"""A metric head model: an ellipsoid skull sized from ANSUR II head measurements."""

import numpy as np
import trimesh

from smpstudio.core import HeadModel
from smpstudio.domain import ANSUR_FEMALE, ANSUR_MALE, DEFAULTS, AnsurHead, Sex

ELLIPSOID_SUBDIVISIONS = 5
"""Icosphere subdivisions: 20,480 triangles, edges ≈ 3 mm, chord sag < 0.02 mm."""


def ellipsoid_axes_mm(
    measures: AnsurHead,
) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
    """Semi-axes and centre of a skull ellipsoid in the head frame.

    Parameters
    ----------
    measures : AnsurHead
        Head breadth, length and tragion-to-top height, millimetres.

    Returns
    -------
    semi_axes_mm : tuple of float
        Semi-axes along x, y, z, millimetres.
    centre_mm : tuple of float
        Centre in the head frame, millimetres.

    Notes
    -----
    x and z semi-axes are half the head breadth and length. The centre lies
    ``head_centre_height_above_tragion_mm`` above the Frankfort horizontal and
    ``head_centre_forward_of_tragion_mm`` along z (both unsourced defaults); the y semi-axis
    puts the vertex at the measured tragion-to-top-of-head height.

    Examples
    --------
    >>> axes, centre = ellipsoid_axes_mm(ANSUR_MALE)
    >>> round(centre[1] + axes[1], 2) == ANSUR_MALE.tragion_to_top_of_head_mm
    True
    """
    cy = DEFAULTS["head_centre_height_above_tragion_mm"].value
    cz = DEFAULTS["head_centre_forward_of_tragion_mm"].value
    axes = (
        measures.head_breadth_mm / 2,
        measures.tragion_to_top_of_head_mm - cy,
        measures.head_length_mm / 2,
    )
    return axes, (0.0, cy, cz)


def fit_ellipsoid_head(sex: Sex = "male") -> HeadModel:
    """Build an ellipsoid head model from the ANSUR II means of one sex.

    Parameters
    ----------
    sex : {"male", "female"}, optional
        Which ANSUR II means to use. Default "male".

    Returns
    -------
    HeadModel
        A closed triangle mesh in millimetres; scalp faces are those whose centroid lies
        above ``scalp_lower_limit_above_frankfort_mm``.

    Notes
    -----
    This is the simple head model of the foundation: it has the mean size of the
    population, not the client's shape. Fitting to photos or loading a scan replaces it
    behind the same ``HeadModel`` value.

    Examples
    --------
    >>> head = fit_ellipsoid_head("male")
    >>> round(float(head.vertices_mm[:, 0].max() * 2), 1)
    154.3
    """
    measures = ANSUR_MALE if sex == "male" else ANSUR_FEMALE
    axes, centre = ellipsoid_axes_mm(measures)
    sphere = trimesh.creation.icosphere(subdivisions=ELLIPSOID_SUBDIVISIONS)
    vertices = np.asarray(sphere.vertices, dtype=np.float64) * axes + centre
    faces = np.asarray(sphere.faces, dtype=np.int64)
    centroid_y = vertices[faces].mean(axis=1)[:, 1]
    lower = DEFAULTS["scalp_lower_limit_above_frankfort_mm"].value
    return HeadModel(
        vertices_mm=vertices,
        faces=faces,
        scalp_faces=centroid_y >= lower,
        source=f"ellipsoid fitted to ANSUR II {sex} means",
    )
