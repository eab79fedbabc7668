"""An independent safety check of a device program against the head model and limits."""

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from smpstudio.core import HeadModel, Program
from smpstudio.domain import DEFAULTS, SURFACE_TOLERANCE_MM
from smpstudio.errors import ProgramSafetyError
from smpstudio.head import closest_faces, distance_to_surface_mm

_UNIT_TOLERANCE = 1e-6
_MIN_INWARD_COSINE = 0.98


@dataclass(frozen=True, slots=True)
class SafetyLimits:
    """Limits a program must respect.

    Parameters
    ----------
    max_depth_mm : float
        Largest needle depth setting, millimetres.
    min_spacing_mm : float
        Smallest distance between two impressions of one session, millimetres.
    surface_tolerance_mm : float
        Largest distance of a target from the head surface, millimetres.
    """

    max_depth_mm: float = DEFAULTS["needle_depth_limit_mm"].value
    min_spacing_mm: float = DEFAULTS["min_impression_spacing_mm"].value
    surface_tolerance_mm: float = SURFACE_TOLERANCE_MM


def program_violations(
    program: Program, head: HeadModel, limits: SafetyLimits | None = None
) -> list[str]:
    """List every way ``program`` breaks ``limits`` on ``head`` (empty when safe).

    Parameters
    ----------
    program : Program
        The device program.
    head : HeadModel
        The head the program was planned on.
    limits : SafetyLimits, optional
        Limits; defaults from ``smpstudio.domain``.

    Returns
    -------
    list of str
        One sentence per violated rule, with counts and worst values.

    Notes
    -----
    Checked independently of how the program was made: depth range, unit approach
    vectors pointing into the skin (against the surface normal of the nearest scalp
    face), targets on the surface and on the scalp, no repeated impression, and minimum
    spacing.
    """
    limits = limits or SafetyLimits()
    problems = []
    if not 0 < program.depth_setting_mm <= limits.max_depth_mm:
        problems.append(
            f"depth_setting_mm must be in (0, {limits.max_depth_mm}], "
            f"got {program.depth_setting_mm}"
        )
    if len(program) == 0:
        return problems
    norms = np.linalg.norm(program.approach, axis=1)
    bad_unit = np.abs(norms - 1) > _UNIT_TOLERANCE
    if bad_unit.any():
        problems.append(f"{int(bad_unit.sum())} approach vector(s) are not unit length")
    distance = distance_to_surface_mm(head, program.positions_mm)
    off = distance > limits.surface_tolerance_mm
    if off.any():
        problems.append(
            f"{int(off.sum())} target(s) lie off the head surface (worst {distance.max():.3f} mm, "
            f"limit {limits.surface_tolerance_mm} mm)"
        )
    scalp_distance, nearest = closest_faces(head, program.positions_mm, faces=head.scalp_faces)
    off_scalp = scalp_distance > limits.surface_tolerance_mm
    if off_scalp.any():
        problems.append(f"{int(off_scalp.sum())} target(s) lie outside the scalp region")
    inward = -np.einsum("ij,ij->i", program.approach, head.face_normals[nearest])
    bad_angle = inward < _MIN_INWARD_COSINE * np.maximum(norms, _UNIT_TOLERANCE)
    if bad_angle.any():
        problems.append(
            f"{int(bad_angle.sum())} approach vector(s) do not point into the skin "
            f"(more than {np.degrees(np.arccos(_MIN_INWARD_COSINE)):.0f}° from the inward normal)"
        )
    if len(np.unique(program.impression_index)) != len(program):
        problems.append("an impression appears more than once")
    if len(program) > 1:
        gap, _ = cKDTree(program.positions_mm).query(program.positions_mm, k=2)
        close = gap[:, 1] < limits.min_spacing_mm
        if close.any():
            problems.append(
                f"{int(close.sum())} impression(s) are closer than {limits.min_spacing_mm} mm "
                f"to another (closest {gap[:, 1].min():.3f} mm)"
            )
    return problems


def check_program_safety(
    program: Program, head: HeadModel, limits: SafetyLimits | None = None
) -> None:
    """Raise if ``program`` breaks any safety limit.

    Parameters
    ----------
    program : Program
        The device program.
    head : HeadModel
        The head the program was planned on.
    limits : SafetyLimits, optional
        Limits; defaults from ``smpstudio.domain``.

    Raises
    ------
    ProgramSafetyError
        With every violation found by :func:`program_violations`.
    """
    problems = program_violations(program, head, limits)
    if problems:
        raise ProgramSafetyError(problems)
