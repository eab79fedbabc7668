"""The safety validator: judges a program as read from its file, independent of the generator.

It may use the readers (``_formats``), the head surface and the design's outlines, never
the code that ordered or built the program (``tests/program`` checks the imports).
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray
from smpstudio.core import Design, HeadModel, Program
from smpstudio.design import inside_outline
from smpstudio.domain import DEFAULTS, SURFACE_TOLERANCE_MM
from smpstudio.errors import ProgramSafetyError
from smpstudio.head import closest_faces, scalp_chart, surface_digest
from smpstudio.program._formats import routed_legs

UNIT_TOLERANCE = 1e-6
"""How far from 1 an approach vector's length may be."""

MAX_APPROACH_DEG = 15.0
"""Largest angle between an approach and the validator's own estimate of the inward normal.
A geometric tolerance (the estimate averages faces within :data:`NORMAL_RADIUS_MM`), not a
clinical value."""

NORMAL_RADIUS_MM = 2.0
"""Gaussian radius of the validator's surface-normal estimate (area-weighted face normals)."""

DENSITY_RADIUS_MM = 2.5
"""Radius of the disc in which the validator counts impressions for local density."""

HEAD_DISTANCE_MM = (40.0, 250.0)
"""Median distance of scalp targets from the head-frame origin that reads as millimetres."""

SHORT_LEG_MM = 5.0
"""Travel segments up to this long are checked at their midpoint only; longer ones also at
their quarter points."""

THIN_FEATURE_MM = 5.0
"""Near non-scalp faces (ears), a travel point counts as inside the head only this deep."""

_NORMAL_FACES = 24


@dataclass(frozen=True, slots=True)
class SafetyLimits:
    """Limits a program must respect (named defaults in ``smpstudio.domain``).

    Parameters
    ----------
    min_depth_mm, max_depth_mm : float
        Accepted needle depth settings, millimetres.
    min_spacing_mm : float
        Smallest distance between two impressions of one session, millimetres.
    max_density_per_cm2 : float
        Largest local density of one session (disc of :data:`DENSITY_RADIUS_MM`).
    min_clearance_mm : float
        Smallest retract before travelling, millimetres.
    surface_tolerance_mm : float
        Largest distance of a target from the head surface, millimetres.
    """

    min_depth_mm: float = DEFAULTS["needle_depth_min_mm"].value
    max_depth_mm: float = DEFAULTS["needle_depth_limit_mm"].value
    min_spacing_mm: float = DEFAULTS["min_impression_spacing_mm"].value
    max_density_per_cm2: float = DEFAULTS["max_design_density_per_cm2"].value
    min_clearance_mm: float = DEFAULTS["program_min_clearance_mm"].value
    surface_tolerance_mm: float = SURFACE_TOLERANCE_MM

    @classmethod
    def from_defaults(cls, value: Callable[[str], float]) -> "SafetyLimits":
        """Limits from named defaults (e.g. ``plan.default_value``, with the plan's edits).

        Parameters
        ----------
        value : callable
            Returns a named default's value.

        Returns
        -------
        SafetyLimits
            The limits.

        Raises
        ------
        ValueError
            If the depth range is empty or a limit is not positive.
        """
        limits = cls(
            min_depth_mm=value("needle_depth_min_mm"),
            max_depth_mm=value("needle_depth_limit_mm"),
            min_spacing_mm=value("min_impression_spacing_mm"),
            max_density_per_cm2=value("max_design_density_per_cm2"),
            min_clearance_mm=value("program_min_clearance_mm"),
        )
        if not 0 < limits.min_depth_mm < limits.max_depth_mm:
            raise ValueError(
                f"needle depth limits must satisfy 0 < min < max, got "
                f"{limits.min_depth_mm}, {limits.max_depth_mm}"
            )
        if min(limits.min_spacing_mm, limits.max_density_per_cm2, limits.min_clearance_mm) <= 0:
            raise ValueError("spacing, density and clearance limits must be > 0")
        return limits


@dataclass(frozen=True, slots=True)
class Violation:
    """One broken rule.

    Parameters
    ----------
    index : int or None
        Instruction number (0-based, execution order), or None for the whole program.
    rule : str
        Short rule name (``"off-scalp"``, ``"depth"``, ...).
    reason : str
        What is wrong, with the values.
    """

    index: int | None
    rule: str
    reason: str

    def __str__(self) -> str:
        where = "program" if self.index is None else f"instruction {self.index}"
        return f"{where}: {self.rule}: {self.reason}"


