"""Building one device program per session: order, instructions, fiducials."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from scipy.spatial import cKDTree

from smpstudio._typing import BoolArray, FloatArray, IntArray, PointsMM
from smpstudio.core import HeadModel, Pattern, Plan, Program, SessionPlan
from smpstudio.domain import DEFAULTS
from smpstudio.errors import PlanValidationError
from smpstudio.head import cast_rays_mm, smooth_normals, surface_digest
from smpstudio.program._formats import DIRECT_TRAVEL_MM
from smpstudio.program._order import order_session

NEEDLE_CONFIGURATIONS = ("1RL", "3RL")
"""Needle groupings SMP uses: single and triple round liner (domain.md §5.1 [RobJames-Needle])."""

FIDUCIAL_DIRECTIONS: Mapping[str, tuple[float, float, float]] = MappingProxyType(
    {
        "vertex": (0.0, 1.0, 0.0),
        "left tragion": (1.0, 0.0, 0.0),
        "right tragion": (-1.0, 0.0, 0.0),
        "forehead midline": (0.0, 0.6, 0.8),
        "occiput midline": (0.0, 0.3, -1.0),
    }
)
"""Fiducials: where a ray from the head-frame origin in this direction leaves the surface.

The origin lies midway between the tragia with x to the client's left (``head-frame.md``),
so the ±x rays land at the ears; the others mark the midline at the top, the forehead
and the back of the head — five points, not coplanar, spread around the treated area."""

SAFE_SHELL_MARGIN_MM = 20.0
"""How far the safe travel shell lies outside the farthest point of the head surface."""

CURVATURE_RADIUS_MM = 50.0
"""Smallest head curvature radius assumed when raising the retract for a long travel: a
straight leg of length c between points h above a sphere of radius R dips c²/(8R)."""

PROGRAM_DEFAULT_NAMES = (
    "program_min_step_mm",
    "program_rest_window",
    "program_redip_every",
    "program_redip_seconds",
    "program_clearance_mm",
    "program_travel_feed_mm_per_min",
    "program_plunge_feed_mm_per_min",
    "needle_dwell_ms",
    "needle_frequency_hz",
    "registration_tolerance_mm",
)
"""The named defaults a program is built with (editable per plan)."""


@dataclass(frozen=True, slots=True)
class ProgramSettings:
    """Operator settings of a device program (each defaults to a named default).

    Parameters
    ----------
    depth_by_zone_mm : mapping of str to float
        Needle depth setting per zone name, millimetres; other zones take the session's.
    zone_order : tuple of str
        Zone names to execute first, in this order; the others follow by zone id.
    needle_configuration : str
        ``"1RL"`` or ``"3RL"``.
    values : mapping of str to float
        The program's named defaults (``program_*``, ``needle_dwell_ms``,
        ``needle_frequency_hz``, ``registration_tolerance_mm``), edited or not.
    """

    depth_by_zone_mm: Mapping[str, float] = field(default_factory=dict)
    zone_order: tuple[str, ...] = ()
    needle_configuration: str = NEEDLE_CONFIGURATIONS[0]
    values: Mapping[str, float] = field(
        default_factory=lambda: {name: DEFAULTS[name].value for name in PROGRAM_DEFAULT_NAMES}
    )

    def __post_init__(self) -> None:
        if self.needle_configuration not in NEEDLE_CONFIGURATIONS:
            raise PlanValidationError(
                f"needle_configuration must be one of {NEEDLE_CONFIGURATIONS}, "
                f"got {self.needle_configuration!r}"
            )
        missing = sorted(set(PROGRAM_DEFAULT_NAMES) - set(self.values))
        if missing:
            raise PlanValidationError(f"program settings lack {missing}")
        for name, depth in self.depth_by_zone_mm.items():
            if not np.isfinite(depth) or depth <= 0:
                raise PlanValidationError(f"depth for zone {name!r} must be > 0 mm, got {depth}")
        object.__setattr__(self, "depth_by_zone_mm", MappingProxyType(dict(self.depth_by_zone_mm)))
        object.__setattr__(self, "values", MappingProxyType(dict(self.values)))

    @classmethod
    def for_plan(
        cls,
        plan: Plan,
        *,
        depth_by_zone_mm: Mapping[str, float] | None = None,
        zone_order: tuple[str, ...] = (),
        needle_configuration: str = NEEDLE_CONFIGURATIONS[0],
    ) -> "ProgramSettings":
        """Settings with the plan's edited defaults applied.

        Parameters
        ----------
        plan : Plan
            The plan (its ``edited_defaults`` override the named defaults).
        depth_by_zone_mm : mapping of str to float, optional
            Depth setting per zone name, millimetres.
        zone_order : tuple of str, optional
            Zone names to execute first.
        needle_configuration : str, optional
            ``"1RL"`` or ``"3RL"``.

        Returns
        -------
        ProgramSettings
            The settings.

        Raises
        ------
        PlanValidationError
            If a zone name is not one of the plan's zones.
        """
        names = {z.name for z in plan.design.zones} if plan.design else set()
        unknown = sorted((set(depth_by_zone_mm or {}) | set(zone_order)) - names)
        if unknown:
            raise PlanValidationError(f"unknown zone(s) {unknown}; the plan has {sorted(names)}")
        return cls(
            depth_by_zone_mm=dict(depth_by_zone_mm or {}),
            zone_order=zone_order,
            needle_configuration=needle_configuration,
            values={name: plan.default_value(name) for name in PROGRAM_DEFAULT_NAMES},
        )


def head_fiducials(head: HeadModel) -> tuple[tuple[str, ...], PointsMM]:
    """The registration fiducials of a head: named points on its surface.

    Parameters
    ----------
    head : HeadModel
        The head surface, head frame.

    Returns
    -------
    names : tuple of str
        Fiducial names (those of :data:`FIDUCIAL_DIRECTIONS` whose ray meets the surface).
    positions_mm : (k, 3) ndarray of float
        Their positions, millimetres, head frame.
    """
    names = tuple(FIDUCIAL_DIRECTIONS)
    directions = np.array([FIDUCIAL_DIRECTIONS[n] for n in names])
    hits = cast_rays_mm(head, np.zeros((len(names), 3)), directions)
    found: BoolArray = np.asarray(np.isfinite(hits).all(axis=1))
    kept = tuple(n for k, n in enumerate(names) if found[k])
    return kept, hits[found]


def _zone_sequence(zone_names: Mapping[int, str], order: tuple[str, ...]) -> list[int]:
    by_name = {name: zid for zid, name in zone_names.items()}
    return [by_name[name] for name in order if name in by_name]


def safe_shell_radius_mm(head: HeadModel) -> float:
    """Radius of the safe travel shell: the head above its lowest scalp point, plus a margin.

    Parameters
    ----------
    head : HeadModel
        The surface (a fitted head may include neck and shoulders; they lie below).

    Returns
    -------
    float
        Distance from the head-frame origin of the farthest surface point above the lowest
        scalp vertex, plus :data:`SAFE_SHELL_MARGIN_MM`, millimetres.
    """
    lowest = head.vertices_mm[np.unique(head.faces[head.scalp_faces]), 1].min()
    above = head.vertices_mm[head.vertices_mm[:, 1] >= lowest]
    return float(np.linalg.norm(above, axis=1).max()) + SAFE_SHELL_MARGIN_MM


def clearance_for_travel(positions_mm: PointsMM, clearance_mm: float) -> FloatArray:
    """Retract per impression: the clearance, raised where a long leg would dip to the skin.

    Parameters
    ----------
    positions_mm : (m, 3) ndarray of float
        Targets in execution order, millimetres.
    clearance_mm : float
        The retract before a short travel, millimetres.

    Returns
    -------
    (m,) ndarray of float
        ``clearance_mm`` plus the sagitta ``c²/(8R)`` (R = :data:`CURVATURE_RADIUS_MM`) of
        the longer of the direct legs into and out of each impression (legs longer than
        :data:`DIRECT_TRAVEL_MM` pass over the safe shell instead).
    """
    leg = np.linalg.norm(np.diff(positions_mm, axis=0), axis=1)
    leg = np.where(leg <= DIRECT_TRAVEL_MM, leg, 0.0)  # longer legs go over the safe shell
    longest = (
        np.maximum(np.append(leg, 0.0), np.insert(leg, 0, 0.0))
        if len(leg)
        else np.zeros(len(positions_mm))
    )
    return np.asarray(clearance_mm + longest**2 / (8 * CURVATURE_RADIUS_MM), dtype=np.float64)


def build_program(
    plan: Plan,
    session: SessionPlan,
    settings: ProgramSettings,
    *,
    plan_id: str,
    healed_mm: PointsMM | None = None,
) -> tuple[Program, IntArray]:
    """The impressions of one session, in device order, with every instruction field.

    Parameters
    ----------
    plan : Plan
        A plan with head, design and a pattern whose session column is filled.
    session : SessionPlan
        The session to build.
    settings : ProgramSettings
        Depth per zone, zone order, needle and the program's named defaults.
    plan_id : str
        Identifier of the plan (its array checksum).
    healed_mm : (h, 3) ndarray of float, optional
        Impressions executed in earlier sessions (from reconciled device logs),
        millimetres, head frame. Planned impressions within the registration tolerance of
        one are left out: the spot already holds healed pigment.

    Returns
    -------
    program : Program
        The session's program.
    avoided : (a,) ndarray of int
        Pattern rows left out because a healed impression is within tolerance.
    """
    assert plan.pattern is not None and plan.head is not None and plan.design is not None
    pattern: Pattern = plan.pattern
    values = settings.values
    rows = np.flatnonzero(pattern.session == session.index)
    avoided = np.zeros(0, dtype=np.int64)
    tolerance = values["registration_tolerance_mm"]
    if healed_mm is not None and len(healed_mm) and len(rows):
        gap, _ = cKDTree(np.asarray(healed_mm, dtype=np.float64)).query(pattern.positions_mm[rows])
        avoided = rows[gap <= tolerance]
        rows = rows[gap > tolerance]
    zone_names = {z.zone_id: z.name for z in plan.design.zones}
    ordered = order_session(
        pattern.positions_mm[rows],
        pattern.zone_id[rows],
        zone_sequence=_zone_sequence(zone_names, settings.zone_order),
        min_step_mm=values["program_min_step_mm"],
        rest_window=int(values["program_rest_window"]),
    )
    rows = rows[ordered.order]
    m = len(rows)
    positions = pattern.positions_mm[rows]
    zones = pattern.zone_id[rows]
    depth_of_zone = {
        zid: settings.depth_by_zone_mm.get(name, session.depth_setting_mm)
        for zid, name in zone_names.items()
    }
    every = max(int(values["program_redip_every"]), 1)
    dwell = values["needle_dwell_ms"]
    fiducial_names, fiducials = head_fiducials(plan.head)
    program = Program(
        session_index=session.index,
        plan_id=plan_id,
        head_digest=surface_digest(plan.head),
        impression_index=rows,
        positions_mm=positions,
        approach=-smooth_normals(plan.head, positions),
        zone_id=zones,
        depth_setting_mm=np.array(
            [depth_of_zone.get(z, session.depth_setting_mm) for z in zones.tolist()], dtype=float
        ).reshape(m),
        dwell_ms=np.full(m, dwell),
        hits=np.full(m, max(round(dwell * values["needle_frequency_hz"] / 1000), 1)),
        clearance_mm=clearance_for_travel(positions, values["program_clearance_mm"]),
        redip_before=np.arange(m) % every == 0,
        needle_configuration=settings.needle_configuration,
        needle_diameter_mm=session.needle_diameter_mm,
        pigment_id=session.pigment_id,
        pigment_lot=session.pigment_lot,
        dilution_water_parts=session.dilution_water_parts,
        travel_feed_mm_per_min=values["program_travel_feed_mm_per_min"],
        plunge_feed_mm_per_min=values["program_plunge_feed_mm_per_min"],
        redip_seconds=values["program_redip_seconds"],
        safe_radius_mm=safe_shell_radius_mm(plan.head),
        fiducial_names=fiducial_names,
        fiducials_mm=fiducials,
        registration_tolerance_mm=tolerance,
        zone_names={z: zone_names[z] for z in np.unique(zones).tolist() if z in zone_names},
        ordering={
            "tour_mm": ordered.tour_mm,
            "zone_order_mm": ordered.zone_order_mm,
            "path_mm": ordered.path_mm,
            "short_steps": ordered.short_steps,
            "min_step_mm": values["program_min_step_mm"],
            "rest_window": values["program_rest_window"],
            "redip_every": every,
            "avoided_healed": len(avoided),
        },
    )
    return program, avoided