def _unit_hint(median_mm: float) -> str:
    if median_mm < 1.0:
        return "they look like metres (×1000 needed)"
    if 1.5 < median_mm < 12.0:
        return "they look like inches (×25.4 needed)"
    return "they are not millimetres in the head frame"


def _inward_normals(head: HeadModel, points: FloatArray) -> FloatArray:
    """The validator's own inward normal: Gaussian-weighted, area-weighted face normals."""
    tri = head.triangles_mm
    centres = tri.mean(axis=1)
    cross = np.cross(tri[:, 1] - tri[:, 0], tri[:, 2] - tri[:, 0])  # |cross| = 2·area
    k = min(_NORMAL_FACES, len(centres))
    dist, idx = cKDTree(centres).query(points, k=k)
    dist, idx = dist.reshape(len(points), k), idx.reshape(len(points), k)
    weight = np.exp(-0.5 * (dist / NORMAL_RADIUS_MM) ** 2)
    normal = np.einsum("ij,ijk->ik", weight, cross[idx])
    return np.asarray(-normal / np.maximum(np.linalg.norm(normal, axis=1, keepdims=True), 1e-300))


def _signed_height(head: HeadModel, points: FloatArray) -> FloatArray:
    """Distance to the surface, negative inside the head.

    Inside means behind the nearest face's normal where that face is scalp (a smooth
    shell), or anywhere deeper than :data:`THIN_FEATURE_MM`; nearer to other faces (the
    back of an ear) the side is not trusted and the distance counts as clearance.
    """
    distance, face = closest_faces(head, points)
    side = np.einsum(
        "ij,ij->i", points - head.triangles_mm[face].mean(axis=1), head.face_normals[face]
    )
    inside = (side < 0) & (head.scalp_faces[face] | (distance > THIN_FEATURE_MM))
    return np.asarray(np.where(inside, -distance, distance))


def _add(out: list[Violation], mask: BoolArray, rule: str, reasons: list[str]) -> None:
    for k, why in zip(np.flatnonzero(mask).tolist(), reasons, strict=True):
        out.append(Violation(k, rule, why))


def program_violations(
    program: Program,
    head: HeadModel,
    design: Design | None = None,
    limits: SafetyLimits | None = None,
) -> list[Violation]:
    """Every way ``program`` breaks a safety rule on ``head`` (empty when safe).

    Parameters
    ----------
    program : Program
        The program, as read from its file.
    head : HeadModel
        The head surface the program must run on.
    design : Design, optional
        The plan's design; its exclusion outlines are no-go areas.
    limits : SafetyLimits, optional
        Limits; named defaults otherwise.

    Returns
    -------
    list of Violation
        Sorted by instruction (program-wide ones first), each with its reason.

    Notes
    -----
    Rules: the head-surface digest matches; positions are millimetres; every number is
    finite; targets lie on the surface, on the scalp and outside exclusions; the depth
    setting is within limits; approach vectors are unit and within
    :data:`MAX_APPROACH_DEG` of the inward normal (estimated here, independently);
    dwell and hits are positive; no impression twice and no two hits nearer than the
    needle's diameter (near-duplicates) or the minimum spacing; local density within the
    maximum; a retract of at least the minimum clearance before each travel, and travel
    that stays above the skin.
    """
    lim = limits or SafetyLimits()
    out: list[Violation] = []
    if program.head_digest != surface_digest(head):
        out.append(
            Violation(
                None,
                "surface",
                "head-surface digest does not match this head "
                f"(program {program.head_digest[:19]}…, head {surface_digest(head)[:19]}…)",
            )
        )
    m = len(program)
    if m == 0:
        return out
    pos, app = program.positions_mm, program.approach
    row_values = np.column_stack(
        [pos, app, program.depth_setting_mm, program.dwell_ms, program.clearance_mm]
    )
    finite: BoolArray = np.asarray(np.isfinite(row_values).all(axis=1))
    _add(
        out,
        ~finite,
        "non-finite",
        ["a position, approach, depth, dwell or clearance is NaN or infinite"]
        * int((~finite).sum()),
    )
    ok = np.flatnonzero(finite)
    if len(ok) == 0:
        return out
    radius = np.linalg.norm(pos[ok], axis=1)
    median = float(np.median(radius))
    if not HEAD_DISTANCE_MM[0] <= median <= HEAD_DISTANCE_MM[1]:
        out.append(
            Violation(
                None,
                "units",
                f"targets lie a median {median:.4g} from the head-frame "
                f"origin, expected {HEAD_DISTANCE_MM[0]:g}–{HEAD_DISTANCE_MM[1]:g} mm: "
                + _unit_hint(median),
            )
        )
        return sorted(out, key=lambda v: -1 if v.index is None else v.index)
    depth = program.depth_setting_mm
    bad_depth = finite & ((depth < lim.min_depth_mm) | (depth > lim.max_depth_mm))
    _add(
        out,
        bad_depth,
        "depth",
        [
            f"depth setting {d:g} mm outside [{lim.min_depth_mm:g}, {lim.max_depth_mm:g}] mm"
            + (" (micrometres?)" if d > 100 else " (metres?)" if 0 < d < 0.01 else "")
            for d in depth[bad_depth]
        ],
    )
    work = finite & ((program.dwell_ms <= 0) | (program.hits < 1))
    _add(
        out,
        work,
        "no work",
        [
            f"dwell {d:g} ms, {h} hits"
            for d, h in zip(program.dwell_ms[work], program.hits[work], strict=True)
        ],
    )
    distance = np.full(m, np.inf)
    distance[ok], _ = closest_faces(head, pos[ok])
    off = finite & (distance > lim.surface_tolerance_mm)
    _add(
        out,
        off,
        "off surface",
        [
            f"target {d:.3f} mm from the head surface (limit {lim.surface_tolerance_mm} mm)"
            for d in distance[off]
        ],
    )
    scalp = np.full(m, np.inf)
    scalp[ok], _ = closest_faces(head, pos[ok], faces=head.scalp_faces)
    off_scalp = finite & ~off & (scalp > lim.surface_tolerance_mm)
    _add(
        out,
        off_scalp,
        "off scalp",
        [f"target {d:.1f} mm from the scalp region" for d in scalp[off_scalp]],
    )
    exclusions = [z for z in design.zones if z.kind == "exclusion"] if design else []
    chart = scalp_chart(head) if exclusions else None
    for zone in exclusions:
        if chart is not None and zone.outline_mm is not None:
            inside = np.zeros(m, dtype=bool)
            inside[ok] = inside_outline(chart, zone.outline_mm, pos[ok])
            _add(
                out,
                inside,
                "exclusion",
                [f"target inside exclusion {zone.name!r}"] * int(inside.sum()),
            )
    norms = np.linalg.norm(app, axis=1)
    not_unit = finite & (np.abs(norms - 1) > UNIT_TOLERANCE)
    _add(
        out,
        not_unit,
        "approach",
        [f"approach vector has length {n:.6f}, not 1" for n in norms[not_unit]],
    )
    inward = np.zeros((m, 3))
    inward[ok] = _inward_normals(head, pos[ok])
    cosine = np.einsum("ij,ij->i", app, inward) / np.maximum(norms, 1e-300)
    angle = np.degrees(np.arccos(np.clip(cosine, -1, 1)))
    tilted = finite & ~not_unit & (angle > MAX_APPROACH_DEG)
    _add(
        out,
        tilted,
        "approach",
        [
            f"approach {a:.1f}° from the inward normal (limit {MAX_APPROACH_DEG:g}°)"
            for a in angle[tilted]
        ],
    )
    _, first = np.unique(program.impression_index, return_index=True)
    repeated = np.ones(m, dtype=bool)
    repeated[first] = False
    _add(
        out,
        repeated,
        "duplicate",
        [
            f"impression {i} already done earlier in this program"
            for i in program.impression_index[repeated]
        ],
    )
    tree = cKDTree(pos[ok])
    pairs = tree.query_pairs(lim.min_spacing_mm, output_type="ndarray")
    if len(pairs):
        a, b = ok[pairs[:, 0]], ok[pairs[:, 1]]
        later, earlier = np.maximum(a, b), np.minimum(a, b)
        gap = np.linalg.norm(pos[a] - pos[b], axis=1)
        for k, j, g in sorted(zip(later.tolist(), earlier.tolist(), gap.tolist(), strict=True)):
            if program.impression_index[k] == program.impression_index[j]:
                continue  # reported as a duplicate
            if g < program.needle_diameter_mm:
                out.append(
                    Violation(
                        k,
                        "near-duplicate",
                        f"{g:.3f} mm from instruction {j}, within the needle's "
                        f"{program.needle_diameter_mm:g} mm",
                    )
                )
            else:
                out.append(
                    Violation(
                        k,
                        "spacing",
                        f"{g:.3f} mm from instruction {j}, "
                        f"below the {lim.min_spacing_mm:g} mm minimum",
                    )
                )
    count = np.zeros(m)
    count[ok] = tree.query_ball_point(pos[ok], DENSITY_RADIUS_MM, return_length=True)
    density = count / (np.pi * DENSITY_RADIUS_MM**2) * 100.0
    dense = finite & (density > lim.max_density_per_cm2)
    _add(
        out,
        dense,
        "density",
        [
            f"{d:.0f} impressions/cm² within {DENSITY_RADIUS_MM:g} mm, "
            f"above {lim.max_density_per_cm2:g}"
            for d in density[dense]
        ],
    )
    low = finite & (program.clearance_mm < lim.min_clearance_mm)
    _add(
        out,
        low,
        "retract",
        [
            f"retract {c:.2f} mm before travel, below {lim.min_clearance_mm:g} mm"
            for c in program.clearance_mm[low]
        ],
    )
    out += _travel_violations(program, head, finite & ~low, lim)
    return sorted(out, key=lambda v: -1 if v.index is None else v.index)


def _travel_violations(
    program: Program, head: HeadModel, usable: BoolArray, lim: SafetyLimits
) -> list[Violation]:
    """Travel between clearance points (straight, or over the safe shell) stays above the skin."""
    out = []
    usable_y = program.positions_mm[usable, 1]
    bottom_y = float(usable_y.min()) if len(usable_y) else 0.0
    above = head.vertices_mm[head.vertices_mm[:, 1] >= bottom_y]
    farthest = float(np.linalg.norm(above, axis=1).max()) if len(above) else 0.0
    if not program.safe_radius_mm >= farthest + lim.min_clearance_mm:
        out.append(
            Violation(
                None,
                "travel",
                f"safe shell radius {program.safe_radius_mm:g} mm does not clear "
                f"the head (farthest surface point above the lowest target {farthest:.1f} mm)",
            )
        )
    up = program.positions_mm - program.clearance_mm[:, None] * program.approach
    legs = np.flatnonzero(usable[:-1] & usable[1:])
    fractions = np.array([0.25, 0.5, 0.75])
    routed = routed_legs(up, program.safe_radius_mm)
    direct = np.array([k for k in legs.tolist() if k + 1 not in routed], dtype=np.int64)
    starts, ends, owner = [up[direct]], [up[direct + 1]], [direct]
    for k in legs.tolist():
        if k + 1 in routed:
            polyline = np.concatenate([up[k : k + 1], routed[k + 1], up[k + 1 : k + 2]])
            starts.append(polyline[:-1])
            ends.append(polyline[1:])
            owner.append(np.full(len(polyline) - 1, k))
    if len(legs) == 0:
        return out
    a, b = np.concatenate(starts), np.concatenate(ends)
    leg_of = np.concatenate(owner)
    # the midpoint of every segment; the quarter points too where a segment is long
    # enough to bend round the head (a short leg dips at most c²/8R at its middle)
    longer = np.linalg.norm(b - a, axis=1) > SHORT_LEG_MM
    samples = np.concatenate(
        [a + 0.5 * (b - a)]
        + [a[longer] + f * (b[longer] - a[longer]) for f in fractions if f != 0.5]
    )
    sample_leg = np.concatenate([leg_of] + [leg_of[longer]] * (len(fractions) - 1))
    lowest = np.full(len(program), np.inf)
    np.minimum.at(lowest, sample_leg, _signed_height(head, samples))
    for k in np.flatnonzero(lowest < lim.min_clearance_mm / 2).tolist():
        out.append(
            Violation(
                k + 1,
                "travel",
                f"travel from instruction {k} passes {lowest[k]:.2f} mm from the skin "
                "(no safe retract)",
            )
        )
    return out


def check_program_safety(
    program: Program,
    head: HeadModel,
    design: Design | None = None,
    limits: SafetyLimits | None = None,
) -> None:
    """Raise if ``program`` breaks any safety rule.

    Parameters
    ----------
    program : Program
        The program, as read from its file.
    head : HeadModel
        The head surface.
    design : Design, optional
        The design, for its exclusions.
    limits : SafetyLimits, optional
        Limits; named defaults otherwise.

    Raises
    ------
    ProgramSafetyError
        With every violation found by :func:`program_violations`.
    """
    problems = program_violations(program, head, design, limits)
    if problems:
        raise ProgramSafetyError([str(v) for v in problems])
